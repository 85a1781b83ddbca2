package io.distproc.transport.grpc;

import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.runtime.internal.Frame;
import java.util.Arrays;
import java.util.List;

/** Renders frames completely (array contents, every ref and reason field) for comparisons. */
final class FrameText {
  private FrameText() {}

  static List<String> of(List<Frame> frames) {
    return frames.stream().map(FrameText::of).toList();
  }

  static String of(Frame frame) {
    return switch (frame) {
      case Frame.Send s -> "Send " + s.to() + " " + s.from() + " " + Arrays.toString(s.payload());
      case Frame.Broadcast b -> "Broadcast " + b.from() + " " + Arrays.toString(b.payload());
      case Frame.SpawnRequest r ->
          "SpawnRequest "
              + r.requestId()
              + " "
              + r.spawner()
              + " "
              + r.behaviour()
              + " "
              + Arrays.toString(r.argument())
              + " "
              + r.monitorId()
              + " link="
              + r.link();
      case Frame.SpawnReply r -> "SpawnReply " + r.requestId() + " " + r.child();
      case Frame.Monitor m -> "Monitor " + ref(m.ref());
      case Frame.Demonitor d -> "Demonitor " + ref(d.ref());
      case Frame.DownNotice d -> "DownNotice " + ref(d.ref()) + " " + reason(d.reason());
      case Frame.LinkRequest l -> "LinkRequest " + l.from() + " " + l.to();
      case Frame.UnlinkRequest u -> "UnlinkRequest " + u.from() + " " + u.to();
      case Frame.ExitSignal e ->
          "ExitSignal " + e.from() + " " + e.to() + " " + e.kind() + " " + reason(e.reason());
      case Frame.NamedSend n ->
          "NamedSend " + n.name() + " " + n.from() + " " + Arrays.toString(n.payload());
      case Frame.GroupJoin g -> "GroupJoin " + g.group() + " " + g.pids();
      case Frame.GroupLeave g -> "GroupLeave " + g.group() + " " + g.pids();
      case Frame.GroupSync g -> "GroupSync " + new java.util.TreeMap<>(g.groups());
    };
  }

  private static String ref(MonitorRef ref) {
    return ref.watcher() + "->" + ref.target() + "#" + ref.id();
  }

  private static String reason(MonitorReason reason) {
    return switch (reason) {
      case MonitorReason.Crashed c ->
          "Crashed "
              + c.pid()
              + " "
              + c.exceptionClass()
              + " ["
              + c.message()
              + "] ["
              + c.stackTrace()
              + "]";
      case MonitorReason.Exited e -> "Exited " + e.pid() + " " + e.from() + " " + reason(e.cause());
      case MonitorReason.Shutdown d -> "Shutdown " + d.pid() + " [" + d.detail() + "]";
      default -> reason.toString();
    };
  }
}
