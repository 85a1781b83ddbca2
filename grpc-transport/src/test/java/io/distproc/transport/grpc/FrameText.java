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
              + r.monitorId();
      case Frame.SpawnReply r -> "SpawnReply " + r.requestId() + " " + r.child();
      case Frame.Monitor m -> "Monitor " + ref(m.ref());
      case Frame.Demonitor d -> "Demonitor " + ref(d.ref());
      case Frame.DownNotice d -> "DownNotice " + ref(d.ref()) + " " + reason(d.reason());
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
      default -> reason.toString();
    };
  }
}
