package io.distproc.benchmarks;

import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;
import static io.distproc.benchmarks.Bench.Runs;
import static io.distproc.benchmarks.Bench.heapAfterFullGc;
import static io.distproc.benchmarks.Bench.info;
import static io.distproc.benchmarks.Bench.log;
import static io.distproc.benchmarks.Bench.payload;
import static io.distproc.benchmarks.Bench.perSecond;
import static io.distproc.benchmarks.Bench.percentile;
import static io.distproc.benchmarks.Bench.result;
import static io.distproc.benchmarks.Bench.scaled;
import static io.distproc.benchmarks.DistprocNodes.remoteConfig;
import static io.distproc.benchmarks.DistprocNodes.startB;
import static io.distproc.benchmarks.DistprocWorkloads.PATIENCE;

import io.distproc.Down;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.Spawned;
import io.distproc.benchmarks.BenchCodec.Ack;
import io.distproc.benchmarks.BenchCodec.SinkArgs;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The remote workloads on distproc, between this JVM's node A and a node B in a JVM of its own
 * ({@link DistprocNodes}): W4 (throughput, a blast and a windowed stream), W5 (ping-pong latency)
 * and W6 (node-down detection after SIGKILL and SIGSTOP, with the default and tuned heartbeats).
 * W9's mesh is in {@link DistprocScaling}.
 */
final class DistprocRemote {
  private DistprocRemote() {}

  private static final byte[] PAYLOAD = payload();

  // ---- W4: remote throughput
  // ---------------------------------------------------------------------

  static void w4(double scale, int runs) throws Exception {
    int n = scaled(Bench.W4_MESSAGES, scale);
    result("w4.messages", n);
    result("w4.payloadBytes", Bench.W4_PAYLOAD);
    result("w4.window", Bench.W4_WINDOW);
    result("w4.ackEvery", Bench.W4_ACK_EVERY);
    info("w4.batching", "none by the workload; the transport batches frames itself");
    Duration interval = NodeConfig.DEFAULT_HEARTBEAT_INTERVAL;
    Duration timeout = NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT;
    try (Node<Object> a = Node.start(remoteConfig("a", interval, timeout), new BenchCodec());
        Peer peer = startB("b", interval, timeout)) {
      NodeId b = a.addRemoteNode("127.0.0.1", peer.port(), "b");
      Runs r = new Runs("w4");
      for (boolean windowed : new boolean[] {false, true}) {
        w4Once(a, b, Bench.warmup(Bench.W4_MESSAGES), windowed, null);
        for (int i = 0; i < runs; i++) {
          w4Once(a, b, n, windowed, r);
        }
      }
      r.print();
    }
  }

  private static void w4Once(Node<Object> a, NodeId b, int n, boolean windowed, @Nullable Runs r)
      throws Exception {
    heapAfterFullGc(); // the sender's peak heap is measured from a clean start
    CompletableFuture<Long> done = new CompletableFuture<>();
    try (Bench.HeapSampler heap = new Bench.HeapSampler()) {
      a.spawn(
          ctx -> {
            int ackEvery = windowed ? Bench.W4_ACK_EVERY : 0;
            Pid sink = ctx.spawn(b, "sink", new SinkArgs(ctx.self(), n, ackEvery));
            long t0 = System.nanoTime();
            if (windowed) {
              sendWindowed(ctx, sink, n);
            } else {
              for (int i = 0; i < n; i++) {
                ctx.send(sink, PAYLOAD);
              }
              ctx.receive(on(Ack.class, x -> x.count() == n, Ack::count));
            }
            done.complete(System.nanoTime() - t0);
          });
      long nanos = done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      if (r != null) {
        String mode = windowed ? "windowed" : "blast";
        r.add(mode + ".rate", perSecond(n, nanos));
        r.add(mode + ".senderMaxHeapMiB", heap.max() / 1048576.0);
      }
    }
  }

  /**
   * W4's windowed stream: sends {@code n} payloads to a sink with at most {@link Bench#W4_WINDOW}
   * unacknowledged, and returns once the sink has acknowledged them all.
   */
  static void sendWindowed(ProcessContext<Object> ctx, Pid sink, long n) {
    long sent = 0;
    long acked = 0;
    while (acked < n) {
      while (sent < n && sent - acked < Bench.W4_WINDOW) {
        ctx.send(sink, PAYLOAD);
        sent++;
      }
      acked = Math.max(acked, ctx.receive(on(Ack.class, Ack::count)));
    }
  }

  // ---- W5: remote ping-pong latency ------------------------------------------------------------

  /**
   * W5, and right after each run its platform references ({@link GrpcEcho}) between this JVM and
   * another: the same payload's round trip on a bare grpc-java stream, answered on the other JVM's
   * event loop, and answered by a bare virtual thread there.
   */
  static void w5(double scale, int runs) throws Exception {
    int n = scaled(Bench.W5_ROUND_TRIPS, scale);
    result("w5.roundTrips", n);
    result("w5.payloadBytes", Bench.W4_PAYLOAD);
    Duration interval = NodeConfig.DEFAULT_HEARTBEAT_INTERVAL;
    Duration timeout = NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT;
    try (Node<Object> a = Node.start(remoteConfig("a", interval, timeout), new BenchCodec());
        Peer peer = startB("b", interval, timeout);
        GrpcEcho echo = GrpcEcho.start()) {
      NodeId b = a.addRemoteNode("127.0.0.1", peer.port(), "b");
      int warmup = Bench.warmup(Bench.W5_ROUND_TRIPS);
      w5Once(a, b, warmup, null);
      echo.roundTrips(GrpcEcho.LOOP, PAYLOAD, warmup);
      echo.roundTrips(GrpcEcho.THREAD, PAYLOAD, warmup);
      Runs r = new Runs("w5");
      for (int i = 0; i < runs; i++) {
        double p50 = w5Once(a, b, n, r);
        for (String name : new String[] {GrpcEcho.LOOP, GrpcEcho.THREAD}) {
          long[] lat = echo.roundTrips(name, PAYLOAD, n);
          String key = "floor" + name;
          r.add(key + ".p50us", GrpcEcho.p50us(lat));
          r.add(key + ".p99us", GrpcEcho.p99us(lat));
          r.add(key + ".ofFloor", p50 / GrpcEcho.p50us(lat));
        }
      }
      r.print();
    }
  }

  /** One run of W5; returns its p50 in microseconds. */
  private static double w5Once(Node<Object> a, NodeId b, int n, @Nullable Runs r) throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    a.spawn(
        ctx -> {
          Pid echo = ctx.spawn(b, "echo", ctx.self());
          long[] lat = new long[n];
          for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            ctx.send(echo, PAYLOAD);
            ctx.receive(on(byte[].class, x -> x));
            lat[i] = System.nanoTime() - t;
          }
          ctx.send(echo, "stop");
          done.complete(lat);
        });
    long[] lat = done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    long total = Arrays.stream(lat).sum();
    Arrays.sort(lat);
    double p50 = percentile(lat, 0.50) / 1e3;
    if (r != null) {
      r.add("p50us", p50);
      r.add("p99us", percentile(lat, 0.99) / 1e3);
      r.add("p999us", percentile(lat, 0.999) / 1e3);
      r.add("maxus", lat[lat.length - 1] / 1e3);
      r.add("rate", perSecond(n, total));
    }
    return p50;
  }

  // ---- W6: node-down detection
  // ---------------------------------------------------------------------

  private static int peers;

  static void w6(int runs) throws Exception {
    Duration defInterval = NodeConfig.DEFAULT_HEARTBEAT_INTERVAL;
    Duration defTimeout = NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT;
    Duration tunedInterval = Duration.ofMillis(200);
    Duration tunedTimeout = Duration.ofMillis(1000);
    info(
        "w6.default",
        "NodeConfig.heartbeat("
            + defInterval.toMillis()
            + " ms, "
            + defTimeout.toMillis()
            + " ms) (the defaults)");
    info(
        "w6.tuned",
        "NodeConfig.heartbeat("
            + tunedInterval.toMillis()
            + " ms, "
            + tunedTimeout.toMillis()
            + " ms) on both nodes");
    Runs r = new Runs("w6");
    w6Config("default", defInterval, defTimeout, runs, r);
    w6Config("tuned", tunedInterval, tunedTimeout, runs, r);
    r.print();
  }

  private static void w6Config(String label, Duration interval, Duration timeout, int runs, Runs r)
      throws Exception {
    CompletableFuture<NodeDownEvent>[] downs = newDowns();
    try (Node<Object> a =
        Node.builder(remoteConfig("a" + label, interval, timeout), new BenchCodec())
            .onNodeDown(e -> downs[0].complete(e))
            .start()) {
      for (int i = 0; i < runs; i++) {
        for (String signal : new String[] {"KILL", "STOP"}) {
          downs[0] = new CompletableFuture<>();
          double s = w6Once(a, signal, interval, timeout, downs[0]);
          r.add((signal.equals("KILL") ? "kill" : "hang") + "." + label + "Seconds", s);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<NodeDownEvent>[] newDowns() {
    return new CompletableFuture[] {new CompletableFuture<NodeDownEvent>()};
  }

  private static double w6Once(
      Node<Object> a,
      String signal,
      Duration interval,
      Duration timeout,
      CompletableFuture<NodeDownEvent> down)
      throws Exception {
    String name = "b" + (++peers);
    try (Peer peer = startB(name, interval, timeout)) {
      NodeId b = a.addRemoteNode("127.0.0.1", peer.port(), name);
      CompletableFuture<Void> watching = new CompletableFuture<>();
      CompletableFuture<Long> firedAt = new CompletableFuture<>();
      CompletableFuture<Down> notice = new CompletableFuture<>();
      a.spawn(
          ctx -> {
            Spawned waiter = ctx.spawnMonitored(b, "waiter", "");
            watching.complete(null);
            Down d = ctx.receive(onDown(waiter.monitor(), x -> x));
            firedAt.complete(System.nanoTime());
            notice.complete(d);
          });
      watching.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      Thread.sleep(interval.toMillis() * 3); // heartbeats flowing
      long t0 = System.nanoTime();
      peer.signal(signal);
      long t1 = firedAt.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      NodeDownEvent e = down.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      log(
          "W6 "
              + signal
              + ": monitor fired with "
              + notice.join().reason()
              + "; node-down cause "
              + e.cause());
      return (t1 - t0) / 1e9;
    }
  }
}
