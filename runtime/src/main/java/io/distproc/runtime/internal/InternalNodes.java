package io.distproc.runtime.internal;

import io.distproc.InternalApi;
import io.distproc.Node;
import io.distproc.runtime.RuntimeNodeProvider;
import io.distproc.spi.NodeStart;

/**
 * INTERNAL API: starts a node on a transport the caller chooses instead of the one {@link
 * java.util.ServiceLoader} finds, so that a transport's own tests can reach the transport of a
 * node they run through the public API (to make it hang or fail).
 *
 * <p>This class is thread-safe and stateless.
 *
 * @since 0.1.0
 */
@InternalApi
public final class InternalNodes {
  private InternalNodes() {}

  /**
   * Starts a node whose remote configuration runs on {@code transport}.
   *
   * @param start what to start
   * @param transport makes the node's transport (ignored for a local-only configuration)
   * @param <M> the cluster's message type
   * @return the running node
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the transport cannot bind its address
   */
  public static <M> Node<M> start(NodeStart<M> start, TransportFactory transport) {
    return RuntimeNodeProvider.start(start, transport);
  }
}
