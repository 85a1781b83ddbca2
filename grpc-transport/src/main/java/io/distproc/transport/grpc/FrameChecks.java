package io.distproc.transport.grpc;

import io.distproc.NodeId;
import io.distproc.proto.v1.Batch;
import io.distproc.proto.v1.Demonitor;
import io.distproc.proto.v1.DownNotice;
import io.distproc.proto.v1.Envelope;
import io.distproc.proto.v1.ExitSignal;
import io.distproc.proto.v1.GroupJoin;
import io.distproc.proto.v1.GroupLeave;
import io.distproc.proto.v1.GroupMembers;
import io.distproc.proto.v1.GroupSync;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.LinkRequest;
import io.distproc.proto.v1.Monitor;
import io.distproc.proto.v1.MonitorReason;
import io.distproc.proto.v1.MonitorRef;
import io.distproc.proto.v1.NamedSend;
import io.distproc.proto.v1.NodeRef;
import io.distproc.proto.v1.Pid;
import io.distproc.proto.v1.SpawnReply;
import io.distproc.proto.v1.SpawnRequest;
import io.distproc.proto.v1.UnlinkRequest;
import io.distproc.runtime.internal.Frame;
import java.util.ArrayList;
import java.util.List;

/*
 * Design notes for maintainers.
 *
 * The reading side's checks: a frame that protobuf parsed (anything but the common batch, which
 * BatchFormat reads by hand, and every batch BatchFormat doubts) is turned into the runtime's
 * Frames here, checking everything against the contract in link.proto, and every refusal says
 * which field broke it. Nodes go through the reading codec's NodeCache, shared with BatchFormat,
 * so a node met on either path is known on both.
 *
 * Not thread-safe: one per reading codec, confined to the link's reader.
 */
/** Turns parsed LinkFrames into the runtime's Frames, checking each. Not thread-safe. */
final class FrameChecks {
  private final NodeCache nodes;

  FrameChecks(NodeCache nodes) {
    this.nodes = nodes;
  }

  /**
   * The runtime frames a post-handshake wire frame carries: the envelopes of a batch, or one
   * control frame.
   *
   * @throws ProtocolException if the frame is not a message frame, or is malformed
   */
  List<Frame> frames(LinkFrame frame) throws ProtocolException {
    return switch (frame.getKindCase()) {
      case BATCH -> {
        Batch batch = frame.getBatch();
        int n = batch.getEnvelopesCount();
        if (n == 0) {
          throw new ProtocolException("empty batch");
        }
        List<Frame> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          out.add(envelope(batch.getEnvelopes(i), i));
        }
        yield out;
      }
      case SPAWN_REQUEST -> {
        SpawnRequest r = frame.getSpawnRequest();
        if (r.getBehaviour().isEmpty()) {
          throw new ProtocolException("spawn request " + r.getRequestId() + " names no behaviour");
        }
        if ((r.getMonitorId() != 0 || r.getLink()) && !r.hasSpawner()) {
          throw new ProtocolException(
              "spawn request "
                  + r.getRequestId()
                  + " asks for a monitor or link without a spawner");
        }
        if (r.getMonitorId() < 0) {
          throw new ProtocolException(
              "spawn request " + r.getRequestId() + ": monitor id overflows");
        }
        yield List.of(
            new Frame.SpawnRequest(
                r.getRequestId(),
                r.hasSpawner() ? pid(r.getSpawner(), "spawn_request.spawner") : null,
                r.getBehaviour(),
                r.getArgument().toByteArray(),
                r.getMonitorId(),
                r.getLink()));
      }
      case SPAWN_REPLY -> {
        SpawnReply r = frame.getSpawnReply();
        yield List.of(
            new Frame.SpawnReply(
                r.getRequestId(),
                pid(r.hasChild(), r.getChild(), "spawn_reply.child"),
                !r.getNotStarted()));
      }
      case MONITOR -> {
        Monitor m = frame.getMonitor();
        yield List.of(
            new Frame.Monitor(ref(require(m.hasRef(), m.getRef(), "monitor.ref"), "monitor.ref")));
      }
      case DEMONITOR -> {
        Demonitor d = frame.getDemonitor();
        yield List.of(
            new Frame.Demonitor(
                ref(require(d.hasRef(), d.getRef(), "demonitor.ref"), "demonitor.ref")));
      }
      case DOWN_NOTICE -> {
        DownNotice d = frame.getDownNotice();
        yield List.of(
            new Frame.DownNotice(
                ref(require(d.hasRef(), d.getRef(), "down_notice.ref"), "down_notice.ref"),
                reason(
                    require(d.hasReason(), d.getReason(), "down_notice.reason"),
                    "down_notice.reason")));
      }
      case LINK_REQUEST -> {
        LinkRequest l = frame.getLinkRequest();
        yield List.of(
            new Frame.LinkRequest(
                pid(l.hasFrom(), l.getFrom(), "link_request.from"),
                pid(l.hasTo(), l.getTo(), "link_request.to")));
      }
      case UNLINK_REQUEST -> {
        UnlinkRequest u = frame.getUnlinkRequest();
        yield List.of(
            new Frame.UnlinkRequest(
                pid(u.hasFrom(), u.getFrom(), "unlink_request.from"),
                pid(u.hasTo(), u.getTo(), "unlink_request.to")));
      }
      case EXIT_SIGNAL -> {
        ExitSignal e = frame.getExitSignal();
        Frame.ExitKind kind =
            switch (e.getKind()) {
              case EXIT_KIND_LINK -> Frame.ExitKind.LINK;
              case EXIT_KIND_EXIT -> Frame.ExitKind.EXIT;
              case EXIT_KIND_KILL -> Frame.ExitKind.KILL;
              default -> throw new ProtocolException("exit_signal.kind " + e.getKindValue());
            };
        yield List.of(
            new Frame.ExitSignal(
                pid(e.hasFrom(), e.getFrom(), "exit_signal.from"),
                pid(e.hasTo(), e.getTo(), "exit_signal.to"),
                reason(
                    require(e.hasReason(), e.getReason(), "exit_signal.reason"),
                    "exit_signal.reason"),
                kind));
      }
      case NAMED_SEND -> {
        NamedSend n = frame.getNamedSend();
        if (n.getName().isEmpty() || n.getName().length() > 255) {
          throw new ProtocolException(
              "named_send.name has " + n.getName().length() + " characters");
        }
        yield List.of(
            new Frame.NamedSend(
                n.getName(),
                n.hasFrom() ? pid(n.getFrom(), "named_send.from") : null,
                n.getPayload().toByteArray()));
      }
      case GROUP_JOIN -> {
        GroupJoin g = frame.getGroupJoin();
        var m =
            members(
                require(g.hasJoined(), g.getJoined(), "group_join.joined"), "group_join.joined");
        yield List.of(new Frame.GroupJoin(m.getKey(), m.getValue()));
      }
      case GROUP_LEAVE -> {
        GroupLeave g = frame.getGroupLeave();
        var m = members(require(g.hasLeft(), g.getLeft(), "group_leave.left"), "group_leave.left");
        yield List.of(new Frame.GroupLeave(m.getKey(), m.getValue()));
      }
      case GROUP_SYNC -> {
        GroupSync g = frame.getGroupSync();
        java.util.Map<String, List<io.distproc.Pid>> groups = new java.util.HashMap<>();
        for (int i = 0; i < g.getGroupsCount(); i++) {
          var m = members(g.getGroups(i), "group_sync.groups[" + i + "]");
          if (groups.put(m.getKey(), m.getValue()) != null) {
            throw new ProtocolException("group_sync names the group '" + m.getKey() + "' twice");
          }
        }
        yield List.of(new Frame.GroupSync(groups));
      }
      case KIND_NOT_SET ->
          throw new ProtocolException(
              "frame of no known kind (a newer protocol, or garbage; unknown fields: "
                  + frame.getUnknownFields().asMap().keySet()
                  + ")");
      default -> throw new ProtocolException(frame.getKindCase() + " frame out of place");
    };
  }

  private Frame envelope(Envelope e, int index) throws ProtocolException {
    String at = "batch.envelopes[" + index + "]";
    io.distproc.Pid from = e.hasFrom() ? pid(e.getFrom(), at + ".from") : null;
    byte[] payload = e.getPayload().toByteArray();
    return switch (e.getRecipientCase()) {
      case TO -> new Frame.Send(pid(e.getTo(), at + ".to"), from, payload);
      case BROADCAST -> new Frame.Broadcast(from, payload);
      case RECIPIENT_NOT_SET -> throw new ProtocolException(at + " has no recipient");
    };
  }

  private static <T> T require(boolean present, T value, String what) throws ProtocolException {
    if (!present) {
      throw new ProtocolException(what + " is missing");
    }
    return value;
  }

  /** The pid of a message field that must be present. */
  private io.distproc.Pid pid(boolean present, Pid pid, String what) throws ProtocolException {
    return pid(require(present, pid, what), what);
  }

  io.distproc.Pid pid(Pid pid, String what) throws ProtocolException {
    if (pid.getId() <= 0) {
      throw new ProtocolException(what + ": process id must be positive, was " + pid.getId());
    }
    return io.distproc.Pid.of(node(pid.getNodeName(), pid.getIncarnation(), what), pid.getId());
  }

  NodeId node(NodeRef node, String what) throws ProtocolException {
    return node(node.getName(), node.getIncarnation(), what);
  }

  private NodeId node(String name, long incarnation, String what) throws ProtocolException {
    NodeId known = nodes.find(name, incarnation);
    if (known != null) {
      return known;
    }
    NodeId id;
    try {
      id = NodeId.of(name, incarnation);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(what + ": " + e.getMessage(), e);
    }
    nodes.remember(id, null);
    return id;
  }

  io.distproc.MonitorRef ref(MonitorRef ref, String what) throws ProtocolException {
    if (ref.getId() <= 0) {
      throw new ProtocolException(what + ": monitor id must be positive, was " + ref.getId());
    }
    return io.distproc.MonitorRef.of(
        pid(ref.hasWatcher(), ref.getWatcher(), what + ".watcher"),
        pid(ref.hasTarget(), ref.getTarget(), what + ".target"),
        ref.getId());
  }

  io.distproc.MonitorReason reason(MonitorReason reason, String what) throws ProtocolException {
    io.distproc.Pid pid = pid(reason.hasPid(), reason.getPid(), what + ".pid");
    return switch (reason.getKindCase()) {
      case NORMAL -> new io.distproc.MonitorReason.Normal(pid);
      case CRASHED -> {
        MonitorReason.Crashed c = reason.getCrashed();
        yield new io.distproc.MonitorReason.Crashed(
            pid, c.getExceptionClass(), c.getMessage(), c.getStackTrace());
      }
      case UNKNOWN_NODE -> {
        MonitorReason.UnknownNode u = reason.getUnknownNode();
        yield new io.distproc.MonitorReason.UnknownNode(
            pid,
            node(
                require(u.hasNode(), u.getNode(), what + ".unknown_node.node"),
                what + ".unknown_node.node"));
      }
      case NO_PROCESS -> new io.distproc.MonitorReason.NoProcess(pid);
      case NODE_DOWN -> {
        MonitorReason.NodeDown d = reason.getNodeDown();
        yield new io.distproc.MonitorReason.NodeDown(
            pid,
            node(
                require(d.hasNode(), d.getNode(), what + ".node_down.node"),
                what + ".node_down.node"));
      }
      case KILLED -> new io.distproc.MonitorReason.Killed(pid);
      case SHUTDOWN ->
          new io.distproc.MonitorReason.Shutdown(pid, reason.getShutdown().getDetail());
      case EXITED -> {
        MonitorReason.Exited e = reason.getExited();
        io.distproc.MonitorReason cause =
            reason(
                require(e.hasCause(), e.getCause(), what + ".exited.cause"),
                what + ".exited.cause");
        if (cause instanceof io.distproc.MonitorReason.Exited) {
          throw new ProtocolException(what + ".exited.cause is itself exited");
        }
        yield new io.distproc.MonitorReason.Exited(
            pid, pid(e.hasFrom(), e.getFrom(), what + ".exited.from"), cause);
      }
      case KIND_NOT_SET -> throw new ProtocolException(what + " is of no known kind");
    };
  }

  /** A group and its members from the wire; checks the name and every pid. */
  private java.util.Map.Entry<String, List<io.distproc.Pid>> members(GroupMembers m, String what)
      throws ProtocolException {
    if (m.getGroup().isEmpty() || m.getGroup().length() > 255) {
      throw new ProtocolException(what + ".group has " + m.getGroup().length() + " characters");
    }
    List<io.distproc.Pid> pids = new ArrayList<>(m.getMembersCount());
    for (int i = 0; i < m.getMembersCount(); i++) {
      pids.add(pid(m.getMembers(i), what + ".members[" + i + "]"));
    }
    return java.util.Map.entry(m.getGroup(), pids);
  }
}
