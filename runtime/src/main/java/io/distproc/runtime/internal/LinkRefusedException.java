package io.distproc.runtime.internal;

import io.distproc.DistprocException;
import io.distproc.InternalApi;
import java.io.Serial;

/**
 * INTERNAL API: how a {@link Transport} fails {@link Transport#connect} when the peer's runtime
 * refused the link in {@link LinkHandler#linkUp} (a duplicate of a link that is up or coming up),
 * as opposed to a network failure or a failed handshake. The runtime then waits for the other link
 * instead of reporting a failure.
 *
 * @since 0.1.0
 */
@InternalApi
public final class LinkRefusedException extends DistprocException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message who refused what
   */
  public LinkRefusedException(String message) {
    super(message);
  }
}
