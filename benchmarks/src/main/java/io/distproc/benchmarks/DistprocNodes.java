package io.distproc.benchmarks;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.benchmarks.DistprocRemote.sendWindowed;

import io.distproc.Behaviours;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.benchmarks.BenchCodec.Ack;
import io.distproc.benchmarks.BenchCodec.SinkArgs;
import io.distproc.benchmarks.BenchCodec.StreamArgs;
import io.distproc.benchmarks.BenchCodec.Streamed;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The nodes of distproc's remote workloads: the configuration every node gets (on 127.0.0.1), what
 * a node B, or a node of W9's mesh, can be asked to spawn, and node B's JVM: how it is started
 * ({@code node-b NAME INTERVAL_MS TIMEOUT_MS}, through {@link DistprocWorkloads}) and what it runs.
 */
final class DistprocNodes {
  private DistprocNodes() {}

  // ---- the second node
  // ---------------------------------------------------------------------------

  static NodeConfig remoteConfig(String name, Duration interval, Duration timeout) {
    return NodeConfig.remote(name)
        .bind("127.0.0.1", 0)
        .heartbeat(interval, timeout)
        .plaintext()
        .build();
  }

  static Peer startB(String name, Duration interval, Duration timeout) throws IOException {
    return Peer.start(
        Path.of("target", "bench-logs", "distproc-node-" + name + ".log"),
        DistprocWorkloads.class.getName(),
        "node-b",
        name,
        Long.toString(interval.toMillis()),
        Long.toString(timeout.toMillis()));
  }

  /** Node B: the behaviours, until the parent JVM lets go. */
  static void nodeB(String name, long intervalMs, long timeoutMs) {
    Node<Object> node =
        Node.builder(
                remoteConfig(name, Duration.ofMillis(intervalMs), Duration.ofMillis(timeoutMs)),
                new BenchCodec())
            .behaviours(behaviours())
            .start();
    Peer.readyThenAwaitParent(node.boundAddress().orElseThrow().getPort());
  }

  /**
   * What a node B, and each node of W9's mesh, can be asked to spawn: W4's sink, W5's echo, W6's
   * waiter, and W9's streamer, which streams to a sink it spawns on another node with W4's windowed
   * protocol once its coordinator says go.
   */
  static Behaviours<Object> behaviours() {
    return Behaviours.<Object>builder()
        .add(
            "sink",
            arg ->
                ctx -> {
                  SinkArgs a = (SinkArgs) arg;
                  long count = 0;
                  while (count < a.total()) {
                    ctx.receive(on(byte[].class, b -> b));
                    count++;
                    if (a.ackEvery() > 0 && count % a.ackEvery() == 0 && count < a.total()) {
                      ctx.send(a.replyTo(), new Ack(count));
                    }
                  }
                  ctx.send(a.replyTo(), new Ack(count));
                })
        .add(
            "echo",
            arg ->
                ctx -> {
                  Pid peer = (Pid) arg;
                  ctx.receiveLoop(
                      on(
                          byte[].class,
                          b -> {
                            ctx.send(peer, b);
                            return true;
                          }),
                      on(String.class, s -> false));
                })
        .add("waiter", arg -> ctx -> ctx.receive(any(m -> m)))
        .add(
            "streamer",
            arg ->
                ctx -> {
                  StreamArgs a = (StreamArgs) arg;
                  NodeId to = ctx.addRemoteNode("127.0.0.1", a.port(), a.node());
                  Pid sink =
                      ctx.spawn(
                          to, "sink", new SinkArgs(ctx.self(), a.messages(), Bench.W4_ACK_EVERY));
                  ctx.send(a.coordinator(), "ready");
                  ctx.receive(on(String.class, "go"::equals, g -> g));
                  long t0 = System.nanoTime();
                  sendWindowed(ctx, sink, a.messages());
                  ctx.send(a.coordinator(), new Streamed(System.nanoTime() - t0));
                })
        .build();
  }
}
