package io.distproc;

import java.io.Serial;

/**
 * The root of every exception distproc throws of its own; all are unchecked.
 *
 * <p>Arguments that are wrong in themselves (null, negative, malformed) are reported with the JDK's
 * {@link NullPointerException}, {@link IllegalArgumentException} and {@link IllegalStateException}
 * instead, as each method documents.
 *
 * @since 0.1.0
 */
public class DistprocException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong
   */
  public DistprocException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public DistprocException(String message, Throwable cause) {
    super(message, cause);
  }
}
