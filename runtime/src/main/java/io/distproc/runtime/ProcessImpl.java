package io.distproc.runtime;

import io.distproc.CallException;
import io.distproc.CallTimeoutException;
import io.distproc.Down;
import io.distproc.EmptyMatchersException;
import io.distproc.Exit;
import io.distproc.InvalidNodeException;
import io.distproc.Matcher;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.ProcessContext;
import io.distproc.ProcessExitException;
import io.distproc.ProcessInterruptedException;
import io.distproc.ReceiveMark;
import io.distproc.Spawned;
import io.distproc.TimerRef;
import io.distproc.runtime.internal.Frame.ExitKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * - LINKS (the processes linked with this one, see ExitSignals): guarded by `this` like the
 *   watches, and handed over by markDead with them, so nothing is added after the process is dead.
 *   Kept as null, one pid, or a set.
 *
 * - EXIT: the reason an untrapped exit signal ends this process with, set once by compare-and-set
 *   from any thread (the first signal wins), then the thread is interrupted. The process checks it
 *   at every call into its context and when a receive is interrupted, and throws
 *   ProcessExitException; when the body is over, ended() claims EXIT with the reason it found, so
 *   a signal that comes later neither changes the reason nor interrupts the ending thread.
 *   `trapping` is written by the owner and read by any thread that delivers a signal.
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

  /** Guarded by this: null, a Pid, or a LinkSet of them. */
  private Object links;

  /** Set once, by compare-and-set through EXIT; see the notes above. */
  @SuppressWarnings("unused") // accessed through EXIT
  private volatile MonitorReason exitReason;

  /** Written by the owner thread (trapExits), read by any thread that delivers a signal. */
  private volatile boolean trapping;

  /** The registered name, or null. Owner thread only (and the node, on it, at the end). */
  private String name;

  /**
   * Whether this process ever joined or watched a process group, or watched nodes: only then does
   * its end have to visit those tables. Owner thread only.
   */
  private boolean sociable;

  private static final VarHandle EXIT;

  static {
    try {
      EXIT =
          MethodHandles.lookup()
              .findVarHandle(ProcessImpl.class, "exitReason", MonitorReason.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

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
      checkExit();
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
    } else if (failure instanceof ProcessExitException e && e.reason().pid().equals(pid)) {
      reason = e.reason();
    } else if (failure instanceof InvalidNodeException e) {
      reason = unknownNode(e);
    } else {
      reason = crashed(failure);
    }
    // Claims EXIT: a signal that came first is the reason; one that comes later changes nothing.
    MonitorReason signalled = (MonitorReason) EXIT.compareAndExchange(this, null, reason);
    if (signalled != null && !killed) {
      reason = signalled;
    }
    Thread.interrupted(); // an interrupt has no purpose any more; callbacks run after this
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

  // ---- exit signals ---------------------------------------------------------------------------

  /**
   * Acts on an exit signal from {@code from}: ends this process (unless it traps exits and {@code
   * kill} is false), or queues an {@link Exit} for it. A normal end kills nobody. Any thread.
   */
  void signal(Pid from, MonitorReason reason, boolean kill) {
    if (kill) {
      exitWith(new MonitorReason.Killed(pid));
    } else if (trapping) {
      offerSignal(new Exit(from, reason));
    } else if (!(reason instanceof MonitorReason.Normal)) {
      exitWith(MonitorReason.Exited.of(pid, from, reason));
    }
  }

  /** Ends this process with {@code reason} at its next call into its context. Any thread. */
  private void exitWith(MonitorReason reason) {
    if (EXIT.compareAndSet(this, null, reason)) {
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }
  }

  /** Throws if an exit signal has ended this process. On its own thread only. */
  private void checkExit() {
    MonitorReason r = exitReason;
    if (r != null && Thread.currentThread() == thread) {
      throw new ProcessExitException(r);
    }
  }

  @Override
  RuntimeException interruptedInReceive() {
    MonitorReason r = exitReason;
    return r != null ? new ProcessExitException(r) : super.interruptedInReceive();
  }

  // ---- links (guarded by this) -----------------------------------------------------------------

  static final int LINK_ADDED = 0;
  static final int LINK_PRESENT = 1;
  static final int LINK_DEAD = 2;

  /** Adds a link to {@code other}: LINK_ADDED, LINK_PRESENT if there was one, LINK_DEAD. */
  synchronized int addLink(Pid other) {
    if (dead) {
      return LINK_DEAD;
    }
    if (links == null) {
      links = other;
    } else if (links instanceof LinkSet set) {
      return set.add(other) ? LINK_ADDED : LINK_PRESENT;
    } else if (links.equals(other)) {
      return LINK_PRESENT;
    } else {
      LinkSet set = new LinkSet();
      set.add((Pid) links);
      set.add(other);
      links = set;
    }
    return LINK_ADDED;
  }

  /** Removes the link to {@code other}; true if this call removed it (and the process lives). */
  synchronized boolean removeLink(Pid other) {
    if (dead || links == null) {
      return false;
    }
    if (links instanceof LinkSet set) {
      boolean removed = set.remove(other);
      if (set.isEmpty()) {
        links = null;
      }
      return removed;
    }
    if (links.equals(other)) {
      links = null;
      return true;
    }
    return false;
  }

  /**
   * A linked process ended: removes the link and acts on the signal in one step under this
   * process's lock, so that an unlink, which takes the same lock, either comes first (and nothing
   * is signalled) or finds the signal already acted on (an Exit already queued stays). Acting
   * never blocks: it queues an entry, or sets EXIT and interrupts.
   */
  synchronized void linkFired(Pid other, MonitorReason reason) {
    if (removeLink(other)) {
      signal(other, reason, false);
    }
  }

  /** The links a dead process had. Called once, by the dying thread, after markDead. */
  synchronized List<Pid> takeLinks() {
    Object l = links;
    links = null;
    if (l == null) {
      return List.of();
    }
    return l instanceof LinkSet set ? List.copyOf(set) : List.of((Pid) l);
  }

  /** How many links this process has. Any thread; for tests. */
  synchronized int linkCount() {
    return links == null ? 0 : links instanceof LinkSet set ? set.size() : 1;
  }

  /** A set of linked pids, told apart from a single pid by its class. */
  private static final class LinkSet extends HashSet<Pid> {
    private static final long serialVersionUID = 1L;
  }

  String registeredName() {
    return name;
  }

  /** Whether the node's group and node-watch tables may hold this process. Owner thread. */
  boolean sociable() {
    return sociable;
  }

  void registeredName(String n) {
    this.name = n;
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
    checkExit();
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
    checkExit();
    node.send(pid, to, message);
    reduce();
  }

  @Override
  public void broadcast(NodeId where, M message) {
    checkExit();
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

  // ---- links, exit signals, names, timers, calls --------------------------------------------

  @Override
  public void link(Pid target) {
    Objects.requireNonNull(target, "pid");
    checkOwner("link");
    node.signals().link(this, target);
    checkExit(); // a link to a process that is gone may have ended this one
  }

  @Override
  public void unlink(Pid target) {
    Objects.requireNonNull(target, "pid");
    checkOwner("unlink");
    node.signals().unlink(this, target);
  }

  @Override
  public Pid spawnLinked(Process<M> child) {
    checkOwner("spawnLinked");
    return node.spawnLocalLinked(child, this);
  }

  @Override
  public Pid spawnLinked(NodeId where, String behaviour, M argument) {
    checkOwner("spawnLinked");
    Pid child;
    try {
      child = node.spawnBehaviourLinked(where, behaviour, argument, this);
    } catch (ProcessInterruptedException e) {
      checkExit(); // the NoProcess signal of a behaviour that is not there interrupted the wait
      throw e;
    }
    checkExit(); // a behaviour that does not exist there has ended this process
    return child;
  }

  @Override
  public boolean trapExits(boolean trap) {
    checkOwner("trapExits");
    boolean before = trapping;
    trapping = trap;
    return before;
  }

  @Override
  public void joinGroup(String group) {
    ProcessGroups.check(group);
    checkOwner("joinGroup");
    sociable = true;
    node.groups().join(pid, group);
  }

  @Override
  public boolean leaveGroup(String group) {
    ProcessGroups.check(group);
    checkOwner("leaveGroup");
    return node.groups().leave(pid, group);
  }

  @Override
  public List<Pid> groupMembers(String group) {
    return node.groups().members(group);
  }

  @Override
  public List<Pid> localGroupMembers(String group) {
    return node.groups().localMembers(group);
  }

  @Override
  public List<Pid> monitorGroup(String group) {
    ProcessGroups.check(group);
    checkOwner("monitorGroup");
    sociable = true;
    return node.groups().watch(this, group);
  }

  @Override
  public void demonitorGroup(String group) {
    Objects.requireNonNull(group, "group");
    checkOwner("demonitorGroup");
    node.groups().unwatch(this, group);
  }

  @Override
  public void monitorNodes(boolean watch) {
    checkOwner("monitorNodes");
    sociable = true;
    node.watchNodes(this, watch);
  }

  @Override
  public void exit(Pid target, String reason) {
    Objects.requireNonNull(target, "pid");
    Objects.requireNonNull(reason, "reason");
    checkExit();
    node.signals().send(pid, target, new MonitorReason.Shutdown(pid, reason), ExitKind.EXIT);
    checkExit(); // exit of itself
  }

  @Override
  public void kill(Pid target) {
    Objects.requireNonNull(target, "pid");
    checkExit();
    node.signals().send(pid, target, new MonitorReason.Killed(target), ExitKind.KILL);
    checkExit(); // kill of itself
  }

  @Override
  public void register(String registered) {
    NameRegistry.check(registered);
    checkOwner("register");
    node.names().register(this, registered);
  }

  @Override
  public boolean unregister() {
    checkOwner("unregister");
    return node.names().release(this);
  }

  @Override
  public Optional<Pid> whereis(String registered) {
    return node.whereis(registered);
  }

  @Override
  public void sendNamed(String registered, M message) {
    checkExit();
    node.sendNamed(pid, node.id(), registered, message);
    reduce();
  }

  @Override
  public void sendNamed(NodeId where, String registered, M message) {
    checkExit();
    node.sendNamed(pid, where, registered, message);
    reduce();
  }

  @Override
  public TimerRef sendAfter(Duration delay, Pid to, M message) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    return node.sendAfter(pid, delay, to, message);
  }

  /** What a call's monitor hands back when the server is gone: never a reply handler's result. */
  private record ServerGone(MonitorReason reason) {}

  @Override
  @SuppressWarnings("unchecked")
  public <R> R call(
      Pid server, M request, Matcher<? super M, ? extends R> reply, Duration timeout) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(reply, "reply");
    long deadline = deadline(timeout);
    checkOwner("call");
    Mailbox.Segment after = markEnd(); // before the monitor: its NoProcess notice comes after
    MonitorRef watch = node.monitor(this, server);
    try {
      node.send(pid, server, request);
      Matcher<M, ServerGone> gone = Matcher.onDown(watch, d -> new ServerGone(d.reason()));
      Object r = select(after, new Matcher<?, ?>[] {reply, gone}, true, deadline, this, this);
      if (r == Mailbox.TIMEOUT) {
        throw new CallTimeoutException(server, timeout);
      }
      if (r instanceof ServerGone g) {
        throw new CallException(server, g.reason());
      }
      return (R) r;
    } finally {
      if (held != null && held.remove(watch)) { // not taken: the server lives, or the call failed
        node.demonitor(watch);
      }
    }
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
