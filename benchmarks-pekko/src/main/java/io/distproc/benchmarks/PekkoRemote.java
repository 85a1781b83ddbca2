package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.heapAfterFullGc;
import static io.distproc.benchmarks.Bench.info;
import static io.distproc.benchmarks.Bench.log;
import static io.distproc.benchmarks.Bench.payload;
import static io.distproc.benchmarks.Bench.perSecond;
import static io.distproc.benchmarks.Bench.percentile;
import static io.distproc.benchmarks.Bench.result;
import static io.distproc.benchmarks.Bench.scaled;
import static io.distproc.benchmarks.PekkoNodes.DEFAULT;
import static io.distproc.benchmarks.PekkoNodes.TUNED;
import static io.distproc.benchmarks.PekkoNodes.TUNED_WATCH;
import static io.distproc.benchmarks.PekkoNodes.remoteConfig;
import static io.distproc.benchmarks.PekkoNodes.resolve;
import static io.distproc.benchmarks.PekkoNodes.startB;
import static io.distproc.benchmarks.PekkoWorkloads.get;
import static io.distproc.benchmarks.PekkoWorkloads.shutdown;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.pattern.Patterns;
import org.jspecify.annotations.Nullable;

/**
 * The remote workloads on Pekko, between this JVM's actor system and node B's in a JVM of its own
 * ({@link PekkoNodes}): W4 (throughput, a blast and a windowed stream), W5 (ping-pong latency) and
 * W6 (node-down detection after SIGKILL and SIGSTOP, with the default and tuned watch failure
 * detectors). W9's mesh is in {@link PekkoScaling}.
 */
final class PekkoRemote {
  private PekkoRemote() {}

  private static final byte[] PAYLOAD = payload();

  // ---- W4: remote throughput
  // ---------------------------------------------------------------------

  /**
   * Sends n payloads to the sink, all at once or within a window, until all are acknowledged; then
   * gives {@code done} the time that took.
   */
  static final class ThroughputSender extends AbstractActor {
    private final ActorRef sink;
    private final long n;
    private final boolean windowed;
    private final LongConsumer done;
    private long sent;
    private long acked;
    private long t0;

    ThroughputSender(ActorRef sink, long n, boolean windowed, LongConsumer done) {
      this.sink = sink;
      this.n = n;
      this.windowed = windowed;
      this.done = done;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals(
              "start",
              s -> {
                t0 = System.nanoTime();
                fill();
              })
          .match(
              Long.class,
              ack -> {
                acked = Math.max(acked, ack);
                if (acked >= n) {
                  done.accept(System.nanoTime() - t0);
                } else {
                  fill();
                }
              })
          .build();
    }

    private void fill() {
      long limit = windowed ? Math.min(n, acked + Bench.W4_WINDOW) : n;
      while (sent < limit) {
        sink.tell(PAYLOAD, getSelf());
        sent++;
      }
    }
  }

  static void w4(double scale, int runs) throws Exception {
    int n = scaled(Bench.W4_MESSAGES, scale);
    result("w4.messages", n);
    result("w4.payloadBytes", Bench.W4_PAYLOAD);
    result("w4.window", Bench.W4_WINDOW);
    result("w4.ackEvery", Bench.W4_ACK_EVERY);
    info("w4.batching", "none by the workload; Artery batches itself");
    info(
        "w4.blastConfig",
        "pekko.remote.artery.advanced.outbound-message-queue-size = "
            + (Bench.W4_MESSAGES + 10_000)
            + " (windowed: the default)");
    Bench.Runs r = new Bench.Runs("w4");
    try (Peer peer = startB(DEFAULT)) {
      for (boolean windowed : new boolean[] {false, true}) {
        // Blast needs a larger outbound queue; windowed runs with Pekko's defaults.
        ActorSystem system = ActorSystem.create("a", remoteConfig(DEFAULT, !windowed));
        try {
          ActorRef sink = resolve(system, peer, "sink");
          w4Once(system, sink, Bench.warmup(Bench.W4_MESSAGES), windowed, null);
          for (int i = 0; i < runs; i++) {
            w4Once(system, sink, n, windowed, r);
          }
        } finally {
          shutdown(system);
        }
      }
    }
    r.print();
  }

  private static void w4Once(
      ActorSystem system, ActorRef sink, int n, boolean windowed, Bench.@Nullable Runs r)
      throws Exception {
    int ackEvery = windowed ? Bench.W4_ACK_EVERY : 0;
    Patterns.ask(sink, "reset " + n + " " + ackEvery, Duration.ofSeconds(30))
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    heapAfterFullGc();
    CompletableFuture<Long> done = new CompletableFuture<>();
    try (Bench.HeapSampler heap = new Bench.HeapSampler()) {
      ActorRef sender =
          system.actorOf(
              Props.create(
                  ThroughputSender.class,
                  () -> new ThroughputSender(sink, n, windowed, done::complete)));
      sender.tell("start", ActorRef.noSender());
      long nanos = get(done);
      system.stop(sender);
      if (r != null) {
        String mode = windowed ? "windowed" : "blast";
        r.add(mode + ".rate", perSecond(n, nanos));
        r.add(mode + ".senderMaxHeapMiB", heap.max() / 1048576.0);
      }
    }
  }

  // ---- W5: remote ping-pong latency
  // --------------------------------------------------------------

  /** Sends a payload to the echo, waits for it, n times, recording each round trip. */
  static final class LatencyPinger extends AbstractActor {
    private final ActorRef echo;
    private final long[] lat;
    private final CompletableFuture<long[]> done;
    private int i;
    private long t;

    LatencyPinger(ActorRef echo, int n, CompletableFuture<long[]> done) {
      this.echo = echo;
      this.lat = new long[n];
      this.done = done;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals("start", s -> ping())
          .match(
              byte[].class,
              b -> {
                lat[i++] = System.nanoTime() - t;
                if (i < lat.length) {
                  ping();
                } else {
                  done.complete(lat);
                }
              })
          .build();
    }

    private void ping() {
      t = System.nanoTime();
      echo.tell(PAYLOAD, getSelf());
    }
  }

  static void w5(double scale, int runs) throws Exception {
    int n = scaled(Bench.W5_ROUND_TRIPS, scale);
    result("w5.roundTrips", n);
    result("w5.payloadBytes", Bench.W4_PAYLOAD);
    ActorSystem system = ActorSystem.create("a", remoteConfig(DEFAULT));
    try (Peer peer = startB(DEFAULT)) {
      ActorRef echo = resolve(system, peer, "echo");
      w5Once(system, echo, Bench.warmup(Bench.W5_ROUND_TRIPS), null);
      Bench.Runs r = new Bench.Runs("w5");
      for (int i = 0; i < runs; i++) {
        w5Once(system, echo, n, r);
      }
      r.print();
    } finally {
      shutdown(system);
    }
  }

  private static void w5Once(ActorSystem system, ActorRef echo, int n, Bench.@Nullable Runs r)
      throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    ActorRef pinger =
        system.actorOf(Props.create(LatencyPinger.class, () -> new LatencyPinger(echo, n, done)));
    pinger.tell("start", ActorRef.noSender());
    long[] lat = get(done);
    system.stop(pinger);
    if (r != null) {
      long total = Arrays.stream(lat).sum();
      Arrays.sort(lat);
      r.add("p50us", percentile(lat, 0.50) / 1e3);
      r.add("p99us", percentile(lat, 0.99) / 1e3);
      r.add("p999us", percentile(lat, 0.999) / 1e3);
      r.add("maxus", lat[lat.length - 1] / 1e3);
      r.add("rate", perSecond(n, total));
    }
  }

  // ---- W6: node-down detection
  // ---------------------------------------------------------------------

  /** Watches the actor it is given; notes when Terminated arrives. */
  static final class Watcher extends AbstractActor {
    private final CompletableFuture<Long> firedAt;
    private final CompletableFuture<Terminated> notice;

    Watcher(CompletableFuture<Long> firedAt, CompletableFuture<Terminated> notice) {
      this.firedAt = firedAt;
      this.notice = notice;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(ActorRef.class, ref -> getContext().watch(ref))
          .match(
              Terminated.class,
              t -> {
                firedAt.complete(System.nanoTime());
                notice.complete(t);
              })
          .build();
    }
  }

  static void w6(int runs) throws Exception {
    info(
        "w6.default",
        "pekko.remote.watch-failure-detector as in reference.conf (heartbeat 1 s,"
            + " acceptable pause 10 s, reaper 1 s)");
    info(
        "w6.tuned",
        TUNED_WATCH.replace('\n', ' ').replaceAll(" +", " ").strip() + " on both systems");
    Bench.Runs r = new Bench.Runs("w6");
    for (String watch : new String[] {DEFAULT, TUNED}) {
      ActorSystem system = ActorSystem.create("a", remoteConfig(watch));
      try {
        for (int i = 0; i < runs; i++) {
          for (String signal : new String[] {"KILL", "STOP"}) {
            double s = w6Once(system, watch, signal);
            r.add((signal.equals("KILL") ? "kill" : "hang") + "." + watch + "Seconds", s);
          }
        }
      } finally {
        shutdown(system);
      }
    }
    r.print();
  }

  private static double w6Once(ActorSystem system, String watch, String signal) throws Exception {
    try (Peer peer = startB(watch)) {
      ActorRef waiter = resolve(system, peer, "waiter");
      CompletableFuture<Long> firedAt = new CompletableFuture<>();
      CompletableFuture<Terminated> notice = new CompletableFuture<>();
      ActorRef watcher =
          system.actorOf(Props.create(Watcher.class, () -> new Watcher(firedAt, notice)));
      watcher.tell(waiter, ActorRef.noSender());
      // Heartbeats flowing: three intervals, as on distproc's side.
      Thread.sleep(TUNED.equals(watch) ? 600 : 3000);
      long t0 = System.nanoTime();
      peer.signal(signal);
      long t1 = get(firedAt);
      log("W6 " + signal + ": " + notice.join());
      system.stop(watcher);
      return (t1 - t0) / 1e9;
    }
  }
}
