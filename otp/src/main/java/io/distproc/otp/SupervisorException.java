package io.distproc.otp;

import io.distproc.DistprocException;
import java.io.Serial;

/**
 * Thrown when a supervisor cannot do what it was asked: a child failed to start (so the
 * supervisor's own start failed, or {@code start_child} did), the id is unknown or already taken,
 * the child is in the wrong state, the supervisor has ended, or it did not answer in time.
 *
 * @since 0.1.0
 */
public class SupervisorException extends DistprocException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong
   */
  public SupervisorException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public SupervisorException(String message, Throwable cause) {
    super(message, cause);
  }
}
