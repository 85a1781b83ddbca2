package io.distproc;

import java.io.Serial;
import java.util.Objects;

/**
 * Thrown when an operation names a node this node does not know: a spawn, send, broadcast or
 * monitor aimed at a node that is not connected (the seed's {@code InvalidNode}).
 *
 * <p>A process that ends because this exception escaped its body is reported to its monitors as
 * {@link MonitorReason.UnknownNode}.
 *
 * @since 0.1.0
 */
public class InvalidNodeException extends DistprocException {
  @Serial private static final long serialVersionUID = 1L;

  private final transient NodeId node;

  /**
   * Creates an exception for an unknown node.
   *
   * @param node the node that is not known
   * @throws NullPointerException if {@code node} is null
   */
  public InvalidNodeException(NodeId node) {
    super("unknown node " + Objects.requireNonNull(node, "node"));
    this.node = node;
  }

  /**
   * Returns the node that was not known.
   *
   * @return the unknown node
   */
  public NodeId node() {
    return node;
  }
}
