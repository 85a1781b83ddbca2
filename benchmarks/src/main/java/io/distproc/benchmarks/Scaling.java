package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.heapAfterFullGc;
import static io.distproc.benchmarks.Bench.log;
import static io.distproc.benchmarks.Bench.perSecond;
import static io.distproc.benchmarks.Bench.result;
import static io.distproc.benchmarks.Bench.scaled;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The scaling workloads' procedure, the same on both Java sides, which supply the processes
 * (actors): W8 measures W2's and W3's rates on an empty node and again with {@link Bench#W8_IDLE}
 * idle processes alive; W9 streams on the 12 directed links of a mesh of {@link Bench#W9_NODES}
 * nodes at once. Uses the JDK alone, as {@link Bench} does.
 */
final class Scaling {
  private Scaling() {}

  // ---- W8 ---------------------------------------------------------------------------------------

  /** A step of a side that measures something of a size: a rate, or W9's times. */
  @FunctionalInterface
  interface Sized<T> {
    /** Runs the step at {@code size}. */
    T run(int size) throws Exception;
  }

  /** A step of a side. */
  @FunctionalInterface
  interface Step {
    /** Runs the step. */
    void run() throws Exception;
  }

  /**
   * What W8 needs of a side, on one node (actor system): W2 and W3 once (their rates), a wait until
   * the processes of the previous step are gone, and {@code n} idle processes, each waiting for a
   * message, returned once all have started.
   */
  record Local(Sized<Double> w2, Sized<Double> w3, Step settle, Sized<Population> spawnIdle) {}

  /** W8's idle processes. */
  interface Population {
    /** How many are alive, as the side counts them. */
    long count() throws Exception;

    /** How many have not taken a message yet. */
    long waiting();

    /** Sends each one message and returns once all have ended. */
    void release() throws Exception;
  }

  /** Runs W8: a warm-up, then {@code runs} runs, each measuring the empty node, then the idle. */
  static void w8(double scale, int runs, Local side) throws Exception {
    int idle = Bench.kept(Bench.W8_IDLE, scale);
    int trips = scaled(Bench.W2_ROUND_TRIPS, scale);
    int perSender = scaled(Bench.W3_PER_SENDER, scale);
    result("w8.idle", idle);
    result("w8.roundTrips", trips);
    result("w8.perSender", perSender);
    w8Once(
        side,
        Bench.warmup(Bench.W8_IDLE, scale),
        Bench.warmup(Bench.W2_ROUND_TRIPS, scale),
        Bench.warmup(Bench.W3_PER_SENDER, scale),
        null);
    Bench.Runs r = new Bench.Runs("w8");
    for (int i = 0; i < runs; i++) {
      w8Once(side, idle, trips, perSender, r);
    }
    r.print();
  }

  private static void w8Once(Local side, int idle, int trips, int perSender, Bench.@Nullable Runs r)
      throws Exception {
    side.settle().run();
    long emptyHeap = Bench.heapAfterOneFullGc();
    double w2Empty = side.w2().run(trips);
    double w3Empty = side.w3().run(perSender);
    side.settle().run();
    long t0 = System.nanoTime();
    Population population = side.spawnIdle().run(idle);
    long built = System.nanoTime() - t0;
    long counted = population.count();
    if (counted != idle) {
      throw new IllegalStateException("W8: " + counted + " idle processes alive, expected " + idle);
    }
    long idleHeap = Bench.heapAfterOneFullGc();
    double w2Idle = side.w2().run(trips);
    double w3Idle = side.w3().run(perSender);
    if (population.waiting() != idle) {
      throw new IllegalStateException(
          "W8: " + (idle - population.waiting()) + " idle processes ended during the measurements");
    }
    t0 = System.nanoTime();
    population.release();
    side.settle().run();
    long tornDown = System.nanoTime() - t0;
    log(
        "W8: "
            + counted
            + " idle processes built in "
            + built / 1_000_000
            + " ms, torn down in "
            + tornDown / 1_000_000
            + " ms");
    if (r != null) {
      r.add("w2.emptyRate", w2Empty);
      r.add("w2.rate", w2Idle);
      r.add("w2.ofEmpty", w2Idle / w2Empty);
      r.add("w3.emptyRate", w3Empty);
      r.add("w3.rate", w3Idle);
      r.add("w3.ofEmpty", w3Idle / w3Empty);
      r.add("buildSeconds", built / 1e9);
      r.add("teardownSeconds", tornDown / 1e9);
      r.add("bytesPerIdleProcess", (double) (idleHeap - emptyHeap) / idle);
    }
  }

  // ---- W9 ---------------------------------------------------------------------------------------

  /**
   * What W9 needs of a side, once its nodes are up and this one is linked to the others: how many
   * nodes; a run that has each node stream {@code n} payloads to each other node, all links at
   * once, with W4's windowed protocol, and returns the time from go to the last link's report here,
   * then each link's own; and a step that ends what a run started and waits until it is gone.
   */
  record Mesh(int nodes, Sized<long[]> stream, Step settle) {}

  /** Prints W9's sizes and returns the messages per link. */
  static int w9Sizes(double scale) {
    int n = scaled(Bench.W9_PER_LINK, scale);
    result("w9.nodes", Bench.W9_NODES);
    result("w9.links", Bench.W9_NODES * (Bench.W9_NODES - 1));
    result("w9.perLink", n);
    result("w9.payloadBytes", Bench.W4_PAYLOAD);
    result("w9.window", Bench.W4_WINDOW);
    result("w9.ackEvery", Bench.W4_ACK_EVERY);
    return n;
  }

  /**
   * Runs W9 on a mesh: a warm-up, then {@code runs} runs; {@code noLinks} is this node's heap after
   * a full GC before it had any link.
   */
  static void w9(double scale, int runs, long noLinks, Mesh mesh) throws Exception {
    w9Once(mesh, Bench.warmup(Bench.W9_PER_LINK, scale), null);
    Bench.Runs r = new Bench.Runs("w9");
    for (int i = 0; i < runs; i++) {
      w9Once(mesh, scaled(Bench.W9_PER_LINK, scale), r);
      r.add("heapPerLinkKiB", (heapAfterFullGc() - noLinks) / (mesh.nodes() - 1.0) / 1024);
    }
    r.print();
  }

  private static void w9Once(Mesh mesh, int n, Bench.@Nullable Runs r) throws Exception {
    heapAfterFullGc(); // this node's peak heap is measured from a clean start, as W4's sender's
    try (Bench.HeapSampler heap = new Bench.HeapSampler()) {
      long[] nanos = mesh.stream().run(n);
      if (r != null) {
        double[] linkRates =
            Arrays.stream(nanos, 1, nanos.length)
                .mapToDouble(t -> perSecond(n, t))
                .sorted()
                .toArray();
        log("W9 link rates (msgs/s): " + Arrays.toString(linkRates));
        r.add("rate", perSecond((long) n * linkRates.length, nanos[0]));
        r.add("minLinkRate", linkRates[0]);
        r.add("maxLinkRate", linkRates[linkRates.length - 1]);
        r.add("nodeMaxHeapMiB", heap.max() / 1048576.0);
      }
    }
    mesh.settle().run();
  }
}
