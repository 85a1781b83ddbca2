package io.distproc;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A node to connect to at start-up: a host and port, and, if known, the node's name.
 *
 * <p>Without a name, the node learns it from the handshake; with one, a node answering under
 * another name is refused. The host may be a DNS name that resolves to several nodes (a compose
 * service, a Kubernetes headless service). Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class SeedNode {
  private final String name; // empty: learn it
  private final String host;
  private final int port;

  private SeedNode(String name, String host, int port) {
    this.name = name;
    this.host = host;
    this.port = port;
  }

  /**
   * Returns a seed node whose name is learnt from its handshake.
   *
   * @param host the host name or address
   * @param port the port, 1 to 65535
   * @return the seed
   * @throws NullPointerException if {@code host} is null
   * @throws IllegalArgumentException if the host is blank or the port out of range
   */
  public static SeedNode of(String host, int port) {
    return new SeedNode("", checkHost(host), checkPort(port));
  }

  /**
   * Returns a seed node that must answer under {@code name}.
   *
   * @param name the node's name
   * @param host the host name or address
   * @param port the port, 1 to 65535
   * @return the seed
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is malformed, the host blank or the port out of
   *     range
   */
  public static SeedNode of(String name, String host, int port) {
    return new SeedNode(NodeId.checkName(name), checkHost(host), checkPort(port));
  }

  /**
   * Returns the name the node must answer under, if one was given.
   *
   * @return the expected name, or empty to learn it
   */
  public Optional<String> name() {
    return name.isEmpty() ? Optional.empty() : Optional.of(name);
  }

  /**
   * Returns the host.
   *
   * @return the host name or address
   */
  public String host() {
    return host;
  }

  /**
   * Returns the port.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  static String checkHost(String host) {
    Objects.requireNonNull(host, "host");
    if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException(
          "host must be a non-blank name or address: '" + host + "'");
    }
    return host;
  }

  static int checkPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
    }
    return port;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SeedNode other
        && port == other.port
        && host.equals(other.host)
        && name.equals(other.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, host, port);
  }

  /** Returns {@code name@host:port}, or {@code host:port} without a name. */
  @Override
  public String toString() {
    return (name.isEmpty() ? "" : name + "@") + host + ":" + port;
  }
}
