package io.distproc.runtime;

import io.distproc.MonitorReason;
import io.distproc.Pid;
import io.distproc.runtime.internal.Frame.ExitKind;
import java.util.List;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * Links and exit signals of one node (Erlang's fault model). A link is a pair of entries: each of
 * the two processes keeps the other's pid in its link set (ProcessImpl, under the process's lock),
 * so a link between two processes here is two entries, and a link with a process of another node
 * is one entry here plus one there, with the pair also recorded on the peer (ClusterRemoting) so
 * that a node-down can fire it.
 *
 * Exactly once: a link fires by REMOVING the other side's entry. The dying process hands over its
 * own set when it is marked dead (after which nothing can be added to it), then, for each linked
 * pid, removes itself from that process's set; only a removal that found the entry delivers the
 * signal. Two linked processes dying at once each find the other dead and signal nobody; an
 * unlink that removed the entry first leaves nothing to fire. Across nodes the same holds with the
 * peer's pair set standing for the remote half: whoever removes the pair sends or fires.
 *
 * Order: a dying process sends its link signals on its own thread after its last line, so a local
 * receiver's mailbox and a remote node's link both see the signal after every message the process
 * sent before it (per-sender order, as for Down notices).
 *
 * Who may call what: link and unlink run on the linking process's own thread; deliver runs on any
 * thread (a dying process's, a transport's); nothing here blocks or runs user code.
 */
final class ExitSignals<M> {
  private final LocalDelivery<M> delivery;
  private final Remoting<M> remoting;

  ExitSignals(LocalDelivery<M> delivery, Remoting<M> remoting) {
    this.delivery = delivery;
    this.remoting = remoting;
  }

  /** The live process of this node incarnation with that pid, or null. */
  private @Nullable ProcessImpl<M> local(Pid pid) {
    return delivery.local(pid);
  }

  /** Whether {@code pid} is on another node (not of this node's name, whatever incarnation). */
  private boolean remote(Pid pid) {
    return !delivery.isThisNode(pid.node());
  }

  /** Links {@code p} with {@code target}. Called on p's own thread. */
  void link(ProcessImpl<M> p, Pid target) {
    Pid me = p.pid();
    if (target.equals(me)) {
      return;
    }
    if (remote(target)) {
      if (p.addLink(target) == ProcessImpl.LINK_ADDED) {
        try {
          remoting.link(me, target); // throws InvalidNodeException for an unknown node
        } catch (RuntimeException e) {
          p.removeLink(target);
          throw e;
        }
      }
      return;
    }
    if (p.addLink(target) != ProcessImpl.LINK_ADDED) {
      return; // already linked
    }
    ProcessImpl<M> t = local(target);
    if (t == null || t.addLink(me) == ProcessImpl.LINK_DEAD) {
      deliver(target, me, new MonitorReason.NoProcess(target), ExitKind.LINK);
    }
  }

  /** Removes the link between {@code p} and {@code target}, if any. Called on p's own thread. */
  void unlink(ProcessImpl<M> p, Pid target) {
    if (!p.removeLink(target)) {
      return;
    }
    ProcessImpl<M> t = local(target);
    if (t != null) {
      t.removeLink(p.pid());
    } else if (remote(target)) {
      remoting.unlink(p.pid(), target);
    }
  }

  /**
   * Sends an exit signal from {@code from} (a process here, or null) to {@code to}, anywhere: the
   * signals of {@code exit} and {@code kill}. A signal for a process that has ended is dropped.
   */
  void send(Pid from, Pid to, MonitorReason reason, ExitKind kind) {
    if (remote(to)) {
      remoting.sendExit(from, to, reason, kind); // throws InvalidNodeException for an unknown node
    } else {
      deliver(from, to, reason, kind); // dropped for a process of another incarnation
    }
  }

  /**
   * Fires the links of a process that ended with {@code reason}. Called on its own thread, after
   * its last line and after it was marked dead (so {@code links} can no longer grow).
   */
  void ended(Pid dead, List<Pid> links, MonitorReason reason) {
    for (Pid other : links) {
      if (remote(other)) {
        remoting.sendExit(dead, other, reason, ExitKind.LINK);
      } else {
        deliver(dead, other, reason, ExitKind.LINK);
      }
    }
  }

  /**
   * Delivers a signal to the process {@code to} of this node: from a process here, or from the
   * remoting (a peer's signal, or a node-down with {@link MonitorReason.NodeDown}). A {@code LINK}
   * signal acts only if it removes the link from {@code to}'s set. Any thread; never blocks.
   */
  void deliver(Pid from, Pid to, MonitorReason reason, ExitKind kind) {
    ProcessImpl<M> p = local(to);
    if (p == null) {
      return;
    }
    if (kind == ExitKind.LINK) {
      p.linkFired(from, reason); // removes the link and acts on it as one step: see unlink
    } else {
      p.signal(from, reason, kind == ExitKind.KILL);
    }
  }

  /**
   * Adds {@code remote} to the link set of the process {@code local} of this node, for a peer's
   * link request or a linked remote spawn. Returns false if there is no such live process.
   */
  boolean linkHere(Pid local, Pid remote) {
    ProcessImpl<M> p = local(local);
    return p != null && p.addLink(remote) != ProcessImpl.LINK_DEAD;
  }

  /** Removes {@code remote} from the link set of {@code local}, for a peer's unlink. */
  void unlinkHere(Pid local, Pid remote) {
    ProcessImpl<M> p = local(local);
    if (p != null) {
      p.removeLink(remote);
    }
  }
}
