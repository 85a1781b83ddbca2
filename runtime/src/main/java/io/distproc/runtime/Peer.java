package io.distproc.runtime;

import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.internal.Link;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * One live link to one incarnation of another node, and what hangs on it: the monitors and links
 * across it, and the spawns waiting for its answer (see ClusterRemoting's notes). Thread-safe: the
 * sets are concurrent; {@code link} and {@code spares} change under ClusterRemoting's peersLock.
 */
final class Peer {
  final NodeId id;

  /** The link new traffic goes on. Changed under peersLock, read by any thread. */
  volatile Link link;

  /**
   * Duplicate links the other side may still use (see ClusterRemoting): changed under peersLock.
   */
  final List<Link> spares = new CopyOnWriteArrayList<>();

  final Set<MonitorRef> outgoing = ConcurrentHashMap.newKeySet();
  final Set<MonitorRef> incoming = ConcurrentHashMap.newKeySet();
  final Set<LinkPair> links = ConcurrentHashMap.newKeySet();
  final ConcurrentHashMap<Long, PendingSpawn> pendingSpawns = new ConcurrentHashMap<>();
  volatile boolean down;

  Peer(Link link) {
    this.id = link.peer();
    this.link = link;
  }

  /** The spares, then the main link: closing them in this order ends in one node-down. */
  List<Link> allLinks() {
    List<Link> all = new ArrayList<>(spares);
    all.add(link);
    return all;
  }

  /**
   * A remote spawn waiting for its reply; {@code abandoned} once its spawner gave up waiting (a
   * timeout or an interrupt), so that a late reply ends what it started instead of leaving it
   * linked to, or watched by, a spawner that was told the spawn failed.
   */
  record PendingSpawn(
      CompletableFuture<Pid> reply,
      @Nullable Pid spawner,
      long monitorId,
      boolean link,
      boolean abandoned) {

    PendingSpawn(
        CompletableFuture<Pid> reply, @Nullable Pid spawner, long monitorId, boolean link) {
      this(reply, spawner, monitorId, link, false);
    }

    /** The spawner, there whenever a monitor or a link was asked for. */
    Pid watcher() {
      return Objects.requireNonNull(spawner, "the spawner of a monitored or linked spawn");
    }

    /** The same spawn, given up by its spawner. */
    PendingSpawn abandon() {
      return new PendingSpawn(reply, spawner, monitorId, link, true);
    }
  }

  /** A link between a process of this node and one of the peer's. */
  record LinkPair(Pid here, Pid there) {}
}
