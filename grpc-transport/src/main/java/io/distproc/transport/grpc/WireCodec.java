package io.distproc.transport.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.distproc.DistprocException;
import io.distproc.NodeId;
import io.distproc.proto.v1.Batch;
import io.distproc.proto.v1.Broadcast;
import io.distproc.proto.v1.Demonitor;
import io.distproc.proto.v1.DownNotice;
import io.distproc.proto.v1.Envelope;
import io.distproc.proto.v1.ExitKind;
import io.distproc.proto.v1.ExitSignal;
import io.distproc.proto.v1.GroupJoin;
import io.distproc.proto.v1.GroupLeave;
import io.distproc.proto.v1.GroupMembers;
import io.distproc.proto.v1.GroupSync;
import io.distproc.proto.v1.LinkRequest;
import io.distproc.proto.v1.LinkFrame;
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
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the runtime's {@link Frame}s into {@code distproc.wire.v1} messages and back, checking
 * everything that comes in against the contract in {@code link.proto}.
 *
 * <p>Not thread-safe: each link has one instance for its writer and one for its reader, each
 * confined to that role. The instance remembers the last pids and nodes it converted, one per
 * role (recipient, sender, the rest), because two pids ride on every envelope and a stream of
 * envelopes nearly always names the same two processes: one shared entry would alternate between
 * them and never hit. On the way in, a known node is recognised without checking its name again.
 *
 * <p>Payloads are not copied on the way out ({@link Frame} says its arrays are never modified); on
 * the way in, the frame's bytes are parsed with aliasing and each payload is copied once, into the
 * array the runtime gets.
 */
final class WireCodec {
  /** The protocol version of {@code link.proto}. */
  static final int PROTOCOL_VERSION = 1;

  /** The newest minor version of protocol version 1 this node speaks (see link.proto). */
  static final int MINOR_VERSION = 1;

  /** The lowest minor version a frame needs on the link: 1 for the fault layer's frames. */
  static int minorVersionOf(Frame frame) {
    return switch (frame) {
      case Frame.LinkRequest l -> 1;
      case Frame.UnlinkRequest u -> 1;
      case Frame.ExitSignal e -> 1;
      case Frame.NamedSend n -> 1;
      case Frame.GroupJoin g -> 1;
      case Frame.GroupLeave g -> 1;
      case Frame.GroupSync g -> 1;
      case Frame.SpawnRequest r -> r.link() ? 1 : 0;
      case Frame.SpawnReply r -> r.started() ? 0 : 1;
      case Frame.DownNotice d -> minorVersionOf(d.reason());
      default -> 0;
    };
  }

  private static int minorVersionOf(io.distproc.MonitorReason reason) {
    return switch (reason) {
      case io.distproc.MonitorReason.Killed k -> 1;
      case io.distproc.MonitorReason.Shutdown s -> 1;
      case io.distproc.MonitorReason.Exited e -> 1;
      default -> 0;
    };
  }

  // Outbound: the last pid converted in each role, and its wire form.
  private final PidCache toCache = new PidCache();
  private final PidCache fromCache = new PidCache();
  private final PidCache otherCache = new PidCache();

  // Inbound: the last pid decoded in each role, and the last two nodes (peer and self, mostly).
  private io.distproc.Pid lastTo;
  private io.distproc.Pid lastFrom;
  private final NodeCache nodeA = new NodeCache();
  private final NodeCache nodeB = new NodeCache();
  private boolean replaceA = true;

  /** One outbound pid and its wire form. */
  private static final class PidCache {
    private io.distproc.Pid pid;
    private Pid wire;

    Pid wire(io.distproc.Pid p) {
      if (p.equals(pid)) {
        return wire;
      }
      Pid w =
          Pid.newBuilder()
              .setNodeName(p.node().name())
              .setIncarnation(p.node().incarnation())
              .setId(p.id())
              .build();
      pid = p;
      wire = w;
      return w;
    }
  }

  /** One inbound node. */
  private static final class NodeCache {
    private NodeId node;

    boolean matches(String name, long incarnation) {
      NodeId n = node;
      return n != null && n.incarnation() == incarnation && n.name().equals(name);
    }
  }

  // ---- to the wire -----------------------------------------------------------------------------

  static boolean isEnvelope(Frame frame) {
    return frame instanceof Frame.Send || frame instanceof Frame.Broadcast;
  }

  /** The bytes of user data a frame carries: a message's payload, a spawn's argument. */
  static long dataBytes(Frame frame) {
    return switch (frame) {
      case Frame.Send s -> s.payload().length;
      case Frame.Broadcast b -> b.payload().length;
      case Frame.SpawnRequest r -> r.argument().length;
      default -> 0;
    };
  }

  /** The payload bytes a frame counts against the link's queue bound; 0 for control frames. */
  static long payloadBytes(Frame frame) {
    return isEnvelope(frame) ? dataBytes(frame) : 0;
  }

  /**
   * Refuses a frame whose user data cannot cross a link whose largest frame is {@code
   * maxMessageBytes}, leaving room for the frame's other fields.
   *
   * @throws IllegalArgumentException if the frame's payload or argument is too large
   */
  static void checkSize(Frame frame, int maxMessageBytes) {
    long size = dataBytes(frame);
    long limit = maxMessageBytes - 4096L; // room for the frame's fields
    if (size > limit) {
      throw new IllegalArgumentException(
          "a message of "
              + size
              + " bytes exceeds the transport's limit of "
              + limit
              + " bytes (system property "
              + TransportSettings.MAX_MESSAGE_BYTES_PROPERTY
              + ")");
    }
  }

  /**
   * A frame of a newer minor version than the link's ({@code minorVersion}, spoken by {@code
   * peer}), as the peer can take it: a down notice's new reason travels as a crash that names it;
   * anything else is refused, since the peer could not act on it.
   *
   * @throws DistprocException if the peer cannot take the frame at all
   */
  static Frame forOlderPeer(Frame frame, int minorVersion, NodeId peer) {
    if (frame instanceof Frame.DownNotice d) {
      io.distproc.MonitorReason r = d.reason();
      return new Frame.DownNotice(
          d.ref(),
          new io.distproc.MonitorReason.Crashed(
              r.pid(), io.distproc.ProcessExitException.class.getName(), r.toString(), ""));
    }
    throw new DistprocException(
        "node " + peer + " speaks minor version " + minorVersion + " of the distproc wire protocol,"
            + " which has no links, exit signals or registered names");
  }

  Envelope envelope(Frame frame) {
    Envelope.Builder b = Envelope.newBuilder();
    switch (frame) {
      case Frame.Send s -> {
        b.setTo(toCache.wire(s.to()));
        if (s.from() != null) {
          b.setFrom(fromCache.wire(s.from()));
        }
        b.setPayload(UnsafeByteOperations.unsafeWrap(s.payload()));
      }
      case Frame.Broadcast c -> {
        b.setBroadcast(Broadcast.getDefaultInstance());
        if (c.from() != null) {
          b.setFrom(fromCache.wire(c.from()));
        }
        b.setPayload(UnsafeByteOperations.unsafeWrap(c.payload()));
      }
      default -> throw new IllegalArgumentException("not an envelope: " + frame);
    }
    return b.build();
  }

  LinkFrame control(Frame frame) {
    LinkFrame.Builder f = LinkFrame.newBuilder();
    switch (frame) {
      case Frame.SpawnRequest r -> {
        SpawnRequest.Builder b =
            SpawnRequest.newBuilder()
                .setRequestId(r.requestId())
                .setBehaviour(r.behaviour())
                .setArgument(UnsafeByteOperations.unsafeWrap(r.argument()))
                .setMonitorId(r.monitorId())
                .setLink(r.link());
        if (r.spawner() != null) {
          b.setSpawner(pid(r.spawner()));
        }
        f.setSpawnRequest(b);
      }
      case Frame.SpawnReply r ->
          f.setSpawnReply(
              SpawnReply.newBuilder()
                  .setRequestId(r.requestId())
                  .setChild(pid(r.child()))
                  .setNotStarted(!r.started()));
      case Frame.Monitor m -> f.setMonitor(Monitor.newBuilder().setRef(ref(m.ref())));
      case Frame.Demonitor d -> f.setDemonitor(Demonitor.newBuilder().setRef(ref(d.ref())));
      case Frame.DownNotice d ->
          f.setDownNotice(
              DownNotice.newBuilder().setRef(ref(d.ref())).setReason(reason(d.reason())));
      case Frame.LinkRequest l ->
          f.setLinkRequest(LinkRequest.newBuilder().setFrom(pid(l.from())).setTo(pid(l.to())));
      case Frame.UnlinkRequest u ->
          f.setUnlinkRequest(
              UnlinkRequest.newBuilder().setFrom(pid(u.from())).setTo(pid(u.to())));
      case Frame.ExitSignal e ->
          f.setExitSignal(
              ExitSignal.newBuilder()
                  .setFrom(pid(e.from()))
                  .setTo(pid(e.to()))
                  .setReason(reason(e.reason()))
                  .setKind(
                      switch (e.kind()) {
                        case LINK -> ExitKind.EXIT_KIND_LINK;
                        case EXIT -> ExitKind.EXIT_KIND_EXIT;
                        case KILL -> ExitKind.EXIT_KIND_KILL;
                      }));
      case Frame.NamedSend n -> {
        NamedSend.Builder b =
            NamedSend.newBuilder()
                .setName(n.name())
                .setPayload(UnsafeByteOperations.unsafeWrap(n.payload()));
        if (n.from() != null) {
          b.setFrom(pid(n.from()));
        }
        f.setNamedSend(b);
      }
      case Frame.GroupJoin g -> f.setGroupJoin(GroupJoin.newBuilder().setJoined(members(g.group(), g.pids())));
      case Frame.GroupLeave g -> f.setGroupLeave(GroupLeave.newBuilder().setLeft(members(g.group(), g.pids())));
      case Frame.GroupSync g -> {
        GroupSync.Builder b = GroupSync.newBuilder();
        g.groups().forEach((group, pids) -> b.addGroups(members(group, pids)));
        f.setGroupSync(b);
      }
      case Frame.Send s -> f.setBatch(Batch.newBuilder().addEnvelopes(envelope(s)));
      case Frame.Broadcast b -> f.setBatch(Batch.newBuilder().addEnvelopes(envelope(b)));
    }
    return f.build();
  }

  Pid pid(io.distproc.Pid pid) {
    return otherCache.wire(pid);
  }

  private GroupMembers members(String group, List<io.distproc.Pid> pids) {
    GroupMembers.Builder b = GroupMembers.newBuilder().setGroup(group);
    for (io.distproc.Pid p : pids) {
      b.addMembers(pid(p));
    }
    return b.build();
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

  static NodeRef node(NodeId node) {
    return NodeRef.newBuilder().setName(node.name()).setIncarnation(node.incarnation()).build();
  }

  MonitorRef ref(io.distproc.MonitorRef ref) {
    return MonitorRef.newBuilder()
        .setWatcher(pid(ref.watcher()))
        .setTarget(pid(ref.target()))
        .setId(ref.id())
        .build();
  }

  MonitorReason reason(io.distproc.MonitorReason reason) {
    MonitorReason.Builder b = MonitorReason.newBuilder().setPid(pid(reason.pid()));
    switch (reason) {
      case io.distproc.MonitorReason.Normal n ->
          b.setNormal(MonitorReason.Normal.getDefaultInstance());
      case io.distproc.MonitorReason.Crashed c ->
          b.setCrashed(
              MonitorReason.Crashed.newBuilder()
                  .setExceptionClass(c.exceptionClass())
                  .setMessage(c.message())
                  .setStackTrace(c.stackTrace()));
      case io.distproc.MonitorReason.UnknownNode u ->
          b.setUnknownNode(MonitorReason.UnknownNode.newBuilder().setNode(node(u.node())));
      case io.distproc.MonitorReason.NoProcess p ->
          b.setNoProcess(MonitorReason.NoProcess.getDefaultInstance());
      case io.distproc.MonitorReason.NodeDown d ->
          b.setNodeDown(MonitorReason.NodeDown.newBuilder().setNode(node(d.node())));
      case io.distproc.MonitorReason.Killed k ->
          b.setKilled(MonitorReason.Killed.getDefaultInstance());
      case io.distproc.MonitorReason.Shutdown s ->
          b.setShutdown(MonitorReason.Shutdown.newBuilder().setDetail(s.detail()));
      case io.distproc.MonitorReason.Exited e ->
          b.setExited(
              MonitorReason.Exited.newBuilder()
                  .setFrom(pid(e.from()))
                  .setCause(reason(e.cause())));
    }
    return b.build();
  }

  // ---- from the wire ---------------------------------------------------------------------------

  /** Parses one frame; its bytes fields alias {@code bytes}, which must not change afterwards. */
  static LinkFrame parse(byte[] bytes) throws ProtocolException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.enableAliasing(true);
      return LinkFrame.parseFrom(in);
    } catch (IOException e) {
      throw new ProtocolException(
          "unreadable frame of " + bytes.length + " bytes: " + e.getMessage(), e);
    }
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
              "spawn request " + r.getRequestId() + " asks for a monitor or link without a spawner");
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
                pid(
                    require(r.hasChild(), r.getChild(), "spawn_reply.child"),
                    "spawn_reply.child"),
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
                pid(require(l.hasFrom(), l.getFrom(), "link_request.from"), "link_request.from"),
                pid(require(l.hasTo(), l.getTo(), "link_request.to"), "link_request.to")));
      }
      case UNLINK_REQUEST -> {
        UnlinkRequest u = frame.getUnlinkRequest();
        yield List.of(
            new Frame.UnlinkRequest(
                pid(require(u.hasFrom(), u.getFrom(), "unlink_request.from"), "unlink_request.from"),
                pid(require(u.hasTo(), u.getTo(), "unlink_request.to"), "unlink_request.to")));
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
                pid(require(e.hasFrom(), e.getFrom(), "exit_signal.from"), "exit_signal.from"),
                pid(require(e.hasTo(), e.getTo(), "exit_signal.to"), "exit_signal.to"),
                reason(
                    require(e.hasReason(), e.getReason(), "exit_signal.reason"),
                    "exit_signal.reason"),
                kind));
      }
      case NAMED_SEND -> {
        NamedSend n = frame.getNamedSend();
        if (n.getName().isEmpty() || n.getName().length() > 255) {
          throw new ProtocolException("named_send.name has " + n.getName().length() + " characters");
        }
        yield List.of(
            new Frame.NamedSend(
                n.getName(),
                n.hasFrom() ? pid(n.getFrom(), "named_send.from") : null,
                n.getPayload().toByteArray()));
      }
      case GROUP_JOIN -> {
        GroupJoin g = frame.getGroupJoin();
        var m = members(require(g.hasJoined(), g.getJoined(), "group_join.joined"), "group_join.joined");
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
    io.distproc.Pid from = null;
    if (e.hasFrom()) {
      from = lastFrom = sameOr(lastFrom, e.getFrom(), index, ".from");
    }
    byte[] payload = e.getPayload().toByteArray();
    return switch (e.getRecipientCase()) {
      case TO -> new Frame.Send(lastTo = sameOr(lastTo, e.getTo(), index, ".to"), from, payload);
      case BROADCAST -> new Frame.Broadcast(from, payload);
      case RECIPIENT_NOT_SET ->
          throw new ProtocolException("batch.envelopes[" + index + "] has no recipient");
    };
  }

  /** {@code last} if {@code wire} names the same pid, else the pid {@code wire} names. */
  private io.distproc.Pid sameOr(io.distproc.Pid last, Pid wire, int index, String field)
      throws ProtocolException {
    if (last != null
        && last.id() == wire.getId()
        && last.node().incarnation() == wire.getIncarnation()
        && last.node().name().equals(wire.getNodeName())) {
      return last;
    }
    return pid(wire, "batch.envelopes[" + index + "]" + field);
  }

  /** The cached node for these name bytes and incarnation, or null. */
  private NodeId cached(String name, long incarnation) {
    if (nodeA.matches(name, incarnation)) {
      return nodeA.node;
    }
    if (nodeB.matches(name, incarnation)) {
      return nodeB.node;
    }
    return null;
  }

  private static <T> T require(boolean present, T value, String what) throws ProtocolException {
    if (!present) {
      throw new ProtocolException(what + " is missing");
    }
    return value;
  }

  io.distproc.Pid pid(Pid pid, String what) throws ProtocolException {
    if (pid.getId() <= 0) {
      throw new ProtocolException(what + ": process id must be positive, was " + pid.getId());
    }
    return io.distproc.Pid.of(
        node(pid.getNodeName(), pid.getIncarnation(), what), pid.getId());
  }

  NodeId node(NodeRef node, String what) throws ProtocolException {
    return node(node.getName(), node.getIncarnation(), what);
  }

  private NodeId node(String name, long incarnation, String what) throws ProtocolException {
    NodeId known = cached(name, incarnation);
    if (known != null) {
      return known;
    }
    NodeId id;
    try {
      id = NodeId.of(name, incarnation);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(what + ": " + e.getMessage(), e);
    }
    NodeCache slot = replaceA ? nodeA : nodeB;
    replaceA = !replaceA;
    slot.node = id;
    return id;
  }

  io.distproc.MonitorRef ref(MonitorRef ref, String what) throws ProtocolException {
    if (ref.getId() <= 0) {
      throw new ProtocolException(what + ": monitor id must be positive, was " + ref.getId());
    }
    return io.distproc.MonitorRef.of(
        pid(require(ref.hasWatcher(), ref.getWatcher(), what + ".watcher"), what + ".watcher"),
        pid(require(ref.hasTarget(), ref.getTarget(), what + ".target"), what + ".target"),
        ref.getId());
  }

  io.distproc.MonitorReason reason(MonitorReason reason, String what) throws ProtocolException {
    io.distproc.Pid pid =
        pid(require(reason.hasPid(), reason.getPid(), what + ".pid"), what + ".pid");
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
      case SHUTDOWN -> new io.distproc.MonitorReason.Shutdown(pid, reason.getShutdown().getDetail());
      case EXITED -> {
        MonitorReason.Exited e = reason.getExited();
        io.distproc.MonitorReason cause =
            reason(require(e.hasCause(), e.getCause(), what + ".exited.cause"), what + ".exited.cause");
        if (cause instanceof io.distproc.MonitorReason.Exited) {
          throw new ProtocolException(what + ".exited.cause is itself exited");
        }
        yield new io.distproc.MonitorReason.Exited(
            pid,
            pid(require(e.hasFrom(), e.getFrom(), what + ".exited.from"), what + ".exited.from"),
            cause);
      }
      case KIND_NOT_SET -> throw new ProtocolException(what + " is of no known kind");
    };
  }

  /** Wraps bytes for a chunk without copying. */
  static ByteString slice(byte[] bytes, int offset, int length) {
    return UnsafeByteOperations.unsafeWrap(bytes, offset, length);
  }
}
