package io.distproc.benchmarks;

import static io.distproc.Matcher.on;
import static io.distproc.benchmarks.Bench.heapAfterFullGc;
import static io.distproc.benchmarks.Bench.info;
import static io.distproc.benchmarks.DistprocLocal.w2Once;
import static io.distproc.benchmarks.DistprocLocal.w3Once;
import static io.distproc.benchmarks.DistprocWorkloads.PATIENCE;
import static io.distproc.benchmarks.DistprocWorkloads.awaitLive;

import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.benchmarks.BenchCodec.StreamArgs;
import io.distproc.benchmarks.BenchCodec.Streamed;
import io.distproc.benchmarks.DistprocLocal.Waiters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The scaling workloads on distproc ({@link Scaling} has their procedure), run by {@link
 * DistprocWorkloads}: W8, W2's and W3's rates with 10^6 idle processes alive on the node, against
 * the same node's rates with none; and W9, a mesh of four nodes (this JVM's and three more) in
 * which each node streams to the three others at once, with W4's windowed protocol on each of the
 * 12 directed links.
 */
final class DistprocScaling {
  private DistprocScaling() {}

  /** The names of W9's nodes: this JVM's first. */
  private static final String[] MESH = {"a", "b", "c", "d"};

  // ---- W8: local rates with an idle population -------------------------------------------------

  static void w8(double scale, int runs) throws Exception {
    info(
        "w8.how",
        "each run: W2 and W3 on the node with no other process, then the same with the"
            + " idle population alive (W1's waiting processes, each blocked in a receive; counted by"
            + " NodeMetrics.liveProcesses), then the population is released and awaited; a full GC"
            + " before each of the two measurements");
    try (Node<Object> node = DistprocWorkloads.localNode()) {
      long none = node.metrics().liveProcesses();
      Scaling.w8(
          scale,
          runs,
          new Scaling.Local(
              n -> w2Once(node, n),
              n -> w3Once(node, n),
              () -> awaitLive(node, none),
              n -> Waiters.spawn(node, n)));
    }
  }

  // ---- W9: a mesh of four nodes, each streaming to the three others -----------------------------

  /** One node of the mesh: its id as this node knows it, and its name and port. */
  private record Member(NodeId id, String name, int port) {}

  static void w9(double scale, int runs) throws Exception {
    Scaling.w9Sizes(scale);
    info(
        "w9.how",
        "node a (this JVM) and three node JVMs; on each node, one streamer per other"
            + " node spawns a sink there (connecting to it first) and waits; on go, all 12 stream"
            + " with W4's windowed protocol at once. Mesh rate = all messages / (go until the last"
            + " streamer's report reaches a); a link's rate = its messages / its own stream's time");
    info(
        "w9.heap",
        "heapPerLinkKiB: node a's heap after a full GC with its 3 links (after each"
            + " run) less the same before it had any, / 3; nodeMaxHeapMiB: node a's largest heap in"
            + " use during a run (garbage included), after a full GC at its start, as W4's sender's");
    Duration interval = NodeConfig.DEFAULT_HEARTBEAT_INTERVAL;
    Duration timeout = NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT;
    // A link of node a that goes down ends the workload at once, naming it, instead of after the
    // patience: on a machine whose cores other work takes, a node starved past the heartbeat
    // timeout is declared down.
    CompletableFuture<NodeDownEvent> down = new CompletableFuture<>();
    try (Node<Object> a =
        Node.builder(DistprocNodes.remoteConfig(MESH[0], interval, timeout), new BenchCodec())
            .behaviours(DistprocNodes.behaviours())
            .onNodeDown(down::complete)
            .start()) {
      long noLinks = heapAfterFullGc();
      try (Peers peers =
          Peers.start(
              Bench.W9_NODES - 1, i -> DistprocNodes.startB(MESH[i + 1], interval, timeout))) {
        List<Member> mesh = new ArrayList<>();
        mesh.add(new Member(a.id(), MESH[0], a.boundAddress().orElseThrow().getPort()));
        for (int i = 0; i < peers.size(); i++) {
          int port = peers.get(i).port();
          mesh.add(new Member(a.addRemoteNode("127.0.0.1", port, MESH[i + 1]), MESH[i + 1], port));
        }
        long live = a.metrics().liveProcesses();
        Scaling.w9(
            scale,
            runs,
            noLinks,
            new Scaling.Mesh(
                mesh.size(), n -> w9Stream(a, mesh, n, down), () -> awaitLive(a, live)));
      }
    }
  }

  /**
   * A coordinator process on node a spawns a streamer on each node for each other node, waits for
   * all to be ready, says go, and collects their reports.
   */
  private static long[] w9Stream(
      Node<Object> a, List<Member> mesh, int n, CompletableFuture<NodeDownEvent> down)
      throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    a.spawn(
        ctx -> {
          List<Pid> streamers = new ArrayList<>();
          for (Member from : mesh) {
            for (Member to : mesh) {
              if (from != to) {
                streamers.add(
                    ctx.spawn(
                        from.id(),
                        "streamer",
                        new StreamArgs(ctx.self(), to.name(), to.port(), n)));
              }
            }
          }
          for (int i = 0; i < streamers.size(); i++) {
            ctx.receive(on(String.class, "ready"::equals, s -> s));
          }
          long t0 = System.nanoTime();
          for (Pid s : streamers) {
            ctx.send(s, "go");
          }
          long[] nanos = new long[streamers.size() + 1];
          for (int i = 1; i < nanos.length; i++) {
            nanos[i] = ctx.receive(on(Streamed.class, Streamed::nanos));
          }
          nanos[0] = System.nanoTime() - t0;
          done.complete(nanos);
        });
    CompletableFuture.anyOf(done, down).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    if (down.isDone()) {
      NodeDownEvent e = down.join();
      throw new IllegalStateException(
          "W9: node a's link to "
              + e.node()
              + " went down: "
              + e.cause()
              + " ("
              + e.detail()
              + ")");
    }
    return done.join();
  }
}
