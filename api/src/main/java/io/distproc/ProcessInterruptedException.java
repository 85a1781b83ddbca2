package io.distproc;

import java.io.Serial;

/**
 * Thrown by a blocking {@link ProcessContext} operation when the process's thread is interrupted,
 * which is how {@link Node#shutdownNow()} ends the processes of a node.
 *
 * <p>The thread's interrupt status is set again before this exception is thrown. A process body
 * should let it propagate; the process then ends and its monitors are notified.
 *
 * @since 0.1.0
 */
public class ProcessInterruptedException extends DistprocException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param cause the interruption
   */
  public ProcessInterruptedException(InterruptedException cause) {
    super("process interrupted", cause);
  }
}
