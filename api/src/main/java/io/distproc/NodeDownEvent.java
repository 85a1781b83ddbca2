package io.distproc;

import java.util.Objects;

/**
 * Tells a node-down listener that a remote node is no longer connected, and why.
 *
 * <p>When it is delivered, every monitor this node held on a process there has fired with {@link
 * MonitorReason.NodeDown}. Instances are immutable and thread-safe.
 *
 * @param node the node that went down
 * @param cause why the link ended
 * @param detail a human-readable explanation, for logs (may be empty)
 * @since 0.1.0
 */
public record NodeDownEvent(NodeId node, Cause cause, String detail) {
  /**
   * Creates an event.
   *
   * @throws NullPointerException if any component is null
   */
  public NodeDownEvent {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * Why a link to a node ended.
   *
   * @since 0.1.0
   */
  public enum Cause {
    /** The connection failed or was closed without a goodbye. */
    CONNECTION_LOST,
    /** No heartbeat arrived within the configured timeout. */
    HEARTBEAT_TIMEOUT,
    /** This node removed the peer with {@code removeRemoteNode}. */
    REMOVED,
    /** The peer said goodbye: it shut down or removed this node. */
    PEER_LEFT,
    /** This node is shutting down. */
    LOCAL_SHUTDOWN
  }
}
