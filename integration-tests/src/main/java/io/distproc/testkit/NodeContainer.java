package io.distproc.testkit;

import com.github.dockerjava.api.model.ContainerNetwork;
import io.distproc.NodeId;
import io.distproc.TlsConfig;
import io.distproc.node.events.NodeEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A container running one distproc node of the {@code distproc-node} image (or an image that
 * behaves like it): its node name, its {@code DISTPROC_*} environment, and a wait for its ready
 * event. It records every line the node prints, so tests can wait for the events the node logs
 * ({@code ready}, {@code node-up}, {@code node-down}), which it reads in the format of {@link
 * io.distproc.node.events.NodeEvent}, the one the node image writes.
 *
 * <pre>{@code
 * try (Network network = Network.newNetwork();
 *     NodeContainer alpha = new NodeContainer("alpha").withNetwork(network)
 *         .withNetworkAliases("alpha").withSeeds("beta@beta:7000")) {
 *   alpha.start();
 *   int port = alpha.nodePort(); // the node's port, mapped on the Docker host
 * }
 * }</pre>
 *
 * <p>The image is never pulled: it must have been built locally (the {@code docker} module's build
 * does it). Unlike the rest of distproc, this class has public constructors and is open for
 * extension, as Testcontainers' own containers are, so it composes with their fluent {@code
 * with...} methods.
 *
 * <p>This class is thread-safe for reading its log and state; configure and start it from one
 * thread.
 *
 * @since 0.1.0
 */
public class NodeContainer extends GenericContainer<NodeContainer> {
  /** The port the node listens on inside its container. */
  public static final int NODE_PORT = 7000;

  /**
   * The label every container and network of the testkit carries; its value is the {@linkplain
   * #SESSION session} that created it. {@code docker ps -a --filter label=io.distproc.testkit}
   * lists what is left of test runs.
   */
  public static final String LABEL = "io.distproc.testkit";

  /** This JVM's session: the value of {@link #LABEL} on what it creates. */
  static final String SESSION = UUID.randomUUID().toString();

  /** Where {@link #withTls(TlsConfig)} puts the node's PEM files in the container. */
  static final String TLS_DIR = "/etc/distproc/tls";

  private final String nodeName;
  private final Map<Network, List<String>> extraNetworks = new LinkedHashMap<>();

  private final ReentrantLock logLock = new ReentrantLock();
  private final Condition logGrew = logLock.newCondition();
  // @GuardedBy("logLock")
  private final List<LogLine> log = new ArrayList<>();
  // Written when the container is created, before it starts: where its incarnation's log begins.
  private volatile long startMark;

  /**
   * Creates a container of the default image ({@link #defaultImage()}) for the node {@code
   * nodeName}, which also becomes its advertised host (use it as a network alias).
   *
   * @param nodeName the node's name, unique in the cluster
   * @throws NullPointerException if {@code nodeName} is null
   */
  public NodeContainer(String nodeName) {
    this(defaultImage(), nodeName);
  }

  /**
   * Creates a container of {@code image} for the node {@code nodeName}.
   *
   * @param image a locally built image whose entry point reads {@code DISTPROC_*} variables
   * @param nodeName the node's name, unique in the cluster
   * @throws NullPointerException if an argument is null
   */
  @SuppressWarnings("this-escape") // Testcontainers' idiom: configure through with... methods
  public NodeContainer(DockerImageName image, String nodeName) {
    super(Objects.requireNonNull(image, "image"));
    this.nodeName = NodeId.checkName(Objects.requireNonNull(nodeName, "nodeName"));
    withImagePullPolicy(name -> false); // no registry here: never pull
    withLabel(LABEL, SESSION);
    withExposedPorts(NODE_PORT);
    withEnv("DISTPROC_NODE_NAME", nodeName);
    withEnv("DISTPROC_PORT", String.valueOf(NODE_PORT));
    withEnv("DISTPROC_ADVERTISE_HOST", nodeName);
    withEnv("DISTPROC_SECURITY", "plaintext"); // until withTls: the node image requires a choice
    withLogConsumer(this::record);
    waitingFor(new ReadyEventWait().withStartupTimeout(TimeFactor.dilated(Duration.ofSeconds(60))));
  }

  /**
   * Returns a new network (created on first use) that carries the testkit's {@link #LABEL}, so that
   * a check for leftovers finds it.
   *
   * @return the network, to close when done
   */
  public static Network newNetwork() {
    return Network.builder()
        .createNetworkCmdModifier(cmd -> cmd.withLabels(Map.of(LABEL, SESSION)))
        .build();
  }

  /**
   * Returns the image the build of this checkout makes: {@code distproc-node:<version>}, or the
   * system property {@code distproc.image} when set.
   *
   * @return the image name
   */
  public static DockerImageName defaultImage() {
    String image = System.getProperty("distproc.image");
    if (image == null || image.isBlank()) {
      Properties p = new Properties();
      try (InputStream in = NodeContainer.class.getResourceAsStream("testkit.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      image = "distproc-node:" + p.getProperty("version", "latest");
    }
    return DockerImageName.parse(image);
  }

  /**
   * Returns the node's name.
   *
   * @return the name
   */
  public String nodeName() {
    return nodeName;
  }

  /**
   * Sets the seed nodes ({@code DISTPROC_SEEDS}).
   *
   * @param seeds comma-separated {@code name@host:port}, {@code host:port} or {@code host} entries
   * @return this container
   * @throws NullPointerException if {@code seeds} is null
   */
  public NodeContainer withSeeds(String seeds) {
    return withEnv("DISTPROC_SEEDS", Objects.requireNonNull(seeds, "seeds"));
  }

  /**
   * Sets the heartbeat interval and timeout.
   *
   * @param interval between heartbeats
   * @param timeout of silence before a peer is declared down, at least twice the interval
   * @return this container
   * @throws NullPointerException if an argument is null
   */
  public NodeContainer withHeartbeat(Duration interval, Duration timeout) {
    withEnv("DISTPROC_HEARTBEAT_INTERVAL_MS", String.valueOf(interval.toMillis()));
    return withEnv("DISTPROC_HEARTBEAT_TIMEOUT_MS", String.valueOf(timeout.toMillis()));
  }

  /**
   * Sets the cluster cookie.
   *
   * @param cookie the shared secret
   * @return this container
   * @throws NullPointerException if {@code cookie} is null
   */
  public NodeContainer withCookie(String cookie) {
    return withEnv("DISTPROC_COOKIE", Objects.requireNonNull(cookie, "cookie"));
  }

  /**
   * Secures the node's links with TLS: copies the configuration's three PEM files into the
   * container (readable by the node's user) and sets {@code DISTPROC_SECURITY} to {@code mtls} or
   * {@code tls}. The node's certificate should name the node (its container alias).
   *
   * @param tls a file-based TLS configuration, as {@link TlsConfig#mutual(Path, Path, Path)} makes
   * @return this container
   * @throws NullPointerException if {@code tls} is null
   * @throws IllegalArgumentException if {@code tls} is made of key and trust managers, which cannot
   *     be copied into a container
   */
  public NodeContainer withTls(TlsConfig tls) {
    Objects.requireNonNull(tls, "tls");
    if (tls.certificateChain().isEmpty()) {
      throw new IllegalArgumentException(
          "a container needs TLS files; " + tls + " is made of key and trust managers");
    }
    copy(tls.certificateChain().get(), TLS_DIR + "/node.pem", "DISTPROC_TLS_CERT");
    copy(tls.privateKey().orElseThrow(), TLS_DIR + "/node.key", "DISTPROC_TLS_KEY");
    copy(tls.trustedCertificates().orElseThrow(), TLS_DIR + "/trust.pem", "DISTPROC_TLS_TRUST");
    return withEnv("DISTPROC_SECURITY", tls.isMutual() ? "mtls" : "tls");
  }

  private void copy(Path file, String inContainer, String variable) {
    withCopyFileToContainer(MountableFile.forHostPath(file, 0444), inContainer);
    withEnv(variable, inContainer);
  }

  /**
   * Connects the container to one more network before it starts, with these aliases there.
   * Testcontainers' {@link #withNetwork(Network)} sets the first network; this adds others.
   *
   * @param network the network
   * @param aliases the container's names on it
   * @return this container
   * @throws NullPointerException if an argument is null
   */
  public NodeContainer withExtraNetwork(Network network, String... aliases) {
    extraNetworks.put(Objects.requireNonNull(network, "network"), List.of(aliases));
    return this;
  }

  @Override
  protected void containerIsCreated(String containerId) {
    startMark = logMark(); // before it starts: nothing of this incarnation is logged yet
    super.containerIsCreated(containerId);
    for (Map.Entry<Network, List<String>> e : extraNetworks.entrySet()) {
      connect(e.getKey(), e.getValue());
    }
  }

  /** Connects the container to a network, with aliases (also used by heal). */
  void connect(Network network, List<String> aliases) {
    getDockerClient()
        .connectToNetworkCmd()
        .withContainerId(getContainerId())
        .withNetworkId(network.getId())
        .withContainerNetwork(new ContainerNetwork().withAliases(aliases))
        .exec();
  }

  /** Disconnects the container from a network, cutting every connection that used it. */
  void disconnect(Network network) {
    getDockerClient()
        .disconnectFromNetworkCmd()
        .withContainerId(getContainerId())
        .withNetworkId(network.getId())
        .withForce(true)
        .exec();
  }

  /**
   * Returns the node's port as mapped on the Docker host ({@link #getHost()}).
   *
   * @return the mapped port
   * @throws IllegalStateException if the container is not running
   */
  public int nodePort() {
    return getMappedPort(NODE_PORT);
  }

  /**
   * Returns the container's address on a network it is attached to.
   *
   * @param network the network
   * @return the IP address, or empty if the container is not on it
   * @throws NullPointerException if {@code network} is null
   */
  public Optional<String> ipAddress(Network network) {
    var networks =
        getDockerClient()
            .inspectContainerCmd(getContainerId())
            .exec()
            .getNetworkSettings()
            .getNetworks();
    return networks.values().stream()
        .filter(n -> network.getId().equals(n.getNetworkID()))
        .map(ContainerNetwork::getIpAddress)
        .filter(ip -> ip != null && !ip.isEmpty())
        .findFirst();
  }

  /**
   * Returns the id of the node's current incarnation, read from its ready event.
   *
   * @return the node id, or empty before the node is ready
   * @throws IllegalArgumentException if the node logged a malformed event line
   */
  public Optional<NodeId> nodeId() {
    List<LogLine> lines = linesFrom(0);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).event().orElse(null) instanceof NodeEvent.Ready ready) {
        return Optional.of(ready.node());
      }
    }
    return Optional.empty();
  }

  /**
   * Returns every line the node has printed, across restarts of this container object.
   *
   * @return a snapshot of the lines
   */
  public List<String> logLines() {
    logLock.lock();
    try {
      return log.stream().map(LogLine::text).toList();
    } finally {
      logLock.unlock();
    }
  }

  /** The index the next log line will get: a mark to search from. */
  long logMark() {
    logLock.lock();
    try {
      return log.size();
    } finally {
      logLock.unlock();
    }
  }

  /** Where the log of the container's current incarnation begins. */
  long startMark() {
    return startMark;
  }

  /** The events the node has logged, across restarts of this container object. */
  List<NodeEvent> events() {
    return linesFrom(0).stream().flatMap(l -> l.event().stream()).toList();
  }

  /** Waits for this node's ready event in the log of the container's current incarnation. */
  Optional<LogLine> awaitReady(Duration within) throws InterruptedException {
    return awaitLine(
        startMark,
        t ->
            NodeEvent.parse(t).orElse(null) instanceof NodeEvent.Ready r
                && r.node().name().equals(nodeName),
        within);
  }

  /** Lines from index {@code from} on. */
  List<LogLine> linesFrom(long from) {
    logLock.lock();
    try {
      return List.copyOf(log.subList((int) Math.min(from, log.size()), log.size()));
    } finally {
      logLock.unlock();
    }
  }

  /**
   * Waits for a line that matches, printed at or after {@code fromMark}.
   *
   * @return the line, or empty if the deadline passed
   */
  Optional<LogLine> awaitLine(long fromMark, Predicate<String> matching, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    long next = fromMark;
    logLock.lock();
    try {
      while (true) {
        for (; next < log.size(); next++) {
          LogLine line = log.get((int) next);
          if (matching.test(line.text())) {
            return Optional.of(line);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        logGrew.awaitNanos(left);
      }
    } finally {
      logLock.unlock();
    }
  }

  /**
   * The node's view of its peers as its log tells it: name to the incarnation it last reported up,
   * for peers not reported down since.
   */
  Map<String, Long> peerView() {
    Map<String, Long> view = new HashMap<>();
    for (NodeEvent event : events()) {
      switch (event) {
        case NodeEvent.Ready r -> view.clear(); // a new incarnation starts with no peers
        case NodeEvent.PeerUp up -> view.put(up.node().name(), up.node().incarnation());
        case NodeEvent.PeerDown down ->
            view.remove(down.node().name(), down.node().incarnation()); // if still that one
      }
    }
    return view;
  }

  /** Keeps one line of the node's output; the container's log consumer. */
  void record(OutputFrame frame) {
    String text = frame.getUtf8StringWithoutLineEnding();
    if (frame.getType() == OutputFrame.OutputType.END || text.isEmpty()) {
      return;
    }
    logLock.lock();
    try {
      log.add(new LogLine(log.size(), Instant.now(), text));
      logGrew.signalAll();
    } finally {
      logLock.unlock();
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  /**
   * Waits until this container's own copy of its log has the node's ready event, read with the node
   * image's event format: once {@code start()} returns, {@link #nodeId()} has the new incarnation.
   * Part of the container (it reads the container's log), so nested in it.
   */
  private final class ReadyEventWait extends AbstractWaitStrategy {
    @Override
    protected void waitUntilReady() {
      try {
        if (awaitReady(startupTimeout).isEmpty()) {
          List<String> log = linesFrom(startMark()).stream().map(LogLine::text).toList();
          throw new ContainerLaunchException(
              "node "
                  + nodeName
                  + " logged no ready event within "
                  + startupTimeout.toMillis()
                  + " ms; its log:\n  "
                  + String.join("\n  ", log.subList(Math.max(0, log.size() - 30), log.size())));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ContainerLaunchException("interrupted while waiting for " + nodeName, e);
      }
    }
  }
}
