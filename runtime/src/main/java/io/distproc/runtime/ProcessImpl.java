package io.distproc.runtime;

import io.distproc.Down;
import io.distproc.EmptyMatchersException;
import io.distproc.InvalidNodeException;
import io.distproc.Matcher;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.ProcessContext;
import io.distproc.ProcessInterruptedException;
import io.distproc.ReceiveMark;
import io.distproc.Spawned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;

/*
 * Design notes for maintainers.
 *
 * One ProcessImpl per process: its context, its mailbox (it is one: see Mailbox), and two
 * monitor tables.
 *
 * - WATCHES (who watches this process): MonitorRefs held by other processes, and futures from
 *   Node.termination. Guarded by `this`; touched by any thread that monitors or unmonitors this
 *   process, and by this process's own thread when it ends. Nothing blocks while holding the
 *   lock. The state ALIVE -> DEAD changes under the same lock, in markDead(), which hands the
 *   watches to the dying thread: a watch added before that fires exactly once, a watch asked
 *   for after it gets NoProcess from the caller, never both. Kept as null, one watch, or a list,
 *   because most processes have no watcher or one.
 *
 * - HELD (monitors this process holds on others): owner-thread only, no lock. A Down notice is
 *   received only if its ref is still held, and is removed from HELD when taken, so each ref is
 *   received at most once and never after unmonitor, even if the notice was already queued
 *   (Erlang's demonitor with the flush option, always). When the process ends, the refs it still
 *   holds are removed from their targets, so dead watchers leave nothing behind.
 *
 * `thread` is written once, before the thread starts. `killed` is written by Node.shutdownNow.
 */
final class ProcessImpl<M> extends Mailbox<M>
    implements ProcessContext<M>, Runnable, Predicate<Down>, Consumer<Down> {

  static {
    // Loaded and initialized before any process waits, so that code compiled while processes wait
    // already knows the classes their ends allocate (see run).
    for (Class<?> c :
        List.of(
            MonitorReason.Normal.class,
            MonitorReason.Crashed.class,
            MonitorReason.NodeDown.class,
            MonitorReason.UnknownNode.class)) {
      try {
        Class.forName(c.getName(), true, c.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  private final NodeImpl<M> node;
  private final Pid pid;
  private final Process<M> body;

  /** Written before start; read by any thread. */
  private volatile Thread thread;

  /** Set by shutdownNow from any thread. */
  private volatile boolean killed;

  /** Guarded by this: null, a MonitorRef or CompletableFuture, or an ArrayList of them. */
  private Object watches;

  /** Guarded by this. */
  private boolean dead;

  /** Owner thread only. */
  private HashSet<MonitorRef> held;

  /**
   * Sends and receives since this process last gave up its carrier (see {@link #reduce}). Owner
   * thread only; a send from another thread may race on it, which can only move a yield.
   */
  private int reductions;

  ProcessImpl(NodeImpl<M> node, Pid pid, Process<M> body) {
    this.node = node;
    this.pid = pid;
    this.body = body;
  }

  void start(Thread t) {
    this.thread = t;
    t.start();
  }

  @Override
  public void run() {
    // Only the call to the body and one call after it live in this frame, which is on the stack of
    // every waiting process. Code compiled while processes wait may not have seen a body return;
    // what runs after it is kept out of this frame (in ended), so a million processes resuming do
    // not each fall into the compiled code's trap for a path it never saw.
    Throwable failure = null;
    try {
      if (killed) {
        throw new ProcessInterruptedException(new InterruptedException("killed before start"));
      }
      body.run(this);
    } catch (Throwable t) { // user code never breaks the runtime
      failure = t;
    }
    ended(failure);
  }

  /** Reports the end of the body to the node: normally if {@code failure} is null. */
  private void ended(Throwable failure) {
    MonitorReason reason;
    if (killed) {
      // Killed by shutdownNow (it may have returned anyway, say after swallowing the interrupt):
      // the node is going down, and that is what its watchers are told.
      reason = new MonitorReason.NodeDown(pid, pid.node());
    } else if (failure == null) {
      reason = new MonitorReason.Normal(pid);
    } else if (failure instanceof InvalidNodeException e) {
      reason = unknownNode(e);
    } else {
      reason = crashed(failure);
    }
    node.exit(this, reason);
  }

  private MonitorReason unknownNode(InvalidNodeException e) {
    node.log(System.Logger.Level.DEBUG, () -> pid + " ended: unknown node " + e.node());
    return new MonitorReason.UnknownNode(pid, e.node());
  }

  private MonitorReason crashed(Throwable t) {
    node.log(System.Logger.Level.DEBUG, () -> pid + " crashed: " + t);
    return MonitorReason.Crashed.of(pid, t);
  }

  /** Interrupts the process so that it ends. Any thread. */
  void kill() {
    killed = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  // ---- watches (who watches this process) ------------------------------------------------------

  /** Adds a watch (a MonitorRef or a future). Returns false if the process has ended. */
  synchronized boolean addWatch(Object watch) {
    if (dead) {
      return false;
    }
    if (watches == null) {
      watches = watch;
    } else if (watches instanceof WatchList list) {
      list.add(watch);
    } else {
      WatchList list = new WatchList();
      list.add(watches);
      list.add(watch);
      watches = list;
    }
    return true;
  }

  /** Removes a watch if it is still there. Any thread. */
  synchronized void removeWatch(Object watch) {
    if (watches == null || dead) {
      return;
    }
    if (watches instanceof WatchList list) {
      list.remove(watch);
      if (list.isEmpty()) {
        watches = null;
      }
    } else if (watches.equals(watch)) {
      watches = null;
    }
  }

  /** How many monitors (not futures) watch this process now. Any thread; for tests. */
  synchronized int monitorCount() {
    if (watches instanceof WatchList list) {
      return (int) list.stream().filter(MonitorRef.class::isInstance).count();
    }
    return watches instanceof MonitorRef ? 1 : 0;
  }

  /** Marks the process dead and returns the watches to fire. Called once, by the dying thread. */
  synchronized List<Object> markDead() {
    dead = true;
    Object w = watches;
    watches = null;
    if (w == null) {
      return List.of();
    }
    return w instanceof WatchList list ? list : List.of(w);
  }

  /** A list of watches, told apart from a single watch by its class. */
  private static final class WatchList extends ArrayList<Object> {
    private static final long serialVersionUID = 1L;
  }

  // ---- held monitors (owner thread only) -------------------------------------------------------

  void hold(MonitorRef ref) {
    if (held == null) {
      held = new HashSet<>();
    }
    held.add(ref);
  }

  /** Forgets one held monitor. Owner thread. */
  void releaseHeld(MonitorRef ref) {
    if (held != null) {
      held.remove(ref);
    }
  }

  /** Returns and forgets every monitor this process still holds. Owner thread, at its end. */
  List<MonitorRef> releaseHeld() {
    if (held == null || held.isEmpty()) {
      return List.of();
    }
    List<MonitorRef> refs = new ArrayList<>(held);
    held = null;
    return refs;
  }

  /** Is this Down notice still wanted? (Mailbox callback, owner thread.) */
  @Override
  public boolean test(Down down) {
    return held != null && held.contains(down.ref());
  }

  /** A Down notice was taken by a matcher: its monitor is spent. (Mailbox callback.) */
  @Override
  public void accept(Down down) {
    held.remove(down.ref());
  }

  private void checkOwner(String operation) {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException(
          operation
              + " must be called from the thread of process "
              + pid
              + ", not from "
              + Thread.currentThread());
    }
  }

  // ---- ProcessContext ------------------------------------------------------------------------

  @Override
  public Pid self() {
    return pid;
  }

  @Override
  public NodeId node() {
    return pid.node();
  }

  @Override
  public Pid spawn(Process<M> child) {
    return node.spawnLocal(child);
  }

  @Override
  public Spawned spawnMonitored(Process<M> child) {
    checkOwner("spawnMonitored");
    return node.spawnLocalMonitored(child, this);
  }

  @Override
  public Pid spawn(NodeId where, String behaviour, M argument) {
    return node.spawnBehaviour(where, behaviour, argument);
  }

  @Override
  public Spawned spawnMonitored(NodeId where, String behaviour, M argument) {
    checkOwner("spawnMonitored");
    return node.spawnBehaviourMonitored(where, behaviour, argument, this);
  }

  @Override
  public void send(Pid to, M message) {
    node.send(pid, to, message);
    reduce();
  }

  @Override
  public void broadcast(NodeId where, M message) {
    node.broadcast(pid, where, message);
    reduce();
  }

  /**
   * How many sends and receives a process makes before it gives up its carrier thread once, like
   * Erlang's reductions: virtual threads are never preempted, so a process that sends and receives
   * without ever waiting (a message to itself, a full mailbox) would otherwise keep its carrier,
   * and as many such processes as carriers would starve every other process of the node.
   */
  static final int REDUCTIONS_PER_YIELD = 2048;

  /**
   * How long a process whose budget is spent parks. {@code Thread.yield()} is not enough: on JDK
   * 25, virtual threads that yield every few iterations, one per carrier, kept a virtual thread
   * started from a platform thread (as a process woken by a message from the network is) from
   * running for seconds; FairnessTest fails that way. A timed park frees the carrier for anything
   * queued; it costs a timer task, a few microseconds per budget.
   */
  private static final long YIELD_PARK_NANOS = 1_000;

  /**
   * Counts one send or receive, and gives up the carrier once the budget is spent. The park cannot
   * swallow a wake-up the mailbox needs: the process is not waiting for a message here (the
   * mailbox's waiter is unset), so a permit it finds is a stale one, and an interrupt stays set
   * for the next receive to report.
   */
  private void reduce() {
    if (++reductions >= REDUCTIONS_PER_YIELD) {
      reductions = 0;
      LockSupport.parkNanos(YIELD_PARK_NANOS);
    }
  }

  @Override
  public <R> R receive(Matcher<? super M, ? extends R> matcher) {
    return untimed(one(matcher));
  }

  @Override
  public <R> R receive(
      Matcher<? super M, ? extends R> first, Matcher<? super M, ? extends R> second) {
    return untimed(array(first, second));
  }

  @Override
  public <R> R receive(
      Matcher<? super M, ? extends R> first,
      Matcher<? super M, ? extends R> second,
      Matcher<? super M, ? extends R> third) {
    return untimed(array(first, second, third));
  }

  @Override
  public <R> R receive(List<? extends Matcher<? super M, ? extends R>> matchers) {
    return untimed(array(matchers));
  }

  @Override
  public <R> Optional<R> receive(Duration timeout, Matcher<? super M, ? extends R> matcher) {
    return timed(timeout, one(matcher));
  }

  @Override
  public <R> Optional<R> receive(
      Duration timeout,
      Matcher<? super M, ? extends R> first,
      Matcher<? super M, ? extends R> second) {
    return timed(timeout, array(first, second));
  }

  @Override
  public <R> Optional<R> receive(
      Duration timeout,
      Matcher<? super M, ? extends R> first,
      Matcher<? super M, ? extends R> second,
      Matcher<? super M, ? extends R> third) {
    return timed(timeout, array(first, second, third));
  }

  @Override
  public <R> Optional<R> receive(
      Duration timeout, List<? extends Matcher<? super M, ? extends R>> matchers) {
    return timed(timeout, array(matchers));
  }

  /** A mark: the owning process and the stash segment that collects what came after it. */
  private record Mark(ProcessImpl<?> owner, Mailbox.Segment segment) implements ReceiveMark {}

  @Override
  public ReceiveMark mark() {
    checkOwner("mark");
    return new Mark(this, markEnd());
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> R receive(ReceiveMark after, Matcher<? super M, ? extends R> matcher) {
    Mailbox.Segment segment = segmentOf(after);
    checkOwner("receive");
    reduce();
    return (R) select(segment, one(matcher), false, 0, this, this);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> Optional<R> receive(
      ReceiveMark after, Duration timeout, Matcher<? super M, ? extends R> matcher) {
    Mailbox.Segment segment = segmentOf(after);
    checkOwner("receive");
    reduce();
    Object r = select(segment, one(matcher), true, deadline(timeout), this, this);
    return r == Mailbox.TIMEOUT ? Optional.empty() : Optional.ofNullable((R) r);
  }

  private Mailbox.Segment segmentOf(ReceiveMark mark) {
    Objects.requireNonNull(mark, "after");
    if (!(mark instanceof Mark m) || m.owner() != this) {
      throw new IllegalArgumentException("the mark was taken by another process than " + pid);
    }
    return m.segment();
  }

  @Override
  public void receiveLoop(Matcher<? super M, ? extends Boolean> matcher) {
    loop(false, Duration.ZERO, one(matcher));
  }

  @Override
  public void receiveLoop(
      Matcher<? super M, ? extends Boolean> first, Matcher<? super M, ? extends Boolean> second) {
    loop(false, Duration.ZERO, array(first, second));
  }

  @Override
  public void receiveLoop(List<? extends Matcher<? super M, ? extends Boolean>> matchers) {
    loop(false, Duration.ZERO, array(matchers));
  }

  @Override
  public boolean receiveLoop(Duration timeout, Matcher<? super M, ? extends Boolean> matcher) {
    return loop(true, timeout, one(matcher));
  }

  @Override
  public boolean receiveLoop(
      Duration timeout, List<? extends Matcher<? super M, ? extends Boolean>> matchers) {
    return loop(true, timeout, array(matchers));
  }

  @SuppressWarnings("unchecked")
  private <R> R untimed(Object matchers) {
    checkOwner("receive");
    reduce();
    return (R) select(matchers, false, 0, this, this);
  }

  @SuppressWarnings("unchecked")
  private <R> Optional<R> timed(Duration timeout, Object matchers) {
    checkOwner("receive");
    reduce();
    Object r = select(matchers, true, deadline(timeout), this, this);
    return r == Mailbox.TIMEOUT ? Optional.empty() : Optional.ofNullable((R) r);
  }

  private boolean loop(boolean timed, Duration timeout, Object matchers) {
    checkOwner("receiveLoop");
    long nanos = timed ? nanos(timeout) : 0;
    for (; ; ) {
      reduce();
      long deadline = timed ? System.nanoTime() + nanos : 0;
      Object r = select(matchers, timed, deadline, this, this);
      if (r == Mailbox.TIMEOUT) {
        return false;
      }
      if (!Boolean.TRUE.equals(r)) {
        return true;
      }
    }
  }

  private static long deadline(Duration timeout) {
    return System.nanoTime() + nanos(timeout);
  }

  /** The timeout in nanoseconds, 0 if negative, capped where nanoTime arithmetic stays exact. */
  private static long nanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      return 0;
    }
    return timeout.compareTo(MAX_WAIT) >= 0 ? MAX_WAIT.toNanos() : timeout.toNanos();
  }

  private static final Duration MAX_WAIT = Duration.ofDays(365 * 100);

  /** One matcher, as Mailbox takes it: alone, not in an array. */
  private static Object one(Matcher<?, ?> m) {
    return Objects.requireNonNull(m, "matcher");
  }

  private static Matcher<?, ?>[] array(Matcher<?, ?> a, Matcher<?, ?> b) {
    return new Matcher<?, ?>[] {
      Objects.requireNonNull(a, "first matcher"), Objects.requireNonNull(b, "second matcher")
    };
  }

  private static Matcher<?, ?>[] array(Matcher<?, ?> a, Matcher<?, ?> b, Matcher<?, ?> c) {
    return new Matcher<?, ?>[] {
      Objects.requireNonNull(a, "first matcher"),
      Objects.requireNonNull(b, "second matcher"),
      Objects.requireNonNull(c, "third matcher")
    };
  }

  private static Matcher<?, ?>[] array(List<? extends Matcher<?, ?>> matchers) {
    Objects.requireNonNull(matchers, "matchers");
    if (matchers.isEmpty()) {
      throw new EmptyMatchersException();
    }
    Matcher<?, ?>[] a = new Matcher<?, ?>[matchers.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = Objects.requireNonNull(matchers.get(i), "matcher");
    }
    return a;
  }

  @Override
  public MonitorRef monitor(Pid target) {
    Objects.requireNonNull(target, "pid");
    checkOwner("monitor");
    return node.monitor(this, target);
  }

  @Override
  public void unmonitor(MonitorRef ref) {
    Objects.requireNonNull(ref, "ref");
    checkOwner("unmonitor");
    if (!ref.watcher().equals(pid) || held == null || !held.remove(ref)) {
      return; // not ours, or already fired: a no-op, as in the seed
    }
    node.demonitor(ref);
  }

  @Override
  public Optional<NodeId> remoteNode(String name) {
    return node.remoteNode(name);
  }

  @Override
  public List<NodeId> remoteNodes() {
    return node.remoteNodes();
  }

  @Override
  public NodeId addRemoteNode(String host, int port, String name) {
    return node.addRemoteNode(host, port, name);
  }

  @Override
  public void removeRemoteNode(NodeId which) {
    node.removeRemoteNode(which);
  }

  Pid pid() {
    return pid;
  }

  @Override
  public String toString() {
    return "Process" + pid;
  }
}
