package io.distproc.runtime.internal;

import io.distproc.InternalApi;
import io.distproc.NodeId;
import java.time.Duration;
import java.util.Optional;

/**
 * INTERNAL API: an authenticated connection to one peer node, made by a {@link Transport}.
 *
 * <p>Implementations are thread-safe. Frames given to {@link #send(Frame)} by one thread go out in
 * that order; frames from several threads interleave whole.
 *
 * @since 0.1.0
 */
@InternalApi
public interface Link {

  /**
   * Returns the peer, as its handshake named it.
   *
   * @return the peer's id
   */
  NodeId peer();

  /**
   * Tells whether this node dialled the link (as opposed to accepting it). When two links to one
   * peer come up at once, the runtime keeps the one dialled by the node whose id sorts first.
   *
   * @return {@code true} if this node dialled it
   */
  boolean outbound();

  /**
   * Returns the address the peer advertised in its handshake, {@code host:port}, for logs and
   * reconnection.
   *
   * @return the advertised address
   */
  String peerAddress();

  /**
   * Returns the last measured round trip of a heartbeat on this link, if the transport measures it.
   *
   * @return the round trip, or empty if none was measured yet
   */
  default Optional<Duration> roundTrip() {
    return Optional.empty();
  }

  /**
   * Queues a frame for the peer. {@link Frame.Send} and {@link Frame.Broadcast} frames may block
   * the caller while the link's outbound buffer is full (back-pressure from a slow peer); other
   * frames never block. A frame sent on a closed link is dropped.
   *
   * @param frame the frame
   * @return {@code false} if the link is closed and the frame was dropped
   * @throws IllegalArgumentException if the frame's payload or argument is larger than the link
   *     carries; nothing is sent, and the runtime passes the exception on to the sender
   */
  boolean send(Frame frame);

  /**
   * Closes the link: tells the peer goodbye (it sees {@code PEER_LEFT}), and reports {@code cause}
   * to this node's {@link LinkHandler#linkDown}. Idempotent.
   *
   * @param cause why, as reported on this side
   * @param detail a human-readable explanation
   */
  void close(io.distproc.NodeDownEvent.Cause cause, String detail);

  /**
   * Closes a duplicate the runtime no longer uses: like {@link #close} with {@code REMOVED}, except
   * that frames already received on it are still delivered, so that what the peer sent on it before
   * it moved to the other link is not lost. The default is {@code close(REMOVED, detail)}, for a
   * transport that cannot tell the two apart. Idempotent.
   *
   * @param detail a human-readable explanation
   */
  default void retire(String detail) {
    close(io.distproc.NodeDownEvent.Cause.REMOVED, detail);
  }
}
