package io.distproc.runtime;

import io.distproc.Codec;
import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * What reaches the processes of one node incarnation, from a process here or from another node:
 * messages (by pid or by registered name, decoded or still encoded), broadcasts, down notices, and
 * the monitors other nodes hold here; and the counters of what was sent, received and dropped.
 * NodeImpl sends through it; ClusterRemoting delivers what arrives through it. It never blocks
 * and runs no user code except the codec's describe, in debug logs only.
 *
 * "Local" is decided once, here: a pid is local when its node is this incarnation (the table holds
 * only those); a pid of another incarnation of this node's name is a process that is gone.
 */
final class LocalDelivery<M> {
  private static final System.Logger LOG = System.getLogger("io.distproc.runtime");

  private final NodeId self;
  private final ProcessTable<M> processes;
  private final NameRegistry<M> names;
  private final Codec<M> codec;
  private final NodeCounters counters;

  /** Decodes a message for a receiving process; null, counted and logged, if it is rejected. */
  private final Function<byte[], @Nullable Object> decoder = payload -> decodeOrDrop(payload, null);

  LocalDelivery(
      NodeId self,
      ProcessTable<M> processes,
      NameRegistry<M> names,
      Codec<M> codec,
      NodeCounters counters) {
    this.self = self;
    this.processes = processes;
    this.names = names;
    this.codec = codec;
    this.counters = counters;
  }

  /** The live process {@code pid} of this node incarnation, or null. */
  @Nullable ProcessImpl<M> local(Pid pid) {
    return pid.node().equals(self) ? processes.get(pid.id()) : null;
  }

  /** Whether {@code node} is this node: of its name, whatever the incarnation. */
  boolean isThisNode(NodeId node) {
    return node.name().equals(self.name());
  }

  // ---- from processes here ----------------------------------------------------------------------

  /** Sends to a pid of this node's name: a process here, or a dead letter. */
  void send(Pid to, M message) {
    counters.sent.increment();
    ProcessImpl<M> p = local(to); // another incarnation of this node: its processes are gone
    if (p == null) {
      deadLetter(to, message);
    } else {
      p.mailbox().offer(message);
    }
  }

  /** Sends to the process registered under {@code name} here, or a dead letter. */
  void sendNamed(String name, M message) {
    counters.sent.increment();
    ProcessImpl<M> p = names.get(name);
    if (p == null) {
      counters.deadLetters.increment();
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "dead letter to the unregistered name '" + name + "': " + codec.describe(message));
    } else {
      p.mailbox().offer(message);
    }
  }

  /** Sends to every process here except {@code from}. */
  void broadcast(@Nullable Pid from, M message) {
    processes.forEach(
        p -> {
          if (!p.pid().equals(from)) {
            counters.sent.increment();
            p.mailbox().offer(message);
          }
        });
  }

  private void deadLetter(Pid to, M message) {
    counters.deadLetters.increment();
    LOG.log(
        System.Logger.Level.DEBUG, () -> "dead letter to " + to + ": " + codec.describe(message));
  }

  // ---- from other nodes -------------------------------------------------------------------------

  /** Queues a Down notice for a watcher of this node, if it is still alive. */
  void deliverDown(MonitorRef ref, MonitorReason reason) {
    ProcessImpl<M> w = local(ref.watcher());
    if (w != null) {
      w.mailbox().offerDown(new Down(ref, reason));
    }
  }

  /**
   * Delivers a message from another node, still encoded, to a process of this node: the process
   * decodes it when its receive first examines it. Runs no user code, never blocks.
   */
  void deliverEncoded(Pid to, byte[] payload) {
    counters.received.increment();
    ProcessImpl<M> p = processes.get(to.id());
    if (p == null) {
      counters.deadLetters.increment();
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "dead letter to " + to + ": " + describeEncoded(payload));
    } else {
      p.mailbox().offerEncoded(payload, decoder);
    }
  }

  /** Delivers a message from another node, still encoded, to a name registered here. */
  void deliverEncodedToName(String name, byte[] payload) {
    counters.received.increment();
    ProcessImpl<M> p = names.get(name);
    if (p == null) {
      counters.deadLetters.increment();
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "dead letter to the unregistered name '" + name + "': " + describeEncoded(payload));
    } else {
      p.mailbox().offerEncoded(payload, decoder);
    }
  }

  /** Delivers a broadcast from another node to every process of this node. */
  void deliverBroadcast(M message) {
    processes.forEach(
        p -> {
          counters.received.increment();
          p.mailbox().offer(message);
        });
  }

  /**
   * Decodes a message from another node; returns null, and counts and logs the drop, if the codec
   * rejects the bytes or decodes null.
   *
   * @param from the node it came from, for the log, or null if not known here
   */
  @Nullable M decodeOrDrop(byte[] payload, @Nullable NodeId from) {
    try {
      M message = codec.decode(payload);
      if (message == null) {
        throw new IllegalArgumentException("the codec decoded a null message");
      }
      return message;
    } catch (RuntimeException e) {
      counters.undecodable.increment();
      LOG.log(
          System.Logger.Level.WARNING,
          () ->
              "node "
                  + self
                  + " dropped a message"
                  + (from == null ? "" : " from " + from)
                  + " that the codec rejected: "
                  + e);
      return null;
    }
  }

  private String describeEncoded(byte[] payload) {
    try {
      return codec.describe(codec.decode(payload));
    } catch (RuntimeException e) {
      return payload.length + " bytes the codec rejects";
    }
  }

  /** Installs a monitor held by a process of another node on a process here. */
  boolean watchForPeer(MonitorRef ref) {
    ProcessImpl<M> p = local(ref.target());
    return p != null && p.addWatch(ref);
  }

  /** Removes a monitor held by a process of another node, if its target still lives. */
  void unwatchForPeer(MonitorRef ref) {
    ProcessImpl<M> p = local(ref.target());
    if (p != null) {
      p.removeWatch(ref);
    }
  }

  /**
   * Counts a message that the link to {@code node} refused because it had just closed (the
   * node-down that follows has not been handled yet): it is lost, as one in flight is.
   */
  void countUnsent(NodeId node, String what) {
    counters.unsent.increment();
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "message " + what + " lost: the link to " + node + " had closed");
  }

  /** Counts a dead letter found on the way, {@code why} for the log. */
  void countDeadLetter(Pid to, String why) {
    counters.deadLetters.increment();
    LOG.log(System.Logger.Level.DEBUG, () -> "dead letter to " + to + " " + why);
  }
}
