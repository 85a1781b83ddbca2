package io.distproc.runtime;

import io.distproc.NodeDownEvent;
import io.distproc.NodeUpEvent;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Who hears of other nodes coming up and going down: the node's listeners (Node.Builder) and the
 * processes that monitor nodes (ProcessContext.monitorNodes). Thread-safe; called by the remoting
 * once per event, on its own thread.
 */
final class NodeWatch<M> {
  private static final System.Logger LOG = System.getLogger("io.distproc.runtime");

  private final List<Consumer<? super NodeDownEvent>> downListeners;
  private final List<Consumer<? super NodeUpEvent>> upListeners;

  /** The processes that monitor nodes; any thread. */
  private final Set<ProcessImpl<M>> watchers = ConcurrentHashMap.newKeySet();

  NodeWatch(
      List<Consumer<? super NodeDownEvent>> downListeners,
      List<Consumer<? super NodeUpEvent>> upListeners) {
    this.downListeners = downListeners;
    this.upListeners = upListeners;
  }

  /** Subscribes {@code p} to node events, or ends it. */
  void watch(ProcessImpl<M> p, boolean on) {
    if (on) {
      watchers.add(p);
    } else {
      watchers.remove(p);
    }
  }

  /**
   * Tells every process that monitors nodes, then every node-down listener; what a listener throws
   * is logged.
   */
  void down(NodeDownEvent event) {
    tell(event, downListeners, "node-down");
  }

  /** Like {@link #down}, for a node that connected. */
  void up(NodeUpEvent event) {
    tell(event, upListeners, "node-up");
  }

  private <E> void tell(E event, List<Consumer<? super E>> listeners, String what) {
    for (ProcessImpl<M> p : watchers) {
      p.mailbox().offerSignal(event);
    }
    for (Consumer<? super E> listener : listeners) {
      try {
        listener.accept(event);
      } catch (Throwable t) { // user code never breaks the runtime
        LOG.log(System.Logger.Level.WARNING, what + " listener failed for " + event, t);
      }
    }
  }
}
