package io.distproc.runtime.internal;

import io.distproc.InternalApi;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Pid;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * INTERNAL API: what the runtime sends to a peer node over a {@link Link}. A transport turns each
 * frame into its wire form and back, unchanged. Payloads are the node codec's bytes.
 *
 * <p>Ordering: frames sent on one link arrive in the order they were sent. Instances are immutable;
 * byte arrays are not copied and must not be modified after construction.
 *
 * @since 0.1.0
 */
@InternalApi
public sealed interface Frame {

  /**
   * A message for one process of the receiving node.
   *
   * @param to the receiving process
   * @param from the sending process, or null if sent from outside any process
   * @param payload the encoded message
   */
  record Send(Pid to, @Nullable Pid from, byte[] payload) implements Frame {
    /** Checks the components. */
    public Send {
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(payload, "payload");
    }
  }

  /**
   * A message for every process of the receiving node.
   *
   * @param from the sending process, or null if sent from outside any process
   * @param payload the encoded message
   */
  record Broadcast(@Nullable Pid from, byte[] payload) implements Frame {
    /** Checks the components. */
    public Broadcast {
      Objects.requireNonNull(payload, "payload");
    }
  }

  /**
   * Asks the receiving node to start a registered behaviour. The receiver answers with a {@link
   * SpawnReply} of the same request id; if {@code monitorId} is not 0 it first installs the monitor
   * {@code MonitorRef.of(spawner, child, monitorId)}, and if {@code link} is set it links the child
   * with the spawner, before the child runs.
   *
   * @param requestId chosen by the sender, unique per link
   * @param spawner the spawning process, or null; required when {@code monitorId} is not 0 or
   *     {@code link} is set
   * @param behaviour the registered name
   * @param argument the encoded argument message
   * @param monitorId the spawner's monitor number, or 0 for none
   * @param link whether to link the child with the spawner
   */
  record SpawnRequest(
      long requestId,
      @Nullable Pid spawner,
      String behaviour,
      byte[] argument,
      long monitorId,
      boolean link)
      implements Frame {
    /** Checks the components. */
    public SpawnRequest {
      Objects.requireNonNull(behaviour, "behaviour");
      Objects.requireNonNull(argument, "argument");
      if (monitorId != 0 || link) {
        Objects.requireNonNull(spawner, "spawner");
      }
    }

    /**
     * The spawner of a request that asks for a monitor or a link, which the constructor checked.
     *
     * @return the spawner
     * @throws NullPointerException if the request has none
     */
    public Pid watcher() {
      return Objects.requireNonNull(spawner, "spawner");
    }
  }

  /**
   * Answers a {@link SpawnRequest}.
   *
   * @param requestId the request's id
   * @param child the new process (a pid naming no process if the behaviour is unknown there)
   * @param started false if no process was started (an unknown behaviour, an undecodable argument,
   *     a node shutting down): the spawner's node then queues the NoProcess notice or exit signal
   *     before the spawn returns
   */
  record SpawnReply(long requestId, Pid child, boolean started) implements Frame {
    /** Checks the components. */
    public SpawnReply {
      Objects.requireNonNull(child, "child");
    }
  }

  /**
   * Asks the receiving node to watch one of its processes for a process of the sending node. If the
   * process does not exist there, the receiver answers with a {@link DownNotice} of {@link
   * MonitorReason.NoProcess} at once.
   *
   * @param ref the monitor: its watcher is on the sending node, its target on the receiving one
   */
  record Monitor(MonitorRef ref) implements Frame {
    /** Checks the components. */
    public Monitor {
      Objects.requireNonNull(ref, "ref");
    }
  }

  /**
   * Cancels a {@link Monitor}.
   *
   * @param ref the monitor
   */
  record Demonitor(MonitorRef ref) implements Frame {
    /** Checks the components. */
    public Demonitor {
      Objects.requireNonNull(ref, "ref");
    }
  }

  /**
   * Tells the watcher's node that a monitored process is gone. Sent after every message the process
   * sent to the watcher's node, on the same link.
   *
   * @param ref the monitor that fired: its watcher is on the receiving node
   * @param reason why the process is gone
   */
  record DownNotice(MonitorRef ref, MonitorReason reason) implements Frame {
    /** Checks the components. */
    public DownNotice {
      Objects.requireNonNull(ref, "ref");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Links a process of the sending node ({@code from}) with one of the receiving node ({@code to}).
   * If {@code to} does not exist there, the receiver answers with an {@link ExitSignal} of kind
   * {@link ExitKind#LINK} and {@link MonitorReason.NoProcess} at once.
   *
   * @param from the linking process, on the sending node
   * @param to the process linked with, on the receiving node
   */
  record LinkRequest(Pid from, Pid to) implements Frame {
    /** Checks the components. */
    public LinkRequest {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /**
   * Removes the link between {@code from}, of the sending node, and {@code to}, of the receiving
   * node. No answer.
   *
   * @param from the unlinking process, on the sending node
   * @param to the process it was linked with, on the receiving node
   */
  record UnlinkRequest(Pid from, Pid to) implements Frame {
    /** Checks the components. */
    public UnlinkRequest {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /** Why an {@link ExitSignal} was sent. */
  enum ExitKind {
    /**
     * {@code from} ended and was linked with {@code to}: the receiver acts on it only if the link
     * is still there, and removes it.
     */
    LINK,
    /** {@code from} asked {@code to} to stop; trappable. */
    EXIT,
    /** {@code from} killed {@code to}; cannot be trapped. */
    KILL
  }

  /**
   * An exit signal for a process of the receiving node. Sent after every message {@code from} sent
   * to the receiving node, on the same link.
   *
   * @param from the process that sent it (on the sending node)
   * @param to the process it is for (on the receiving node)
   * @param reason why {@code from} ended, or what it asked for
   * @param kind why the signal was sent
   */
  record ExitSignal(Pid from, Pid to, MonitorReason reason, ExitKind kind) implements Frame {
    /** Checks the components. */
    public ExitSignal {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(kind, "kind");
    }
  }

  /**
   * A message for the process registered under {@code name} on the receiving node, looked up there
   * when the frame arrives; a dead letter there if no process holds the name.
   *
   * @param name the registered name
   * @param from the sending process, or null if sent from outside any process
   * @param payload the encoded message
   */
  record NamedSend(String name, @Nullable Pid from, byte[] payload) implements Frame {
    /** Checks the components. */
    public NamedSend {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(payload, "payload");
    }
  }

  /**
   * Members of a process group of the sending node joined it, in the order they joined.
   *
   * @param group the group
   * @param pids processes of the sending node
   */
  record GroupJoin(String group, List<Pid> pids) implements Frame {
    /** Checks and copies the components. */
    public GroupJoin {
      Objects.requireNonNull(group, "group");
      pids = List.copyOf(pids);
    }
  }

  /**
   * Members of a process group of the sending node left it, or ended.
   *
   * @param group the group
   * @param pids processes of the sending node
   */
  record GroupLeave(String group, List<Pid> pids) implements Frame {
    /** Checks and copies the components. */
    public GroupLeave {
      Objects.requireNonNull(group, "group");
      pids = List.copyOf(pids);
    }
  }

  /**
   * Every group member of the sending node, sent once when the link comes up, before any {@link
   * GroupJoin} or {@link GroupLeave} on it: it replaces what the receiver knew of that node.
   *
   * @param groups group -> members of the sending node
   */
  record GroupSync(Map<String, List<Pid>> groups) implements Frame {
    /** Checks and copies the components. */
    public GroupSync {
      groups = Map.copyOf(groups);
    }
  }
}
