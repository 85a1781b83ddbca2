package io.distproc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to run a node: its name and, for a node that talks to others, where it listens, how others
 * reach it, whom to connect to at start-up, and how fast to notice a silent peer (the seed's {@code
 * Local_config} and {@code Remote_config}).
 *
 * <pre>{@code
 * NodeConfig config = NodeConfig.remote("alpha")
 *     .bind("0.0.0.0", 7001).advertise("alpha.example", 7001)
 *     .seedNode("beta", "beta.example", 7002)
 *     .heartbeat(Duration.ofMillis(500), Duration.ofSeconds(2))
 *     .cookie("a-long-shared-secret")
 *     .tls(TlsConfig.mutual(certificateChain, privateKey, trustedCertificates))
 *     .build();
 * }</pre>
 *
 * <p>A remote configuration must say how its links are secured: {@link Builder#tls} or, knowingly,
 * {@link Builder#plaintext()}; there is no silent default.
 *
 * <p>Instances are immutable and thread-safe; builders are not thread-safe. {@link Builder#build()}
 * checks every field and reports all bad ones in one {@link IllegalArgumentException}, one line
 * each.
 *
 * @since 0.1.0
 */
public final class NodeConfig {
  /** The default interval between heartbeats. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(500);

  /**
   * The default silence after which a peer is declared down: a peer that stops answering is
   * declared down 2 s after the last heartbeat or message that arrived from it.
   */
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);

  /** The default deadline of a request to a peer (connect, remote spawn, monitor). */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final String name;
  private final boolean remote;
  private final String bindHost;
  private final int bindPort;
  private final String advertisedHost; // empty: derived by the runtime
  private final int advertisedPort; // 0: the bound port
  private final List<SeedNode> seedNodes;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTimeout;
  private final Duration requestTimeout;
  private final String cookie; // empty: none
  private final @Nullable TlsConfig tls; // null: plaintext

  private NodeConfig(Builder b) {
    this.name = b.name;
    this.remote = b.remote;
    this.bindHost = b.bindHost;
    this.bindPort = b.bindPort;
    this.advertisedHost = b.advertisedHost;
    this.advertisedPort = b.advertisedPort;
    this.seedNodes = List.copyOf(b.seedNodes);
    this.heartbeatInterval = b.heartbeatInterval;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.requestTimeout = b.requestTimeout;
    this.cookie = b.cookie;
    this.tls = b.tls;
  }

  /**
   * Starts the configuration of a local-only node: it cannot talk to other nodes, and {@code
   * addRemoteNode}/{@code removeRemoteNode} throw {@link LocalOnlyModeException}.
   *
   * @param name the node's name (checked by {@link Builder#build()})
   * @return a builder
   * @throws NullPointerException if {@code name} is null
   */
  public static Builder local(String name) {
    return new Builder(Objects.requireNonNull(name, "name"), false);
  }

  /**
   * Starts the configuration of a node that talks to other nodes. Needs a transport module on the
   * class path (distproc-grpc-transport).
   *
   * @param name the node's name, unique in the cluster (checked by {@link Builder#build()})
   * @return a builder
   * @throws NullPointerException if {@code name} is null
   */
  public static Builder remote(String name) {
    return new Builder(Objects.requireNonNull(name, "name"), true);
  }

  /**
   * Returns the node's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Tells whether the node talks to other nodes.
   *
   * @return {@code true} for a remote configuration, {@code false} for local-only
   */
  public boolean isRemote() {
    return remote;
  }

  /**
   * Returns the address the node listens on ({@code 0.0.0.0} by default).
   *
   * @return the bind host
   */
  public String bindHost() {
    return bindHost;
  }

  /**
   * Returns the port the node listens on; 0 (the default) picks a free one.
   *
   * @return the bind port
   */
  public int bindPort() {
    return bindPort;
  }

  /**
   * Returns the host other nodes use to reach this one, if set; otherwise the runtime derives it
   * from the bind host (or the machine's host name when bound to a wildcard address).
   *
   * @return the advertised host, or empty
   */
  public Optional<String> advertisedHost() {
    return advertisedHost.isEmpty() ? Optional.empty() : Optional.of(advertisedHost);
  }

  /**
   * Returns the port other nodes use to reach this one, if set; otherwise the bound port.
   *
   * @return the advertised port, or empty
   */
  public Optional<Integer> advertisedPort() {
    return advertisedPort == 0 ? Optional.empty() : Optional.of(advertisedPort);
  }

  /**
   * Returns the nodes to connect to at start-up. A seed that cannot be reached does not fail the
   * start: the node retries in the background.
   *
   * @return the seed nodes, immutable
   */
  public List<SeedNode> seedNodes() {
    return seedNodes;
  }

  /**
   * Returns the interval between heartbeats to each peer.
   *
   * @return the interval
   */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /**
   * Returns how long a peer may stay silent before it is declared down. See {@link
   * Builder#heartbeat(Duration, Duration)} for the exact bound.
   *
   * @return the timeout
   */
  public Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  /**
   * Returns the deadline of every request to a peer.
   *
   * @return the request timeout
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Returns the cluster cookie, if set: peers must prove they know the same one.
   *
   * @return the cookie, or empty
   */
  public Optional<String> cookie() {
    return cookie.isEmpty() ? Optional.empty() : Optional.of(cookie);
  }

  /**
   * Returns how links are secured: TLS as configured, or empty for plaintext links (which a remote
   * configuration must ask for with {@link Builder#plaintext()}).
   *
   * @return the TLS configuration, or empty for plaintext
   */
  public Optional<TlsConfig> tls() {
    return Optional.ofNullable(tls);
  }

  /** Describes the configuration for logs; the cookie is never printed. */
  @Override
  public String toString() {
    if (!remote) {
      return "NodeConfig{local " + name + "}";
    }
    return "NodeConfig{remote "
        + name
        + ", bind="
        + bindHost
        + ":"
        + bindPort
        + ", advertise="
        + (advertisedHost.isEmpty() ? "(derived)" : advertisedHost)
        + ":"
        + (advertisedPort == 0 ? "(bound)" : advertisedPort)
        + ", seeds="
        + seedNodes
        + ", heartbeat="
        + heartbeatInterval.toMillis()
        + "ms/"
        + heartbeatTimeout.toMillis()
        + "ms, requestTimeout="
        + requestTimeout.toMillis()
        + "ms, cookie="
        + (cookie.isEmpty() ? "none" : "set")
        + "}";
  }

  /**
   * Collects a configuration. Not thread-safe. Setters reject nulls at once; everything else is
   * checked by {@link #build()}.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final String name;
    private final boolean remote;
    private String bindHost = "0.0.0.0";
    private int bindPort;
    private String advertisedHost = "";
    private int advertisedPort;
    private final List<SeedNode> seedNodes = new ArrayList<>();
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration heartbeatTimeout = DEFAULT_HEARTBEAT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private String cookie = "";
    private @Nullable TlsConfig tls;
    private boolean plaintext;
    private final List<String> misuse = new ArrayList<>();

    private Builder(String name, boolean remote) {
      this.name = name;
      this.remote = remote;
    }

    /**
     * Sets where the node listens.
     *
     * @param host an address or host name to bind, such as {@code 0.0.0.0} or {@code 127.0.0.1}
     * @param port the port, 0 to pick a free one
     * @return this builder
     * @throws NullPointerException if {@code host} is null
     */
    public Builder bind(String host, int port) {
      remoteOnly("bind");
      this.bindHost = Objects.requireNonNull(host, "host");
      this.bindPort = port;
      return this;
    }

    /**
     * Sets how other nodes reach this one, when that differs from where it listens (a container
     * alias, a published port, a load-balancer name).
     *
     * @param host the host name or address others use
     * @param port the port others use, 1 to 65535
     * @return this builder
     * @throws NullPointerException if {@code host} is null
     */
    public Builder advertise(String host, int port) {
      remoteOnly("advertise");
      this.advertisedHost = Objects.requireNonNull(host, "host");
      this.advertisedPort = port;
      if (port == 0) {
        misuse.add("advertise: port must be 1 to 65535, was 0");
      }
      return this;
    }

    /**
     * Adds a node to connect to at start-up, which must answer under {@code name}. A malformed
     * argument is reported by {@link #build()}, with the other bad fields.
     *
     * @param name the seed's name
     * @param host its host name or address
     * @param port its port, 1 to 65535
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder seedNode(String name, String host, int port) {
      remoteOnly("seedNode");
      try {
        seedNodes.add(SeedNode.of(name, host, port));
      } catch (IllegalArgumentException e) {
        misuse.add("seedNode: " + e.getMessage());
      }
      return this;
    }

    /**
     * Adds a node to connect to at start-up, whose name is learnt from its handshake. The host may
     * be a DNS name that resolves to several nodes. A malformed argument is reported by {@link
     * #build()}, with the other bad fields.
     *
     * @param host its host name or address
     * @param port its port, 1 to 65535
     * @return this builder
     * @throws NullPointerException if {@code host} is null
     */
    public Builder seedNode(String host, int port) {
      remoteOnly("seedNode");
      try {
        seedNodes.add(SeedNode.of(host, port));
      } catch (IllegalArgumentException e) {
        misuse.add("seedNode: " + e.getMessage());
      }
      return this;
    }

    /**
     * Sets how often heartbeats are sent and how long a silent peer has before it is declared down.
     * Defaults: 500 ms and 2 s.
     *
     * <p>The bound: a peer is declared down (cause {@code HEARTBEAT_TIMEOUT}) when nothing, neither
     * a heartbeat nor a message, has arrived from it for {@code timeout}. The check runs at that
     * deadline, not on the heartbeat's beat, so a peer that stops answering is detected {@code
     * timeout} after the last thing it sent arrived, late only by the node's timer scheduling delay
     * (milliseconds on a machine that is not overloaded): with the defaults, 2 s. The interval does
     * not add to the bound; a peer is never declared down sooner than {@code timeout} after it was
     * last heard. A broken connection is detected at once, without waiting.
     *
     * <p>Time this node itself was held up does not count as the peer's silence: when its own timer
     * runs more than two intervals late (a GC pause, a machine starved of CPU), it heard nothing
     * meanwhile through no fault of the peer's, and the peer is then declared down only once it has
     * been silent for {@code timeout} of the time this node was running. A pause of this node thus
     * delays a verdict by the length of the pause, and takes no peer down.
     *
     * @param interval between heartbeats, positive
     * @param timeout of silence before node-down, at least twice the interval
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder heartbeat(Duration interval, Duration timeout) {
      remoteOnly("heartbeat");
      this.heartbeatInterval = Objects.requireNonNull(interval, "interval");
      this.heartbeatTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets the deadline of every request to a peer (connect, remote spawn, monitor). Default 5 s.
     *
     * @param timeout the deadline, positive
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     */
    public Builder requestTimeout(Duration timeout) {
      remoteOnly("requestTimeout");
      this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets the cluster cookie: a shared secret every peer must prove it knows in the handshake.
     * Each side proves it with an HMAC over both sides' fresh nonces, so the cookie itself never
     * crosses the network and a recorded handshake cannot be replayed.
     *
     * @param cookie the secret, 1 to 255 characters
     * @return this builder
     * @throws NullPointerException if {@code cookie} is null
     */
    public Builder cookie(String cookie) {
      remoteOnly("cookie");
      this.cookie = Objects.requireNonNull(cookie, "cookie");
      if (cookie.isEmpty() || cookie.length() > 255) {
        misuse.add("cookie: must be 1 to 255 characters");
      }
      return this;
    }

    /**
     * Secures every link with TLS (gRPC's own TLS, through the transport).
     *
     * @param tls the certificates and whether diallers must present one
     * @return this builder
     * @throws NullPointerException if {@code tls} is null
     */
    public Builder tls(TlsConfig tls) {
      remoteOnly("tls");
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Asks for plaintext links: anyone who can reach the port can read the traffic, and only the
     * cookie (if set) keeps strangers out. For loopback, tests, and networks that are private
     * already. The node logs a warning when it starts.
     *
     * @return this builder
     */
    public Builder plaintext() {
      remoteOnly("plaintext");
      this.plaintext = true;
      return this;
    }

    /**
     * Checks every field and builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException if any field is bad; the message has a line per bad field
     */
    public NodeConfig build() {
      List<String> errors = new ArrayList<>(misuse);
      try {
        NodeId.checkName(name);
      } catch (IllegalArgumentException e) {
        errors.add("name: " + e.getMessage());
      }
      if (remote) {
        if (bindHost.isBlank()) {
          errors.add("bind: host must not be blank");
        }
        if (bindPort < 0 || bindPort > 65535) {
          errors.add("bind: port must be 0 to 65535, was " + bindPort);
        }
        if (!advertisedHost.isEmpty() && advertisedHost.isBlank()) {
          errors.add("advertise: host must not be blank");
        }
        if (advertisedPort < 0 || advertisedPort > 65535) {
          errors.add("advertise: port must be 1 to 65535, was " + advertisedPort);
        }
        if (!positive(heartbeatInterval)) {
          errors.add("heartbeat: interval must be positive, was " + heartbeatInterval);
        } else if (heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
          errors.add(
              "heartbeat: timeout ("
                  + heartbeatTimeout
                  + ") must be at least twice the interval ("
                  + heartbeatInterval
                  + ")");
        }
        if (!positive(requestTimeout)) {
          errors.add("requestTimeout: must be positive, was " + requestTimeout);
        }
        if (tls != null && plaintext) {
          errors.add("security: both tls(...) and plaintext() were set; choose one");
        } else if (tls == null && !plaintext) {
          errors.add(
              "security: choose tls(TlsConfig) for encrypted, authenticated links, or plaintext()"
                  + " for links anyone on the network can read");
        }
        for (SeedNode seed : seedNodes) {
          if (seed.name().filter(name::equals).isPresent()) {
            errors.add("seedNode: " + seed + " has this node's own name");
          }
        }
      }
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid configuration of node '" + name + "':\n  " + String.join("\n  ", errors));
      }
      return new NodeConfig(this);
    }

    private static boolean positive(Duration d) {
      return !d.isNegative() && !d.isZero();
    }

    private void remoteOnly(String setting) {
      if (!remote) {
        misuse.add(setting + ": applies to remote nodes only; use NodeConfig.remote(name)");
      }
    }
  }
}
