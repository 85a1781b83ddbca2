package io.distproc.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a workload JVM needs besides the workload: sizes, repeated runs with their median, heap
 * measurements, percentiles, and the result lines the driver reads ({@link Peer} starts and stops
 * the second node's JVM). Uses the JDK alone: the Pekko module runs it with no distproc library on
 * its class path (it depends on this module's jar, without its dependencies).
 *
 * <p>Protocol with the driver: each result is one line {@code RESULT key=value} on standard output;
 * {@code INFO key=value} lines are recorded as text; {@code CHILD pid} names a JVM this one
 * started, so that the driver can stop it even if this JVM dies.
 */
final class Bench {
  private Bench() {}

  /** The workloads' full sizes, as BENCHMARKS.md defines them. */
  static final int W1_PROCESSES = 1_000_000;

  /** W2 round trips. */
  static final int W2_ROUND_TRIPS = 1_000_000;

  /** W3 senders. */
  static final int W3_SENDERS = 4;

  /** W3 messages per sender. */
  static final int W3_PER_SENDER = 1_000_000;

  /** W4 messages. */
  static final int W4_MESSAGES = 1_000_000;

  /** W4 payload bytes. */
  static final int W4_PAYLOAD = 100;

  /**
   * W4 windowed: the most unacknowledged messages, 2,000 as BENCHMARKS.md defines it; {@code
   * -Dbench.w4.window=N} (through {@code --jvm-flags}) changes it on both sides, to see how much of
   * W4's rate the window decides. The results record the value used.
   */
  static final int W4_WINDOW = Integer.getInteger("bench.w4.window", 2_000);

  /** W4 windowed: the receiver acknowledges every this many messages. */
  static final int W4_ACK_EVERY = 500;

  /** W5 round trips. */
  static final int W5_ROUND_TRIPS = 100_000;

  /** W7 unmatched messages queued (the same in every mode: the depth is the point). */
  static final int W7_DEPTH = 10_000;

  /** W7 round trips. */
  static final int W7_ROUND_TRIPS = 100_000;

  /**
   * W8: the idle processes (actors) alive on the node while W2's and W3's rates are measured again.
   * The population is the point, as W7's depth is: see {@link #kept}.
   */
  static final int W8_IDLE = 1_000_000;

  /** W9: the nodes of the mesh, this JVM's and three peers', each streaming to all the others. */
  static final int W9_NODES = 4;

  /**
   * W9: the messages of each of the mesh's 12 directed links, each a stream with W4's windowed
   * protocol; 3 x 10^6 over the mesh at full size.
   */
  static final int W9_PER_LINK = 250_000;

  /** W10 restarts of the supervised child, one after the other. */
  static final int W10_RESTARTS = 100_000;

  /**
   * W10 also reports the rate over the first this many restarts of each run: what a restart costs
   * before a supervisor's record of recent restarts grows long (Erlang's is a list it walks at
   * every restart, so its rate over all of them falls as their number grows).
   */
  static final int W10_FIRST_RESTARTS = 1_000;

  /** W10 pairs of waiting processes, for the heap a link between the two of a pair costs. */
  static final int W10_PAIRS = 100_000;

  /**
   * The warm-up size in every mode: a tenth of the full size (so in quick mode the warm-up is as
   * large as the measured runs: a tenth of a tenth is too short for the JIT).
   */
  static int warmup(int full) {
    return scaled(full, 0.1);
  }

  /**
   * The warm-up size of a workload that smoke mode runs below a tenth (W8, W9): a tenth of the full
   * size, or the measured size where that is smaller.
   */
  static int warmup(int full, double scale) {
    return Math.min(warmup(full), scaled(full, scale));
  }

  /**
   * A size that is the point of its workload (W8's idle population): the full size in full and
   * quick mode, as W7's depth is; scaled only below a tenth, where smoke mode runs W8.
   */
  static int kept(int full, double scale) {
    return scale >= 0.1 ? full : scaled(full, scale);
  }

  /** Scales a full size, never below 1. */
  static int scaled(int full, double scale) {
    return Math.max(1, (int) Math.round(full * scale));
  }

  // ---- output ---------------------------------------------------------------------------------

  /** Prints one result for the driver. */
  static synchronized void result(String key, double value) {
    System.out.println("RESULT " + key + "=" + fmt(value));
    System.out.flush();
  }

  /** Prints one piece of text for the driver. */
  static synchronized void info(String key, String value) {
    System.out.println("INFO " + key + "=" + value.replace('\n', ' '));
    System.out.flush();
  }

  /** Prints progress for a human reading the log (standard error, not parsed). */
  static void log(String text) {
    System.err.println("[bench] " + text);
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.4f", v);
  }

  /** How many of each metric's first runs {@link Runs#print} leaves out: warm-up runs. */
  private static int uncounted;

  /** Sets how many of the first runs are warm-up, not counted; from the command line. */
  static void uncounted(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("uncounted runs must be 0 or more: " + k);
    }
    uncounted = k;
  }

  /**
   * Collects one value per run for each metric, then prints median, min, max and the runs counted
   * (those after the uncounted ones).
   */
  static final class Runs {
    private final String prefix;
    private final Map<String, List<Double>> values = new LinkedHashMap<>();

    /** For the metrics of one workload, named {@code prefix.metric}. */
    Runs(String prefix) {
      this.prefix = prefix;
    }

    /** Records one run's value of a metric. */
    void add(String metric, double value) {
      values.computeIfAbsent(metric, k -> new ArrayList<>()).add(value);
      log(prefix + "." + metric + " = " + fmt(value));
    }

    /**
     * Prints {@code metric} (the median), {@code metric.min}, {@code .max}, {@code .runs}, of the
     * runs after the uncounted ones (a metric measured no more often than that is printed whole),
     * and the uncounted ones as {@code .warmupRuns}.
     */
    void print() {
      for (Map.Entry<String, List<Double>> e : values.entrySet()) {
        String key = prefix + "." + e.getKey();
        List<Double> all = e.getValue();
        int skip = all.size() > uncounted ? uncounted : 0;
        if (skip > 0) {
          StringBuilder w = new StringBuilder();
          for (double x : all.subList(0, skip)) {
            w.append(w.isEmpty() ? "" : ",").append(fmt(x));
          }
          info(key + ".warmupRuns", w.toString());
        }
        List<Double> counted = all.subList(skip, all.size());
        double[] v = counted.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        result(key, median(v));
        result(key + ".min", v[0]);
        result(key + ".max", v[v.length - 1]);
        StringBuilder runs = new StringBuilder();
        for (double x : counted) {
          runs.append(runs.isEmpty() ? "" : ",").append(fmt(x));
        }
        info(key + ".runs", runs.toString());
      }
    }
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The value at quantile {@code q} (0..1) of sorted samples, nearest-rank. */
  static long percentile(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  /** Rate in units per second. */
  static double perSecond(long units, long nanos) {
    return units * 1e9 / nanos;
  }

  // ---- heap -----------------------------------------------------------------------------------

  /** Heap in use after full collections (System.gc() is a full GC with G1 unless disabled). */
  static long heapAfterFullGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      used = Math.min(used, heapUsed());
    }
    return used;
  }

  /**
   * Heap in use after one full collection: a clean start, where the three of {@link
   * #heapAfterFullGc} cost too much (with W8's 10^6 processes, seconds each).
   */
  static long heapAfterOneFullGc() {
    System.gc();
    return heapUsed();
  }

  /** Heap in use now, garbage included. */
  static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Samples the heap in use every few milliseconds and keeps the maximum. */
  static final class HeapSampler implements AutoCloseable {
    private final AtomicLong max = new AtomicLong();
    private volatile boolean running = true;
    private final Thread thread;

    /** Starts sampling. */
    HeapSampler() {
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("heap-sampler")
              .start(
                  () -> {
                    while (running) {
                      max.accumulateAndGet(heapUsed(), Math::max);
                      try {
                        Thread.sleep(5);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    /** The largest heap in use seen so far, in bytes. */
    long max() {
      return Math.max(max.get(), heapUsed());
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }

  // ---- JVM facts ------------------------------------------------------------------------------

  /** Records the facts every result needs: JVM flags, cores, JDK. */
  static void describeJvm() {
    info("jvm.flags", String.join(" ", jvmFlags()));
    info("jvm.version", System.getProperty("java.vm.name") + " " + Runtime.version());
    info("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    info("heap.max", Long.toString(Runtime.getRuntime().maxMemory()));
    info(
        "gc",
        String.join(
            ",",
            ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(b -> b.getName())
                .toList()));
  }

  /**
   * This JVM's flags, for node B's: without a flight recording, an AOT cache (node B has its own,
   * {@link AotCache}) or {@code -Dbench.peerFlags} (flags for node B only, separated by {@code |},
   * such as its own flight recording or AOT cache).
   */
  static List<String> jvmFlags() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(
            a ->
                !a.startsWith("-XX:StartFlightRecording")
                    && !a.startsWith("-XX:FlightRecorder")
                    && !a.startsWith("-XX:AOT")
                    && !a.startsWith("-Dbench.peerFlags"))
        .toList();
  }

  /** How long a workload waits for any one step before it gives up. */
  static final java.time.Duration PATIENCE = java.time.Duration.ofSeconds(120);

  /** Waits for a latch, at most {@link #PATIENCE}; fails naming what did not happen. */
  static void await(java.util.concurrent.CountDownLatch latch, String what)
      throws InterruptedException {
    if (!latch.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "timed out waiting for " + what + ": " + latch.getCount() + " left");
    }
  }

  /** The W4/W5 payload: {@link #W4_PAYLOAD} bytes, the same on both sides. */
  static byte[] payload() {
    byte[] p = new byte[W4_PAYLOAD];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) i;
    }
    return p;
  }
}
