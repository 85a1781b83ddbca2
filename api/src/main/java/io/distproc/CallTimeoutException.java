package io.distproc;

import java.io.Serial;
import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by {@link ProcessContext#call} when no reply came within the deadline while the server was
 * still alive (Erlang's {@code timeout} exit from {@code gen_server:call}).
 *
 * @since 0.1.0
 */
public class CallTimeoutException extends CallException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param server the server called
   * @param timeout the deadline that passed
   * @throws NullPointerException if an argument is null
   */
  public CallTimeoutException(Pid server, Duration timeout) {
    super(
        server,
        "call to "
            + Objects.requireNonNull(server, "server")
            + " got no reply within "
            + Objects.requireNonNull(timeout, "timeout").toMillis()
            + " ms",
        null);
  }
}
