package io.distproc.transport.grpc;

import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.internal.Frame;
import java.util.List;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * Every frame but a batch of envelopes (see BatchFormat), written by hand as the LinkFrame that
 * link.proto defines: the field numbers below are link.proto's, and ProtoWriter writes them as
 * protobuf does, so FrameCodecTest can check these bytes against the generated classes' for each
 * kind. Reading them back is protobuf's and FrameChecks' job: what comes in is checked, what goes
 * out is ours.
 *
 * Stateless; the pid cache it is given belongs to the writer that calls it.
 */
/** Writes the control frames of a link by hand. Stateless. */
final class ControlFormat {
  // LinkFrame's kinds.
  private static final int SPAWN_REQUEST = 5;
  private static final int SPAWN_REPLY = 6;
  private static final int MONITOR = 7;
  private static final int DEMONITOR = 8;
  private static final int DOWN_NOTICE = 9;
  private static final int LINK_REQUEST = 14;
  private static final int UNLINK_REQUEST = 15;
  private static final int EXIT_SIGNAL = 16;
  private static final int NAMED_SEND = 17;
  private static final int GROUP_JOIN = 18;
  private static final int GROUP_LEAVE = 19;
  private static final int GROUP_SYNC = 20;

  private ControlFormat() {}

  /**
   * The LinkFrame of a control frame; {@code pids} caches the last pid written.
   *
   * @throws IllegalArgumentException for a Send or Broadcast, which travel in batches
   */
  static byte[] encode(Frame frame, ProtoWriter.PidBytes pids) {
    ProtoWriter w = new ProtoWriter();
    switch (frame) {
      case Frame.SpawnRequest r -> {
        int m = w.begin(SPAWN_REQUEST);
        w.uint64(1, r.requestId());
        optionalPid(w, 2, r.spawner(), pids);
        w.string(3, r.behaviour());
        w.bytes(4, r.argument());
        w.uint64(5, r.monitorId());
        w.bool(6, r.link());
        w.end(m);
      }
      case Frame.SpawnReply r -> {
        int m = w.begin(SPAWN_REPLY);
        w.uint64(1, r.requestId());
        w.message(2, pids.of(r.child()));
        w.bool(3, !r.started());
        w.end(m);
      }
      case Frame.Monitor m -> refOnly(w, MONITOR, m.ref(), pids);
      case Frame.Demonitor d -> refOnly(w, DEMONITOR, d.ref(), pids);
      case Frame.DownNotice d -> {
        int m = w.begin(DOWN_NOTICE);
        ref(w, 1, d.ref(), pids);
        reason(w, 2, d.reason(), pids);
        w.end(m);
      }
      case Frame.LinkRequest l -> pair(w, LINK_REQUEST, l.from(), l.to(), pids);
      case Frame.UnlinkRequest u -> pair(w, UNLINK_REQUEST, u.from(), u.to(), pids);
      case Frame.ExitSignal e -> {
        int m = w.begin(EXIT_SIGNAL);
        w.message(1, pids.of(e.from()));
        w.message(2, pids.of(e.to()));
        reason(w, 3, e.reason(), pids);
        w.uint64(
            4,
            switch (e.kind()) { // ExitKind
              case LINK -> 1;
              case EXIT -> 2;
              case KILL -> 3;
            });
        w.end(m);
      }
      case Frame.NamedSend n -> {
        int m = w.begin(NAMED_SEND);
        w.string(1, n.name());
        optionalPid(w, 2, n.from(), pids);
        w.bytes(3, n.payload());
        w.end(m);
      }
      case Frame.GroupJoin g -> {
        int m = w.begin(GROUP_JOIN);
        members(w, 1, g.group(), g.pids(), pids);
        w.end(m);
      }
      case Frame.GroupLeave g -> {
        int m = w.begin(GROUP_LEAVE);
        members(w, 1, g.group(), g.pids(), pids);
        w.end(m);
      }
      case Frame.GroupSync g -> {
        int m = w.begin(GROUP_SYNC);
        g.groups().forEach((group, members) -> members(w, 1, group, members, pids));
        w.end(m);
      }
      case Frame.Send s -> throw new IllegalArgumentException("an envelope: " + frame);
      case Frame.Broadcast b -> throw new IllegalArgumentException("an envelope: " + frame);
    }
    return w.toByteArray();
  }

  private static void optionalPid(
      ProtoWriter w, int number, @Nullable Pid p, ProtoWriter.PidBytes pids) {
    if (p != null) {
      w.message(number, pids.of(p));
    }
  }

  private static void refOnly(ProtoWriter w, int kind, MonitorRef ref, ProtoWriter.PidBytes pids) {
    int m = w.begin(kind);
    ref(w, 1, ref, pids);
    w.end(m);
  }

  private static void pair(ProtoWriter w, int kind, Pid from, Pid to, ProtoWriter.PidBytes pids) {
    int m = w.begin(kind);
    w.message(1, pids.of(from));
    w.message(2, pids.of(to));
    w.end(m);
  }

  /** MonitorRef { Pid watcher = 1; Pid target = 2; uint64 id = 3; } */
  private static void ref(ProtoWriter w, int number, MonitorRef ref, ProtoWriter.PidBytes pids) {
    int m = w.begin(number);
    w.message(1, pids.of(ref.watcher()));
    w.message(2, pids.of(ref.target()));
    w.uint64(3, ref.id());
    w.end(m);
  }

  /** MonitorReason { Pid pid = 1; oneof kind { Normal = 2 ... Exited = 9 } } */
  private static void reason(
      ProtoWriter w, int number, MonitorReason reason, ProtoWriter.PidBytes pids) {
    int m = w.begin(number);
    w.message(1, pids.of(reason.pid()));
    switch (reason) {
      case MonitorReason.Normal n -> w.empty(2);
      case MonitorReason.Crashed c -> {
        int k = w.begin(3);
        w.string(1, c.exceptionClass());
        w.string(2, c.message());
        w.string(3, c.stackTrace());
        w.end(k);
      }
      case MonitorReason.UnknownNode u -> nodeIn(w, 4, u.node());
      case MonitorReason.NoProcess p -> w.empty(5);
      case MonitorReason.NodeDown d -> nodeIn(w, 6, d.node());
      case MonitorReason.Killed k -> w.empty(7);
      case MonitorReason.Shutdown s -> {
        int k = w.begin(8);
        w.string(1, s.detail());
        w.end(k);
      }
      case MonitorReason.Exited e -> {
        int k = w.begin(9);
        w.message(1, pids.of(e.from()));
        reason(w, 2, e.cause(), pids);
        w.end(k);
      }
    }
    w.end(m);
  }

  /** A message whose one field 1 is a NodeRef { string name = 1; uint64 incarnation = 2; }. */
  private static void nodeIn(ProtoWriter w, int number, NodeId node) {
    int m = w.begin(number);
    int n = w.begin(1);
    w.string(1, node.name());
    w.uint64(2, node.incarnation());
    w.end(n);
    w.end(m);
  }

  /** GroupMembers { string group = 1; repeated Pid members = 2; } */
  private static void members(
      ProtoWriter w, int number, String group, List<Pid> members, ProtoWriter.PidBytes pids) {
    int m = w.begin(number);
    w.string(1, group);
    for (Pid p : members) {
      w.message(2, pids.of(p));
    }
    w.end(m);
  }
}
