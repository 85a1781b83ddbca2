package io.distproc.otp;

import io.distproc.MonitorReason;
import io.distproc.ProcessContext;
import java.time.Duration;
import java.util.Objects;

/**
 * How a supervisor stops a child (Erlang's {@code shutdown}): a closed set of three immutable
 * values, so a {@code switch} over them is exhaustive.
 *
 * <ul>
 *   <li>{@link #brutalKill()}: {@link ProcessContext#kill(io.distproc.Pid)} at once, which the
 *       child cannot trap (Erlang's {@code brutal_kill}).
 *   <li>{@link #timeout(Duration)}: ask the child to stop with {@link
 *       ProcessContext#exit(io.distproc.Pid, String)} (reason {@code "shutdown"}), wait for it to
 *       end at most that long, then kill it. A child that does not trap exits ends at once; one
 *       that traps gets an {@link io.distproc.Exit} with {@link MonitorReason.Shutdown} and may
 *       clean up first.
 *   <li>{@link #infinity()}: ask, and wait without a time limit (Erlang's {@code infinity}), the
 *       default for a {@link ChildType#SUPERVISOR} child, which needs the time to stop its own
 *       children.
 * </ul>
 *
 * <p>After a kill the supervisor waits for the child's end without a time limit: the child ends at
 * its next call into its context, or at once if it waits in one. A child that computes without ever
 * calling its context cannot be stopped, and holds its supervisor up.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public sealed interface ShutdownPolicy {

  /** The default shutdown deadline of a {@link ChildType#WORKER} child, as Erlang's: 5 seconds. */
  Duration DEFAULT_WORKER_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Kill the child at once (Erlang's {@code brutal_kill}).
   *
   * @return the policy
   */
  static ShutdownPolicy brutalKill() {
    return BrutalKill.INSTANCE;
  }

  /**
   * Ask the child to stop, and kill it if it has not ended within {@code deadline}.
   *
   * @param deadline how long the child has to stop, positive
   * @return the policy
   * @throws NullPointerException if {@code deadline} is null
   * @throws IllegalArgumentException if {@code deadline} is zero or negative (use {@link
   *     #brutalKill()} to kill at once)
   */
  static ShutdownPolicy timeout(Duration deadline) {
    return new Timeout(deadline);
  }

  /**
   * Ask the child to stop, and wait for it without a time limit (Erlang's {@code infinity}).
   *
   * @return the policy
   */
  static ShutdownPolicy infinity() {
    return Infinity.INSTANCE;
  }

  /**
   * Kill at once; made by {@link ShutdownPolicy#brutalKill()}.
   *
   * @since 0.1.0
   */
  enum BrutalKill implements ShutdownPolicy {
    /** The one value. */
    INSTANCE;

    @Override
    public String toString() {
      return "brutal_kill";
    }
  }

  /**
   * Ask, then kill after a deadline; made by {@link ShutdownPolicy#timeout(Duration)}.
   *
   * @param deadline how long the child has to stop, positive
   * @since 0.1.0
   */
  record Timeout(Duration deadline) implements ShutdownPolicy {
    /**
     * Creates the policy.
     *
     * @throws NullPointerException if {@code deadline} is null
     * @throws IllegalArgumentException if {@code deadline} is zero or negative
     */
    public Timeout {
      Objects.requireNonNull(deadline, "deadline");
      if (deadline.isZero() || deadline.isNegative()) {
        throw new IllegalArgumentException(
            "shutdown deadline must be positive, was "
                + deadline
                + " (brutalKill() kills at once)");
      }
    }

    @Override
    public String toString() {
      return deadline.toMillis() + " ms";
    }
  }

  /**
   * Ask, and wait without a time limit; made by {@link ShutdownPolicy#infinity()}.
   *
   * @since 0.1.0
   */
  enum Infinity implements ShutdownPolicy {
    /** The one value. */
    INSTANCE;

    @Override
    public String toString() {
      return "infinity";
    }
  }
}
