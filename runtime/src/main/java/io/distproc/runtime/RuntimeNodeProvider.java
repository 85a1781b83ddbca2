package io.distproc.runtime;

import io.distproc.Node;
import io.distproc.runtime.internal.InternalNodes;
import io.distproc.runtime.internal.TransportFactory;
import io.distproc.spi.NodeProvider;
import io.distproc.spi.NodeStart;

/**
 * Starts distproc nodes; found by {@link Node#start} through {@link java.util.ServiceLoader}. Not
 * for direct use.
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1.0
 */
public final class RuntimeNodeProvider implements NodeProvider {
  static {
    InternalNodes.register(
        new InternalNodes.Starter() {
          @Override
          public <M> Node<M> start(NodeStart<M> start, TransportFactory transport) {
            return NodeImpl.start(start, transport);
          }
        });
  }

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public RuntimeNodeProvider() {}

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public <M> Node<M> start(NodeStart<M> start) {
    return NodeImpl.start(start);
  }
}
