package io.distproc;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Who a node is: its name, unique in a cluster, and its incarnation, new each time a node of that
 * name starts.
 *
 * <p>Host and port say how to reach a node, not who it is, so they are not part of its id: a test
 * JVM may reach a container through a mapped port while the other containers use its network alias.
 * Because the incarnation is part of every {@link Pid}, a message or monitor meant for a process of
 * an old incarnation never reaches a process of the new one.
 *
 * <p>Instances are immutable values and thread-safe; equality compares name and incarnation.
 *
 * @since 0.1.0
 */
public final class NodeId implements Comparable<NodeId> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private final String name;
  private final long incarnation;

  private NodeId(String name, long incarnation) {
    this.name = name;
    this.incarnation = incarnation;
  }

  /**
   * Returns the id of the given incarnation of the named node.
   *
   * @param name the node's name, as {@link #checkName(String)} accepts it
   * @param incarnation the incarnation, a positive number that grows with each restart
   * @return the node id
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if the name is malformed or the incarnation is not positive
   */
  public static NodeId of(String name, long incarnation) {
    checkName(name);
    if (incarnation <= 0) {
      throw new IllegalArgumentException("incarnation must be positive, was " + incarnation);
    }
    return new NodeId(name, incarnation);
  }

  /**
   * Checks that a node name is well formed: 1 to 63 characters of ASCII letters, digits, {@code .},
   * {@code _} and {@code -}, starting with a letter or digit, so that it can also serve as a host
   * name, a container alias or a metric label.
   *
   * @param name the name to check
   * @return the name
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if the name is malformed, with a message that says why
   */
  public static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "node name '"
              + name
              + "' is malformed: use 1 to 63 of [A-Za-z0-9._-], starting with a letter or digit");
    }
    return name;
  }

  /**
   * Returns the node's name, unique in its cluster.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the node's incarnation: different, and larger, each time a node of this name starts.
   *
   * @return the incarnation
   */
  public long incarnation() {
    return incarnation;
  }

  /**
   * Orders ids by name, then by incarnation, so an older incarnation sorts first.
   *
   * @param other the id to compare with
   * @return a negative number, zero or a positive number as this id sorts before, with or after
   */
  @Override
  public int compareTo(NodeId other) {
    int byName = name.compareTo(other.name);
    return byName != 0 ? byName : Long.compare(incarnation, other.incarnation);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o == this
        || (o instanceof NodeId other
            && incarnation == other.incarnation
            && name.equals(other.name));
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Long.hashCode(incarnation);
  }

  /** Returns {@code name#incarnation}, for logs. */
  @Override
  public String toString() {
    return name + "#" + incarnation;
  }
}
