package io.distproc.transport.grpc;

import io.distproc.DistprocException;

/**
 * A dial did not produce a link: the node could not be reached, refused the handshake, answered
 * under another name, or this node's runtime refused the link. Completes the future of {@link
 * GrpcTransport#connect}.
 */
final class HandshakeException extends DistprocException {
  private static final long serialVersionUID = 1L;

  HandshakeException(String message) {
    super(message);
  }

  HandshakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
