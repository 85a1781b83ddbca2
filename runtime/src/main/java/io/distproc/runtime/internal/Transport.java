package io.distproc.runtime.internal;

import io.distproc.InternalApi;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * INTERNAL API: connects one node to others. Made by a {@link TransportFactory}, one per node.
 *
 * <p>Implementations are thread-safe.
 *
 * @since 0.1.0
 */
@InternalApi
public interface Transport extends AutoCloseable {

  /**
   * Returns the address the transport listens on (with the real port when 0 was configured).
   *
   * @return the bound address
   */
  InetSocketAddress boundAddress();

  /**
   * Dials a node. The future completes with the link once its handshake is done and the runtime's
   * {@link LinkHandler#linkUp} has been called for it, or exceptionally if the node cannot be
   * reached, refuses the handshake, or answers under another name than {@code expectedName}. When
   * the peer's runtime refused the link in its {@link LinkHandler#linkUp}, the future fails with a
   * {@link LinkRefusedException}.
   *
   * @param host the host name or address
   * @param port the port
   * @param expectedName the name the node must give, if known
   * @return the link, when it is up
   */
  CompletableFuture<Link> connect(String host, int port, Optional<String> expectedName);

  /**
   * Closes every link (each peer is told goodbye; each link is reported to {@link
   * LinkHandler#linkDown} with {@code LOCAL_SHUTDOWN}) and stops listening. Idempotent.
   */
  @Override
  void close();
}
