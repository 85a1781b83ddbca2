package io.distproc.testkit;

import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.TlsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.testcontainers.utility.DockerImageName;

/**
 * A cluster of distproc nodes in containers, with fault injection in Apache Pekko's multi-node
 * vocabulary, for tests that need real processes, real networks and real failures.
 *
 * <pre>{@code
 * try (DistprocCluster cluster = DistprocCluster.builder().nodes("alpha", "beta", "gamma")
 *     .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1)).build()) {
 *   cluster.start();                                   // in parallel; returns once fully connected
 *   cluster.partition("alpha", "beta");                // alpha and beta both still see gamma
 *   cluster.awaitNodeDown("alpha", "beta", Duration.ofSeconds(3));
 *   cluster.heal("alpha", "beta");
 *   cluster.awaitNodeUp("alpha", "beta", Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p><b>Networks.</b> Every pair of nodes shares a private Docker network of its own, on which each
 * has its node name as alias; every node also joins one host network, without aliases, that a node
 * in the test JVM uses. Nodes are seeded with each other's {@code name@name:7000}, and the name
 * resolves only on the pair's network. A cluster of n nodes so makes n(n-1)/2 + 1 networks, which
 * is why it has at most six nodes.
 *
 * <p><b>Faults</b>, each recorded with its instant (when its docker command returned: a busy daemon
 * can take most of a second over a pause or a network disconnect, and that is not the nodes' time;
 * an event logged before the command returned counts as zero) so awaits can measure from it:
 *
 * <ul>
 *   <li>{@link #kill(String)}: SIGKILL to the node's JVM. The container stays (exited) until {@link
 *       #restart(String)} or {@link #close()}.
 *   <li>{@link #pause(String)}/{@link #unpause(String)}: {@code docker pause}, the cgroup freezer:
 *       the JVM is alive but silent, as in a long GC pause or a hung host; peers see heartbeats
 *       stop.
 *   <li>{@link #partition(String, String)}/{@link #heal(String, String)}: the first node is
 *       disconnected from the pair's network, so the link between exactly these two nodes is cut
 *       silently (packets vanish, nothing is reset), in both directions, while both keep their
 *       links to every other node and to the test JVM. Heal reconnects it with its alias; the
 *       nodes' seed dialers then link them again. No iptables rule is needed.
 *   <li>{@link #restart(String)}: the node's container is replaced by a new one of the same name
 *       and configuration: a new incarnation, whose pids are new; the old incarnation's pids stay
 *       dead.
 * </ul>
 *
 * <p><b>Awaits</b> read the events the nodes log ({@code node-up}, {@code node-down}, in the format
 * of {@link io.distproc.node.events.NodeEvent}, which the node image writes) and take deadlines
 * scaled by {@link TimeFactor}; each fails with an {@link AssertionError} that says what was
 * awaited and what the nodes saw.
 *
 * <p><b>Clean-up.</b> {@link #close()} removes every container, every network and every test-JVM
 * node registered here, also after a failed start or test; it is idempotent. The cluster needs no
 * Ryuk: if the JVM exits before {@code close()} (a test run interrupted, {@code System.exit}), a
 * shutdown hook registered by {@link #start()} removes them. Containers and networks carry the
 * label {@value NodeContainer#LABEL}.
 *
 * <p>This class is thread-safe: faults and awaits may be called from any thread, though tests
 * usually drive a cluster from one.
 *
 * @since 0.1.0
 */
public final class DistprocCluster implements AutoCloseable {
  // The API, over package-private parts with one job each: ClusterNetworks (the Docker networks),
  // ClusterFaults (faults, and what of them is in force), ClusterAwaits (waits on the nodes'
  // events), LocalNodes (nodes of the test JVM), ClusterLifecycle (starting and removing it all).
  private final Duration startupTimeout;
  private final ClusterNodes nodes;
  private final ClusterNetworks networks;
  private final ClusterFaults faults;
  private final ClusterAwaits awaits;
  private final LocalNodes local;
  private final ClusterLifecycle lifecycle;

  private DistprocCluster(Builder b) {
    this.startupTimeout = b.startupTimeout;
    List<String> names = List.copyOf(b.names);
    this.networks = new ClusterNetworks(names);
    String seeds =
        names.stream()
            .map(n -> n + "@" + n + ":" + NodeContainer.NODE_PORT)
            .collect(Collectors.joining(","));
    Map<String, String> env = Map.copyOf(b.env);
    this.nodes =
        new ClusterNodes(
            names,
            name -> {
              NodeContainer c =
                  networks
                      .attach(new NodeContainer(b.image, name))
                      .withSeeds(seeds)
                      .withHeartbeat(b.heartbeatInterval, b.heartbeatTimeout);
              b.cookie.ifPresent(c::withCookie);
              b.tls.ifPresent(t -> c.withTls(t.apply(name)));
              env.forEach(c::withEnv);
              return c;
            });
    this.faults = new ClusterFaults(nodes, networks);
    this.awaits = new ClusterAwaits(nodes, faults);
    this.local =
        new LocalNodes(
            nodes, networks, faults, b.heartbeatInterval, b.heartbeatTimeout, b.cookie, b.tls);
    this.lifecycle = new ClusterLifecycle(b.image, startupTimeout, nodes, networks, faults, local);
  }

  /**
   * Returns a builder of a cluster.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts every node in parallel and waits until each is linked to all the others.
   *
   * @throws IllegalStateException if the image is not built, or the cluster does not form in time;
   *     what was started is removed again
   */
  public void start() {
    lifecycle.start(() -> awaitClusterFormed(startupTimeout));
  }

  /**
   * Returns how long {@link #start()} took, from the first container's creation until every node
   * was linked to every other.
   *
   * @return the duration, zero before start
   */
  public Duration startedIn() {
    return lifecycle.startedIn();
  }

  /**
   * Returns the nodes' names, in the order they were declared.
   *
   * @return the names
   */
  public List<String> nodeNames() {
    return nodes.names();
  }

  /**
   * Returns a node's container.
   *
   * @param node the node's name
   * @return its container
   * @throws IllegalArgumentException if no node has that name
   */
  public NodeContainer container(String node) {
    return nodes.container(node);
  }

  /**
   * Returns the id of a node's current incarnation.
   *
   * @param node the node's name
   * @return its id
   * @throws IllegalStateException if the node has not logged its ready event
   */
  public NodeId nodeId(String node) {
    return container(node)
        .nodeId()
        .orElseThrow(() -> new IllegalStateException("node " + node + " is not ready"));
  }

  // ---- faults ----------------------------------------------------------------------------------

  /**
   * Kills a node's JVM with SIGKILL: no goodbye, its connections reset.
   *
   * @param node the node's name
   */
  public void kill(String node) {
    faults.kill(node);
  }

  /**
   * Freezes a node's processes ({@code docker pause}): it neither sends nor answers.
   *
   * @param node the node's name
   */
  public void pause(String node) {
    faults.pause(node);
  }

  /**
   * Thaws a paused node.
   *
   * @param node the node's name
   */
  public void unpause(String node) {
    faults.unpause(node);
  }

  /**
   * Cuts the link between two nodes, in both directions, leaving every other link up.
   *
   * @param a one node's name
   * @param b the other's
   * @throws IllegalArgumentException if the names are equal or unknown
   */
  public void partition(String a, String b) {
    faults.partition(a, b);
  }

  /**
   * Restores the link between two partitioned nodes; they link up again by themselves.
   *
   * @param a one node's name
   * @param b the other's
   * @throws IllegalArgumentException if the names are equal or unknown
   */
  public void heal(String a, String b) {
    faults.heal(a, b);
  }

  /**
   * Replaces a node by a new incarnation: its container (killed first if it runs) is removed and a
   * new one of the same name and configuration started. Test-JVM nodes registered here are linked
   * to it again. Returns once it is ready.
   *
   * @param node the node's name
   * @return the new incarnation's id
   */
  public NodeId restart(String node) {
    NodeId id = faults.restart(node);
    local.linkTo(node, id);
    return id;
  }

  /**
   * Undoes every fault in force: thaws paused nodes, heals partitions, restarts killed nodes, then
   * waits until the cluster is formed again. For an {@code @AfterEach}, so one failed test does not
   * leave the next with a broken cluster.
   *
   * @param within the deadline for the cluster to form again, before {@link TimeFactor} scaling
   * @throws AssertionError if it does not form in time
   */
  public void recover(Duration within) {
    ClusterFaults.InForce inForce = faults.inForce();
    inForce.paused().forEach(this::unpause);
    for (List<String> pair : inForce.partitions()) {
      heal(pair.get(0), pair.get(1));
    }
    inForce.killed().forEach(this::restart);
    awaitClusterFormed(within);
    local.awaitLinked(within);
  }

  // ---- awaits ----------------------------------------------------------------------------------

  /**
   * Waits until every other node that is running, not paused and not partitioned from {@code node}
   * has reported it down since the last fault on it.
   *
   * @param node the node that should be down
   * @param within the deadline, before {@link TimeFactor} scaling
   * @return the longest time from the fault (when its docker command returned) to a report
   * @throws AssertionError if some node did not report it in time
   */
  public Duration awaitNodeDown(String node, Duration within) {
    return awaits.nodeDown(node, within);
  }

  /** How long the docker command of the last fault on {@code node} took (zero if none). */
  Duration lastFaultCommand(String node) {
    nodes.container(node);
    return faults.lastMark(node).command();
  }

  /**
   * Waits until {@code observer} has reported {@code node} down since the last fault on {@code
   * node}.
   *
   * @param observer the node that should notice
   * @param node the node that should be down
   * @param within the deadline, before {@link TimeFactor} scaling
   * @return the time from the fault (when its docker command returned) to the report
   * @throws AssertionError if it did not report it in time
   */
  public Duration awaitNodeDown(String observer, String node, Duration within) {
    return awaits.nodeDown(observer, node, within);
  }

  /**
   * Waits until {@code observer} has reported {@code node} up (linked) since the last fault on or
   * heal of {@code node}.
   *
   * @param observer the node that should notice
   * @param node the node that should be up
   * @param within the deadline, before {@link TimeFactor} scaling
   * @return the time from the last fault (when its docker command returned) or heal (when its
   *     command began) to the report
   * @throws AssertionError if it did not report it in time
   */
  public Duration awaitNodeUp(String observer, String node, Duration within) {
    return awaits.nodeUp(observer, node, within);
  }

  /**
   * Waits until every running, unpaused node is linked to every other one it is not partitioned
   * from, as their logs tell.
   *
   * @param within the deadline, before {@link TimeFactor} scaling
   * @throws AssertionError if the cluster is not formed in time
   */
  public void awaitClusterFormed(Duration within) {
    awaits.clusterFormed(within);
  }

  /**
   * Returns each node's view of its peers as its log tells it: peer name to incarnation.
   *
   * @return the views by observer
   */
  public Map<String, Map<String, Long>> views() {
    return awaits.views();
  }

  /**
   * Polls a condition until it holds, as Pekko's {@code awaitCond} does.
   *
   * @param condition what should become true
   * @param within the deadline, before {@link TimeFactor} scaling
   * @param what describes the condition for the failure message
   * @throws AssertionError if the condition does not hold in time
   */
  public static void awaitCond(BooleanSupplier condition, Duration within, Supplier<String> what) {
    ClusterAwaits.cond(condition, within, what);
  }

  // ---- a node in the test JVM ------------------------------------------------------------------

  /**
   * Returns the configuration of a node in the test JVM that the containers can reach: it binds the
   * host's address on the cluster's host network (the network's gateway) with a free port,
   * advertises the same, and is seeded with every running container's address there. On Linux the
   * Docker host reaches containers by their network addresses, and they reach the host by the
   * gateway address, so containers could also dial this node.
   *
   * <p>Where container addresses are not routable from the host (Docker Desktop), seed the node
   * with the mapped ports instead, {@code seedNode(name, container(name).getHost(),
   * container(name).nodePort())}, and bind it to loopback: links are dialled by the test JVM and
   * carry traffic both ways, so containers never need to reach it (checked on this project's
   * machines too).
   *
   * <p>Its links are secured as the cluster's are: with the {@linkplain Builder#tls TLS
   * configuration} the cluster gives this name, or plaintext.
   *
   * @param name the node's name, unique in the cluster
   * @return a builder to adjust (the heartbeat, cookie and security are the cluster's) and build
   */
  public NodeConfig.Builder localNodeConfig(String name) {
    return local.config(name);
  }

  /**
   * Starts a node in the test JVM with the {@linkplain #localNodeConfig(String) configuration}
   * above and UTF-8 strings as messages (the {@code distproc-node} image's codec), registers it
   * (see {@link #register(Node)}), and waits until it is linked to every running node.
   *
   * @param name the node's name, unique in the cluster
   * @return the running node
   */
  public Node<String> startLocalNode(String name) {
    return local.start(name, startupTimeout);
  }

  /**
   * Registers a node of the test JVM: {@link #restart(String)} links it to the new incarnation and
   * {@link #close()} closes it.
   *
   * @param node the node
   */
  public void register(Node<?> node) {
    local.register(node);
  }

  // ---- clean-up --------------------------------------------------------------------------------

  /**
   * Removes everything the cluster started: test-JVM nodes registered here, containers (thawed
   * first if paused), networks. Idempotent; never leaves a container behind because one removal
   * failed.
   *
   * @throws IllegalStateException if something could not be removed (after trying everything)
   */
  @Override
  public void close() {
    lifecycle.close();
  }

  /**
   * Collects a cluster's shape. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final List<String> names = new ArrayList<>(List.of("alpha", "beta", "gamma"));
    private DockerImageName image = NodeContainer.defaultImage();
    private Duration heartbeatInterval = NodeConfig.DEFAULT_HEARTBEAT_INTERVAL;
    private Duration heartbeatTimeout = NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT;
    private Optional<String> cookie = Optional.empty();
    private Optional<Function<String, TlsConfig>> tls = Optional.empty();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration startupTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * Sets the nodes' names (default alpha, beta, gamma). At most six: the cluster makes a network
     * per pair of nodes, and Docker's default address pools hold about 30 networks.
     *
     * @param names one to six distinct node names
     * @return this builder
     * @throws IllegalArgumentException if there are none, too many, or duplicates
     */
    public Builder nodes(String... names) {
      List<String> list = List.of(names);
      if (list.isEmpty() || list.size() > 6 || Set.copyOf(list).size() != list.size()) {
        throw new IllegalArgumentException("1 to 6 distinct node names, was " + list);
      }
      list.forEach(NodeId::checkName);
      this.names.clear();
      this.names.addAll(list);
      return this;
    }

    /**
     * Sets the image (default {@link NodeContainer#defaultImage()}); it is never pulled.
     *
     * @param image the image
     * @return this builder
     */
    public Builder image(DockerImageName image) {
      this.image = Objects.requireNonNull(image, "image");
      return this;
    }

    /**
     * Sets every node's heartbeat interval and timeout.
     *
     * @param interval between heartbeats
     * @param timeout of silence before node-down, at least twice the interval
     * @return this builder
     */
    public Builder heartbeat(Duration interval, Duration timeout) {
      this.heartbeatInterval = Objects.requireNonNull(interval, "interval");
      this.heartbeatTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets the cluster cookie.
     *
     * @param cookie the shared secret
     * @return this builder
     */
    public Builder cookie(String cookie) {
      this.cookie = Optional.of(Objects.requireNonNull(cookie, "cookie"));
      return this;
    }

    /**
     * Secures every link with TLS (by default links are plaintext, on the cluster's private
     * networks). The function gives each node, by name, its file-based configuration, whose
     * certificate should name the node; it is called for every container and for every {@linkplain
     * DistprocCluster#localNodeConfig(String) node of the test JVM}.
     *
     * @param perNode a node's name to its TLS configuration, for example a test certificate
     *     authority issuing one certificate per node
     * @return this builder
     * @throws NullPointerException if {@code perNode} is null
     */
    public Builder tls(Function<String, TlsConfig> perNode) {
      this.tls = Optional.of(Objects.requireNonNull(perNode, "perNode"));
      return this;
    }

    /**
     * Adds an environment variable to every node's container (for example {@code
     * DISTPROC_LOG_LEVEL}).
     *
     * @param name the variable
     * @param value its value
     * @return this builder
     */
    public Builder env(String name, String value) {
      env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets how long a start may take, before {@link TimeFactor} scaling (default 60 s).
     *
     * @param timeout the deadline
     * @return this builder
     */
    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Builds the cluster; nothing is started until {@link DistprocCluster#start()}.
     *
     * @return the cluster
     */
    public DistprocCluster build() {
      return new DistprocCluster(this);
    }
  }
}
