package io.distproc.runtime.internal;

import io.distproc.InternalApi;
import io.distproc.Node;
import io.distproc.spi.NodeStart;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * INTERNAL API: starts a node on a transport the caller chooses instead of the one {@link
 * java.util.ServiceLoader} finds, so that a transport's own tests can reach the transport of a node
 * they run through the public API (to make it hang or fail).
 *
 * <p>The runtime registers how it starts such a node when its provider class is initialised (the
 * JDK's "shared secrets" pattern), so no public method of the runtime's own package exists for it.
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1.0
 */
@InternalApi
public final class InternalNodes {
  private InternalNodes() {}

  /** How the runtime starts a node on a given transport. */
  public interface Starter {
    /**
     * Starts the node.
     *
     * @param start what to start
     * @param transport makes the node's transport
     * @param <M> the cluster's message type
     * @return the running node
     */
    <M> Node<M> start(NodeStart<M> start, TransportFactory transport);
  }

  private static volatile @Nullable Starter starter;

  /**
   * Registers the runtime's starter; called once, by the runtime.
   *
   * @param s the starter
   * @throws IllegalStateException if a starter is registered already
   */
  public static synchronized void register(Starter s) {
    if (starter != null) {
      throw new IllegalStateException("a starter is registered already");
    }
    starter = Objects.requireNonNull(s, "starter");
  }

  /**
   * Starts a node whose remote configuration runs on {@code transport}.
   *
   * @param start what to start
   * @param transport makes the node's transport (ignored for a local-only configuration)
   * @param <M> the cluster's message type
   * @return the running node
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the transport cannot bind its address
   */
  public static <M> Node<M> start(NodeStart<M> start, TransportFactory transport) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(transport, "transport");
    Starter s = starter;
    if (s == null) {
      try { // its initialiser registers the starter
        Class.forName(
            "io.distproc.runtime.RuntimeNodeProvider", true, InternalNodes.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("the runtime is not on the class or module path", e);
      }
      s = starter;
      if (s == null) {
        throw new IllegalStateException("the runtime registered no starter");
      }
    }
    return s.start(start, transport);
  }
}
