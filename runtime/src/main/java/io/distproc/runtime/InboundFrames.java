package io.distproc.runtime;

import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Frame.ExitKind;
import io.distproc.runtime.internal.Link;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * What this node does with each frame a peer sends: the runtime's meaning of every remote
 * operation on the receiving side. Frames of one link arrive here one at a time and in order
 * (the transport's promise), which is what keeps a Down notice or an exit signal behind the
 * messages its process sent before it. Nearly all traffic is Send frames, which need no look at
 * the peer table and are only queued, still encoded, in their receiver's mailbox; everything else
 * finds the peer it came from in the PeerTable (read here, never changed).
 */
final class InboundFrames<M> {
  private final NodeId self;
  private final PeerTable<M> peers;
  private final LocalDelivery<M> delivery;
  private final PeerSpawner<M> spawner;
  private final ExitSignals<M> signals;
  private final ProcessGroups<M> groups;

  InboundFrames(
      NodeId self,
      PeerTable<M> peers,
      LocalDelivery<M> delivery,
      PeerSpawner<M> spawner,
      ExitSignals<M> signals,
      ProcessGroups<M> groups) {
    this.self = self;
    this.peers = peers;
    this.delivery = delivery;
    this.spawner = spawner;
    this.signals = signals;
    this.groups = groups;
  }

  /**
   * The late reply of a spawn its spawner gave up on: the child was started linked to it, or
   * watched by it, while the spawner was told the spawn failed. The link is broken as if the
   * spawner had ended (a child that does not trap exits ends), and the monitor is taken back.
   */
  private static void endAbandoned(
      Link link, @Nullable Peer peer, Peer.PendingSpawn pending, Frame.SpawnReply reply) {
    if (!reply.started()) {
      return;
    }
    if (pending.link()) {
      answer(
          link,
          peer,
          new Frame.ExitSignal(
              pending.watcher(),
              reply.child(),
              new MonitorReason.Shutdown(pending.watcher(), "the spawn was abandoned"),
              ExitKind.LINK));
    }
    if (pending.monitorId() != 0) {
      answer(
          link,
          peer,
          new Frame.Demonitor(
              MonitorRef.of(pending.watcher(), reply.child(), pending.monitorId())));
    }
  }

  /**
   * Answers a frame that came on {@code arrivedOn}: on that link, which the peer surely reads, or,
   * if it has just ended, on the link this node sends to that peer on now. A duplicate link that
   * this node retired still delivers what the peer sent on it before it learnt so, but carries
   * nothing back: without the second try, the answer to such a request (a spawn's reply) would be
   * lost while the peer stays up.
   */
  private static void answer(Link arrivedOn, @Nullable Peer peer, Frame answer) {
    if (!arrivedOn.send(answer)
        && peer != null
        && peer.id.equals(arrivedOn.peer())
        && peer.link != arrivedOn) {
      peer.link.send(answer);
    }
  }

  /** Handles one frame from {@code link}; frames of one link come one at a time, in order. */
  void frame(Link link, Frame frame) {
    switch (frame) {
      case Frame.Send send -> message(link, send);
      case Frame.Broadcast broadcast -> {
        M message = decodeOrNull(link, broadcast.payload());
        if (message != null) {
          delivery.deliverBroadcast(message);
        }
      }
      default -> control(link, peers.get(link.peer().name()), frame);
    }
  }

  /**
   * A message for a process here: nearly all the traffic, so it needs no look at the peers, and
   * runs no user code (see deliversSendsWithoutBlocking).
   */
  private void message(Link link, Frame.Send send) {
    if (!send.to().node().equals(self)) {
      delivery.countDeadLetter(send.to(), "for another incarnation");
      return;
    }
    delivery.deliverEncoded(send.to(), send.payload()); // decoded by the receiving process
  }

  private void control(Link link, @Nullable Peer peer, Frame frame) {
    switch (frame) {
      case Frame.Send send -> message(link, send);
      case Frame.Broadcast broadcast -> frame(link, broadcast);
      case Frame.SpawnRequest request -> spawnForPeer(link, peer, request);
      case Frame.SpawnReply reply -> {
        Peer.PendingSpawn pending =
            peer == null ? null : peer.pendingSpawns.remove(reply.requestId());
        if (pending != null && pending.abandoned()) {
          endAbandoned(link, peer, pending, reply);
        } else if (pending != null && !reply.started()) {
          // Nothing runs there: what the spawner asked for reports NoProcess before the spawn
          // returns; the notice or signal the peer sends after this reply finds nothing to fire.
          MonitorReason none = new MonitorReason.NoProcess(reply.child());
          if (pending.monitorId() != 0) {
            delivery.deliverDown(
                MonitorRef.of(pending.watcher(), reply.child(), pending.monitorId()), none);
          }
          if (pending.link()) {
            signals.deliver(reply.child(), pending.watcher(), none, ExitKind.EXIT);
          }
          pending.reply().complete(reply.child());
        } else if (pending != null && peer != null) {
          if (pending.monitorId() != 0) {
            peer.outgoing.add(MonitorRef.of(pending.watcher(), reply.child(), pending.monitorId()));
          }
          if (pending.link() && signals.linkHere(pending.watcher(), reply.child())) {
            peer.links.add(new Peer.LinkPair(pending.watcher(), reply.child()));
          }
          pending.reply().complete(reply.child());
        }
      }
      case Frame.Monitor monitor -> {
        MonitorRef ref = monitor.ref();
        if (peer != null && delivery.watchForPeer(ref)) {
          peer.incoming.add(ref);
        } else {
          answer(link, peer, new Frame.DownNotice(ref, new MonitorReason.NoProcess(ref.target())));
        }
      }
      case Frame.Demonitor demonitor -> {
        delivery.unwatchForPeer(demonitor.ref());
        if (peer != null) {
          peer.incoming.remove(demonitor.ref());
        }
      }
      case Frame.DownNotice down -> {
        if (peer != null) {
          peer.outgoing.remove(down.ref());
        }
        delivery.deliverDown(down.ref(), down.reason());
      }
      case Frame.LinkRequest request -> {
        if (peer != null && signals.linkHere(request.to(), request.from())) {
          peer.links.add(new Peer.LinkPair(request.to(), request.from()));
        } else {
          answer(
              link,
              peer,
              new Frame.ExitSignal(
                  request.to(),
                  request.from(),
                  new MonitorReason.NoProcess(request.to()),
                  ExitKind.LINK));
        }
      }
      case Frame.UnlinkRequest request -> {
        if (peer != null) {
          peer.links.remove(new Peer.LinkPair(request.to(), request.from()));
        }
        signals.unlinkHere(request.to(), request.from());
      }
      case Frame.ExitSignal exit -> {
        if (exit.kind() == ExitKind.LINK) {
          if (peer == null || !peer.links.remove(new Peer.LinkPair(exit.to(), exit.from()))) {
            return; // unlinked meanwhile, or fired by a node-down already
          }
        }
        signals.deliver(exit.from(), exit.to(), exit.reason(), exit.kind());
      }
      case Frame.NamedSend named -> delivery.deliverEncodedToName(named.name(), named.payload());
      case Frame.GroupJoin g -> groups.fromPeer(link.peer(), g);
      case Frame.GroupLeave g -> groups.fromPeer(link.peer(), g);
      case Frame.GroupSync g -> groups.fromPeer(link.peer(), g);
    }
  }

  private Optional<M> decode(Link link, byte[] payload) {
    return Optional.ofNullable(decodeOrNull(link, payload));
  }

  /** The decoded message, or null (counted and logged) if the codec rejects the bytes. */
  private @Nullable M decodeOrNull(Link link, byte[] payload) {
    return delivery.decodeOrDrop(payload, link.peer());
  }

  private void spawnForPeer(Link link, @Nullable Peer peer, Frame.SpawnRequest request) {
    Optional<M> argument = decode(link, request.argument());
    @Nullable MonitorRef[] ref = new MonitorRef[1];
    boolean[] linked = new boolean[1];
    Pid child =
        spawner.spawnForPeer(
            request.behaviour(),
            argument,
            request.spawner(),
            request.monitorId(),
            request.link() && peer != null,
            (pid, monitor, isLinked, started) -> {
              ref[0] = monitor;
              linked[0] = isLinked;
              if (monitor != null && peer != null) {
                peer.incoming.add(monitor);
              }
              if (isLinked && peer != null) {
                peer.links.add(new Peer.LinkPair(pid, request.watcher()));
              }
              answer(link, peer, new Frame.SpawnReply(request.requestId(), pid, started));
            });
    if (ref[0] == null && request.monitorId() != 0) {
      // No such behaviour, or shutting down: the pid names no process.
      answer(
          link,
          peer,
          new Frame.DownNotice(
              MonitorRef.of(request.watcher(), child, request.monitorId()),
              new MonitorReason.NoProcess(child)));
    }
    if (!linked[0] && request.link()) {
      answer(
          link,
          peer,
          new Frame.ExitSignal(
              child, request.watcher(), new MonitorReason.NoProcess(child), ExitKind.LINK));
    }
  }
}
