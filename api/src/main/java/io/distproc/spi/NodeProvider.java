package io.distproc.spi;

import io.distproc.InternalApi;
import io.distproc.Node;

/**
 * INTERNAL API: starts nodes; found with {@link java.util.ServiceLoader} by {@link
 * Node#start(io.distproc.NodeConfig, io.distproc.Codec)}. distproc-runtime provides the only
 * implementation.
 *
 * <p>Implementations must be thread-safe.
 *
 * @since 0.1.0
 */
@InternalApi
public interface NodeProvider {
  /**
   * Returns this provider's priority: the highest found is used.
   *
   * @return the priority
   */
  int priority();

  /**
   * Starts a node.
   *
   * @param start what to start
   * @param <M> the cluster's message type
   * @return the running node
   * @throws IllegalStateException if the node cannot start
   */
  <M> Node<M> start(NodeStart<M> start);
}
