package io.distproc.otp;

import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.ProcessInterruptedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/*
 * How a command reaches a supervisor process.
 *
 * The node's message type M is the user's, so the supervisor cannot receive commands of its own
 * as messages, and asking the user for an adapter (Function<Command, M> and back) would put
 * supervisor plumbing into every cluster's message type, and still could not carry a ChildSpec
 * that holds a local process body through a codec. The commands therefore stay Java objects: the
 * caller puts one in this handle's queue and wakes the supervisor with the one kind of entry it
 * always receives, an exit signal. A supervisor traps exits, and a normal exit of a linked process
 * that is not its child kills nobody; so a doorbell is a tiny process that links to the
 * supervisor and returns, and the supervisor carries out the oldest queued command when it
 * receives such an exit. A doorbell that finds the supervisor gone traps the resulting exit
 * signal and ends normally as well, so it never logs a crash.
 *
 * Ordering: the doorbell's Exit takes its place in the supervisor's mailbox like any entry, so a
 * command is carried out after the exits that reached the supervisor before the command was sent
 * (a child that had ended is seen as ended), as an Erlang call is. Every command rings once, and
 * each ring carries out at most one command, skipping those whose caller gave up; so when the
 * k-th ring is received, the first k commands are done or given up, and none waits for an
 * unrelated event. (A normal exit of some other linked process carries out a command early; that
 * is harmless.)
 *
 * Races: `ended` is set, under the lock, by the supervisor's thread as it ends (or by the node's
 * termination callback); enqueue checks it under the same lock, so a command either is refused at
 * once or is in the queue that close() fails. Nothing blocks while holding the lock.
 *
 * `ctx` and `pid` are written once by the supervisor's thread before `started` completes, and read
 * by callers only after awaitStart() returned, so the future's completion publishes them.
 */
final class SupervisorHandle<M> implements SupervisorRef<M> {
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final Object lock = new Object();

  // @GuardedBy("lock")
  private final ArrayDeque<Command<M, ?>> queue = new ArrayDeque<>();

  // @GuardedBy("lock"); null while the supervisor runs
  private @Nullable String ended;

  private volatile ProcessContext<M> ctx;
  private volatile Pid pid;

  // ---- the supervisor's side (its own thread) -------------------------------------------------

  void attach(ProcessContext<M> context) {
    this.ctx = context;
    this.pid = context.self();
  }

  void startSucceeded() {
    started.complete(null);
  }

  void startFailed(SupervisorException why) {
    started.completeExceptionally(why);
  }

  /** Takes the oldest queued command, or null if there is none. */
  Command<M, ?> nextCommand() {
    synchronized (lock) {
      return queue.poll();
    }
  }

  /**
   * Marks the supervisor ended: fails the queued commands, and the start if it had not finished.
   * Idempotent; also called from the node's termination callback.
   */
  void close(String why) {
    List<Command<M, ?>> failed;
    synchronized (lock) {
      if (ended != null) {
        return;
      }
      ended = why;
      failed = List.copyOf(queue);
      queue.clear();
    }
    started.completeExceptionally(
        new SupervisorException("supervisor " + why + " before starting"));
    for (Command<M, ?> command : failed) {
      command.fail(new SupervisorException(command.what() + ": supervisor " + why));
    }
  }

  // ---- the callers' side (any thread) ---------------------------------------------------------

  void awaitStart() {
    try {
      started.get();
    } catch (ExecutionException e) {
      Throwable cause = Objects.requireNonNull(e.getCause(), "cause");
      throw new SupervisorException(Objects.toString(cause.getMessage(), cause.toString()), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException(e);
    }
  }

  private <T> T submit(String what, Function<SupervisorCalls<M>, T> action, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    Command<M, T> command = new Command<>(what, action);
    synchronized (lock) {
      if (ended != null) {
        throw new SupervisorException(what + ": supervisor " + ended);
      }
      queue.add(command);
    }
    Pid supervisor = pid;
    try {
      ctx.spawn(
          bell -> {
            bell.trapExits(true);
            bell.link(supervisor);
          });
    } catch (IllegalStateException e) {
      command.fail(new SupervisorException(what + ": cannot reach supervisor " + supervisor, e));
    }
    return command.await(timeout);
  }

  @Override
  public Pid pid() {
    return pid;
  }

  @Override
  public Pid startChild(ChildSpec<M> child, Duration timeout) {
    Objects.requireNonNull(child, "child");
    return submit("start_child '" + child.id() + "'", s -> s.startChild(child), timeout);
  }

  @Override
  public void terminateChild(String id, Duration timeout) {
    Objects.requireNonNull(id, "id");
    submit("terminate_child '" + id + "'", s -> s.terminateChild(id), timeout);
  }

  @Override
  public Pid restartChild(String id, Duration timeout) {
    Objects.requireNonNull(id, "id");
    return submit("restart_child '" + id + "'", s -> s.restartChild(id), timeout);
  }

  @Override
  public void deleteChild(String id, Duration timeout) {
    Objects.requireNonNull(id, "id");
    submit("delete_child '" + id + "'", s -> s.deleteChild(id), timeout);
  }

  @Override
  public List<ChildInfo> whichChildren(Duration timeout) {
    return submit("which_children", SupervisorCalls::whichChildren, timeout);
  }

  @Override
  public void stop(Duration timeout) {
    submit("stop", SupervisorCalls::stop, timeout);
  }

  @Override
  public String toString() {
    return "Supervisor" + pid;
  }
}
