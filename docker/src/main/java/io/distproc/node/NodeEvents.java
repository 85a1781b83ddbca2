package io.distproc.node;

import io.distproc.InvalidNodeException;
import io.distproc.Node;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.node.events.NodeEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The node's view of its cluster, as event lines on the log (NodeEvent's format, which the testkit
 * reads) and as messages to watching processes.
 *
 * Node-down comes from the node-down listener (an internal runtime thread, once per peer
 * incarnation). Node-up has no listener in the API, so a virtual thread polls remoteNodes()
 * every POLL_MS and reports ids it has not seen: a restarted peer is a new id, so it is reported
 * up again. The node-down listener forgets the node too, so a peer whose same incarnation links
 * again between two polls is reported up again. `seen` is guarded by `lock`, held across a poll's
 * snapshot and its lines and across a node-down line, so that an up line never follows the down
 * line of the link it saw; `watchers` is touched by any thread.
 */
final class NodeEvents {
  static final long POLL_MS = 20;
  private static final Logger LOG = LoggerFactory.getLogger("io.distproc.node.membership");

  private final Set<Pid> watchers = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();

  /** Guarded by lock. */
  private final Set<NodeId> seen = new HashSet<>();

  private volatile Node<String> node;

  /** Starts reporting for a running node. Called once, by main. */
  void attach(Node<String> running) {
    this.node = running;
    Thread.ofVirtual().name("distproc-node-view").start(this::pollLoop);
  }

  /** Sends {@code nodeup}/{@code nodedown} messages to {@code watcher} from now on. */
  void watch(Pid watcher) {
    watchers.add(watcher);
  }

  /** The node-down listener. */
  void onNodeDown(NodeDownEvent e) {
    String line = NodeEvent.PeerDown.of(e).format();
    lock.lock();
    try {
      // Forget it, so that the poll reports it up again even if the same incarnation links again
      // before the next poll (a paused node coming back, a healed partition).
      seen.remove(e.node());
      switch (e.cause()) {
        case CONNECTION_LOST, HEARTBEAT_TIMEOUT -> LOG.warn("{}", line);
        default -> LOG.info("{}", line);
      }
    } finally {
      lock.unlock();
    }
    notifyWatchers(NodeProtocol.message("nodedown", e.node(), e.cause()));
  }

  private void pollLoop() {
    Node<String> n = node;
    while (!n.isShutdown()) {
      List<NodeId> up = new ArrayList<>();
      lock.lock();
      try {
        List<NodeId> now = n.remoteNodes();
        for (NodeId id : now) {
          if (seen.add(id)) {
            LOG.info("{}", new NodeEvent.PeerUp(id).format());
            up.add(id);
          }
        }
        seen.retainAll(now);
      } finally {
        lock.unlock();
      }
      for (NodeId id : up) {
        notifyWatchers(NodeProtocol.message("nodeup", id));
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void notifyWatchers(String message) {
    Node<String> n = node;
    if (n == null) {
      return;
    }
    for (Pid w : watchers) {
      try {
        n.send(w, message);
      } catch (InvalidNodeException | IllegalStateException e) {
        LOG.debug("could not tell {} '{}': {}", NodeProtocol.pid(w), message, e.toString());
      }
    }
  }
}
