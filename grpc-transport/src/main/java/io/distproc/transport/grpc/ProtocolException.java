package io.distproc.transport.grpc;

/**
 * A peer broke the wire contract: a malformed, oversized or out-of-place frame. Closes the link it
 * arrived on, never the node. Its message says what was wrong, for the log.
 */
final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String message;

  ProtocolException(String message) {
    super(message);
    this.message = message;
  }

  ProtocolException(String message, Throwable cause) {
    super(message, cause);
    this.message = message;
  }

  /** What was wrong; never null, since every constructor takes it. */
  @Override
  public String getMessage() {
    return message;
  }
}
