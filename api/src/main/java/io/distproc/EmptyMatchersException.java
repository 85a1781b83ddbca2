package io.distproc;

import java.io.Serial;

/**
 * Thrown by {@code receive} and {@code receiveLoop} when given an empty list of matchers (the
 * seed's {@code Empty_matchers}): such a receive could never return.
 *
 * @since 0.1.0
 */
public class EmptyMatchersException extends DistprocException {
  @Serial private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public EmptyMatchersException() {
    super("receive needs at least one matcher");
  }
}
