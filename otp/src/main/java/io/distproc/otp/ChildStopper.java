package io.distproc.otp;

import static io.distproc.Matcher.onDown;
import static io.distproc.Matcher.onExit;

import io.distproc.Down;
import io.distproc.Exit;
import io.distproc.InvalidNodeException;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * How a supervisor stops one child: by its {@link ShutdownPolicy} (an exit signal with reason
 * {@code shutdown}, then a kill after the deadline; a kill at once; or no deadline), waiting for
 * the child's end through a monitor. The child's link delivers an {@code Exit} too: one the
 * supervisor's loop already took waits in {@code early}, one still on its way is remembered (the
 * last {@value #RECENT} of them) so that the loop drops it instead of taking it for an unknown
 * process's exit. On the supervisor's own thread only.
 */
final class ChildStopper<M> {
  private static final Logger LOG = System.getLogger(Supervisor.class.getName());

  /** How many stopped children's late exits are remembered. */
  static final int RECENT = 1024;

  private final ProcessContext<M> ctx;
  private final Pid self;
  private final ArrayDeque<Exit> early;
  private final Set<Pid> stoppedSet = new HashSet<>();
  private final ArrayDeque<Pid> stoppedOrder = new ArrayDeque<>();

  /**
   * @param ctx the supervisor's context
   * @param early exits the supervisor took before it handled them, oldest first (shared with it)
   */
  ChildStopper(ProcessContext<M> ctx, ArrayDeque<Exit> early) {
    this.ctx = ctx;
    this.self = ctx.self();
    this.early = early;
  }

  /** Whether {@code pid} is a child this stopped whose Exit had not come; forgets it if so. */
  boolean forget(Pid pid) {
    if (stoppedSet.remove(pid)) {
      stoppedOrder.remove(pid);
      return true;
    }
    return false;
  }

  /** Stops the child {@code pid} by {@code policy} and waits until it has ended. */
  void stop(Pid pid, String id, ShutdownPolicy policy) {
    MonitorRef ref;
    try {
      ref = ctx.monitor(pid);
    } catch (InvalidNodeException e) {
      // A remote child whose node is gone (and with it the child, for this node): the link has
      // fired or will fire with NodeDown.
      if (takeExitOf(pid).isEmpty()) {
        rememberStopped(pid);
      }
      LOG.log(Level.DEBUG, () -> "supervisor " + self + ": child '" + id + "' is gone");
      return;
    }
    Optional<Exit> ended = takeExitOf(pid);
    if (ended.isPresent()) {
      ctx.unmonitor(ref);
      LOG.log(
          Level.DEBUG,
          () -> "supervisor " + self + ": child '" + id + "' had ended: " + ended.get());
      return;
    }
    MonitorReason reason =
        switch (policy) {
          case ShutdownPolicy.BrutalKill k -> {
            kill(pid);
            yield awaitDown(ref);
          }
          case ShutdownPolicy.Timeout t -> {
            askToStop(pid);
            Optional<MonitorReason> down = ctx.receive(t.deadline(), onDown(ref, Down::reason));
            if (down.isPresent()) {
              yield down.get();
            }
            LOG.log(
                Level.WARNING,
                () ->
                    "supervisor "
                        + self
                        + ": child '"
                        + id
                        + "' did not stop within "
                        + t.deadline().toMillis()
                        + " ms; killing it");
            kill(pid);
            yield awaitDown(ref);
          }
          case ShutdownPolicy.Infinity i -> {
            askToStop(pid);
            yield awaitDown(ref);
          }
        };
    if (takeExitOf(pid).isEmpty()) {
      rememberStopped(pid); // its link's Exit is still on its way
    }
    LOG.log(Level.DEBUG, () -> "supervisor " + self + ": child '" + id + "' stopped: " + reason);
  }

  // A signal to a child whose node has just gone is not needed: its monitor fires with NodeDown.

  private void askToStop(Pid pid) {
    try {
      ctx.exit(pid, SupervisorProcess.SHUTDOWN);
    } catch (InvalidNodeException e) {
      LOG.log(Level.DEBUG, () -> "supervisor " + self + ": " + e.getMessage());
    }
  }

  private void kill(Pid pid) {
    try {
      ctx.kill(pid);
    } catch (InvalidNodeException e) {
      LOG.log(Level.DEBUG, () -> "supervisor " + self + ": " + e.getMessage());
    }
  }

  private MonitorReason awaitDown(MonitorRef ref) {
    return ctx.receive(onDown(ref, Down::reason));
  }

  /** Takes an Exit of {@code pid} that was already taken by the loop or is queued. */
  private Optional<Exit> takeExitOf(Pid pid) {
    for (Iterator<Exit> it = early.iterator(); it.hasNext(); ) {
      Exit e = it.next();
      if (e.from().equals(pid)) {
        it.remove();
        return Optional.of(e);
      }
    }
    return ctx.receive(Duration.ZERO, onExit(pid, e -> e));
  }

  private void rememberStopped(Pid pid) {
    if (stoppedSet.add(pid)) {
      stoppedOrder.addLast(pid);
      if (stoppedOrder.size() > RECENT) {
        stoppedSet.remove(stoppedOrder.pollFirst());
      }
    }
  }
}
