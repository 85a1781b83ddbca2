package io.distproc.spi;

import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.InternalApi;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeUpEvent;
import io.distproc.Process;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * INTERNAL API: everything a {@link NodeProvider} needs to start a node. Immutable.
 *
 * @param config how to run the node
 * @param codec the message codec
 * @param behaviours what spawns by name may start
 * @param nodeDownListeners called when a remote node goes down
 * @param nodeUpListeners called when a remote node connects
 * @param initialProcess the first process, if any
 * @param <M> the cluster's message type
 * @since 0.1.0
 */
@InternalApi
public record NodeStart<M>(
    NodeConfig config,
    Codec<M> codec,
    Behaviours<M> behaviours,
    List<Consumer<? super NodeDownEvent>> nodeDownListeners,
    List<Consumer<? super NodeUpEvent>> nodeUpListeners,
    Optional<Process<M>> initialProcess) {
  /**
   * Creates the value.
   *
   * @throws NullPointerException if any component is null
   */
  public NodeStart {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(behaviours, "behaviours");
    nodeDownListeners = List.copyOf(nodeDownListeners);
    nodeUpListeners = List.copyOf(nodeUpListeners);
    Objects.requireNonNull(initialProcess, "initialProcess");
  }

  /**
   * Creates the value with no node-up listener.
   *
   * @param config how to run the node
   * @param codec the message codec
   * @param behaviours what spawns by name may start
   * @param nodeDownListeners called when a remote node goes down
   * @param initialProcess the first process, if any
   * @throws NullPointerException if any argument is null
   */
  public NodeStart(
      NodeConfig config,
      Codec<M> codec,
      Behaviours<M> behaviours,
      List<Consumer<? super NodeDownEvent>> nodeDownListeners,
      Optional<Process<M>> initialProcess) {
    this(config, codec, behaviours, nodeDownListeners, List.of(), initialProcess);
  }
}
