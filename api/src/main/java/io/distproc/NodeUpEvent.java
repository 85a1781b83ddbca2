package io.distproc;

import java.util.Objects;

/**
 * Tells a node-up listener, or a process that {@linkplain ProcessContext#monitorNodes(boolean)
 * monitors nodes}, that a remote node is now connected (Erlang's {@code {nodeup, Node}}).
 *
 * <p>A node that restarts is a new incarnation, so it is reported up again, after the old
 * incarnation's {@link NodeDownEvent}. Instances are immutable and thread-safe.
 *
 * @param node the node that came up
 * @since 0.1.0
 */
public record NodeUpEvent(NodeId node) {
  /**
   * Creates an event.
   *
   * @throws NullPointerException if {@code node} is null
   */
  public NodeUpEvent {
    Objects.requireNonNull(node, "node");
  }
}
