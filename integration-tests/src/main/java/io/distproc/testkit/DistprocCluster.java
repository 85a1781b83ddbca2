package io.distproc.testkit;

import com.github.dockerjava.api.DockerClient;
import io.distproc.Codec;
import io.distproc.DistprocException;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.TlsConfig;
import io.distproc.node.events.NodeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;
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
 * <p><b>Networks.</b> Every pair of nodes shares a private Docker network of its own, on which
 * each has its node name as alias; every node also joins one host network, without aliases, that
 * a node in the test JVM uses. Nodes are seeded with each other's {@code name@name:7000}, and the
 * name resolves only on the pair's network. A cluster of n nodes so makes n(n-1)/2 + 1 networks,
 * which is why it has at most six nodes.
 *
 * <p><b>Faults</b>, each recorded with its instant so awaits can measure from it:
 *
 * <ul>
 *   <li>{@link #kill(String)}: SIGKILL to the node's JVM. The container stays (exited) until
 *       {@link #restart(String)} or {@link #close()}.
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
 * <p><b>Awaits</b> read the events the nodes log ({@code node-up}, {@code node-down}, in the
 * format of {@link io.distproc.node.events.NodeEvent}, which the node image writes) and take
 * deadlines scaled by {@link TimeFactor}; each fails with an {@link AssertionError} that says what
 * was awaited and what the nodes saw.
 *
 * <p><b>Clean-up.</b> {@link #close()} removes every container, every network and every
 * test-JVM node registered here, also after a failed start or test; it is idempotent. The cluster
 * needs no Ryuk: if the JVM exits before {@code close()} (a test run interrupted, {@code
 * System.exit}), a shutdown hook registered by {@link #start()} removes them. Containers and
 * networks carry the label {@value NodeContainer#LABEL}.
 *
 * <p>This class is thread-safe: faults and awaits may be called from any thread, though tests
 * usually drive a cluster from one.
 *
 * @since 0.1.0
 */
public final class DistprocCluster implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("io.distproc.testkit");
  private static final Duration POLL = Duration.ofMillis(20);

  private final List<String> names;
  private final DockerImageName image;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTimeout;
  private final Optional<String> cookie;
  private final Optional<Function<String, TlsConfig>> tls;
  private final Map<String, String> env;
  private final Duration startupTimeout;

  private final ReentrantLock lock = new ReentrantLock();
  private final Network hostNetwork = NodeContainer.newNetwork();
  private final Map<Set<String>, Network> pairNetworks = new LinkedHashMap<>();
  private final Map<String, NodeContainer> containers = new LinkedHashMap<>();
  // @GuardedBy("lock")
  private final Set<String> paused = new HashSet<>();
  // @GuardedBy("lock")
  private final Set<String> killed = new HashSet<>();
  // @GuardedBy("lock"): each cut pair, and which of the two was disconnected from its network
  private final Map<Set<String>, String> partitions = new LinkedHashMap<>();
  // @GuardedBy("lock"): per node, the log mark of each container when the last fault hit it
  private final Map<String, Map<String, Long>> faultMarks = new LinkedHashMap<>();
  private final Map<String, Instant> faultTimes = new LinkedHashMap<>();
  private final List<Node<?>> localNodes = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  // Removes what was started if the JVM exits before close(): Ryuk, which would, is off here.
  private final Thread shutdownHook = new Thread(this::closeAtExit, "distproc-cluster-cleanup");
  private volatile Duration startedIn = Duration.ZERO;

  private DistprocCluster(Builder b) {
    this.names = List.copyOf(b.names);
    this.image = b.image;
    this.heartbeatInterval = b.heartbeatInterval;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.cookie = b.cookie;
    this.tls = b.tls;
    this.env = Map.copyOf(b.env);
    this.startupTimeout = b.startupTimeout;
    for (int i = 0; i < names.size(); i++) {
      for (int j = i + 1; j < names.size(); j++) {
        pairNetworks.put(Set.of(names.get(i), names.get(j)), NodeContainer.newNetwork());
      }
    }
    String seeds = names.stream().map(n -> n + "@" + n + ":" + NodeContainer.NODE_PORT)
        .collect(Collectors.joining(","));
    for (String name : names) {
      NodeContainer c =
          new NodeContainer(image, name)
              .withNetwork(hostNetwork)
              .withSeeds(seeds)
              .withHeartbeat(heartbeatInterval, heartbeatTimeout);
      cookie.ifPresent(c::withCookie);
      tls.ifPresent(t -> c.withTls(t.apply(name)));
      this.env.forEach(c::withEnv);
      pairNetworks.forEach(
          (pair, network) -> {
            if (pair.contains(name)) {
              c.withExtraNetwork(network, name);
            }
          });
      containers.put(name, c);
    }
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
    long t0 = System.nanoTime();
    try {
      requireImage();
      Runtime.getRuntime().addShutdownHook(shutdownHook);
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (NodeContainer c : containers.values()) {
        starts.add(CompletableFuture.runAsync(c::start));
      }
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new))
          .get(TimeFactor.dilated(startupTimeout).toMillis(), TimeUnit.MILLISECONDS);
      awaitClusterFormed(startupTimeout);
      startedIn = Duration.ofNanos(System.nanoTime() - t0);
      LOG.log(System.Logger.Level.INFO, () -> "cluster " + names + " formed in " + startedIn.toMillis() + " ms");
    } catch (ExecutionException | TimeoutException | RuntimeException | AssertionError e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      IllegalStateException failure =
          new IllegalStateException("cluster " + names + " did not start: " + cause, cause);
      try {
        close();
      } catch (RuntimeException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while starting the cluster", e);
    }
  }

  private void requireImage() {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image.asCanonicalNameString()).exec();
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      throw new IllegalStateException(
          "image " + image.asCanonicalNameString() + " is not built (and is never pulled): build it"
              + " with ./mvnw -pl docker -am package");
    }
  }

  /**
   * Returns how long {@link #start()} took, from the first container's creation until every node
   * was linked to every other.
   *
   * @return the duration, zero before start
   */
  public Duration startedIn() {
    return startedIn;
  }

  /**
   * Returns the nodes' names, in the order they were declared.
   *
   * @return the names
   */
  public List<String> nodeNames() {
    return names;
  }

  /**
   * Returns a node's container.
   *
   * @param node the node's name
   * @return its container
   * @throws IllegalArgumentException if no node has that name
   */
  public NodeContainer container(String node) {
    NodeContainer c = containers.get(Objects.requireNonNull(node, "node"));
    if (c == null) {
      throw new IllegalArgumentException("no node '" + node + "' in cluster " + names);
    }
    return c;
  }

  /**
   * Returns the id of a node's current incarnation.
   *
   * @param node the node's name
   * @return its id
   * @throws IllegalStateException if the node has not logged its ready event
   */
  public NodeId nodeId(String node) {
    return container(node).nodeId()
        .orElseThrow(() -> new IllegalStateException("node " + node + " is not ready"));
  }

  // ---- faults ----------------------------------------------------------------------------------

  /**
   * Kills a node's JVM with SIGKILL: no goodbye, its connections reset.
   *
   * @param node the node's name
   */
  public void kill(String node) {
    NodeContainer c = container(node);
    fault(node, "kill");
    docker().killContainerCmd(c.getContainerId()).withSignal("KILL").exec();
    lock.lock();
    try {
      killed.add(node);
      paused.remove(node);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Freezes a node's processes ({@code docker pause}): it neither sends nor answers.
   *
   * @param node the node's name
   */
  public void pause(String node) {
    NodeContainer c = container(node);
    fault(node, "pause");
    docker().pauseContainerCmd(c.getContainerId()).exec();
    lock.lock();
    try {
      paused.add(node);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Thaws a paused node.
   *
   * @param node the node's name
   */
  public void unpause(String node) {
    NodeContainer c = container(node);
    mark(node); // before the thaw: the node-up lines it causes may come at once
    docker().unpauseContainerCmd(c.getContainerId()).exec();
    lock.lock();
    try {
      paused.remove(node);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Cuts the link between two nodes, in both directions, leaving every other link up.
   *
   * @param a one node's name
   * @param b the other's
   * @throws IllegalArgumentException if the names are equal or unknown
   */
  public void partition(String a, String b) {
    Network net = pairNetwork(a, b);
    lock.lock();
    try {
      if (partitions.containsKey(Set.of(a, b))) {
        return;
      }
      partitions.put(Set.of(a, b), a);
    } finally {
      lock.unlock();
    }
    fault(a, "partition from " + b);
    fault(b, "partition from " + a);
    container(a).disconnect(net);
  }

  /**
   * Restores the link between two partitioned nodes; they link up again by themselves.
   *
   * @param a one node's name
   * @param b the other's
   * @throws IllegalArgumentException if the names are equal or unknown
   */
  public void heal(String a, String b) {
    Network net = pairNetwork(a, b);
    String disconnected;
    lock.lock();
    try {
      disconnected = partitions.remove(Set.of(a, b));
    } finally {
      lock.unlock();
    }
    if (disconnected == null) {
      return;
    }
    mark(a);
    mark(b);
    container(disconnected).connect(net, List.of(disconnected));
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
    NodeContainer c = container(node);
    Optional<NodeId> old = c.nodeId();
    boolean running;
    lock.lock();
    try {
      running = !killed.contains(node);
      if (paused.remove(node)) {
        docker().unpauseContainerCmd(c.getContainerId()).exec();
      }
    } finally {
      lock.unlock();
    }
    if (running) {
      fault(node, "restart");
      docker().killContainerCmd(c.getContainerId()).withSignal("KILL").exec();
    } else {
      mark(node);
    }
    c.stop(); // removes the old container
    c.start(); // returns once this container's log has the new incarnation's ready event
    lock.lock();
    try {
      killed.remove(node);
      // The new container joins every pair network: partitions cut on its side are gone.
      partitions.values().removeIf(node::equals);
    } finally {
      lock.unlock();
    }
    NodeId id = c.nodeId().filter(n -> !Optional.of(n).equals(old)).orElseThrow(
        () -> new IllegalStateException("node " + node + " restarted without a new incarnation"));
    String ip = c.ipAddress(hostNetwork).orElseThrow();
    for (Node<?> local : localNodes) {
      try {
        local.addRemoteNode(ip, NodeContainer.NODE_PORT, node);
      } catch (DistprocException e) {
        LOG.log(System.Logger.Level.WARNING, () -> local.id() + " could not link to " + id + ": " + e);
      }
    }
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
    List<String> toUnpause;
    List<Set<String>> toHeal;
    List<String> toRestart;
    lock.lock();
    try {
      toUnpause = List.copyOf(paused);
      toHeal = List.copyOf(partitions.keySet());
      toRestart = List.copyOf(killed);
    } finally {
      lock.unlock();
    }
    toUnpause.forEach(this::unpause);
    for (Set<String> pair : toHeal) {
      List<String> p = pair.stream().sorted().toList();
      heal(p.get(0), p.get(1));
    }
    toRestart.forEach(this::restart);
    awaitClusterFormed(within);
    for (Node<?> local : localNodes) {
      awaitCond(
          () -> live().stream().allMatch(n -> local.remoteNode(n).filter(nodeId(n)::equals).isPresent()),
          within,
          () -> local.id() + " linked to every node; it has " + local.remoteNodes());
    }
  }

  private void fault(String node, String what) {
    mark(node);
    LOG.log(System.Logger.Level.INFO, () -> "fault: " + what + " " + node);
  }

  /** Records, for every container, where its log stood when something happened to {@code node}. */
  private void mark(String node) {
    Map<String, Long> marks = new LinkedHashMap<>();
    containers.forEach((n, c) -> marks.put(n, c.logMark()));
    lock.lock();
    try {
      faultMarks.put(node, marks);
      faultTimes.put(node, Instant.now());
    } finally {
      lock.unlock();
    }
  }

  private Network pairNetwork(String a, String b) {
    container(a);
    container(b);
    if (a.equals(b)) {
      throw new IllegalArgumentException("a node cannot be partitioned from itself: " + a);
    }
    return pairNetworks.get(Set.of(a, b));
  }

  private DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  // ---- awaits ----------------------------------------------------------------------------------

  /**
   * Waits until every other node that is running, not paused and not partitioned from {@code node}
   * has reported it down since the last fault on it.
   *
   * @param node the node that should be down
   * @param within the deadline, before {@link TimeFactor} scaling
   * @return the longest time from the fault to a report
   * @throws AssertionError if some node did not report it in time
   */
  public Duration awaitNodeDown(String node, Duration within) {
    Duration longest = Duration.ZERO;
    for (String observer : survivorsOf(node)) {
      Duration d = awaitNodeDown(observer, node, within);
      longest = d.compareTo(longest) > 0 ? d : longest;
    }
    return longest;
  }

  /**
   * Waits until {@code observer} has reported {@code node} down since the last fault on {@code
   * node}.
   *
   * @param observer the node that should notice
   * @param node the node that should be down
   * @param within the deadline, before {@link TimeFactor} scaling
   * @return the time from the fault to the report
   * @throws AssertionError if it did not report it in time
   */
  public Duration awaitNodeDown(String observer, String node, Duration within) {
    return awaitEvent(observer, node, NodeEvent.PeerDown.class, within);
  }

  /**
   * Waits until {@code observer} has reported {@code node} up (linked) since the last fault on or
   * heal of {@code node}.
   *
   * @param observer the node that should notice
   * @param node the node that should be up
   * @param within the deadline, before {@link TimeFactor} scaling
   * @return the time from the last fault or heal to the report
   * @throws AssertionError if it did not report it in time
   */
  public Duration awaitNodeUp(String observer, String node, Duration within) {
    return awaitEvent(observer, node, NodeEvent.PeerUp.class, within);
  }

  private Duration awaitEvent(
      String observer, String node, Class<? extends NodeEvent> kind, Duration within) {
    NodeContainer c = container(observer);
    container(node);
    long mark;
    Instant since;
    lock.lock();
    try {
      mark = faultMarks.getOrDefault(node, Map.of()).getOrDefault(observer, 0L);
      since = faultTimes.getOrDefault(node, Instant.EPOCH);
    } finally {
      lock.unlock();
    }
    Duration deadline = TimeFactor.dilated(within);
    String what =
        (kind == NodeEvent.PeerDown.class ? NodeEvent.PeerDown.KIND : NodeEvent.PeerUp.KIND)
            + " event of " + node;
    try {
      Optional<LogLine> line =
          c.awaitLine(
              mark,
              t -> NodeEvent.parse(t).filter(kind::isInstance)
                  .filter(e -> e.node().name().equals(node)).isPresent(),
              deadline);
      if (line.isEmpty()) {
        throw new AssertionError(
            observer + " did not log a " + what + " within " + deadline.toMillis() + " ms; its"
                + " log since then:\n  " + String.join("\n  ", tail(c, mark)));
      }
      return Duration.between(since, line.get().received());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a " + what, e);
    }
  }

  private static List<String> tail(NodeContainer c, long mark) {
    List<String> lines = c.linesFrom(mark).stream().map(LogLine::text).toList();
    return lines.subList(Math.max(0, lines.size() - 30), lines.size());
  }

  /**
   * Waits until every running, unpaused node is linked to every other one it is not partitioned
   * from, as their logs tell.
   *
   * @param within the deadline, before {@link TimeFactor} scaling
   * @throws AssertionError if the cluster is not formed in time
   */
  public void awaitClusterFormed(Duration within) {
    awaitCond(this::formed, within, () -> "cluster formed; views: " + views());
  }

  private boolean formed() {
    for (String n : live()) {
      Map<String, Long> view = container(n).peerView();
      for (String other : live()) {
        if (other.equals(n) || isPartitioned(n, other)) {
          continue;
        }
        Optional<NodeId> id = container(other).nodeId();
        if (id.isEmpty() || !Long.valueOf(id.get().incarnation()).equals(view.get(other))) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Returns each node's view of its peers as its log tells it: peer name to incarnation.
   *
   * @return the views by observer
   */
  public Map<String, Map<String, Long>> views() {
    Map<String, Map<String, Long>> views = new LinkedHashMap<>();
    containers.forEach((n, c) -> views.put(n, c.peerView()));
    return views;
  }

  /**
   * Polls a condition until it holds, as Pekko's {@code awaitCond} does.
   *
   * @param condition what should become true
   * @param within the deadline, before {@link TimeFactor} scaling
   * @param what describes the condition for the failure message
   * @throws AssertionError if the condition does not hold in time
   */
  public static void awaitCond(BooleanSupplier condition, Duration within, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + TimeFactor.dilated(within).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not within " + TimeFactor.dilated(within).toMillis() + " ms: " + what.get());
      }
      try {
        Thread.sleep(POLL.toMillis()); // polling is what awaitCond means
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what.get(), e);
      }
    }
  }

  private List<String> live() {
    lock.lock();
    try {
      return names.stream().filter(n -> !killed.contains(n) && !paused.contains(n)).toList();
    } finally {
      lock.unlock();
    }
  }

  private List<String> survivorsOf(String node) {
    return live().stream().filter(n -> !n.equals(node) && !isPartitioned(n, node)).toList();
  }

  private boolean isPartitioned(String a, String b) {
    lock.lock();
    try {
      return partitions.containsKey(Set.of(a, b));
    } finally {
      lock.unlock();
    }
  }

  // ---- a node in the test JVM ------------------------------------------------------------------

  /**
   * Returns the configuration of a node in the test JVM that the containers can reach: it binds
   * the host's address on the cluster's host network (the network's gateway) with a free port,
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
    String gateway =
        docker().inspectNetworkCmd().withNetworkId(hostNetwork.getId()).exec()
            .getIpam().getConfig().getFirst().getGateway();
    int port = freePort(gateway);
    NodeConfig.Builder b =
        NodeConfig.remote(name).bind(gateway, port).advertise(gateway, port)
            .heartbeat(heartbeatInterval, heartbeatTimeout);
    cookie.ifPresent(b::cookie);
    tls.ifPresentOrElse(t -> b.tls(t.apply(name)), b::plaintext);
    for (String n : live()) {
      container(n).ipAddress(hostNetwork)
          .ifPresent(ip -> b.seedNode(n, ip, NodeContainer.NODE_PORT));
    }
    return b;
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
    Node<String> node = Node.start(localNodeConfig(name).build(), Codec.utf8());
    register(node);
    awaitCond(
        () -> live().stream().allMatch(n -> node.remoteNode(n).isPresent()),
        startupTimeout,
        () -> name + " linked to " + live() + "; it has " + node.remoteNodes());
    return node;
  }

  /**
   * Registers a node of the test JVM: {@link #restart(String)} links it to the new incarnation and
   * {@link #close()} closes it.
   *
   * @param node the node
   */
  public void register(Node<?> node) {
    localNodes.add(Objects.requireNonNull(node, "node"));
  }

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + host, e);
    }
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
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook runs, finds the cluster closed, and does nothing
      }
    }
    List<RuntimeException> failures = new ArrayList<>();
    for (Node<?> n : localNodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    for (Map.Entry<String, NodeContainer> e : containers.entrySet()) {
      NodeContainer c = e.getValue();
      try {
        if (c.getContainerId() != null) {
          boolean isPaused;
          lock.lock();
          try {
            isPaused = paused.remove(e.getKey());
          } finally {
            lock.unlock();
          }
          if (isPaused) {
            docker().unpauseContainerCmd(c.getContainerId()).exec();
          }
        }
        c.stop();
      } catch (RuntimeException ex) {
        failures.add(ex);
      }
    }
    for (Network n : pairNetworks.values()) {
      closeNetwork(n, failures);
    }
    closeNetwork(hostNetwork, failures);
    if (!failures.isEmpty()) {
      IllegalStateException e = new IllegalStateException("cluster " + names + " not fully removed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private void closeAtExit() {
    if (closed.get()) {
      return;
    }
    LOG.log(System.Logger.Level.WARNING, () -> "the JVM is exiting and cluster " + names
        + " was not closed: removing its containers and networks");
    try {
      close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, () -> "cluster " + names + " not fully removed at exit: " + e);
    }
  }

  private static void closeNetwork(Network n, List<RuntimeException> failures) {
    try {
      n.close();
    } catch (RuntimeException e) {
      failures.add(e);
    }
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
     * Sets the nodes' names (default alpha, beta, gamma). At most six: the cluster makes a
     * network per pair of nodes, and Docker's default address pools hold about 30 networks.
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
