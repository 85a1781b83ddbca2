package io.distproc;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A process id: the node that runs the process and a number that node never reuses.
 *
 * <p>A pid may be sent in messages and used from any node of the cluster. Because it carries the
 * node's {@link NodeId#incarnation() incarnation}, a pid of a process of a node that has since
 * restarted never reaches a process of the new incarnation.
 *
 * <p>Instances are immutable values and thread-safe.
 *
 * @since 0.1.0
 */
public final class Pid {
  private final NodeId node;
  private final long id;

  private Pid(NodeId node, long id) {
    this.node = node;
    this.id = id;
  }

  /**
   * Returns the pid of process number {@code id} on {@code node}. Code that handles pids received
   * in messages or from the runtime never needs this; it exists for codecs that carry pids.
   *
   * @param node the node that runs the process
   * @param id the process number on that node, positive
   * @return the pid
   * @throws NullPointerException if {@code node} is null
   * @throws IllegalArgumentException if {@code id} is not positive
   */
  public static Pid of(NodeId node, long id) {
    Objects.requireNonNull(node, "node");
    if (id <= 0) {
      throw new IllegalArgumentException("process id must be positive, was " + id);
    }
    return new Pid(node, id);
  }

  /**
   * Returns the node that runs (or ran) the process.
   *
   * @return the node id
   */
  public NodeId node() {
    return node;
  }

  /**
   * Returns the process number, unique within its node's incarnation.
   *
   * @return the number
   */
  public long id() {
    return id;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Pid other && id == other.id && node.equals(other.node);
  }

  @Override
  public int hashCode() {
    return node.hashCode() * 31 + Long.hashCode(id);
  }

  /** Returns {@code <name#incarnation.id>}, for logs. */
  @Override
  public String toString() {
    return "<" + node + "." + id + ">";
  }
}
