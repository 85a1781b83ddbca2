package io.distproc.runtime;

import io.distproc.Behaviour;
import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.DistprocException;
import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.NodeMetrics;
import io.distproc.NodeUpEvent;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.ProcessInterruptedException;
import io.distproc.Spawned;
import io.distproc.TimerRef;
import io.distproc.runtime.internal.TransportFactory;
import io.distproc.spi.NodeStart;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/*
 * Design notes for maintainers.
 *
 * A node is a registry of live processes (pid number -> ProcessImpl), counters, a lifecycle, and
 * a Remoting for everything addressed to other nodes. No node state is static: any number of
 * nodes run in one JVM, and none sees another's processes, counters or peers. The one static
 * value is LAST_INCARNATION, a JVM-wide clock that hands out incarnations (see there).
 *
 * Spawn: allocate the pid (never reused: an AtomicLong), install the spawner's monitor if asked
 * (so it exists before the child's first line), register, re-check the lifecycle, start the
 * thread. The re-check after registering closes the race with shutdownNow: either shutdownNow's
 * sweep sees the registration and kills the child, or the spawner sees the shutdown, unregisters
 * and throws.
 *
 * Exit (on the dying process's own thread, after its last line): unregister, mark dead under
 * the process's lock (which hands over its watches exactly once), deliver a Down to each watcher
 * (after every message the process sent, since those sends completed on this same thread), then
 * drop the monitors it held on others.
 *
 * Links and exit signals are ExitSignals', registered names NameRegistry's, timers Timers'; the
 * node wires them to its process table and remoting and calls them at spawn and exit.
 *
 * Lifecycle: RUNNING -> SHUTDOWN (no new processes) -> STOPPING (every process interrupted). The
 * node has terminated when it is shut down and no process is registered; `terminated` is
 * counted down once, by whichever thread observes that first.
 */
final class NodeImpl<M> implements Node<M>, NodeMetrics {
  private static final System.Logger LOG = System.getLogger("io.distproc.runtime");
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final int RUNNING = 0;
  private static final int SHUTDOWN = 1;
  private static final int STOPPING = 2;

  private final NodeId id;
  private final NodeConfig config;
  private final Behaviours<M> behaviours;
  private final Codec<M> codec;
  private final List<Consumer<? super NodeDownEvent>> nodeDownListeners;
  private final List<Consumer<? super NodeUpEvent>> nodeUpListeners;

  /** The processes that monitor nodes (ProcessContext.monitorNodes); any thread. */
  private final Set<ProcessImpl<M>> nodeWatchers = ConcurrentHashMap.newKeySet();
  private final Remoting<M> remoting;
  private final ThreadFactory threads;

  private final ProcessTable<M> processes = new ProcessTable<>();
  private final ExitSignals<M> signals;
  private final NameRegistry<M> names = new NameRegistry<>();
  private final ProcessGroups<M> groups;
  private final Timers timers;
  private final AtomicLong lastPid = new AtomicLong();
  private final AtomicLong lastRef = new AtomicLong();
  private final AtomicLong spawned = new AtomicLong();
  private final LongAdder sent = new LongAdder();
  private final LongAdder deadLetters = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder undecodable = new LongAdder();
  private final LongAdder unsent = new LongAdder();
  private final LongAdder downsToOtherNodes = new LongAdder();

  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final CountDownLatch terminated = new CountDownLatch(1);

  /** Written once, right after start. */
  private volatile Pid initialProcess;

  private NodeImpl(NodeStart<M> start) {
    this.config = start.config();
    this.id = NodeId.of(config.name(), newIncarnation());
    this.codec = start.codec();
    this.behaviours = start.behaviours();
    this.nodeDownListeners = start.nodeDownListeners();
    this.nodeUpListeners = start.nodeUpListeners();
    this.threads = Threads.processThreads(config.name());
    this.remoting =
        config.isRemote()
            ? new ClusterRemoting<>(this, id, config, codec)
            : new LocalOnlyRemoting<>();
    this.signals = new ExitSignals<>(id, processes, remoting);
    this.groups = new ProcessGroups<>(remoting::sendGroups);
    this.timers = new Timers(config.name());
  }

  ExitSignals<M> signals() {
    return signals;
  }

  NameRegistry<M> names() {
    return names;
  }

  ProcessGroups<M> groups() {
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
  static <M> NodeImpl<M> start(NodeStart<M> start, TransportFactory transport) {
    NodeImpl<M> node = new NodeImpl<>(start);
    if (node.remoting instanceof ClusterRemoting<M> cluster) {
      cluster.start(Objects.requireNonNull(transport, "transport"), node.signals);
    }
    start.initialProcess().ifPresent(p -> node.initialProcess = node.spawn(p));
    LOG.log(System.Logger.Level.DEBUG, () -> "node " + node.id + " started: " + node.config);
    return node;
  }

  private static TransportFactory findTransport(NodeConfig config) {
    return ServiceLoader.load(TransportFactory.class).findFirst()
        .or(() -> ServiceLoader.load(TransportFactory.class, NodeImpl.class.getClassLoader())
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

  /**
   * The last incarnation given out in this JVM: the runtime's one static field that changes. It is
   * a clock, not node state: it only ever grows, no node reads another node's anything through it,
   * and a node keeps no reference to it after taking its incarnation; closing a node leaves it
   * alone. It exists because {@link io.distproc.NodeId#incarnation()} promises a different and
   * larger number each time a node of a name starts, which the wall clock alone cannot keep within
   * one JVM (where tests restart a node of the same name): two starts can read the same
   * microsecond, and the clock can step back while the JVM runs. A per-node derivation cannot see
   * the previous node of the name, so it could not keep the promise; peers rely on the order (a
   * link from an older incarnation of a connected name is refused). Across JVMs the wall clock in
   * microseconds carries the order. Thread-safe: updated with one atomic accumulate.
   */
  private static final AtomicLong LAST_INCARNATION = new AtomicLong();

  /** A new incarnation: the start time in microseconds, larger than any given out before. */
  private static long newIncarnation() {
    long now = Math.max(1, ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
    return LAST_INCARNATION.accumulateAndGet(now, (last, clock) -> Math.max(last + 1, clock));
  }

  void log(System.Logger.Level level, Supplier<String> message) {
    LOG.log(level, message);
  }

  // ---- spawning --------------------------------------------------------------------------------

  /** Spawns a local process. */
  Pid spawnLocal(Process<M> body) {
    Objects.requireNonNull(body, "body");
    checkRunning();
    Pid pid = Pid.of(id, lastPid.incrementAndGet());
    start(new ProcessImpl<>(this, pid, body), null, null);
    return pid;
  }

  /** Spawns a local process with a monitor held by {@code watcher} installed before it runs. */
  Spawned spawnLocalMonitored(Process<M> body, ProcessImpl<M> watcher) {
    Objects.requireNonNull(body, "body");
    checkRunning();
    Pid pid = Pid.of(id, lastPid.incrementAndGet());
    MonitorRef ref = newRef(watcher.pid(), pid);
    start(new ProcessImpl<>(this, pid, body), watcher, ref);
    return new Spawned(pid, ref);
  }

  /** Spawns a local process linked with {@code parent} before it runs. */
  Pid spawnLocalLinked(Process<M> body, ProcessImpl<M> parent) {
    Objects.requireNonNull(body, "body");
    checkRunning();
    Pid pid = Pid.of(id, lastPid.incrementAndGet());
    ProcessImpl<M> child = new ProcessImpl<>(this, pid, body);
    child.addLink(parent.pid());
    parent.addLink(pid);
    try {
      start(child, null, null);
    } catch (RuntimeException e) {
      parent.removeLink(pid);
      throw e;
    }
    return pid;
  }

  private void start(ProcessImpl<M> p, ProcessImpl<M> watcher, MonitorRef ref) {
    if (ref != null) {
      p.addWatch(ref);
      watcher.hold(ref);
    }
    processes.put(p);
    if (state.get() != RUNNING) {
      processes.remove(p);
      if (ref != null) {
        watcher.releaseHeld(ref);
      }
      checkTerminated();
      throw shutDown();
    }
    spawned.incrementAndGet();
    p.start(threads.newThread(p));
  }

  /** Spawns a registered behaviour on any node. */
  Pid spawnBehaviour(NodeId where, String name, M argument) {
    return spawnBehaviour(where, name, argument, null).pid();
  }

  /** Spawns a registered behaviour on any node, with a monitor held by {@code watcher}. */
  Spawned spawnBehaviourMonitored(
      NodeId where, String name, M argument, ProcessImpl<M> watcher) {
    Child child = spawnBehaviour(where, name, argument, watcher);
    return new Spawned(child.pid(), child.monitor());
  }

  /** A spawned child and, if one was asked for, the monitor on it (else null). */
  private record Child(Pid pid, MonitorRef monitor) {}

  /** Spawns a registered behaviour on any node, linked with {@code parent} before it runs. */
  Pid spawnBehaviourLinked(NodeId where, String name, M argument, ProcessImpl<M> parent) {
    Objects.requireNonNull(where, "node");
    Objects.requireNonNull(name, "behaviour");
    Objects.requireNonNull(argument, "argument");
    checkRunning();
    if (!where.equals(id)) {
      // The child's node links it before it runs; the link here is made when the reply arrives.
      return remoting.spawnLinked(parent.pid(), where, name, argument);
    }
    Optional<Behaviour<M>> behaviour = behaviours.find(name);
    if (behaviour.isPresent()) {
      Behaviour<M> b = behaviour.get();
      return spawnLocalLinked(ctx -> b.create(argument).run(ctx), parent);
    }
    Pid none = Pid.of(id, lastPid.incrementAndGet());
    LOG.log(
        System.Logger.Level.WARNING,
        () -> "node " + id + " has no behaviour '" + name + "' to spawn; pid " + none + " is dead");
    parent.signal(none, new MonitorReason.NoProcess(none), false);
    return none;
  }

  private Child spawnBehaviour(NodeId where, String name, M argument, ProcessImpl<M> watcher) {
    Objects.requireNonNull(where, "node");
    Objects.requireNonNull(name, "behaviour");
    Objects.requireNonNull(argument, "argument");
    checkRunning();
    if (!where.equals(id)) {
      // The monitor's number is chosen here; the child's node installs it before the child runs.
      long refId = watcher == null ? 0 : lastRef.incrementAndGet();
      Pid child =
          remoting.spawn(watcher == null ? null : watcher.pid(), where, name, argument, refId);
      if (watcher == null) {
        return new Child(child, null);
      }
      MonitorRef ref = MonitorRef.of(watcher.pid(), child, refId);
      watcher.hold(ref);
      return new Child(child, ref);
    }
    Optional<Behaviour<M>> behaviour = behaviours.find(name);
    if (behaviour.isPresent()) {
      Behaviour<M> b = behaviour.get();
      Process<M> body = ctx -> b.create(argument).run(ctx);
      if (watcher == null) {
        return new Child(spawnLocal(body), null);
      }
      Spawned s = spawnLocalMonitored(body, watcher);
      return new Child(s.pid(), s.monitor());
    }
    // Like a spawn that failed at once: the pid names no process, so a monitor says NoProcess.
    Pid none = Pid.of(id, lastPid.incrementAndGet());
    LOG.log(
        System.Logger.Level.WARNING,
        () -> "node " + id + " has no behaviour '" + name + "' to spawn; pid " + none + " is dead");
    if (watcher == null) {
      return new Child(none, null);
    }
    MonitorRef ref = newRef(watcher.pid(), none);
    watcher.hold(ref);
    watcher.offerDown(new Down(ref, new MonitorReason.NoProcess(none)));
    return new Child(none, ref);
  }

  private MonitorRef newRef(Pid watcher, Pid target) {
    return MonitorRef.of(watcher, target, lastRef.incrementAndGet());
  }

  private void checkRunning() {
    if (state.get() != RUNNING) {
      throw shutDown();
    }
  }

  private IllegalStateException shutDown() {
    return new IllegalStateException("node " + id + " is shut down: no new processes");
  }

  // ---- messages --------------------------------------------------------------------------------

  void send(Pid from, Pid to, M message) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    NodeId target = to.node();
    if (target.equals(id)) {
      sent.increment();
      ProcessImpl<M> p = processes.get(to.id());
      if (p == null) {
        deadLetter(to, message);
      } else {
        p.offer(message);
      }
    } else if (target.name().equals(id.name())) {
      sent.increment();
      deadLetter(to, message); // another incarnation of this node: its processes are gone
    } else {
      remoting.send(from, to, message);
      sent.increment();
    }
  }

  /** Sends to the process registered under {@code name} on {@code where}. */
  void sendNamed(Pid from, NodeId where, String name, M message) {
    Objects.requireNonNull(where, "node");
    NameRegistry.check(name);
    Objects.requireNonNull(message, "message");
    if (!where.equals(id)) {
      remoting.sendNamed(from, where, name, message);
      sent.increment();
      return;
    }
    sent.increment();
    ProcessImpl<M> p = names.get(name);
    if (p == null) {
      deadLetters.increment();
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "dead letter to the unregistered name '" + name + "': " + codec.describe(message));
    } else {
      p.offer(message);
    }
  }

  /** Delivers a message from another node, still encoded, to a name registered here. */
  void deliverEncodedToName(String name, byte[] payload) {
    received.increment();
    ProcessImpl<M> p = names.get(name);
    if (p == null) {
      deadLetters.increment();
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "dead letter to the unregistered name '" + name + "': " + describeEncoded(payload));
    } else {
      p.offerEncoded(payload, decoder);
    }
  }

  @Override
  public Optional<Pid> whereis(String name) {
    return names.whereis(name);
  }

  /** Schedules a send from {@code from}; local sends run on the timer thread, remote ones off it. */
  TimerRef sendAfter(Pid from, Duration delay, Pid to, M message) {
    checkRunning();
    return timers.schedule(
        delay,
        () -> {
          if (to.node().equals(id)) {
            send(from, to, message);
          } else { // a remote send may wait for the link's room: never on the timer thread
            threads.newThread(() -> {
              try {
                send(from, to, message);
              } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "timer message to " + to + " lost: " + e);
              }
            }).start();
          }
        });
  }

  private void deadLetter(Pid to, M message) {
    deadLetters.increment();
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "dead letter to " + to + ": " + codec.describe(message));
  }

  void broadcast(Pid from, NodeId where, M message) {
    Objects.requireNonNull(where, "node");
    Objects.requireNonNull(message, "message");
    if (!where.equals(id)) {
      remoting.broadcast(from, where, message);
      return;
    }
    processes.forEach(
        p -> {
          if (!p.pid().equals(from)) {
            sent.increment();
            p.offer(message);
          }
        });
  }

  // ---- monitors --------------------------------------------------------------------------------

  MonitorRef monitor(ProcessImpl<M> watcher, Pid target) {
    NodeId where = target.node();
    if (!where.equals(id) && !where.name().equals(id.name())) {
      MonitorRef ref = newRef(watcher.pid(), target);
      remoting.monitor(ref); // throws InvalidNodeException for an unknown node
      watcher.hold(ref);
      return ref;
    }
    MonitorRef ref = newRef(watcher.pid(), target);
    watcher.hold(ref);
    ProcessImpl<M> p = where.equals(id) ? processes.get(target.id()) : null;
    if (p == null || !p.addWatch(ref)) {
      watcher.offerDown(new Down(ref, new MonitorReason.NoProcess(target)));
    }
    return ref;
  }

  void demonitor(MonitorRef ref) {
    Pid target = ref.target();
    if (target.node().equals(id)) {
      ProcessImpl<M> p = processes.get(target.id());
      if (p != null) {
        p.removeWatch(ref);
      }
    } else if (!target.node().name().equals(id.name())) {
      remoting.demonitor(ref);
    }
  }

  /** Called on the dying process's thread after its last line. */
  void exit(ProcessImpl<M> p, MonitorReason reason) {
    names.release(p); // before the end: a name never names a dead process for long
    if (p.sociable()) {
      nodeWatchers.remove(p);
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
    for (MonitorRef ref : p.releaseHeld()) {
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
    checkTerminated();
  }

  private void deliverDown(MonitorRef ref, MonitorReason reason) {
    if (ref.watcher().node().equals(id)) {
      deliverDownHere(ref, reason);
    } else {
      downsToOtherNodes.increment();
      remoting.sendDown(ref, reason);
    }
  }

  /** How many Down notices this node has handed to its remoting for other nodes. For tests. */
  long downsToOtherNodes() {
    return downsToOtherNodes.sum();
  }

  /** How many links the live process {@code pid} of this node has (0 if none). For tests. */
  int linksOf(Pid pid) {
    ProcessImpl<M> p = pid.node().equals(id) ? processes.get(pid.id()) : null;
    return p == null ? 0 : p.linkCount();
  }

  /** How many monitors watch the live process {@code pid} of this node (0 if none). For tests. */
  int monitorsOn(Pid pid) {
    ProcessImpl<M> p = pid.node().equals(id) ? processes.get(pid.id()) : null;
    return p == null ? 0 : p.monitorCount();
  }

  // ---- called by ClusterRemoting for traffic from other nodes -------------------------------

  /** Queues a Down notice for a watcher of this node, if it is still alive. */
  void deliverDownHere(MonitorRef ref, MonitorReason reason) {
    Pid watcher = ref.watcher();
    ProcessImpl<M> w = watcher.node().equals(id) ? processes.get(watcher.id()) : null;
    if (w != null) {
      w.offerDown(new Down(ref, reason));
    }
  }

  /**
   * Delivers a message from another node, still encoded, to a process of this node: the process
   * decodes it when its receive first examines it. Runs no user code, never blocks.
   */
  void deliverEncodedHere(Pid to, byte[] payload) {
    received.increment();
    ProcessImpl<M> p = processes.get(to.id());
    if (p == null) {
      deadLetters.increment();
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "dead letter to " + to + ": " + describeEncoded(payload));
    } else {
      p.offerEncoded(payload, decoder);
    }
  }

  /** Decodes a message for a receiving process; null, counted and logged, if it is rejected. */
  private final Function<byte[], Object> decoder = payload -> decodeOrDrop(payload, null);

  /**
   * Decodes a message from another node; returns null, and counts and logs the drop, if the codec
   * rejects the bytes or decodes null.
   *
   * @param from the node it came from, for the log, or null if not known here
   */
  M decodeOrDrop(byte[] payload, NodeId from) {
    try {
      M message = codec.decode(payload);
      if (message == null) {
        throw new IllegalArgumentException("the codec decoded a null message");
      }
      return message;
    } catch (RuntimeException e) {
      undecodable.increment();
      LOG.log(
          System.Logger.Level.WARNING,
          () -> "node " + id + " dropped a message" + (from == null ? "" : " from " + from)
              + " that the codec rejected: " + e);
      return null;
    }
  }

  private String describeEncoded(byte[] payload) {
    try {
      return codec.describe(codec.decode(payload));
    } catch (RuntimeException e) {
      return payload.length + " bytes the codec rejects";
    }
  }

  /** Delivers a broadcast from another node to every process of this node. */
  void broadcastHere(Pid from, M message) {
    processes.forEach(
        p -> {
          if (!p.pid().equals(from)) {
            received.increment();
            p.offer(message);
          }
        });
  }

  /**
   * Counts a message that the link to {@code node} refused because it had just closed (the
   * node-down that follows has not been handled yet): it is lost, as one in flight is.
   */
  void countUnsent(NodeId node, String what) {
    unsent.increment();
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "message " + what + " lost: the link to " + node + " had closed");
  }

  void countDeadLetter(Pid to, String why) {
    deadLetters.increment();
    LOG.log(System.Logger.Level.DEBUG, () -> "dead letter to " + to + " " + why);
  }

  /** Installs a monitor held by a process of another node on a process here. */
  boolean watchForPeer(MonitorRef ref) {
    Pid target = ref.target();
    ProcessImpl<M> p = target.node().equals(id) ? processes.get(target.id()) : null;
    return p != null && p.addWatch(ref);
  }

  /** Removes a monitor held by a process of another node, if its target still lives. */
  void unwatchForPeer(MonitorRef ref) {
    Pid target = ref.target();
    ProcessImpl<M> p = target.node().equals(id) ? processes.get(target.id()) : null;
    if (p != null) {
      p.removeWatch(ref);
    }
  }

  /** What a spawn for another node does once the child is registered and before it runs. */
  interface BeforeStart {
    /**
     * Called with the child's pid, the monitor installed on it (null if none), whether it was
     * linked with the spawner, and whether it was started at all.
     */
    void registered(Pid child, MonitorRef monitor, boolean linked, boolean started);
  }

  /**
   * Spawns a registered behaviour for another node's process. The monitor, if asked for, is
   * installed and {@code beforeStart} told before the child runs. If the behaviour is unknown, the
   * argument undecodable or the node shutting down, the pid names no process and beforeStart
   * gets no monitor.
   */
  Pid spawnForPeer(
      String name,
      Optional<M> argument,
      Pid spawner,
      long monitorId,
      boolean link,
      BeforeStart beforeStart) {
    Optional<Behaviour<M>> behaviour = behaviours.find(name);
    Pid pid = Pid.of(id, lastPid.incrementAndGet());
    if (behaviour.isEmpty() || argument.isEmpty() || state.get() != RUNNING) {
      LOG.log(
          System.Logger.Level.WARNING,
          () -> "cannot spawn '" + name + "' for " + spawner + ": "
              + (behaviour.isEmpty() ? "no such behaviour" : argument.isEmpty()
                  ? "undecodable argument" : "node shutting down"));
      beforeStart.registered(pid, null, false, false);
      return pid;
    }
    Behaviour<M> b = behaviour.get();
    M arg = argument.get();
    ProcessImpl<M> p = new ProcessImpl<>(this, pid, ctx -> b.create(arg).run(ctx));
    MonitorRef ref = monitorId == 0 ? null : MonitorRef.of(spawner, pid, monitorId);
    if (ref != null) {
      p.addWatch(ref);
    }
    if (link) {
      p.addLink(spawner);
    }
    processes.put(p);
    if (state.get() != RUNNING) {
      processes.remove(p);
      checkTerminated();
      beforeStart.registered(pid, null, false, false);
      return pid;
    }
    beforeStart.registered(pid, ref, link, true);
    spawned.incrementAndGet();
    p.start(threads.newThread(p));
    return pid;
  }

  /**
   * Tells every process that monitors nodes, then every node-down listener, once per event; what a
   * listener throws is logged.
   */
  void fireNodeDown(NodeDownEvent event) {
    for (ProcessImpl<M> p : nodeWatchers) {
      p.offerSignal(event);
    }
    for (Consumer<? super NodeDownEvent> listener : nodeDownListeners) {
      try {
        listener.accept(event);
      } catch (Throwable t) { // user code never breaks the runtime
        LOG.log(System.Logger.Level.WARNING, "node-down listener failed for " + event, t);
      }
    }
  }

  /** Like {@link #fireNodeDown}, for a node that connected. */
  void fireNodeUp(NodeUpEvent event) {
    for (ProcessImpl<M> p : nodeWatchers) {
      p.offerSignal(event);
    }
    for (Consumer<? super NodeUpEvent> listener : nodeUpListeners) {
      try {
        listener.accept(event);
      } catch (Throwable t) { // user code never breaks the runtime
        LOG.log(System.Logger.Level.WARNING, "node-up listener failed for " + event, t);
      }
    }
  }

  /** Subscribes {@code p} to node events, or ends it. */
  void watchNodes(ProcessImpl<M> p, boolean watch) {
    if (watch) {
      nodeWatchers.add(p);
    } else {
      nodeWatchers.remove(p);
    }
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

  @Override
  public NodeMetrics metrics() {
    return this;
  }

  @Override
  public long liveProcesses() {
    return processes.size();
  }

  @Override
  public long processesSpawned() {
    return spawned.get();
  }

  @Override
  public long messagesSent() {
    return sent.sum();
  }

  @Override
  public long deadLetters() {
    return deadLetters.sum();
  }

  @Override
  public long messagesReceived() {
    return received.sum();
  }

  @Override
  public long messagesDropped() {
    return deadLetters.sum() + undecodable.sum() + unsent.sum();
  }

  @Override
  public OptionalLong mailboxDepth(Pid pid) {
    Objects.requireNonNull(pid, "pid");
    ProcessImpl<M> p = pid.node().equals(id) ? processes.get(pid.id()) : null;
    return p == null ? OptionalLong.empty() : OptionalLong.of(p.depth());
  }

  @Override
  public long maxMailboxDepth() {
    long[] max = {0};
    processes.forEach(p -> max[0] = Math.max(max[0], p.depth()));
    return max[0];
  }

  @Override
  public long linksUp() {
    return remoting.nodes().size();
  }

  @Override
  public long linksDown() {
    return remoting.linksDown();
  }

  @Override
  public Optional<Duration> heartbeatRoundTrip(NodeId node) {
    return remoting.roundTrip(node);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  @Override
  public void shutdown() {
    if (state.compareAndSet(RUNNING, SHUTDOWN)) {
      LOG.log(System.Logger.Level.DEBUG, () -> "node " + id + " shutting down");
    }
    checkTerminated();
  }

  @Override
  public void shutdownNow() {
    int before = state.getAndSet(STOPPING);
    if (before != STOPPING) {
      LOG.log(System.Logger.Level.DEBUG, () -> "node " + id + " stopping its processes");
      timers.close();
      remoting.close();
    }
    processes.forEach(ProcessImpl::kill);
    checkTerminated();
  }

  private void checkTerminated() {
    if (state.get() != RUNNING && processes.isEmpty() && terminated.getCount() > 0) {
      timers.close();
      remoting.close(); // after a graceful shutdown, the links go when the last process ends
      terminated.countDown();
      LOG.log(System.Logger.Level.DEBUG, () -> "node " + id + " terminated");
    }
  }

  @Override
  public boolean awaitTermination(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    try {
      return terminated.await(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException(e);
    }
  }

  @Override
  public boolean isShutdown() {
    return state.get() != RUNNING;
  }

  @Override
  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  @Override
  public void close() {
    shutdownNow();
    if (!awaitTermination(CLOSE_TIMEOUT)) {
      throw new DistprocException(
          "node "
              + id
              + ": "
              + processes.size()
              + " process(es) did not end within "
              + CLOSE_TIMEOUT.toSeconds()
              + " s of being interrupted");
    }
  }

  @Override
  public String toString() {
    return "Node[" + id + ", " + (config.isRemote() ? "remote" : "local-only") + "]";
  }

}
