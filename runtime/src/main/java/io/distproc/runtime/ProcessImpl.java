package io.distproc.runtime;

import io.distproc.Exit;
import io.distproc.InvalidNodeException;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.ProcessExitException;
import io.distproc.ProcessInterruptedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * One ProcessImpl per process, as the runtime sees it: its thread, its mailbox, its end, and the
 * tables that tie it to other processes. User code never holds it: the body gets a Context (the
 * ProcessContext), made when the process starts, so this object's lock is private to the runtime.
 *
 * - WATCHES (who watches this process): MonitorRefs held by other processes, and futures from
 *   Node.termination. Guarded by `this`; touched by any thread that monitors or unmonitors this
 *   process, and by this process's own thread when it ends. Nothing blocks while holding the
 *   lock. The state ALIVE -> DEAD changes under the same lock, in markDead(), which hands the
 *   watches to the dying thread: a watch added before that fires exactly once, a watch asked
 *   for after it gets NoProcess from the caller, never both. Kept as null, one watch, or a list,
 *   because most processes have no watcher or one.
 *
 * - HELD monitors (those this process holds on others) are kept by its Mailbox, since they decide
 *   which Down notices a receive may take. When the process ends, the refs it still holds are
 *   removed from their targets, so dead watchers leave nothing behind.
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
final class ProcessImpl<M> implements Runnable {

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

  private final ProcessHost<M> node;
  private final Pid pid;
  private final Process<M> body;
  private final Mailbox mailbox = new Mailbox();

  /** Written before start; read by any thread. */
  private volatile @Nullable Thread thread;

  /** Set by shutdownNow from any thread. */
  private volatile boolean killed;

  /** Guarded by this: null, a MonitorRef or CompletableFuture, or an ArrayList of them. */
  private @Nullable Object watches;

  /** Guarded by this. */
  private boolean dead;

  /** Guarded by this: null, a Pid, or a LinkSet of them. */
  private @Nullable Object links;

  /** Set once, by compare-and-set through EXIT; see the notes above. */
  @SuppressWarnings("unused") // accessed through EXIT
  private volatile @Nullable MonitorReason exitReason;

  /** Written by the owner thread (trapExits), read by any thread that delivers a signal. */
  private volatile boolean trapping;

  /** The registered name, or null. Owner thread only (and the node, on it, at the end). */
  private @Nullable String name;

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

  ProcessImpl(ProcessHost<M> node, Pid pid, Process<M> body) {
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
      body.run(new Context<>(this));
    } catch (Throwable t) { // user code never breaks the runtime
      failure = t;
    }
    ended(failure);
  }

  /** Reports the end of the body to the node: normally if {@code failure} is null. */
  private void ended(@Nullable Throwable failure) {
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
      mailbox.offerSignal(new Exit(from, reason));
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
  void checkExit() {
    MonitorReason r = exitReason;
    if (r != null && Thread.currentThread() == thread) {
      throw new ProcessExitException(r);
    }
  }

  /**
   * What a receive interrupted while it waited throws: the exit signal that ended this process, if
   * one did, or the interrupt itself.
   */
  RuntimeException interrupted(ProcessInterruptedException e) {
    MonitorReason r = exitReason;
    return r != null ? new ProcessExitException(r) : e;
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
   * is signalled) or finds the signal already acted on (an Exit already queued stays). Acting never
   * blocks: it queues an entry, or sets EXIT and interrupts.
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

  @Nullable String registeredName() {
    return name;
  }

  /** Whether the node's group and node-watch tables may hold this process. Owner thread. */
  boolean sociable() {
    return sociable;
  }

  void registeredName(@Nullable String n) {
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

  /** This process's mailbox. */
  Mailbox mailbox() {
    return mailbox;
  }

  /** Whether this process traps exit signals; sets it. Owner thread. */
  boolean trapExits(boolean trap) {
    boolean before = trapping;
    trapping = trap;
    return before;
  }

  /** From now on, the end of this process visits the group and node-watch tables. Owner thread. */
  void sociable(boolean s) {
    sociable |= s;
  }

  /** The node this process runs on. */
  ProcessHost<M> node() {
    return node;
  }

  /**
   * Throws unless called from this process's thread, or if an exit signal has ended it.
   *
   * @throws IllegalStateException if called from another thread
   */
  void checkOwner(String operation) {
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

  Pid pid() {
    return pid;
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
   * Sends and receives since this process last gave up its carrier (see {@link #reduce}). Owner
   * thread only; a send from another thread may race on it, which can only move a yield.
   */
  private int reductions;

  /**
   * Counts one send or receive, and gives up the carrier once the budget is spent. The park cannot
   * swallow a wake-up the mailbox needs: the process is not waiting for a message here (the
   * mailbox's waiter is unset), so a permit it finds is a stale one, and an interrupt stays set for
   * the next receive to report.
   */
  void reduce() {
    if (++reductions >= REDUCTIONS_PER_YIELD) {
      reductions = 0;
      LockSupport.parkNanos(YIELD_PARK_NANOS);
    }
  }

  @Override
  public String toString() {
    return "Process" + pid;
  }
}
