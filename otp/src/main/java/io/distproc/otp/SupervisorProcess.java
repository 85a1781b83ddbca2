package io.distproc.otp;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.onDown;
import static io.distproc.Matcher.onExit;

import io.distproc.Down;
import io.distproc.Exit;
import io.distproc.InvalidNodeException;
import io.distproc.Matcher;
import io.distproc.MonitorReason;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.ProcessExitException;
import io.distproc.ProcessInterruptedException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/*
 * The supervisor process: one instance per run of a supervisor, confined to its process's thread
 * (every field below is read and written there only; the handle is the one object shared).
 *
 * Life: trap exits, start the children in order, tell the handle the start is done, then loop:
 * receive one entry (an Exit, a stray Down, or a message of the node's type, which is logged and
 * dropped so it cannot pile up) and handle it; a normal Exit of a process that is not a child is
 * a command's doorbell (see SupervisorHandle) and carries out the oldest queued command. It ends by
 * returning (stop command: Normal) or by throwing ProcessExitException with its reason (giving up:
 * Shutdown; an exit signal from a non-child: Exited, as if it did not trap exits).
 *
 * Children: `children` holds every child spec the supervisor still has, in start order, each with
 * its pid while it runs. A child's end reaches the supervisor as the Exit of its link. A child is
 * stopped much as Erlang's supervisor does it: monitor it, take an Exit of it that is already
 * queued (then it is dead, and the monitor is cancelled), else send the shutdown exit signal (or
 * kill), wait for the Down up to the deadline, then kill and wait for the Down. The Down, not the
 * link's Exit, is waited for, so that a child that unlinked itself cannot hold the supervisor up
 * for ever. Unlike Erlang's, the link stays while the child stops: were the supervisor killed
 * while it waits, the link still takes the child with it. The child's Exit then arrives around
 * its Down, in either order: it is taken if it is there, else the pid is remembered (the last
 * ChildStopper.RECENT of them) and its Exit dropped when it comes; without that, it would look like
 * an exit signal from a stranger and stop the supervisor. How a child is stopped is ChildStopper's.
 *
 * Restarts: each restart of a child, or of a group of children for one_for_all and rest_for_one,
 * first counts against the intensity; past it, the supervisor stops every child and gives up. A
 * restart that fails to start a child counts again, after the group's children that did start
 * are stopped, as Erlang retries, so a child that can never start exhausts the intensity and
 * never loops for ever; one refused because the node is shutting down ends the supervisor at
 * once, since no attempt can succeed.
 *
 * A restart that fails because a child's node is not connected (it went down, or is restarting)
 * is not a failed start but an absence: the group WAITS and is tried again after a delay that
 * doubles from RETRY_MIN to RETRY_MAX, without counting against the intensity, while the
 * supervisor goes on taking exits and commands (the loop's receive is timed while anything waits).
 * So a supervisor keeps its remote children across a restart of their node, and starts them on the
 * node's new incarnation once it is back. A waiting child has no pid; terminate_child and
 * delete_child end its wait; a restart_child that fails because the node is still away leaves the
 * wait on (one that succeeds takes the child out of it: a group skips its running children).
 *
 * Starting a nested supervisor waits for its handle's start future on this thread: the nested
 * process's body completes it on every path (its finally), and it runs unless the node is
 * shutting down, which interrupts this process too.
 *
 * Size: somewhat over the 500 lines the style reviews, this note a tenth of it. What is left is
 * the one loop with the restart strategies and the commands, all of which read and write the
 * same children list on this thread; how a child is stopped is ChildStopper's, and what the
 * handle may ask is SupervisorCalls.
 */
final class SupervisorProcess<M> implements SupervisorCalls<M> {
  private static final Logger LOG = System.getLogger(Supervisor.class.getName());

  /** The first delay before a group whose node was not connected is tried again. */
  static final Duration RETRY_MIN = Duration.ofMillis(50);

  /** The longest delay between two tries of a waiting group. */
  static final Duration RETRY_MAX = Duration.ofSeconds(2);

  /** The exit signal's reason a child is asked to stop with, as in Erlang. */
  static final String SHUTDOWN = "shutdown";

  private final SupervisorSpec<M> spec;
  private final SupervisorHandle<M> handle;
  private final @Nullable Pid starter; // the process to unlink if the start fails; null if none
  private final LongSupplier ticker;
  private final RestartIntensity intensity;
  private final List<Child<M>> children = new ArrayList<>();
  private final ArrayDeque<Exit> early = new ArrayDeque<>();
  private final List<Matcher<M, Object>> entries =
      List.of(onExit(e -> e), onDown(d -> d), any(Stray::new));
  private ProcessContext<M> ctx;
  private Pid self;
  private ChildStopper<M> stopper;
  private boolean stopping;

  /** Groups waiting for their node (see Restarts above), oldest first. */
  private final List<List<Child<M>>> waiting = new ArrayList<>();

  /** When the waiting groups are tried again ({@link #ticker} nanos), and the delay after that. */
  private long retryAt;

  private Duration retryDelay = RETRY_MIN;

  /** A start that failed because the child's node is not connected. */
  private static final class NodeNotConnected extends SupervisorException {
    @java.io.Serial private static final long serialVersionUID = 1L;

    NodeNotConnected(String message, InvalidNodeException cause) {
      super(message, cause);
    }
  }

  /** A start refused because the node is shutting down: no later attempt can succeed. */
  private static final class NodeShuttingDown extends SupervisorException {
    @java.io.Serial private static final long serialVersionUID = 1L;

    NodeShuttingDown(String message, IllegalStateException cause) {
      super(message, cause);
    }
  }

  /** A message of the node's type, taken so it does not pile up. */
  private record Stray(Object message) {}

  /** A child spec and, while it runs, its process. */
  private static final class Child<M> {
    final ChildSpec<M> spec;
    @Nullable Pid pid;

    Child(ChildSpec<M> spec) {
      this.spec = spec;
    }

    String id() {
      return spec.id();
    }
  }

  SupervisorProcess(
      SupervisorSpec<M> spec,
      SupervisorHandle<M> handle,
      @Nullable Pid starter,
      LongSupplier ticker) {
    this.spec = spec;
    this.handle = handle;
    this.starter = starter;
    this.ticker = ticker;
    this.intensity = new RestartIntensity(spec.intensity(), spec.period(), ticker);
  }

  /** The supervisor's body. */
  void run(ProcessContext<M> context) {
    this.ctx = context;
    this.self = context.self();
    this.stopper = new ChildStopper<>(context, early);
    String end = "crashed";
    try {
      ctx.trapExits(true);
      handle.attach(ctx);
      startAll();
      handle.startSucceeded();
      LOG.log(Level.DEBUG, () -> "supervisor " + self + " started: " + spec);
      loop();
      end = "has stopped";
    } catch (ProcessExitException e) {
      end = "ended: " + e.reason();
      throw e;
    } finally {
      handle.close(self + " " + end);
    }
  }

  // ---- start ----------------------------------------------------------------------------------

  private void startAll() {
    for (ChildSpec<M> childSpec : spec.children()) {
      Child<M> child = new Child<>(childSpec);
      children.add(child);
      try {
        start(child);
      } catch (SupervisorException failure) {
        children.remove(child);
        LOG.log(Level.WARNING, () -> "supervisor " + self + ": " + failure.getMessage());
        stopAll();
        if (starter != null) {
          ctx.unlink(starter);
        }
        handle.startFailed(
            new SupervisorException(
                "supervisor " + self + " failed to start: " + failure.getMessage(), failure));
        throw new ProcessExitException(
            new MonitorReason.Shutdown(self, "failed to start: " + failure.getMessage()));
      }
    }
  }

  /** Starts a child that is not running, linked to this process. */
  private void start(Child<M> child) {
    Pid pid;
    try {
      pid =
          switch (child.spec.start()) {
            case ChildStart.Local<M> local -> ctx.spawnLinked(local.body());
            case ChildStart.Remote<M> remote -> startRemote(child, remote);
            case ChildStart.Nested<M> nested -> startNested(nested.spec());
          };
    } catch (ProcessExitException | ProcessInterruptedException e) {
      throw e; // this supervisor is ending, not the child failing
    } catch (SupervisorException e) {
      throw new SupervisorException(
          "child '" + child.id() + "' failed to start: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      // Every spawn method throws it when the node is shutting down (this is the owning thread).
      throw new NodeShuttingDown("child '" + child.id() + "' failed to start: " + e, e);
    } catch (InvalidNodeException e) {
      throw new NodeNotConnected(
          "child '" + child.id() + "' failed to start: its node " + e.node() + " is not connected",
          e);
    } catch (RuntimeException e) {
      throw new SupervisorException("child '" + child.id() + "' failed to start: " + e, e);
    }
    child.pid = pid;
  }

  private Pid startRemote(Child<M> child, ChildStart.Remote<M> remote) {
    // The node by its name: a node that restarted is a new incarnation, and the child goes there.
    String name = remote.node().name();
    NodeId node =
        name.equals(ctx.node().name())
            ? ctx.node()
            : ctx.remoteNode(name).orElseThrow(() -> new InvalidNodeException(remote.node()));
    Pid pid = ctx.spawnLinked(node, remote.behaviour(), remote.argument());
    // A behaviour name the node does not know is answered with an exit signal: if it has come
    // already, that is a failed start rather than a child that ended.
    Optional<Exit> first = ctx.receive(Duration.ZERO, onExit(pid, e -> e));
    if (first.isPresent()) {
      if (first.get().reason() instanceof MonitorReason.NoProcess) {
        throw new SupervisorException(
            "no behaviour '" + remote.behaviour() + "' on " + remote.node());
      }
      early.add(first.get()); // it started and has ended already: handled by the loop
    }
    return pid;
  }

  private Pid startNested(SupervisorSpec<M> nestedSpec) {
    SupervisorHandle<M> nested = new SupervisorHandle<>();
    Pid pid = ctx.spawnLinked(new SupervisorProcess<>(nestedSpec, nested, self, ticker)::run);
    nested.awaitStart();
    return pid;
  }

  // ---- run ------------------------------------------------------------------------------------

  private void loop() {
    while (!stopping) {
      Exit exit = early.poll();
      if (exit != null) {
        handleExit(exit);
        continue;
      }
      Object entry;
      if (waiting.isEmpty()) {
        entry = ctx.receive(entries);
      } else {
        Optional<Object> next =
            ctx.receive(Duration.ofNanos(Math.max(0, retryAt - ticker.getAsLong())), entries);
        if (next.isEmpty()) {
          retryWaiting();
          continue;
        }
        entry = next.get();
      }
      switch (entry) {
        case Exit e -> handleExit(e);
        case Down d -> LOG.log(Level.DEBUG, () -> "supervisor " + self + " dropped " + d);
        case Stray s ->
            LOG.log(
                Level.WARNING,
                () -> "supervisor " + self + " dropped a message it does not take: " + s.message());
        default -> throw new AssertionError(entry);
      }
    }
  }

  private void handleExit(Exit exit) {
    Child<M> child = running(exit.from());
    if (child != null) {
      childEnded(child, exit.reason());
    } else if (stopper.forget(exit.from())) {
      // the late Exit of a child this supervisor stopped
    } else if (exit.reason() instanceof MonitorReason.Normal) {
      // A linked process that is not a child ended normally: a command's doorbell (see
      // SupervisorHandle), which kills nobody.
      runNextCommand();
    } else {
      LOG.log(
          Level.INFO,
          () -> "supervisor " + self + " stops its children: exit signal " + exit.reason());
      stopAll();
      throw new ProcessExitException(MonitorReason.Exited.of(self, exit.from(), exit.reason()));
    }
  }

  private void runNextCommand() {
    for (Command<M, ?> command = handle.nextCommand();
        command != null;
        command = handle.nextCommand()) {
      if (command.run(this)) {
        return;
      }
    }
  }

  private void childEnded(Child<M> child, MonitorReason reason) {
    child.pid = null;
    Level level = reason.isAbnormal() ? Level.WARNING : Level.DEBUG;
    LOG.log(level, () -> "supervisor " + self + ": child '" + child.id() + "' ended: " + reason);
    switch (child.spec.restart()) {
      case PERMANENT -> restart(child);
      case TRANSIENT -> {
        if (reason.isAbnormal()) {
          restart(child);
        }
      }
      case TEMPORARY -> children.remove(child);
    }
  }

  /** Restarts {@code ended} and, by the strategy, the children it takes with it. */
  private void restart(Child<M> ended) {
    int at = children.indexOf(ended);
    List<Child<M>> group = new ArrayList<>();
    for (int i = 0; i < children.size(); i++) {
      Child<M> c = children.get(i);
      boolean inGroup =
          switch (spec.strategy()) {
            case ONE_FOR_ONE -> c == ended;
            case ONE_FOR_ALL -> c == ended || c.pid != null;
            case REST_FOR_ONE -> c == ended || (i > at && c.pid != null);
          };
      if (inGroup) {
        group.add(c);
      }
    }
    for (int i = group.size() - 1; i >= 0; i--) {
      Child<M> c = group.get(i);
      if (c != ended) {
        stopChild(c);
        if (c.spec.restart() == Restart.TEMPORARY) {
          children.remove(c);
          group.remove(i);
        }
      }
    }
    startGroup(group, true);
  }

  /**
   * Starts a group of children, counting each try against the intensity if {@code count}; a group
   * whose node is not connected waits instead (see Restarts above).
   */
  private void startGroup(List<Child<M>> group, boolean count) {
    for (; ; ) {
      if (count && !intensity.tryRestart()) {
        giveUp();
      }
      count = true;
      try {
        for (Child<M> c : group) {
          start(c);
        }
        LOG.log(
            Level.INFO,
            () -> "supervisor " + self + " restarted " + group.stream().map(Child::id).toList());
        return;
      } catch (NodeNotConnected failure) {
        for (int i = group.size() - 1; i >= 0; i--) {
          stopChild(group.get(i)); // those of the group that did start, to start them all again
        }
        LOG.log(
            Level.INFO,
            () ->
                "supervisor "
                    + self
                    + ": "
                    + failure.getMessage()
                    + "; tried again in "
                    + retryDelay.toMillis()
                    + " ms and until it is back");
        if (waiting.isEmpty()) {
          retryAt = ticker.getAsLong() + retryDelay.toNanos();
        }
        waiting.add(group);
        return;
      } catch (NodeShuttingDown failure) {
        LOG.log(Level.DEBUG, () -> "supervisor " + self + ": " + failure.getMessage());
        stopAll();
        throw new ProcessExitException(
            new MonitorReason.Shutdown(self, "its node is shutting down"));
      } catch (SupervisorException failure) {
        LOG.log(Level.WARNING, () -> "supervisor " + self + ": " + failure.getMessage());
        for (int i = group.size() - 1; i >= 0; i--) {
          stopChild(group.get(i)); // those of the group that did start, to start them all again
        }
      }
    }
  }

  /** Tries the waiting groups again, once their delay has passed. */
  private void retryWaiting() {
    List<List<Child<M>>> due = new ArrayList<>(waiting);
    waiting.clear();
    for (List<Child<M>> group : due) {
      group.removeIf(c -> !children.contains(c) || c.pid != null);
      if (!group.isEmpty()) {
        startGroup(group, false);
      }
    }
    if (waiting.isEmpty()) {
      retryDelay = RETRY_MIN;
    } else {
      retryDelay =
          retryDelay.multipliedBy(2).compareTo(RETRY_MAX) > 0
              ? RETRY_MAX
              : retryDelay.multipliedBy(2);
      retryAt = ticker.getAsLong() + retryDelay.toNanos();
    }
  }

  /** Ends the wait of {@code child}, if it waits for its node. */
  private void stopWaiting(Child<M> child) {
    for (List<Child<M>> group : waiting) {
      group.remove(child);
    }
    waiting.removeIf(List::isEmpty);
  }

  private void giveUp() {
    String why =
        "reached the restart intensity: more than "
            + spec.intensity()
            + " restarts in "
            + spec.period().toMillis()
            + " ms";
    LOG.log(Level.WARNING, () -> "supervisor " + self + " " + why + "; it stops its children");
    stopAll();
    throw new ProcessExitException(new MonitorReason.Shutdown(self, why));
  }

  // ---- stop -----------------------------------------------------------------------------------

  /** Stops every running child, last started first. */
  private void stopAll() {
    for (int i = children.size() - 1; i >= 0; i--) {
      stopChild(children.get(i));
    }
  }

  /** Stops a child by its shutdown policy, if it runs, and waits until it has ended. */
  private void stopChild(Child<M> child) {
    Pid pid = child.pid;
    if (pid == null) {
      return;
    }
    child.pid = null;
    stopper.stop(pid, child.id(), child.spec.shutdown());
  }

  private @Nullable Child<M> running(Pid pid) {
    for (Child<M> c : children) {
      if (pid.equals(c.pid)) {
        return c;
      }
    }
    return null;
  }

  private @Nullable Child<M> find(String id) {
    for (Child<M> c : children) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    return null;
  }

  private Child<M> require(String id, String command) {
    Child<M> c = find(id);
    if (c == null) {
      throw new SupervisorException(
          command + ": supervisor " + self + " has no child '" + id + "'");
    }
    return c;
  }

  // ---- SupervisorCalls (called by Command.run, on this process's thread) ----------------------

  @Override
  public Pid startChild(ChildSpec<M> childSpec) {
    Child<M> existing = find(childSpec.id());
    if (existing != null) {
      throw new SupervisorException(
          "start_child: supervisor "
              + self
              + " already has a child '"
              + childSpec.id()
              + "'"
              + (existing.pid == null ? " (not running)" : ", running as " + existing.pid));
    }
    Child<M> child = new Child<>(childSpec);
    children.add(child);
    try {
      start(child);
    } catch (SupervisorException e) {
      children.remove(child);
      throw e;
    }
    return Objects.requireNonNull(child.pid, "pid"); // start() set it or threw
  }

  @Override
  public Void terminateChild(String id) {
    Child<M> child = require(id, "terminate_child");
    stopWaiting(child);
    stopChild(child);
    if (child.spec.restart() == Restart.TEMPORARY) {
      children.remove(child);
    }
    return null;
  }

  @Override
  public Pid restartChild(String id) {
    Child<M> child = require(id, "restart_child");
    if (child.pid != null) {
      throw new SupervisorException("restart_child: child '" + id + "' is running as " + child.pid);
    }
    start(child);
    return Objects.requireNonNull(child.pid, "pid"); // start() set it or threw
  }

  @Override
  public Void deleteChild(String id) {
    Child<M> child = require(id, "delete_child");
    if (child.pid != null) {
      throw new SupervisorException("delete_child: child '" + id + "' is running as " + child.pid);
    }
    stopWaiting(child);
    children.remove(child);
    return null;
  }

  @Override
  public List<ChildInfo> whichChildren() {
    List<ChildInfo> infos = new ArrayList<>(children.size());
    for (Child<M> c : children) {
      infos.add(new ChildInfo(c.id(), c.pid, c.spec.type(), c.spec.restart()));
    }
    return List.copyOf(infos);
  }

  @Override
  public Void stop() {
    stopAll();
    stopping = true;
    return null;
  }
}
