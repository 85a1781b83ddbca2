package io.distproc;

import java.io.Serial;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link ProcessContext#call} when no reply came: the server ended, or its node went
 * down, before it replied ({@link #serverReason()} says why), or the deadline passed (then {@link
 * CallTimeoutException} is thrown).
 *
 * @since 0.1.0
 */
public class CallException extends DistprocException {
  @Serial private static final long serialVersionUID = 1L;

  private final transient Pid server;
  private final transient @Nullable MonitorReason serverReason;

  /**
   * Creates an exception for a server that is gone.
   *
   * @param server the server called
   * @param serverReason why it is gone
   * @throws NullPointerException if an argument is null
   */
  public CallException(Pid server, MonitorReason serverReason) {
    this(
        server,
        "call to "
            + Objects.requireNonNull(server, "server")
            + " failed: the server is gone: "
            + Objects.requireNonNull(serverReason, "serverReason"),
        serverReason);
  }

  CallException(Pid server, String message, @Nullable MonitorReason serverReason) {
    super(message);
    this.server = server;
    this.serverReason = serverReason;
  }

  /**
   * Returns the server that was called.
   *
   * @return the server
   */
  public Pid server() {
    return server;
  }

  /**
   * Returns why the server is gone, or empty if the call timed out while it was alive.
   *
   * @return the server's end, if that is why the call failed
   */
  public Optional<MonitorReason> serverReason() {
    return Optional.ofNullable(serverReason);
  }
}
