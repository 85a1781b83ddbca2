package io.distproc.otp;

import io.distproc.ProcessExitException;
import io.distproc.ProcessInterruptedException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One request from a {@link SupervisorHandle} to its supervisor process, and its answer.
 *
 * <p>Its state is claimed once, by a compare-and-set: the supervisor takes it up ({@code NEW} to
 * {@code RUNNING}) or the caller gives up on it ({@code NEW} to {@code ABANDONED}), never both, so
 * a command the caller gave up on is never carried out. {@link #run} is called from the
 * supervisor's thread only; {@link #await} from the caller's; {@link #fail} from either.
 */
final class Command<M, T> {
  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int ABANDONED = 2;

  private final String what;
  private final Function<SupervisorCalls<M>, T> action;
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final CompletableFuture<T> answer = new CompletableFuture<>();

  Command(String what, Function<SupervisorCalls<M>, T> action) {
    this.what = what;
    this.action = action;
  }

  String what() {
    return what;
  }

  /**
   * Carries the command out, unless the caller gave up on it. Supervisor's thread only.
   *
   * @return whether it was carried out (or failed trying)
   */
  boolean run(SupervisorCalls<M> supervisor) {
    if (!state.compareAndSet(NEW, RUNNING)) {
      return false;
    }
    try {
      answer.complete(action.apply(supervisor));
    } catch (ProcessExitException | ProcessInterruptedException e) {
      answer.completeExceptionally(
          new SupervisorException("the supervisor ended while carrying out " + what, e));
      throw e;
    } catch (RuntimeException e) {
      answer.completeExceptionally(e);
    }
    return true;
  }

  /** Fails the command if it was not taken up yet: the supervisor has ended or cannot be woken. */
  void fail(SupervisorException why) {
    if (state.compareAndSet(NEW, ABANDONED)) {
      answer.completeExceptionally(why);
    }
  }

  /** Waits for the answer. Caller's thread. */
  T await(Duration timeout) {
    try {
      return answer.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = Objects.requireNonNull(e.getCause(), "cause");
      // A new exception, so that its stack trace shows the caller as well as the cause's.
      throw new SupervisorException(Objects.toString(cause.getMessage(), cause.toString()), cause);
    } catch (TimeoutException e) {
      if (state.compareAndSet(NEW, ABANDONED)) {
        throw new SupervisorException(
            what
                + ": the supervisor did not take it up within "
                + timeout.toMillis()
                + " ms; it will not be carried out");
      }
      throw new SupervisorException(
          what
              + ": the supervisor did not finish it within "
              + timeout.toMillis()
              + " ms; it may still take effect");
    } catch (InterruptedException e) {
      state.compareAndSet(NEW, ABANDONED);
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException(e);
    }
  }
}
