package io.distproc.runtime;

import io.distproc.InvalidNodeException;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.NodeUpEvent;
import io.distproc.runtime.internal.Frame.ExitKind;
import io.distproc.runtime.internal.Link;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * PEERS: name -> Peer (the live link to one incarnation of that node). Changed only under
 * `peersLock` (a ReentrantLock; nothing blocks while holding it), read lock-free. A node is
 * "known" while it has a Peer: operations on an unknown node throw InvalidNodeException, and a
 * pid of another incarnation of a known node's name is treated as dead (send = dead letter,
 * monitor = NoProcess), so traffic for an old incarnation never reaches the new one.
 *
 * Duplicate links: when both nodes dial each other at once (two nodes whose only seed is one DNS
 * name do, since neither knows the other's name before the handshake), two links to the same
 * incarnation come up. Both sides end up with the PREFERRED one, dialled by the node whose id sorts
 * first, so they agree without talking; the question is only who may close the other, and when.
 * The transport calls linkUp on the acceptor before the dialler learns the link exists, so:
 *   - an accepted link may be refused at once: the dialler never registered it;
 *   - a dialled link has been registered by the acceptor already, so it is never refused here:
 *     if it is the non-preferred one it becomes a SPARE (kept open, carrying nothing new);
 *   - a non-preferred link is closed only by the dialler of the preferred one, once that link is
 *     up on its side, which proves the other side registered the preferred link first. Closing
 *     it at any other moment could take down the other side's only link to us: a false node-down.
 * A spare that ends changes nothing; the main link that ends while a spare is open hands over to
 * it (the preferred link failed before both sides had it). A newer incarnation's link replaces an
 * older one: the old incarnation is reported down first.
 *
 * Per peer: OUTGOING monitors (watcher here, target there) fire NodeDown when the peer goes
 * down; INCOMING monitors (watcher there, target here) are removed from their targets; LINKS
 * (a process here linked with one there, see ExitSignals) fire an exit signal with NodeDown at the
 * process here; PENDING spawn requests fail. A link's pair is added before its LinkRequest is
 * sent (or, for a linked spawn, when the reply arrives) and removed by whoever fires or unlinks
 * it. Races between these tables and node-down are benign because the watcher keeps its own set
 * of held refs and takes each Down at most once (see Mailbox), and a link fires only for the
 * side that removes it (see ExitSignals).
 */
/** The live peers of a node: links up and down, duplicate links, and a peer's node-down. */
final class PeerTable<M> {
  private static final System.Logger LOG = System.getLogger("io.distproc.runtime.cluster");

  private final NodeId self;
  private final Dialling dialling;
  private final LocalDelivery<M> delivery;
  private final NodeWatch<M> watch;

  private final ReentrantLock peersLock = new ReentrantLock();
  private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();
  private final LongAdder linksDown = new LongAdder();

  /** Set by close(); read by any thread. */
  private volatile boolean closed;

  /**
   * The exit signals of this node. Set once by start(), before the transport starts, so every
   * thread the transport runs sees it.
   */
  private ExitSignals<M> signals;

  /** The process groups of this node; set once by start(), like signals. */
  private ProcessGroups<M> groups;

  PeerTable(NodeId self, Dialling dialling, LocalDelivery<M> delivery, NodeWatch<M> watch) {
    this.self = self;
    this.dialling = dialling;
    this.delivery = delivery;
    this.watch = watch;
  }

  /** Gives the table what a node-down acts on. Called once, before the transport starts. */
  void start(ExitSignals<M> nodeSignals, ProcessGroups<M> nodeGroups) {
    this.signals = nodeSignals;
    this.groups = nodeGroups;
  }

  /** From now on every link is refused. */
  void close() {
    closed = true;
  }

  /** The peer of this name, of whatever incarnation, or null. Lock-free. */
  @Nullable Peer get(String name) {
    return peers.get(name);
  }

  /** The live peer of exactly this incarnation, or null. */
  @Nullable Peer current(NodeId node) {
    Peer peer = peers.get(node.name());
    return peer != null && peer.id.equals(node) ? peer : null;
  }

  /** The live peer of exactly this incarnation, or throws InvalidNodeException. */
  Peer exact(NodeId node) {
    Peer peer = current(node);
    if (peer == null) {
      throw new InvalidNodeException(node);
    }
    return peer;
  }

  Optional<NodeId> node(String name) {
    Objects.requireNonNull(name, "name");
    Peer peer = peers.get(name);
    return peer == null ? Optional.empty() : Optional.of(peer.id);
  }

  /** The ids of the live peers, sorted. */
  List<NodeId> nodes() {
    List<NodeId> ids = new ArrayList<>();
    for (Peer peer : peers.values()) {
      ids.add(peer.id);
    }
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  boolean has(String name) {
    return peers.containsKey(name);
  }

  /** Waits until a link to {@code name} is up, or the deadline passes. */
  Optional<Peer> await(String name, long deadline) throws InterruptedException {
    while (System.nanoTime() < deadline) {
      Peer peer = peers.get(name);
      if (peer != null) {
        return Optional.of(peer);
      }
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    return Optional.ofNullable(peers.get(name));
  }

  /** How many peers went down. */
  long linksDown() {
    return linksDown.sum();
  }

  /** See LinkHandler.linkUp: registers the link, or refuses it. */
  boolean linkUp(Link link) {
    NodeId peerId = link.peer();
    if (peerId.name().equals(self.name())) {
      LOG.log(
          System.Logger.Level.DEBUG, () -> "refused a link to itself from " + link.peerAddress());
      return false;
    }
    if (closed) {
      return false;
    }
    if (!link.outbound()
        && dialling.isDialling(peerId.name())
        && self.name().compareTo(peerId.name()) < 0) {
      // Both nodes are dialling each other: the smaller name's dial wins (Erlang's rule). The
      // peer's dial is refused before it is up anywhere, and the peer waits for ours.
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "refused " + peerId + "'s link: this node's own dial to it is under way");
      return false;
    }
    Peer replacedOlder = null;
    Link retired = null;
    boolean newPeer = false;
    boolean spare = false;
    peersLock.lock();
    try {
      Peer existing = peers.get(peerId.name());
      if (existing != null) {
        int age = Long.compare(peerId.incarnation(), existing.id.incarnation());
        if (age < 0) {
          return false; // a stale incarnation
        }
        if (age == 0) {
          // Two links to one incarnation (see Duplicate links in the notes above).
          if (!preferred(link) || preferred(existing.link)) {
            if (!link.outbound()) {
              return false; // its dialler has not registered it: refusing it is harmless
            }
            existing.spares.add(link); // the peer has it: it closes it once ours is up there
            spare = true;
          } else {
            if (link.outbound()) {
              retired = existing.link; // the peer registered this link before welcoming us
            } else {
              existing.spares.add(existing.link); // the peer may not have this one yet
            }
            existing.link = link;
          }
        } else {
          replacedOlder = existing;
          peers.remove(peerId.name());
        }
      }
      if (existing == null || replacedOlder != null) {
        peers.put(peerId.name(), new Peer(link));
        newPeer = true;
      }
      dialling.remember(peerId.name());
    } finally {
      peersLock.unlock();
    }
    if (retired != null) {
      retired.retire("a duplicate: both nodes keep the link " + self.name() + " dialled");
    }
    String as = spare ? ", a duplicate kept as a spare until the peer closes it" : "";
    if (replacedOlder != null) {
      nodeDown(replacedOlder, NodeDownEvent.Cause.CONNECTION_LOST, "restarted as " + peerId);
      for (Link old : replacedOlder.allLinks()) {
        old.close(NodeDownEvent.Cause.CONNECTION_LOST, "replaced by " + peerId);
      }
    }
    LOG.log(
        System.Logger.Level.INFO,
        () ->
            "node "
                + self.name()
                + ": link up to "
                + peerId
                + " at "
                + link.peerAddress()
                + (link.outbound() ? " (dialled)" : " (accepted)")
                + as);
    if (newPeer) {
      groups.peerUp(peerId);
      watch.up(new NodeUpEvent(peerId));
    }
    return true;
  }

  /**
   * The link both sides keep when two to one incarnation are up at once (a race the dialling rule
   * in linkUp did not prevent, such as a seed whose name was not known): the one dialled by the
   * smaller id.
   */
  private boolean preferred(Link link) {
    NodeId dialler = link.outbound() ? self : link.peer();
    NodeId acceptor = link.outbound() ? link.peer() : self;
    return dialler.compareTo(acceptor) < 0;
  }

  /** See LinkHandler.linkDown. */
  void linkDown(Link link, NodeDownEvent.Cause cause, String detail) {
    Peer peer;
    Link successor;
    peersLock.lock();
    try {
      peer = peers.get(link.peer().name());
      if (peer == null || !peer.id.equals(link.peer()) || peer.spares.remove(link)) {
        return; // an older incarnation (already handled) or a spare: nothing changes
      }
      if (peer.link != link) {
        return; // a retired duplicate
      }
      if (peer.spares.isEmpty()) {
        peers.remove(link.peer().name());
        successor = null;
      } else {
        successor = peer.spares.remove(0); // the preferred link failed before both had it
        peer.link = successor;
      }
    } finally {
      peersLock.unlock();
    }
    if (successor != null) {
      LOG.log(
          System.Logger.Level.INFO,
          () ->
              "node "
                  + self.name()
                  + ": link to "
                  + peer.id
                  + " ended ("
                  + cause
                  + ", "
                  + detail
                  + "); its duplicate at "
                  + successor.peerAddress()
                  + " carries on");
      return;
    }
    nodeDown(peer, cause, detail);
  }

  /** Everything that follows a peer going down; runs once per peer. */
  private void nodeDown(Peer peer, NodeDownEvent.Cause cause, String detail) {
    peer.down = true;
    linksDown.increment();
    LOG.log(
        cause == NodeDownEvent.Cause.LOCAL_SHUTDOWN || cause == NodeDownEvent.Cause.REMOVED
            ? System.Logger.Level.INFO
            : System.Logger.Level.WARNING,
        () ->
            "node "
                + self.name()
                + ": link to "
                + peer.id
                + " down: "
                + cause
                + " ("
                + detail
                + ")");
    for (Peer.PendingSpawn pending : peer.pendingSpawns.values()) {
      pending.reply().completeExceptionally(new InvalidNodeException(peer.id));
    }
    peer.pendingSpawns.clear();
    for (MonitorRef ref : peer.outgoing) {
      delivery.deliverDown(ref, new MonitorReason.NodeDown(ref.target(), peer.id));
    }
    peer.outgoing.clear();
    for (MonitorRef ref : peer.incoming) {
      delivery.unwatchForPeer(ref);
    }
    peer.incoming.clear();
    groups.peerDown(peer.id);
    for (Peer.LinkPair pair : peer.links) {
      if (peer.links.remove(pair)) {
        signals.deliver(
            pair.there(),
            pair.here(),
            new MonitorReason.NodeDown(pair.there(), peer.id),
            ExitKind.LINK);
      }
    }
    watch.down(new NodeDownEvent(peer.id, cause, detail));
  }
}
