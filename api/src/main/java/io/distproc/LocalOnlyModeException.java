package io.distproc;

import java.io.Serial;

/**
 * Thrown by {@code addRemoteNode} and {@code removeRemoteNode} on a node started with a {@link
 * NodeConfig#local(String) local} configuration (the seed's {@code Local_only_mode}).
 *
 * @since 0.1.0
 */
public class LocalOnlyModeException extends DistprocException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param operation the operation that was refused, for the message
   */
  public LocalOnlyModeException(String operation) {
    super(operation + " is not available: the node runs in local-only mode");
  }
}
