package io.distproc.transport.grpc;

import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.internal.Frame;
import java.util.List;

/** Frames for tests: one of every kind and every reason, the fault layer's included. */
final class SampleFrames {
  private SampleFrames() {}

  /** One frame of every kind and reason, between processes of {@code alpha} and {@code beta}. */
  static List<Frame> everyKind(NodeId alpha, NodeId beta) {
    Pid a = Pid.of(alpha, 7);
    Pid b = Pid.of(beta, 9);
    MonitorRef ref = MonitorRef.of(a, b, 42);
    MonitorRef back = MonitorRef.of(b, a, 43);
    return List.of(
        new Frame.Send(b, a, new byte[] {1, 2, 3}),
        new Frame.Send(b, null, new byte[0]),
        new Frame.Broadcast(a, "to all".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        new Frame.Broadcast(null, new byte[] {0}),
        new Frame.SpawnRequest(1, a, "echo", new byte[] {4, 5}, 44, false),
        new Frame.SpawnRequest(Long.MAX_VALUE, null, "worker", new byte[0], 0, false),
        new Frame.SpawnRequest(2, a, "linked", new byte[] {6}, 0, true),
        new Frame.SpawnReply(1, b, true),
        new Frame.SpawnReply(2, b, false),
        new Frame.Monitor(ref),
        new Frame.Demonitor(ref),
        new Frame.DownNotice(ref, new MonitorReason.Normal(b)),
        new Frame.DownNotice(
            ref, MonitorReason.Crashed.of(b, new IllegalStateException("unlucky number 13"))),
        new Frame.DownNotice(ref, new MonitorReason.Crashed(b, "x.Y", "", "")),
        new Frame.DownNotice(ref, new MonitorReason.UnknownNode(b, alpha)),
        new Frame.DownNotice(ref, new MonitorReason.NoProcess(b)),
        new Frame.DownNotice(ref, new MonitorReason.NodeDown(b, beta)),
        new Frame.DownNotice(back, new MonitorReason.NoProcess(a)),
        new Frame.DownNotice(ref, new MonitorReason.Killed(b)),
        new Frame.DownNotice(ref, new MonitorReason.Shutdown(b, "stop please")),
        new Frame.DownNotice(ref, new MonitorReason.Shutdown(b, "")),
        new Frame.DownNotice(
            ref,
            new MonitorReason.Exited(
                b, a, MonitorReason.Crashed.of(a, new IllegalStateException("boom")))),
        new Frame.LinkRequest(a, b),
        new Frame.UnlinkRequest(a, b),
        new Frame.ExitSignal(a, b, new MonitorReason.Normal(a), Frame.ExitKind.LINK),
        new Frame.ExitSignal(a, b, new MonitorReason.Shutdown(a, "bye"), Frame.ExitKind.EXIT),
        new Frame.ExitSignal(a, b, new MonitorReason.Killed(b), Frame.ExitKind.KILL),
        new Frame.ExitSignal(
            a,
            b,
            new MonitorReason.Exited(a, b, new MonitorReason.NoProcess(b)),
            Frame.ExitKind.LINK),
        new Frame.NamedSend("registry", a, new byte[] {7, 8}),
        new Frame.NamedSend("x", null, new byte[0]),
        new Frame.GroupJoin("workers", List.of(a)),
        new Frame.GroupLeave("workers", List.of(a, Pid.of(alpha, 8))),
        new Frame.GroupSync(java.util.Map.of("workers", List.of(a), "idle", List.of())),
        new Frame.GroupSync(java.util.Map.of()));
  }
}
