package io.distproc.runtime.internal;

import io.distproc.InternalApi;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Pid;
import java.util.Objects;

/**
 * INTERNAL API: what the runtime sends to a peer node over a {@link Link}. A transport turns each
 * frame into its wire form and back, unchanged. Payloads are the node codec's bytes.
 *
 * <p>Ordering: frames sent on one link arrive in the order they were sent. Instances are
 * immutable; byte arrays are not copied and must not be modified after construction.
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
  record Send(Pid to, Pid from, byte[] payload) implements Frame {
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
  record Broadcast(Pid from, byte[] payload) implements Frame {
    /** Checks the components. */
    public Broadcast {
      Objects.requireNonNull(payload, "payload");
    }
  }

  /**
   * Asks the receiving node to start a registered behaviour. The receiver answers with a {@link
   * SpawnReply} of the same request id; if {@code monitorId} is not 0 it first installs the
   * monitor {@code MonitorRef.of(spawner, child, monitorId)}, before the child runs.
   *
   * @param requestId chosen by the sender, unique per link
   * @param spawner the spawning process, or null; required when {@code monitorId} is not 0
   * @param behaviour the registered name
   * @param argument the encoded argument message
   * @param monitorId the spawner's monitor number, or 0 for none
   */
  record SpawnRequest(
      long requestId, Pid spawner, String behaviour, byte[] argument, long monitorId)
      implements Frame {
    /** Checks the components. */
    public SpawnRequest {
      Objects.requireNonNull(behaviour, "behaviour");
      Objects.requireNonNull(argument, "argument");
      if (monitorId != 0) {
        Objects.requireNonNull(spawner, "spawner");
      }
    }
  }

  /**
   * Answers a {@link SpawnRequest}.
   *
   * @param requestId the request's id
   * @param child the new process (a pid naming no process if the behaviour is unknown there)
   */
  record SpawnReply(long requestId, Pid child) implements Frame {
    /** Checks the components. */
    public SpawnReply {
      Objects.requireNonNull(child, "child");
    }
  }

  /**
   * Asks the receiving node to watch one of its processes for a process of the sending node. If
   * the process does not exist there, the receiver answers with a {@link DownNotice} of {@link
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
   * Tells the watcher's node that a monitored process is gone. Sent after every message the
   * process sent to the watcher's node, on the same link.
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
}
