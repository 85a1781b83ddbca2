package io.distproc;

import java.io.Serial;
import java.util.Objects;

/**
 * Ends a process with a chosen {@link MonitorReason}: the runtime throws it from a {@link
 * ProcessContext} call of a process that an exit signal has ended (a linked process crashed, or
 * {@link ProcessContext#kill(Pid)}), and a process body may throw it to end with a reason of its
 * own, such as {@link MonitorReason.Shutdown}.
 *
 * <p>A process told to end by a signal ends with the signal's reason even if its body catches this
 * exception: every later call into its context throws it again. A body should let it propagate. The
 * reason travels to monitors and linked processes as a value (never by Java serialization), as
 * {@link #reason()} returns it.
 *
 * @since 0.1.0
 */
public class ProcessExitException extends DistprocException {
  @Serial private static final long serialVersionUID = 1L;

  private final transient MonitorReason reason;

  /**
   * Creates the exception. Thrown from a process body, it ends the process with {@code reason} if
   * {@code reason.pid()} is that process (a reason about another process is reported as a crash of
   * this exception).
   *
   * @param reason why the process ends
   * @throws NullPointerException if {@code reason} is null
   */
  public ProcessExitException(MonitorReason reason) {
    super("process " + Objects.requireNonNull(reason, "reason").pid() + " ends: " + reason);
    this.reason = reason;
  }

  /**
   * Returns the reason the process ends with.
   *
   * @return the reason
   */
  public MonitorReason reason() {
    return reason;
  }
}
