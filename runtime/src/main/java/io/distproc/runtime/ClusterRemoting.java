package io.distproc.runtime;

import io.distproc.Codec;
import io.distproc.DistprocException;
import io.distproc.InvalidNodeException;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.NodeUpEvent;
import io.distproc.Pid;
import io.distproc.ProcessInterruptedException;
import io.distproc.SeedNode;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Frame.ExitKind;
import io.distproc.runtime.internal.Link;
import io.distproc.runtime.internal.LinkHandler;
import io.distproc.runtime.internal.LinkRefusedException;
import io.distproc.runtime.internal.Transport;
import io.distproc.runtime.internal.TransportFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Design notes for maintainers.
 *
 * The runtime's half of the network: what every remote operation means, independent of how
 * frames travel. A Transport makes authenticated Links and reports them through the LinkHandler
 * methods below; this class keeps the table of live peers and everything tied to each peer.
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
 * of held refs and takes each Down at most once (see ProcessImpl), and a link fires only for the
 * side that removes it (see ExitSignals).
 *
 * Ordering: frames on one link arrive in order and are handled one at a time. A process's
 * messages and, after its death, its Down notices to a remote watcher are sent from its own
 * thread on the same link, so the notice follows the messages (Erlang's per-pair order).
 *
 * Seeds are SeedDialer's; the names being dialled or removed are Dialling's, shared with it.
 */
final class ClusterRemoting<M> implements Remoting<M>, LinkHandler {
  private static final System.Logger LOG = System.getLogger("io.distproc.runtime.cluster");

  private final LocalDelivery<M> delivery;
  private final NodeWatch<M> watch;
  private final NodeId self;
  private final NodeConfig config;
  private final Codec<M> codec;

  private final ReentrantLock peersLock = new ReentrantLock();
  private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();

  /** The names being dialled (see linkUp) or removed. */
  private final Dialling dialling = new Dialling();

  private final AtomicLong lastRequest =
      new AtomicLong();
  /** Set once by start(). */
  private volatile SeedDialer seeds;

  /** Set once by start(); read by any thread. */
  private volatile Transport transport;

  private volatile boolean closed;
  private final LongAdder linksDown = new LongAdder();
  private final AtomicBoolean closing = new AtomicBoolean();


  /**
   * The exit signals of this node. Set once by start(), before the transport starts, so every
   * thread the transport runs sees it.
   */
  private ExitSignals<M> signals;

  /** The process groups of this node; set once by start(), like signals. */
  private ProcessGroups<M> groups;

  /** What this node does with a peer's frames; set once by start(), like signals. */
  private InboundFrames<M> inbound;

  ClusterRemoting(
      NodeId self,
      NodeConfig config,
      Codec<M> codec,
      LocalDelivery<M> delivery,
      NodeWatch<M> watch) {
    this.delivery = delivery;
    this.watch = watch;
    this.self = self;
    this.config = config;
    this.codec = codec;
  }

  /** Starts the transport and the seed dialers. Called once, after the node is built. */
  void start(
      TransportFactory factory,
      ExitSignals<M> nodeSignals,
      ProcessGroups<M> nodeGroups,
      PeerSpawner<M> spawner) {
    this.signals = nodeSignals;
    this.groups = nodeGroups;
    this.inbound = new InboundFrames<>(self, peers, delivery, spawner, nodeSignals, nodeGroups);
    transport = factory.start(config, self, this);
    LOG.log(
        System.Logger.Level.INFO,
        () -> "node " + self + " listening on " + transport.boundAddress());
    SeedDialer dialer = new SeedDialer(self, config, transport, dialling, peers::containsKey);
    seeds = dialer;
    dialer.start();
  }

  InetSocketAddress boundAddress() {
    return transport.boundAddress();
  }

  // ---- LinkHandler -----------------------------------------------------------------------------

  @Override
  public boolean linkUp(Link link) {
    NodeId peerId = link.peer();
    if (peerId.name().equals(self.name())) {
      LOG.log(System.Logger.Level.DEBUG, () -> "refused a link to itself from " + link.peerAddress());
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

  @Override
  public void linkDown(Link link, NodeDownEvent.Cause cause, String detail) {
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
              "node " + self.name() + ": link to " + peer.id + " ended (" + cause + ", " + detail
                  + "); its duplicate at " + successor.peerAddress() + " carries on");
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
        () -> "node " + self.name() + ": link to " + peer.id + " down: " + cause + " (" + detail + ")");
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

  @Override
  public void frame(Link link, Frame frame) {
    inbound.frame(link, frame);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here a Send frame is only queued, still encoded, in its receiver's mailbox: no user code,
   * no lock, no wait (see InboundFrames).
   */
  @Override
  public boolean deliversSendsWithoutBlocking() {
    return true;
  }

  // ---- Remoting ------------------------------------------------------------------------------

  /** The live peer of exactly this incarnation, or throws InvalidNodeException. */
  private Peer exact(NodeId node) {
    Peer peer = peers.get(node.name());
    if (peer == null || !peer.id.equals(node)) {
      throw new InvalidNodeException(node);
    }
    return peer;
  }

  @Override
  public Optional<NodeId> node(String name) {
    Objects.requireNonNull(name, "name");
    Peer peer = peers.get(name);
    return peer == null ? Optional.empty() : Optional.of(peer.id);
  }

  @Override
  public List<NodeId> nodes() {
    List<NodeId> ids = new ArrayList<>();
    for (Peer peer : peers.values()) {
      ids.add(peer.id);
    }
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  @Override
  public NodeId add(String host, int port, String name) {
    SeedNode target = SeedNode.of(name, host, port); // validates
    dialling.remember(name);
    long deadline = System.nanoTime() + config.requestTimeout().toNanos();
    dialling.start(name); // before looking, so a link from the peer either is seen or is refused
    try {
      Peer existing = peers.get(name);
      if (existing != null) {
        return existing.id;
      }
      CompletableFuture<Link> dial =
          transport.connect(target.host(), target.port(), Optional.of(name));
      try {
        return dial.get(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS).peer();
      } catch (ExecutionException | TimeoutException e) {
        dial.cancel(false);
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        Optional<Peer> raced =
            cause instanceof LinkRefusedException ? awaitPeer(name, deadline) : peer(name);
        if (raced.isPresent()) {
          return raced.get().id; // the peer dialled us at the same moment, and its link won
        }
        throw new DistprocException(
            "cannot connect to node '" + name + "' at " + host + ":" + port + ": " + cause, cause);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException(e);
    } finally {
      dialling.stop(name);
    }
  }

  private Optional<Peer> peer(String name) {
    return Optional.ofNullable(peers.get(name));
  }

  /** Waits until a link to {@code name} is up, or the deadline passes. */
  private Optional<Peer> awaitPeer(String name, long deadline) throws InterruptedException {
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
    return peer(name);
  }


  @Override
  public void remove(NodeId which) {
    Objects.requireNonNull(which, "node");
    dialling.forget(which.name());
    Peer peer = peers.get(which.name());
    if (peer != null && peer.id.equals(which)) {
      for (Link link : peer.allLinks()) {
        link.close(NodeDownEvent.Cause.REMOVED, "removed by " + self.name());
      }
    }
  }

  @Override
  public void send(Pid from, Pid to, M message) {
    Peer peer = peers.get(to.node().name());
    if (peer == null) {
      throw new InvalidNodeException(to.node());
    }
    if (!peer.id.equals(to.node())) {
      delivery.countDeadLetter(to, "of an old incarnation");
      return;
    }
    if (!peer.link.send(new Frame.Send(to, from, codec.encode(message)))) {
      delivery.countUnsent(to.node(), "to " + to);
    }
  }

  @Override
  public void broadcast(Pid from, NodeId where, M message) {
    if (!exact(where).link.send(new Frame.Broadcast(from, codec.encode(message)))) {
      delivery.countUnsent(where, "broadcast");
    }
  }

  @Override
  public Pid spawn(Pid spawner, NodeId where, String behaviour, M argument, long monitorId) {
    return spawn(spawner, where, behaviour, argument, monitorId, false);
  }

  @Override
  public Pid spawnLinked(Pid spawner, NodeId where, String behaviour, M argument) {
    return spawn(spawner, where, behaviour, argument, 0, true);
  }

  private Pid spawn(
      Pid spawner, NodeId where, String behaviour, M argument, long monitorId, boolean link) {
    Peer peer = exact(where);
    byte[] encoded = codec.encode(argument);
    long requestId = lastRequest.incrementAndGet();
    CompletableFuture<Pid> reply = new CompletableFuture<>();
    peer.pendingSpawns.put(requestId, new Peer.PendingSpawn(reply, spawner, monitorId, link));
    if (peer.down) {
      peer.pendingSpawns.remove(requestId);
      throw new InvalidNodeException(where);
    }
    try {
      peer.link.send(
          new Frame.SpawnRequest(requestId, spawner, behaviour, encoded, monitorId, link));
    } catch (RuntimeException e) {
      peer.pendingSpawns.remove(requestId); // an argument too large for the link: nothing left
      throw e;
    }
    try {
      return reply.get(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      peer.pendingSpawns.remove(requestId);
      throw new DistprocException(
          "spawn of '" + behaviour + "' on " + where + " got no answer within "
              + config.requestTimeout().toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof InvalidNodeException invalid) {
        throw new InvalidNodeException(invalid.node());
      }
      throw new DistprocException("spawn on " + where + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      peer.pendingSpawns.remove(requestId);
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException(e);
    }
  }

  @Override
  public void monitor(MonitorRef ref) {
    NodeId where = ref.target().node();
    Peer peer = peers.get(where.name());
    if (peer == null) {
      throw new InvalidNodeException(where);
    }
    if (!peer.id.equals(where)) {
      delivery.deliverDown(ref, new MonitorReason.NoProcess(ref.target()));
      return;
    }
    peer.outgoing.add(ref);
    if (peer.down) {
      delivery.deliverDown(ref, new MonitorReason.NodeDown(ref.target(), where));
      return;
    }
    peer.link.send(new Frame.Monitor(ref));
  }

  @Override
  public void demonitor(MonitorRef ref) {
    Peer peer = peers.get(ref.target().node().name());
    if (peer != null && peer.id.equals(ref.target().node()) && peer.outgoing.remove(ref)) {
      peer.link.send(new Frame.Demonitor(ref));
    }
  }

  @Override
  public void sendNamed(Pid from, NodeId where, String name, M message) {
    if (!exact(where).link.send(new Frame.NamedSend(name, from, codec.encode(message)))) {
      delivery.countUnsent(where, "to the name '" + name + "'");
    }
  }

  @Override
  public void link(Pid from, Pid to) {
    NodeId where = to.node();
    Peer peer = peers.get(where.name());
    if (peer == null) {
      throw new InvalidNodeException(where);
    }
    if (!peer.id.equals(where)) {
      signals.deliver(to, from, new MonitorReason.NoProcess(to), ExitKind.LINK);
      return;
    }
    Peer.LinkPair pair = new Peer.LinkPair(from, to);
    peer.links.add(pair);
    if (peer.down) {
      if (peer.links.remove(pair)) {
        signals.deliver(to, from, new MonitorReason.NodeDown(to, where), ExitKind.LINK);
      }
      return;
    }
    try {
      peer.link.send(new Frame.LinkRequest(from, to));
    } catch (RuntimeException e) { // a peer of an older minor version: no link
      peer.links.remove(pair);
      throw e;
    }
  }

  @Override
  public void unlink(Pid from, Pid to) {
    Peer peer = peers.get(to.node().name());
    if (peer != null && peer.id.equals(to.node()) && peer.links.remove(new Peer.LinkPair(from, to))) {
      peer.link.send(new Frame.UnlinkRequest(from, to));
    }
  }

  @Override
  public void sendExit(Pid from, Pid to, MonitorReason reason, ExitKind kind) {
    Peer peer = peers.get(to.node().name());
    if (kind == ExitKind.LINK) {
      if (peer != null && peer.id.equals(to.node()) && peer.links.remove(new Peer.LinkPair(from, to))) {
        peer.link.send(new Frame.ExitSignal(from, to, reason, kind));
      }
      return;
    }
    if (peer == null) {
      throw new InvalidNodeException(to.node());
    }
    if (peer.id.equals(to.node())) {
      peer.link.send(new Frame.ExitSignal(from, to, reason, kind));
    }
  }

  @Override
  public void sendGroups(NodeId where, Frame frame) {
    Peer peer = peers.get(where.name());
    if (peer == null || !peer.id.equals(where)) {
      return;
    }
    try {
      peer.link.send(frame);
    } catch (RuntimeException e) { // a peer of an older minor version has no groups
      LOG.log(System.Logger.Level.DEBUG, () -> "no group traffic to " + where + ": " + e);
    }
  }

  @Override
  public void sendDown(MonitorRef ref, MonitorReason reason) {
    Peer peer = peers.get(ref.watcher().node().name());
    if (peer != null && peer.id.equals(ref.watcher().node()) && peer.incoming.remove(ref)) {
      peer.link.send(new Frame.DownNotice(ref, reason));
    }
  }

  @Override
  public long linksDown() {
    return linksDown.sum();
  }

  @Override
  public Optional<Duration> roundTrip(NodeId which) {
    Objects.requireNonNull(which, "node");
    Peer peer = peers.get(which.name());
    return peer != null && peer.id.equals(which) ? peer.link.roundTrip() : Optional.empty();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    closed = true;
    SeedDialer dialer = seeds;
    if (dialer != null) {
      dialer.close();
    }
    Transport t = transport;
    if (t != null) {
      t.close();
    }
  }
}
