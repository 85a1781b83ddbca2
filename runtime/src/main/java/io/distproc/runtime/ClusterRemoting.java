package io.distproc.runtime;

import io.distproc.Codec;
import io.distproc.DistprocException;
import io.distproc.InvalidNodeException;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * The runtime's half of the network: what every remote operation means, independent of how
 * frames travel. A Transport makes authenticated Links and reports them through the LinkHandler
 * methods below. The table of live peers, with its duplicate-link rule and a peer's node-down, is
 * PeerTable's; what arrives is InboundFrames'; this class is what each remote operation means on
 * the sending side.
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

  /** The names being dialled (see PeerTable.linkUp) or removed. */
  private final Dialling dialling = new Dialling();

  private final PeerTable<M> peers;

  private final AtomicLong lastRequest = new AtomicLong();

  /** Set once by start(). */
  private volatile SeedDialer seeds;

  /** Set once by start(); read by any thread. */
  private volatile Transport transport;

  private final AtomicBoolean closing = new AtomicBoolean();

  /** Counted down once the first close has closed the transport. */
  private final CountDownLatch closed = new CountDownLatch(1);

  /**
   * The exit signals of this node. Set once by start(), before the transport starts, so every
   * thread the transport runs sees it.
   */
  private ExitSignals<M> signals;

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
    this.peers = new PeerTable<>(self, dialling, delivery, watch);
  }

  /** Starts the transport and the seed dialers. Called once, after the node is built. */
  void start(
      TransportFactory factory,
      ExitSignals<M> nodeSignals,
      ProcessGroups<M> nodeGroups,
      PeerSpawner<M> spawner) {
    this.signals = nodeSignals;
    peers.start(nodeSignals, nodeGroups);
    this.inbound = new InboundFrames<>(self, peers, delivery, spawner, nodeSignals, nodeGroups);
    transport = factory.start(config, self, this);
    LOG.log(
        System.Logger.Level.INFO,
        () -> "node " + self + " listening on " + transport.boundAddress());
    SeedDialer dialer = new SeedDialer(self, config, transport, dialling, peers::has);
    seeds = dialer;
    dialer.start();
  }

  InetSocketAddress boundAddress() {
    return transport.boundAddress();
  }

  // ---- LinkHandler -----------------------------------------------------------------------------

  @Override
  public boolean linkUp(Link link) {
    return peers.linkUp(link);
  }

  @Override
  public void linkDown(Link link, NodeDownEvent.Cause cause, String detail) {
    peers.linkDown(link, cause, detail);
  }

  @Override
  public void frame(Link link, Frame frame) {
    inbound.frame(link, frame);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here a Send frame is only queued, still encoded, in its receiver's mailbox: no user code, no
   * lock, no wait (see InboundFrames).
   */
  @Override
  public boolean deliversSendsWithoutBlocking() {
    return true;
  }

  // ---- Remoting ------------------------------------------------------------------------------

  @Override
  public Optional<NodeId> node(String name) {
    return peers.node(name);
  }

  @Override
  public List<NodeId> nodes() {
    return peers.nodes();
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
        Throwable cause =
            e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        Optional<Peer> raced =
            cause instanceof LinkRefusedException
                ? peers.await(name, deadline)
                : Optional.ofNullable(peers.get(name));
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

  @Override
  public void remove(NodeId which) {
    Objects.requireNonNull(which, "node");
    dialling.forget(which.name());
    Peer peer = peers.current(which);
    if (peer != null) {
      for (Link link : peer.allLinks()) {
        link.close(NodeDownEvent.Cause.REMOVED, "removed by " + self.name());
      }
    }
  }

  @Override
  public void send(@Nullable Pid from, Pid to, M message) {
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
  public void broadcast(@Nullable Pid from, NodeId where, M message) {
    if (!peers.exact(where).link.send(new Frame.Broadcast(from, codec.encode(message)))) {
      delivery.countUnsent(where, "broadcast");
    }
  }

  @Override
  public Pid spawn(
      @Nullable Pid spawner, NodeId where, String behaviour, M argument, long monitorId) {
    return spawn(spawner, where, behaviour, argument, monitorId, false);
  }

  @Override
  public Pid spawnLinked(Pid spawner, NodeId where, String behaviour, M argument) {
    return spawn(spawner, where, behaviour, argument, 0, true);
  }

  private Pid spawn(
      @Nullable Pid spawner,
      NodeId where,
      String behaviour,
      M argument,
      long monitorId,
      boolean link) {
    Peer peer = peers.exact(where);
    byte[] encoded = codec.encode(argument);
    long requestId = lastRequest.incrementAndGet();
    CompletableFuture<Pid> reply = new CompletableFuture<>();
    Peer.PendingSpawn pending = new Peer.PendingSpawn(reply, spawner, monitorId, link);
    peer.pendingSpawns.put(requestId, pending);
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
      if (!abandon(peer, requestId, pending)) {
        return awaitReply(reply, where); // the reply came as the wait ended: the spawn stands
      }
      throw new DistprocException(
          "spawn of '"
              + behaviour
              + "' on "
              + where
              + " got no answer within "
              + config.requestTimeout().toMillis()
              + " ms");
    } catch (ExecutionException e) {
      throw spawnFailed(e, where);
    } catch (InterruptedException e) {
      abandon(peer, requestId, pending);
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException(e);
    }
  }

  /**
   * Marks a spawn its spawner gives up on: its reply, if it comes, ends what it started (see
   * InboundFrames). False if the reply was taken first.
   */
  private static boolean abandon(Peer peer, long requestId, Peer.PendingSpawn pending) {
    return peer.pendingSpawns.replace(requestId, pending, pending.abandon());
  }

  /** The outcome of a spawn whose reply is being handled right now. */
  private static Pid awaitReply(CompletableFuture<Pid> reply, NodeId where) {
    try {
      return reply.get();
    } catch (ExecutionException e) {
      throw spawnFailed(e, where);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException(e);
    }
  }

  private static RuntimeException spawnFailed(ExecutionException e, NodeId where) {
    if (e.getCause() instanceof InvalidNodeException invalid) {
      return new InvalidNodeException(invalid.node());
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return new DistprocException("spawn on " + where + " failed: " + cause, cause);
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
    Peer peer = peers.current(ref.target().node());
    if (peer != null && peer.outgoing.remove(ref)) {
      peer.link.send(new Frame.Demonitor(ref));
    }
  }

  @Override
  public void sendNamed(@Nullable Pid from, NodeId where, String name, M message) {
    if (!peers.exact(where).link.send(new Frame.NamedSend(name, from, codec.encode(message)))) {
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
    Peer peer = peers.current(to.node());
    if (peer != null && peer.links.remove(new Peer.LinkPair(from, to))) {
      peer.link.send(new Frame.UnlinkRequest(from, to));
    }
  }

  @Override
  public void sendExit(Pid from, Pid to, MonitorReason reason, ExitKind kind) {
    Peer peer = peers.get(to.node().name());
    if (kind == ExitKind.LINK) {
      if (peer != null
          && peer.id.equals(to.node())
          && peer.links.remove(new Peer.LinkPair(from, to))) {
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
    Peer peer = peers.current(where);
    if (peer == null) {
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
    Peer peer = peers.current(ref.watcher().node());
    if (peer != null && peer.incoming.remove(ref)) {
      peer.link.send(new Frame.DownNotice(ref, reason));
    }
  }

  @Override
  public long linksDown() {
    return peers.linksDown();
  }

  @Override
  public Optional<Duration> roundTrip(NodeId which) {
    Objects.requireNonNull(which, "node");
    Peer peer = peers.current(which);
    return peer != null ? peer.link.roundTrip() : Optional.empty();
  }

  /**
   * {@inheritDoc}
   *
   * <p>A second caller waits until the first has closed the transport, so that whoever counts on
   * the links being closed (the node's termination, and with it a JVM that exits after {@code
   * close}) does not find them still saying goodbye. The wait is bounded by the transport's own
   * bounded close, and not interrupted.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      awaitClosed();
      return;
    }
    try {
      peers.close();
      SeedDialer dialer = seeds;
      if (dialer != null) {
        dialer.close();
      }
      Transport t = transport;
      if (t != null) {
        t.close();
      }
    } finally {
      closed.countDown();
    }
  }

  private void awaitClosed() {
    boolean interrupted = false;
    while (true) {
      try {
        closed.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // a process being stopped ends here: it still waits for the links
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
