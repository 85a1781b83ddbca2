package io.distproc;

import io.distproc.spi.NodeProvider;
import io.distproc.spi.NodeStart;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A running node: it hosts processes, and, when configured as remote, connects to the other nodes
 * of its cluster (the seed's {@code run_node}).
 *
 * <p>{@link #start(NodeConfig, Codec)} is the one entry point: it finds the runtime (and, for a
 * remote configuration, the transport) on the class path or module path. Any number of nodes may
 * run in one JVM; they share nothing.
 *
 * <pre>{@code
 * try (Node<String> node = Node.start(NodeConfig.local("alpha"), Codec.utf8())) {
 *   Pid pid = node.spawn(ctx -> System.out.println(ctx.receive(Matcher.on(String.class, s -> s))));
 *   node.send(pid, "hello");
 *   node.termination(pid).join();
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> A node is running once returned. {@link #shutdown()} refuses new processes
 * and lets running ones finish; {@link #shutdownNow()} also interrupts every process, which ends it
 * (its monitors get {@link MonitorReason.NodeDown}); {@link #close()} is {@code shutdownNow()}
 * followed by waiting for every process thread to end. All three are idempotent.
 *
 * <p>This interface is thread-safe. DO NOT MOCK: start a local node instead, which takes
 * microseconds.
 *
 * @param <M> the cluster's message type
 * @since 0.1.0
 */
@DoNotImplement
public interface Node<M> extends AutoCloseable {

  /**
   * Starts a node with no behaviours, no initial process and no node-down listener.
   *
   * @param config how to run the node
   * @param codec turns messages into bytes for other nodes
   * @param <M> the cluster's message type
   * @return the running node
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if no runtime (or, for a remote configuration, no transport) is
   *     on the class path, or the node cannot bind its address
   */
  static <M> Node<M> start(NodeConfig config, Codec<M> codec) {
    return builder(config, codec).start();
  }

  /**
   * Starts a node with behaviours and an initial process (the seed's {@code run_node ~process}).
   *
   * @param config how to run the node
   * @param codec turns messages into bytes for other nodes
   * @param behaviours what spawns by name may start here
   * @param initial the first process, started once the node runs
   * @param <M> the cluster's message type
   * @return the running node
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if no runtime (or transport) is on the class path, or the node
   *     cannot bind its address
   */
  static <M> Node<M> start(
      NodeConfig config, Codec<M> codec, Behaviours<M> behaviours, Process<M> initial) {
    return builder(config, codec).behaviours(behaviours).start(initial);
  }

  /**
   * Returns a builder for a node with more options: behaviours, a node-down listener.
   *
   * @param config how to run the node
   * @param codec turns messages into bytes for other nodes
   * @param <M> the cluster's message type
   * @return a builder that starts exactly one node
   * @throws NullPointerException if an argument is null
   */
  static <M> Builder<M> builder(NodeConfig config, Codec<M> codec) {
    return new Builder<>(config, codec);
  }

  /**
   * Returns this node's id: its name and this incarnation.
   *
   * @return the id
   */
  NodeId id();

  /**
   * Returns the configuration the node was started with.
   *
   * @return the configuration
   */
  NodeConfig config();

  /**
   * Returns the address this node listens on for other nodes, with the real port when the
   * configuration asked for port 0.
   *
   * @return the bound address, or empty in local-only mode
   */
  Optional<InetSocketAddress> boundAddress();

  /**
   * Returns the initial process given to {@link Builder#start(Process)}, if any.
   *
   * @return its pid, or empty
   */
  Optional<Pid> initialProcess();

  /**
   * Starts a process on this node from outside any process (from {@code main}, a test, a web
   * handler). Returns once it is registered.
   *
   * @param body the process body
   * @return its pid
   * @throws NullPointerException if {@code body} is null
   * @throws IllegalStateException if the node is shutting down
   */
  Pid spawn(Process<M> body);

  /**
   * Sends a message from outside any process, with the guarantees of {@link
   * ProcessContext#send(Pid, Object)}; the receiver sees no sender.
   *
   * @param to the receiver
   * @param message the message
   * @throws NullPointerException if an argument is null
   * @throws InvalidNodeException if {@code to} is on a node that is not known
   * @throws IllegalArgumentException if the encoded {@code message} must cross to another node and
   *     is larger than the transport carries in one message (128 MiB by default); nothing is sent
   */
  void send(Pid to, M message);

  /**
   * Sends a message to every process on {@code node}, from outside any process.
   *
   * @param node the node, which may be this one
   * @param message the message
   * @throws NullPointerException if an argument is null
   * @throws InvalidNodeException if {@code node} is not known
   * @throws IllegalArgumentException if the encoded {@code message} must cross to another node and
   *     is larger than the transport carries in one message (128 MiB by default); nothing is sent
   */
  void broadcast(NodeId node, M message);

  /**
   * Returns a future that completes with the reason a process of this node ended: {@link
   * MonitorReason.NoProcess} at once if it already has or never existed.
   *
   * @param pid a process of this node
   * @return a future of the reason, complete when {@link #close()} returns; completing or
   *     cancelling it has no effect on the process. Callbacks attached to it before the process
   *     ends run on the process's thread, after its monitors have fired: keep them short
   * @throws NullPointerException if {@code pid} is null
   * @throws IllegalArgumentException if {@code pid} is not of this node
   */
  CompletableFuture<MonitorReason> termination(Pid pid);

  /**
   * Looks up the process registered under {@code name} on this node (Erlang's {@code whereis/1}).
   *
   * @param name the name
   * @return the process, or empty if no live process holds the name
   * @throws NullPointerException if {@code name} is null
   * @since 0.1.0
   */
  Optional<Pid> whereis(String name);

  /**
   * Returns the members of a process group on every node this node knows (see {@link
   * ProcessContext#groupMembers(String)}).
   *
   * @param group the group
   * @return a snapshot, in no particular order
   * @throws NullPointerException if {@code group} is null
   * @since 0.1.0
   */
  List<Pid> groupMembers(String group);

  /**
   * Looks up a connected remote node by name.
   *
   * @param name the node's name
   * @return the node, or empty
   * @throws NullPointerException if {@code name} is null
   */
  Optional<NodeId> remoteNode(String name);

  /**
   * Returns the connected remote nodes.
   *
   * @return a snapshot, sorted by name
   */
  List<NodeId> remoteNodes();

  /**
   * Connects to a node, as {@link ProcessContext#addRemoteNode(String, int, String)} does.
   *
   * @param host the node's host
   * @param port the node's port
   * @param name the node's name
   * @return the connected node
   * @throws LocalOnlyModeException in local-only mode
   * @throws NullPointerException if {@code host} or {@code name} is null
   * @throws IllegalArgumentException if an argument is malformed: a blank host, a port outside 1 to
   *     65535, a malformed name
   * @throws DistprocException if the node cannot be reached within the request timeout
   */
  NodeId addRemoteNode(String host, int port, String name);

  /**
   * Disconnects from a node, as {@link ProcessContext#removeRemoteNode(NodeId)} does.
   *
   * @param node the node
   * @throws LocalOnlyModeException in local-only mode
   * @throws NullPointerException if {@code node} is null
   */
  void removeRemoteNode(NodeId node);

  /**
   * Returns the node's live counters.
   *
   * @return the metrics view
   */
  NodeMetrics metrics();

  /** Refuses new processes and lets running ones finish. Idempotent. */
  void shutdown();

  /**
   * Refuses new processes and interrupts every running one; each ends and its monitors get {@link
   * MonitorReason.NodeDown}. Remote peers are told the node is leaving. Idempotent.
   */
  void shutdownNow();

  /**
   * Waits for every process of a shut-down node to end.
   *
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @return {@code true} if the node has terminated, {@code false} if the time ran out
   * @throws NullPointerException if {@code timeout} is null
   * @throws ProcessInterruptedException if the calling thread is interrupted
   */
  boolean awaitTermination(Duration timeout);

  /**
   * Tells whether {@link #shutdown()} or {@link #shutdownNow()} was called.
   *
   * @return whether the node is shut down or shutting down
   */
  boolean isShutdown();

  /**
   * Tells whether the node is shut down and every process has ended.
   *
   * @return whether the node has terminated
   */
  boolean isTerminated();

  /**
   * Shuts the node down now and waits for its processes to end. Idempotent.
   *
   * @throws DistprocException if processes did not end within 30 seconds; the node is shut down
   *     regardless
   */
  @Override
  void close();

  /**
   * Collects what a node starts with, and starts it, once. Not thread-safe.
   *
   * @param <M> the cluster's message type
   * @since 0.1.0
   */
  final class Builder<M> {
    private final NodeConfig config;
    private final Codec<M> codec;
    private Behaviours<M> behaviours = Behaviours.none();
    private final List<Consumer<? super NodeDownEvent>> nodeDownListeners = new ArrayList<>();
    private final List<Consumer<? super NodeUpEvent>> nodeUpListeners = new ArrayList<>();
    private boolean started;

    private Builder(NodeConfig config, Codec<M> codec) {
      this.config = Objects.requireNonNull(config, "config");
      this.codec = Objects.requireNonNull(codec, "codec");
    }

    /**
     * Sets what spawns by name may start on this node.
     *
     * @param behaviours the behaviours
     * @return this builder
     * @throws NullPointerException if {@code behaviours} is null
     */
    public Builder<M> behaviours(Behaviours<M> behaviours) {
      this.behaviours = Objects.requireNonNull(behaviours, "behaviours");
      return this;
    }

    /**
     * Adds a listener called once each time a remote node goes down (the seed's {@code
     * node_monitor_fn}), on an internal thread, after the monitors on that node's processes have
     * fired. It should return quickly; what it throws is logged and ignored.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder<M> onNodeDown(Consumer<? super NodeDownEvent> listener) {
      nodeDownListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds a listener called once each time a remote node connects, on an internal thread (a
     * restarted node is a new incarnation, reported again after its old one's node-down). It should
     * return quickly: the link waits for it; what it throws is logged and ignored.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     * @since 0.1.0
     */
    public Builder<M> onNodeUp(Consumer<? super NodeUpEvent> listener) {
      nodeUpListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Starts the node.
     *
     * @return the running node
     * @throws InitMoreThanOnceException if this builder already started a node
     * @throws IllegalStateException if no runtime (or transport) is on the class path, or the node
     *     cannot bind its address
     */
    public Node<M> start() {
      return doStart(Optional.empty());
    }

    /**
     * Starts the node and then its initial process.
     *
     * @param initial the first process
     * @return the running node
     * @throws NullPointerException if {@code initial} is null
     * @throws InitMoreThanOnceException if this builder already started a node
     * @throws IllegalStateException if no runtime (or transport) is on the class path, or the node
     *     cannot bind its address
     */
    public Node<M> start(Process<M> initial) {
      return doStart(Optional.of(Objects.requireNonNull(initial, "initial")));
    }

    private Node<M> doStart(Optional<Process<M>> initial) {
      if (started) {
        throw new InitMoreThanOnceException(config.name());
      }
      started = true;
      NodeProvider provider =
          ServiceLoader.load(NodeProvider.class).stream()
              .map(ServiceLoader.Provider::get)
              .max(Comparator.comparingInt(NodeProvider::priority))
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no distproc runtime found: add io.distproc:distproc-runtime to the"
                              + " class path or module path"));
      return provider.start(
          new NodeStart<>(
              config,
              codec,
              behaviours,
              List.copyOf(nodeDownListeners),
              List.copyOf(nodeUpListeners),
              initial));
    }
  }
}
