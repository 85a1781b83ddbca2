package io.distproc.runtime;

import io.distproc.Node;
import io.distproc.runtime.internal.TransportFactory;
import io.distproc.spi.NodeProvider;
import io.distproc.spi.NodeStart;
import java.util.Objects;

/**
 * Starts distproc nodes; found by {@link Node#start} through {@link java.util.ServiceLoader}. Not
 * for direct use.
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1.0
 */
public final class RuntimeNodeProvider implements NodeProvider {
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

  /**
   * Starts a node on the given transport; reached from outside this module only through {@link
   * io.distproc.runtime.internal.InternalNodes}.
   *
   * @param start what to start
   * @param transport makes the node's transport (ignored for a local-only configuration)
   * @param <M> the cluster's message type
   * @return the running node
   * @throws NullPointerException if an argument is null
   */
  public static <M> Node<M> start(NodeStart<M> start, TransportFactory transport) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(transport, "transport");
    return NodeImpl.start(start, transport);
  }
}
