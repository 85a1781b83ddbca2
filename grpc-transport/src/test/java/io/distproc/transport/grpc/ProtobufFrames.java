package io.distproc.transport.grpc;

import com.google.protobuf.UnsafeByteOperations;
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
import java.util.List;

/**
 * The oracle for {@link FrameCodec}: the runtime's frames as protobuf's generated classes write
 * them, with no cache and no shortcut. Production writes every frame by hand; FrameCodecTest checks
 * that it writes these bytes, and that each side reads what the other writes.
 */
final class ProtobufFrames {
  private ProtobufFrames() {}

  /** A batch of envelopes as one LinkFrame. */
  static LinkFrame batch(List<Frame> frames) {
    Batch.Builder batch = Batch.newBuilder();
    for (Frame f : frames) {
      batch.addEnvelopes(envelope(f));
    }
    return LinkFrame.newBuilder().setBatch(batch).build();
  }

  static Envelope envelope(Frame frame) {
    Envelope.Builder b = Envelope.newBuilder();
    switch (frame) {
      case Frame.Send s -> {
        b.setTo(pid(s.to()));
        if (s.from() != null) {
          b.setFrom(pid(s.from()));
        }
        b.setPayload(UnsafeByteOperations.unsafeWrap(s.payload()));
      }
      case Frame.Broadcast c -> {
        b.setBroadcast(Broadcast.getDefaultInstance());
        if (c.from() != null) {
          b.setFrom(pid(c.from()));
        }
        b.setPayload(UnsafeByteOperations.unsafeWrap(c.payload()));
      }
      default -> throw new IllegalArgumentException("not an envelope: " + frame);
    }
    return b.build();
  }

  static LinkFrame control(Frame frame) {
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
          f.setUnlinkRequest(UnlinkRequest.newBuilder().setFrom(pid(u.from())).setTo(pid(u.to())));
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
      case Frame.GroupJoin g ->
          f.setGroupJoin(GroupJoin.newBuilder().setJoined(members(g.group(), g.pids())));
      case Frame.GroupLeave g ->
          f.setGroupLeave(GroupLeave.newBuilder().setLeft(members(g.group(), g.pids())));
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

  static Pid pid(io.distproc.Pid p) {
    return Pid.newBuilder()
        .setNodeName(p.node().name())
        .setIncarnation(p.node().incarnation())
        .setId(p.id())
        .build();
  }

  private static GroupMembers members(String group, List<io.distproc.Pid> pids) {
    GroupMembers.Builder b = GroupMembers.newBuilder().setGroup(group);
    for (io.distproc.Pid p : pids) {
      b.addMembers(pid(p));
    }
    return b.build();
  }

  static NodeRef node(NodeId node) {
    return NodeRef.newBuilder().setName(node.name()).setIncarnation(node.incarnation()).build();
  }

  static MonitorRef ref(io.distproc.MonitorRef ref) {
    return MonitorRef.newBuilder()
        .setWatcher(pid(ref.watcher()))
        .setTarget(pid(ref.target()))
        .setId(ref.id())
        .build();
  }

  static MonitorReason reason(io.distproc.MonitorReason reason) {
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
              MonitorReason.Exited.newBuilder().setFrom(pid(e.from())).setCause(reason(e.cause())));
    }
    return b.build();
  }
}
