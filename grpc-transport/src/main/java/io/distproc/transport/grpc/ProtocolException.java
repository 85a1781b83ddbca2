package io.distproc.transport.grpc;

/**
 * A peer broke the wire contract: a malformed, oversized or out-of-place frame. Closes the link it
 * arrived on, never the node. Its message says what was wrong, for the log.
 */
final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  ProtocolException(String message) {
    super(message);
  }

  ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
