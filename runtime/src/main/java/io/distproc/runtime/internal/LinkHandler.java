package io.distproc.runtime.internal;

import io.distproc.InternalApi;
import io.distproc.NodeDownEvent;

/**
 * INTERNAL API: how a {@link Transport} tells the runtime about its links. The runtime provides the
 * only implementation.
 *
 * <p>For each link: {@link #linkUp} once, after the handshake; then {@link #frame} for each frame
 * received, one at a time and in order; then {@link #linkDown} once, after the last frame. Calls
 * for different links may run concurrently. The handler never blocks for long.
 *
 * @since 0.1.0
 */
@InternalApi
public interface LinkHandler {

  /**
   * A link's handshake succeeded.
   *
   * @param link the new link
   * @return {@code true} to keep it; {@code false} if the runtime refuses it (a duplicate, or a
   *     link to itself), in which case the transport closes it without calling {@link #linkDown}
   */
  boolean linkUp(Link link);

  /**
   * A frame arrived on a link.
   *
   * @param link the link
   * @param frame the frame
   */
  void frame(Link link, Frame frame);

  /**
   * Tells whether {@link #frame} returns promptly for a {@link Frame.Send}, without blocking and
   * without running user code, so that the transport may call it on its I/O threads instead of
   * handing each message to another thread. Every other frame, and {@link #linkUp} and {@link
   * #linkDown}, may block and are never called on an I/O thread.
   *
   * @return {@code false} unless the handler makes that promise; the default
   */
  default boolean deliversSendsWithoutBlocking() {
    return false;
  }

  /**
   * A link that {@link #linkUp} kept has ended.
   *
   * @param link the link
   * @param cause why
   * @param detail a human-readable explanation
   */
  void linkDown(Link link, NodeDownEvent.Cause cause, String detail);
}
