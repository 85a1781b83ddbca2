package io.distproc.runtime;

import io.distproc.Codec;
import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.NodeMetrics;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.Spawned;
import io.distproc.TimerRef;
import io.distproc.runtime.internal.TransportFactory;
import io.distproc.spi.NodeStart;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * A node is a registry of live processes (pid number -> ProcessImpl), counters, a lifecycle, and
 * a Remoting for everything addressed to other nodes. No node state is static: any number of
 * nodes run in one JVM, and none sees another's processes, counters or peers. The one static
 * value is the incarnation clock, a JVM-wide one that hands out incarnations (Incarnations).
 *
 * Spawning is Spawner's (the process table's writer at a start), the lifecycle Lifecycle's; a
 * spawn of a behaviour on another node goes to the remoting.
 *
 * Exit (on the dying process's own thread, after its last line): unregister, mark dead under
 * the process's lock (which hands over its watches exactly once), deliver a Down to each watcher
 * (after every message the process sent, since those sends completed on this same thread), then
 * drop the monitors it held on others.
 *
 * Links and exit signals are ExitSignals', registered names NameRegistry's, timers Timers'; the
 * node wires them to its process table and remoting and calls them at spawn and exit.
 *
 * Lifecycle (see Lifecycle): RUNNING -> SHUTDOWN (no new processes) -> STOPPING (every process
 * interrupted); terminated when shut down with no process left.
 */
final class NodeImpl<M> implements Node<M>, ProcessHost<M> {
  private static final System.Logger LOG = System.getLogger("io.distproc.runtime");

  private final NodeId id;
  private final NodeConfig config;
  private final Codec<M> codec;
  private final NodeWatch<M> nodeWatch;
  private final Remoting<M> remoting;
  private final ThreadFactory threads;

  private final ProcessTable<M> processes = new ProcessTable<>();
  private final ExitSignals<M> signals;
  private final NameRegistry<M> names = new NameRegistry<>();
  private final ProcessGroups<M> groups;
  private final Timers timers;
  private final NodeCounters counters = new NodeCounters();
  private final LocalDelivery<M> delivery;
  private final NodeMetrics metrics;
  private final Lifecycle lifecycle;
  private final Spawner<M> spawner;

  /** Written once, right after start. */
  private volatile @Nullable Pid initialProcess;

  private NodeImpl(NodeStart<M> start) {
    this.config = start.config();
    this.id = NodeId.of(config.name(), Incarnations.next());
    this.codec = start.codec();
    this.nodeWatch = new NodeWatch<>(start.nodeDownListeners(), start.nodeUpListeners());
    this.delivery = new LocalDelivery<>(id, processes, names, codec, counters);
    this.threads = Threads.processThreads(config.name());
    this.remoting =
        config.isRemote()
            ? new ClusterRemoting<>(id, config, codec, delivery, nodeWatch)
            : new LocalOnlyRemoting<>();
    this.signals = new ExitSignals<>(delivery, remoting);
    this.groups = new ProcessGroups<>(remoting::sendGroups);
    this.metrics = counters.metrics(id, processes, remoting);
    this.timers = new Timers(config.name());
    this.lifecycle = new Lifecycle(id, processes, timers, remoting);
    this.spawner =
        new Spawner<>(id, this, start.behaviours(), processes, counters, threads, lifecycle);
  }

  @Override
  public ExitSignals<M> signals() {
    return signals;
  }

  @Override
  public NameRegistry<M> names() {
    return names;
  }

  @Override
  public ProcessGroups<M> groups() {
    return groups;
  }

  @Override
  public List<Pid> groupMembers(String group) {
    return groups.members(group);
  }

  static <M> NodeImpl<M> start(NodeStart<M> start) {
    return start(start, start.config().isRemote() ? findTransport(start.config()) : null);
  }

  /** Starts a node with the given transport (ignored for a local-only configuration). */
  static <M> NodeImpl<M> start(NodeStart<M> start, @Nullable TransportFactory transport) {
    NodeImpl<M> node = new NodeImpl<>(start);
    if (node.remoting instanceof ClusterRemoting<M> cluster) {
      cluster.start(
          Objects.requireNonNull(transport, "transport"), node.signals, node.groups, node.spawner);
    }
    start.initialProcess().ifPresent(p -> node.initialProcess = node.spawn(p));
    LOG.log(System.Logger.Level.DEBUG, () -> "node " + node.id + " started: " + node.config);
    return node;
  }

  private static TransportFactory findTransport(NodeConfig config) {
    return ServiceLoader.load(TransportFactory.class)
        .findFirst()
        .or(
            () ->
                ServiceLoader.load(TransportFactory.class, NodeImpl.class.getClassLoader())
                    .findFirst())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "node '"
                        + config.name()
                        + "' has a remote configuration, but no transport is on the class path:"
                        + " add io.distproc:distproc-grpc-transport, or use NodeConfig.local"));
  }

  @Override
  public Optional<InetSocketAddress> boundAddress() {
    return remoting instanceof ClusterRemoting<M> cluster
        ? Optional.of(cluster.boundAddress())
        : Optional.empty();
  }

  @Override
  public void log(System.Logger.Level level, Supplier<String> message) {
    LOG.log(level, message);
  }

  // ---- spawning --------------------------------------------------------------------------------

  /** Spawns a local process. */
  @Override
  public Pid spawnLocal(Process<M> body) {
    return spawner.spawn(body);
  }

  /** Spawns a local process with a monitor held by {@code watcher} installed before it runs. */
  @Override
  public Spawned spawnLocalMonitored(Process<M> body, ProcessImpl<M> watcher) {
    return spawner.spawnMonitored(body, watcher);
  }

  /** Spawns a local process linked with {@code parent} before it runs. */
  @Override
  public Pid spawnLocalLinked(Process<M> body, ProcessImpl<M> parent) {
    return spawner.spawnLinked(body, parent);
  }

  /** Spawns a registered behaviour on any node. */
  @Override
  public Pid spawnBehaviour(NodeId where, String name, M argument) {
    return spawnBehaviour(where, name, argument, null).pid();
  }

  /** Spawns a registered behaviour on any node, with a monitor held by {@code watcher}. */
  @Override
  public Spawned spawnBehaviourMonitored(
      NodeId where, String name, M argument, ProcessImpl<M> watcher) {
    Spawner.Child child = spawnBehaviour(where, name, argument, watcher);
    return new Spawned(child.pid(), Objects.requireNonNull(child.monitor(), "a watcher's monitor"));
  }

  /** Spawns a registered behaviour, monitored by {@code watcher} if it is not null. */
  private Spawner.Child spawnBehaviour(
      NodeId where, String name, M argument, @Nullable ProcessImpl<M> watcher) {
    checkSpawn(where, name, argument);
    if (where.equals(id)) {
      return spawner.spawnBehaviour(name, argument, watcher);
    }
    // The monitor's number is chosen here; the child's node installs it before the child runs.
    long refId = watcher == null ? 0 : spawner.newRefId();
    Pid child =
        remoting.spawn(watcher == null ? null : watcher.pid(), where, name, argument, refId);
    if (watcher == null) {
      return new Spawner.Child(child, null);
    }
    MonitorRef ref = MonitorRef.of(watcher.pid(), child, refId);
    watcher.mailbox().hold(ref);
    return new Spawner.Child(child, ref);
  }

  /** Spawns a registered behaviour on any node, linked with {@code parent} before it runs. */
  @Override
  public Pid spawnBehaviourLinked(NodeId where, String name, M argument, ProcessImpl<M> parent) {
    checkSpawn(where, name, argument);
    if (where.equals(id)) {
      return spawner.spawnBehaviourLinked(name, argument, parent);
    }
    // The child's node links it before it runs; the link here is made when the reply arrives.
    return remoting.spawnLinked(parent.pid(), where, name, argument);
  }

  private void checkSpawn(NodeId where, String name, M argument) {
    Objects.requireNonNull(where, "node");
    Objects.requireNonNull(name, "behaviour");
    Objects.requireNonNull(argument, "argument");
    lifecycle.checkRunning();
  }

  // ---- messages --------------------------------------------------------------------------------

  @Override
  public void send(@Nullable Pid from, Pid to, M message) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    if (delivery.isThisNode(to.node())) {
      delivery.send(to, message); // to a process of another incarnation: a dead letter
    } else {
      remoting.send(from, to, message);
      counters.sent.increment();
    }
  }

  /** Sends to the process registered under {@code name} on {@code where}. */
  @Override
  public void sendNamed(@Nullable Pid from, NodeId where, String name, M message) {
    Objects.requireNonNull(where, "node");
    NameRegistry.check(name);
    Objects.requireNonNull(message, "message");
    if (where.equals(id)) {
      delivery.sendNamed(name, message);
    } else {
      remoting.sendNamed(from, where, name, message);
      counters.sent.increment();
    }
  }

  @Override
  public Optional<Pid> whereis(String name) {
    return names.whereis(name);
  }

  /**
   * Schedules a send from {@code from}; local sends run on the timer thread, remote ones off it.
   */
  @Override
  public TimerRef sendAfter(Pid from, Duration delay, Pid to, M message) {
    lifecycle.checkRunning();
    return timers.schedule(
        delay,
        () -> {
          if (to.node().equals(id)) {
            send(from, to, message);
          } else { // a remote send may wait for the link's room: never on the timer thread
            threads
                .newThread(
                    () -> {
                      try {
                        send(from, to, message);
                      } catch (RuntimeException e) {
                        LOG.log(
                            System.Logger.Level.DEBUG,
                            () -> "timer message to " + to + " lost: " + e);
                      }
                    })
                .start();
          }
        });
  }

  @Override
  public void broadcast(@Nullable Pid from, NodeId where, M message) {
    Objects.requireNonNull(where, "node");
    Objects.requireNonNull(message, "message");
    if (!where.equals(id)) {
      remoting.broadcast(from, where, message);
      return;
    }
    delivery.broadcast(from, message);
  }

  // ---- monitors --------------------------------------------------------------------------------

  @Override
  public MonitorRef monitor(ProcessImpl<M> watcher, Pid target) {
    NodeId where = target.node();
    if (!delivery.isThisNode(where)) {
      MonitorRef ref = spawner.newRef(watcher.pid(), target);
      remoting.monitor(ref); // throws InvalidNodeException for an unknown node
      watcher.mailbox().hold(ref);
      return ref;
    }
    MonitorRef ref = spawner.newRef(watcher.pid(), target);
    watcher.mailbox().hold(ref);
    ProcessImpl<M> p = delivery.local(target);
    if (p == null || !p.addWatch(ref)) {
      watcher.mailbox().offerDown(new Down(ref, new MonitorReason.NoProcess(target)));
    }
    return ref;
  }

  @Override
  public void demonitor(MonitorRef ref) {
    Pid target = ref.target();
    if (target.node().equals(id)) {
      ProcessImpl<M> p = delivery.local(target);
      if (p != null) {
        p.removeWatch(ref);
      }
    } else if (!delivery.isThisNode(target.node())) {
      remoting.demonitor(ref);
    }
  }

  /** Called on the dying process's thread after its last line. */
  @Override
  public void exit(ProcessImpl<M> p, MonitorReason reason) {
    names.release(p); // before the end: a name never names a dead process for long
    if (p.sociable()) {
      nodeWatch.watch(p, false);
      groups.ended(p); // its groups learn it left before anyone can see it dead
    }
    processes.remove(p);
    List<Object> watches = p.markDead();
    for (Object watch : watches) {
      if (watch instanceof MonitorRef ref) {
        deliverDown(ref, reason);
      }
    }
    signals.ended(p.pid(), p.takeLinks(), reason);
    for (MonitorRef ref : p.mailbox().releaseAll()) {
      demonitor(ref);
    }
    // Futures last: their callbacks run on this thread and may be slow, but by now every Down
    // notice is out; they can only delay the node's termination.
    for (Object watch : watches) {
      if (watch instanceof CompletableFuture<?> f) {
        @SuppressWarnings("unchecked")
        CompletableFuture<MonitorReason> future = (CompletableFuture<MonitorReason>) f;
        future.complete(reason);
      }
    }
    lifecycle.checkTerminated();
  }

  private void deliverDown(MonitorRef ref, MonitorReason reason) {
    if (ref.watcher().node().equals(id)) {
      delivery.deliverDown(ref, reason);
    } else {
      counters.downsToOtherNodes.increment();
      remoting.sendDown(ref, reason);
    }
  }

  /** How many Down notices this node has handed to its remoting for other nodes. For tests. */
  long downsToOtherNodes() {
    return counters.downsToOtherNodes.sum();
  }

  /** How many links the live process {@code pid} of this node has (0 if none). For tests. */
  int linksOf(Pid pid) {
    ProcessImpl<M> p = delivery.local(pid);
    return p == null ? 0 : p.linkCount();
  }

  /** How many monitors watch the live process {@code pid} of this node (0 if none). For tests. */
  int monitorsOn(Pid pid) {
    ProcessImpl<M> p = delivery.local(pid);
    return p == null ? 0 : p.monitorCount();
  }

  // ---- Node --------------------------------------------------------------------------------

  @Override
  public NodeId id() {
    return id;
  }

  @Override
  public NodeConfig config() {
    return config;
  }

  @Override
  public Optional<Pid> initialProcess() {
    return Optional.ofNullable(initialProcess);
  }

  @Override
  public Pid spawn(Process<M> body) {
    return spawnLocal(body);
  }

  @Override
  public void send(Pid to, M message) {
    send(null, to, message);
  }

  @Override
  public void broadcast(NodeId node, M message) {
    broadcast(null, node, message);
  }

  @Override
  public CompletableFuture<MonitorReason> termination(Pid pid) {
    Objects.requireNonNull(pid, "pid");
    if (!pid.node().equals(id)) {
      throw new IllegalArgumentException(pid + " is not a process of node " + id);
    }
    CompletableFuture<MonitorReason> future = new CompletableFuture<>();
    ProcessImpl<M> p = processes.get(pid.id());
    if (p == null || !p.addWatch(future)) {
      future.complete(new MonitorReason.NoProcess(pid));
    }
    return future.copy();
  }

  @Override
  public Optional<NodeId> remoteNode(String name) {
    return remoting.node(name);
  }

  @Override
  public List<NodeId> remoteNodes() {
    return remoting.nodes();
  }

  @Override
  public NodeId addRemoteNode(String host, int port, String name) {
    return remoting.add(host, port, name);
  }

  @Override
  public void removeRemoteNode(NodeId node) {
    remoting.remove(Objects.requireNonNull(node, "node"));
  }

  /** Subscribes {@code p} to node events, or ends it. */
  @Override
  public void watchNodes(ProcessImpl<M> p, boolean watch) {
    nodeWatch.watch(p, watch);
  }

  @Override
  public NodeMetrics metrics() {
    return metrics;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  @Override
  public void shutdown() {
    lifecycle.shutdown();
  }

  @Override
  public void shutdownNow() {
    lifecycle.shutdownNow();
  }

  @Override
  public boolean awaitTermination(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return lifecycle.awaitTermination(timeout);
  }

  @Override
  public boolean isShutdown() {
    return lifecycle.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return lifecycle.isTerminated();
  }

  @Override
  public void close() {
    lifecycle.close();
  }

  @Override
  public String toString() {
    return "Node[" + id + ", " + (config.isRemote() ? "remote" : "local-only") + "]";
  }
}
