package io.distproc.runtime.internal;

import io.distproc.InternalApi;
import io.distproc.NodeConfig;
import io.distproc.NodeId;

/**
 * INTERNAL API: makes a node's {@link Transport}; found with {@link java.util.ServiceLoader} when a
 * node has a remote configuration.
 *
 * @since 0.1.0
 */
@InternalApi
public interface TransportFactory {

  /**
   * Starts a transport: binds the configured address and accepts links.
   *
   * @param config the node's configuration (bind and advertised address, heartbeat, cookie)
   * @param self the node's id, sent in handshakes
   * @param handler told about every link
   * @return the running transport
   * @throws IllegalStateException if the address cannot be bound
   */
  Transport start(NodeConfig config, NodeId self, LinkHandler handler);
}
