package io.distproc.node;

import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.SeedNode;
import io.distproc.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the environment asks the node to be: its {@link NodeConfig}, the behaviours it registers and
 * its initial process. {@link #parse(Map)} checks every variable and reports all bad ones at once,
 * one line each, so a misconfigured container says everything that is wrong in one start.
 *
 * <p>An empty value counts as unset, so compose files and manifests may leave a variable blank.
 */
record NodeSettings(NodeConfig config, List<String> behaviours, Optional<String> initial) {
  static final String NAME = "DISTPROC_NODE_NAME";
  static final String BIND_HOST = "DISTPROC_BIND_HOST";
  static final String PORT = "DISTPROC_PORT";
  static final String ADVERTISE_HOST = "DISTPROC_ADVERTISE_HOST";
  static final String ADVERTISE_PORT = "DISTPROC_ADVERTISE_PORT";
  static final String SEEDS = "DISTPROC_SEEDS";
  static final String COOKIE = "DISTPROC_COOKIE";
  static final String HEARTBEAT_INTERVAL_MS = "DISTPROC_HEARTBEAT_INTERVAL_MS";
  static final String HEARTBEAT_TIMEOUT_MS = "DISTPROC_HEARTBEAT_TIMEOUT_MS";
  static final String REQUEST_TIMEOUT_MS = "DISTPROC_REQUEST_TIMEOUT_MS";
  static final String BEHAVIOURS = "DISTPROC_BEHAVIOURS";
  static final String INITIAL = "DISTPROC_INITIAL";
  static final String SECURITY = "DISTPROC_SECURITY";
  static final String TLS_CERT = "DISTPROC_TLS_CERT";
  static final String TLS_KEY = "DISTPROC_TLS_KEY";
  static final String TLS_TRUST = "DISTPROC_TLS_TRUST";
  static final String LOG_LEVEL = "DISTPROC_LOG_LEVEL"; // read by logback.xml

  /** Set by Docker (the container id, or the compose/--hostname host name) and Kubernetes. */
  static final String HOSTNAME = "HOSTNAME";

  /** Every variable the node reads, for the warning about unknown DISTPROC_ variables. */
  static final Set<String> KNOWN =
      Set.of(
          NAME,
          BIND_HOST,
          PORT,
          ADVERTISE_HOST,
          ADVERTISE_PORT,
          SEEDS,
          COOKIE,
          HEARTBEAT_INTERVAL_MS,
          HEARTBEAT_TIMEOUT_MS,
          REQUEST_TIMEOUT_MS,
          BEHAVIOURS,
          INITIAL,
          SECURITY,
          TLS_CERT,
          TLS_KEY,
          TLS_TRUST,
          LOG_LEVEL);

  static final int DEFAULT_PORT = 7000;

  /** A seed entry: {@code [name@]host[:port]}, the host a name, an IPv4 address or [IPv6]. */
  private static final Pattern SEED =
      Pattern.compile("(?:([^@\\s]+)@)?(\\[[0-9A-Fa-f:.]+\\]|[^:@\\[\\]\\s]+)(?::([^:\\s]*))?");

  NodeSettings {
    Objects.requireNonNull(config, "config");
    behaviours = List.copyOf(behaviours);
    Objects.requireNonNull(initial, "initial");
  }

  /**
   * Reads the node's settings from environment variables.
   *
   * @param env the environment, such as {@link System#getenv()}
   * @return the settings
   * @throws BadConfigException with a line per bad variable
   */
  static NodeSettings parse(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Reader in = new Reader(env, problems);

    // Unset, the name is the container's host name (Docker and Kubernetes set HOSTNAME: the
    // container id, the pod's name), so `docker-compose up --scale` can add nodes of one service.
    Optional<String> given = in.string(NAME);
    String name =
        given
            .or(
                () ->
                    Optional.ofNullable(env.get(HOSTNAME))
                        .map(String::strip)
                        .filter(h -> !h.isEmpty()))
            .orElse("");
    String source = given.isPresent() ? NAME : NAME + " (unset, so " + HOSTNAME + ")";
    if (name.isEmpty()) {
      problems.add(
          NAME
              + ": required when "
              + HOSTNAME
              + " is unset: the node's name, unique in the cluster (e.g. alpha)");
    } else {
      try {
        NodeId.checkName(name);
      } catch (IllegalArgumentException e) {
        problems.add(source + ": " + e.getMessage());
      }
    }
    String bindHost = in.string(BIND_HOST).orElse("0.0.0.0");
    if (bindHost.chars().anyMatch(c -> c <= ' ')) {
      problems.add(
          BIND_HOST + ": must be a host name or address without spaces, was '" + bindHost + "'");
    }
    int port =
        in.integer(PORT, 0, 65535, "a port from 0 (any free port) to 65535").orElse(DEFAULT_PORT);
    Optional<String> advertiseHost = in.string(ADVERTISE_HOST);
    advertiseHost
        .filter(h -> h.chars().anyMatch(c -> c <= ' '))
        .ifPresent(
            h ->
                problems.add(
                    ADVERTISE_HOST
                        + ": must be a host name or address without spaces, was '"
                        + h
                        + "'"));
    Optional<Integer> advertisePort =
        in.integer(ADVERTISE_PORT, 1, 65535, "a port from 1 to 65535");
    if (advertisePort.isPresent() && advertiseHost.isEmpty() && in.isValid(ADVERTISE_PORT)) {
      problems.add(ADVERTISE_PORT + ": needs " + ADVERTISE_HOST + " as well");
    }
    if (advertiseHost.isPresent()
        && advertisePort.isEmpty()
        && port == 0
        && in.isValid(ADVERTISE_PORT)) {
      problems.add(
          ADVERTISE_PORT + ": required when " + ADVERTISE_HOST + " is set and " + PORT + " is 0");
    }
    List<SeedNode> seeds = parseSeeds(in.string(SEEDS).orElse(""), name, port, problems);
    Optional<String> cookie = in.string(COOKIE);
    cookie
        .filter(c -> c.length() > 255)
        .ifPresent(c -> problems.add(COOKIE + ": must be 1 to 255 characters, was " + c.length()));
    Duration interval =
        in.millis(HEARTBEAT_INTERVAL_MS).orElse(NodeConfig.DEFAULT_HEARTBEAT_INTERVAL);
    Duration timeout = in.millis(HEARTBEAT_TIMEOUT_MS).orElse(NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT);
    if (in.isValid(HEARTBEAT_INTERVAL_MS)
        && in.isValid(HEARTBEAT_TIMEOUT_MS)
        && timeout.compareTo(interval.multipliedBy(2)) < 0) {
      problems.add(
          HEARTBEAT_TIMEOUT_MS
              + ": must be at least twice the heartbeat interval ("
              + interval.toMillis()
              + " ms), was "
              + timeout.toMillis());
    }
    Optional<Duration> requestTimeout = in.millis(REQUEST_TIMEOUT_MS);
    Optional<TlsConfig> tls = security(in, problems);

    List<String> behaviours = new ArrayList<>();
    String wanted = in.string(BEHAVIOURS).orElse("all");
    if (wanted.equals("all")) {
      behaviours.addAll(BuiltInBehaviours.NAMES);
    } else {
      Set<String> unknown = new TreeSet<>();
      for (String b : new LinkedHashSet<>(List.of(wanted.split(",")))) {
        String trimmed = b.strip();
        if (trimmed.isEmpty()) {
          continue;
        }
        if (BuiltInBehaviours.NAMES.contains(trimmed)) {
          behaviours.add(trimmed);
        } else {
          unknown.add(trimmed);
        }
      }
      if (!unknown.isEmpty()) {
        problems.add(
            BEHAVIOURS
                + ": unknown "
                + String.join(", ", unknown)
                + "; choose from "
                + String.join(", ", BuiltInBehaviours.NAMES)
                + ", or all");
      }
    }
    Optional<String> initial = in.string(INITIAL);
    initial
        .filter(i -> !BuiltInBehaviours.INITIAL_NAMES.contains(i))
        .ifPresent(
            i ->
                problems.add(
                    INITIAL
                        + ": unknown initial process '"
                        + i
                        + "'; choose from "
                        + String.join(", ", BuiltInBehaviours.INITIAL_NAMES)));

    if (!problems.isEmpty()) {
      throw new BadConfigException(problems);
    }
    NodeConfig.Builder b =
        NodeConfig.remote(name).bind(bindHost, port).heartbeat(interval, timeout);
    advertiseHost.ifPresent(h -> b.advertise(h, advertisePort.orElse(port)));
    seeds.forEach(
        s ->
            s.name()
                .ifPresentOrElse(
                    n -> b.seedNode(n, s.host(), s.port()), () -> b.seedNode(s.host(), s.port())));
    cookie.ifPresent(b::cookie);
    requestTimeout.ifPresent(b::requestTimeout);
    tls.ifPresentOrElse(b::tls, b::plaintext);
    try {
      return new NodeSettings(b.build(), behaviours, initial);
    } catch (IllegalArgumentException e) {
      // Everything NodeConfig checks is checked above; should it ever check more, say so plainly.
      List<String> lines = new ArrayList<>();
      for (String line : String.valueOf(e.getMessage()).split("\n")) {
        if (line.startsWith("  ")) {
          lines.add("DISTPROC_*: " + line.strip());
        }
      }
      throw new BadConfigException(
          lines.isEmpty() ? List.of("DISTPROC_*: " + e.getMessage()) : lines);
    }
  }

  /**
   * Reads {@code DISTPROC_SECURITY} ({@code mtls}, {@code tls} or {@code plaintext}; required, as
   * {@link NodeConfig} requires the choice) and, for the first two, the three PEM files. Empty
   * means plaintext, and also when the variable is bad (a problem is recorded then).
   */
  private static Optional<TlsConfig> security(Reader in, List<String> problems) {
    String mode = in.string(SECURITY).orElse("");
    List<String> tlsVars = List.of(TLS_CERT, TLS_KEY, TLS_TRUST);
    switch (mode) {
      case "plaintext" -> {
        tlsVars.stream()
            .filter(v -> in.string(v).isPresent())
            .forEach(v -> problems.add(v + ": set, but " + SECURITY + " is plaintext"));
        return Optional.empty();
      }
      case "mtls", "tls" -> {
        List<String> missing = tlsVars.stream().filter(v -> in.string(v).isEmpty()).toList();
        if (!missing.isEmpty()) {
          missing.forEach(
              v ->
                  problems.add(
                      v
                          + ": required when "
                          + SECURITY
                          + " is "
                          + mode
                          + " (a PEM file inside the container)"));
          return Optional.empty();
        }
        Path cert = Path.of(in.string(TLS_CERT).orElseThrow());
        Path key = Path.of(in.string(TLS_KEY).orElseThrow());
        Path trust = Path.of(in.string(TLS_TRUST).orElseThrow());
        try {
          return Optional.of(
              mode.equals("mtls")
                  ? TlsConfig.mutual(cert, key, trust)
                  : TlsConfig.serverOnly(cert, key, trust));
        } catch (IllegalArgumentException e) {
          // "certificateChain: /x is not a readable file": say it with the variable's name.
          String message = String.valueOf(e.getMessage());
          for (String line : message.lines().skip(1).map(String::strip).toList()) {
            problems.add(
                line.replaceFirst("^certificateChain:", TLS_CERT + ":")
                    .replaceFirst("^privateKey:", TLS_KEY + ":")
                    .replaceFirst("^trustedCertificates:", TLS_TRUST + ":"));
          }
          return Optional.empty();
        }
      }
      case "" -> {
        problems.add(
            SECURITY
                + ": required: mtls (with "
                + TLS_CERT
                + ", "
                + TLS_KEY
                + ", "
                + TLS_TRUST
                + "), tls (the same files; diallers stay anonymous), or plaintext");
        return Optional.empty();
      }
      default -> {
        problems.add(SECURITY + ": must be mtls, tls or plaintext, was '" + mode + "'");
        return Optional.empty();
      }
    }
  }

  /**
   * Parses {@code DISTPROC_SEEDS}: comma-separated {@code name@host:port}, {@code host:port} or
   * {@code host} entries (the port defaults to the node's own). A host without a name may be a DNS
   * name that resolves to several nodes. Entries naming this node are dropped, so every node of a
   * cluster can be given the same list.
   */
  static List<SeedNode> parseSeeds(String value, String self, int ownPort, List<String> problems) {
    List<SeedNode> seeds = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    for (String raw : value.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      Matcher m = SEED.matcher(entry);
      if (!m.matches()) {
        bad.add("'" + entry + "' is not name@host:port, host:port or host");
        continue;
      }
      String name = m.group(1);
      String host = m.group(2);
      if (host.startsWith("[")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      if (m.group(3) == null) {
        if (ownPort == 0) {
          bad.add("'" + entry + "' needs a port (" + PORT + " is 0, so there is no default)");
          continue;
        }
        port = ownPort;
      } else {
        try {
          port = Integer.parseInt(m.group(3));
        } catch (NumberFormatException e) {
          bad.add("'" + entry + "': port must be a number from 1 to 65535");
          continue;
        }
      }
      try {
        SeedNode seed = name == null ? SeedNode.of(host, port) : SeedNode.of(name, host, port);
        if (seed.name().filter(self::equals).isEmpty()) {
          seeds.add(seed);
        }
      } catch (IllegalArgumentException e) {
        bad.add("'" + entry + "': " + e.getMessage());
      }
    }
    if (!bad.isEmpty()) {
      problems.add(SEEDS + ": " + String.join("; ", bad));
    }
    return seeds;
  }

  /** Reads variables and records a problem per bad one. */
  private static final class Reader {
    private final Map<String, String> env;
    private final List<String> problems;
    private final Set<String> invalid = new java.util.HashSet<>();

    Reader(Map<String, String> env, List<String> problems) {
      this.env = env;
      this.problems = problems;
    }

    Optional<String> string(String name) {
      String v = env.get(name);
      return v == null || v.strip().isEmpty() ? Optional.empty() : Optional.of(v.strip());
    }

    Optional<Integer> integer(String name, int min, int max, String what) {
      Optional<String> v = string(name);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      try {
        int n = Integer.parseInt(v.get());
        if (n >= min && n <= max) {
          return Optional.of(n);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      invalid.add(name);
      problems.add(name + ": must be " + what + ", was '" + v.get() + "'");
      return Optional.empty();
    }

    Optional<Duration> millis(String name) {
      return integer(name, 1, Integer.MAX_VALUE, "a positive number of milliseconds")
          .map(Duration::ofMillis);
    }

    boolean isValid(String name) {
      return !invalid.contains(name);
    }
  }
}
