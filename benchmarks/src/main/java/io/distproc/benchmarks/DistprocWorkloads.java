package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.info;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import java.time.Duration;

/**
 * The workloads of BENCHMARKS.md (W1..W7), the scaling ones (W8, W9: {@link DistprocScaling}) and
 * the fault layer's (W10) on distproc, one per JVM: {@code run W SCALE RUNS} runs workload W at
 * SCALE of its full size (1 or 0.1), first once at a tenth of the full size as warm-up, then RUNS
 * times, and prints the median, min and max of each metric. The remote workloads (W4-W6, W9) start
 * their other nodes in JVMs of their own ({@code node-b NAME INTERVAL_MS TIMEOUT_MS}), on
 * 127.0.0.1; W5's platform references a bare gRPC server in another ({@code grpc-echo}).
 *
 * <p>This class is the JVM's entry point, and holds what the workloads share. The workloads are in
 * {@link DistprocLocal} (W1-W3), {@link DistprocRemote} (W4-W6), {@link DistprocDeepMailbox} (W7),
 * {@link DistprocScaling} (W8, W9) and {@link DistprocFault} (W10); the other nodes, and what they
 * run, in {@link DistprocNodes}.
 */
public final class DistprocWorkloads {
  private DistprocWorkloads() {}

  static final Duration PATIENCE = Duration.ofSeconds(120);

  /**
   * Runs a workload, or node B.
   *
   * @param args {@code run W SCALE RUNS [WARMUPS]} (the first WARMUPS of the RUNS are not counted)
   *     or {@code node-b NAME INTERVAL_MS TIMEOUT_MS} or {@code grpc-echo} (W5's references)
   */
  public static void main(String[] args) {
    int status = 0;
    try {
      switch (args[0]) {
        case "run" -> {
          Bench.uncounted(args.length > 4 ? Integer.parseInt(args[4]) : 0);
          run(args[1], Double.parseDouble(args[2]), Integer.parseInt(args[3]));
        }
        case "node-b" ->
            DistprocNodes.nodeB(args[1], Long.parseLong(args[2]), Long.parseLong(args[3]));
        case "grpc-echo" -> GrpcEcho.serve();
        default -> throw new IllegalArgumentException("unknown command " + args[0]);
      }
    } catch (Throwable t) {
      t.printStackTrace();
      status = 1;
    }
    System.exit(status); // the gRPC threads are no reason to linger
  }

  private static void run(String workload, double scale, int runs) throws Exception {
    Bench.describeJvm();
    info("side", "distproc");
    switch (workload) {
      case "W1" -> DistprocLocal.w1(scale, runs);
      case "W2" -> DistprocLocal.w2(scale, runs);
      case "W3" -> DistprocLocal.w3(scale, runs);
      case "W4" -> DistprocRemote.w4(scale, runs);
      case "W5" -> DistprocRemote.w5(scale, runs);
      case "W6" -> DistprocRemote.w6(runs);
      case "W7" -> DistprocDeepMailbox.w7(scale, runs);
      case "W8" -> DistprocScaling.w8(scale, runs);
      case "W9" -> DistprocScaling.w9(scale, runs);
      case "W10" -> DistprocFault.w10(scale, runs);
      default -> throw new IllegalArgumentException("unknown workload " + workload);
    }
  }

  static Node<Object> localNode() {
    return Node.start(NodeConfig.local("bench").build(), Codec.localOnly());
  }

  /**
   * Waits until at most {@code count} processes are alive on the node: those of one step are gone
   * before the next measures the heap (a process's end goes on after its last countdown).
   */
  static void awaitLive(Node<Object> node, long count) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (node.metrics().liveProcesses() > count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            node.metrics().liveProcesses() + " processes still alive, expected at most " + count);
      }
      Thread.sleep(1);
    }
  }
}
