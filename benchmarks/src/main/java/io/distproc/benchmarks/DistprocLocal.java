package io.distproc.benchmarks;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.benchmarks.Bench.Runs;
import static io.distproc.benchmarks.Bench.await;
import static io.distproc.benchmarks.Bench.heapAfterFullGc;
import static io.distproc.benchmarks.Bench.perSecond;
import static io.distproc.benchmarks.Bench.result;
import static io.distproc.benchmarks.Bench.scaled;
import static io.distproc.benchmarks.DistprocWorkloads.PATIENCE;
import static io.distproc.benchmarks.DistprocWorkloads.awaitLive;
import static io.distproc.benchmarks.DistprocWorkloads.localNode;

import io.distproc.Node;
import io.distproc.Pid;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The local workloads on distproc, each on one node with no distribution: W1 (spawn waiting
 * processes, one message each, all end), W2 (ping-pong, with the platform's reference) and W3
 * (fan-in). W8 runs W2 and W3 again, and W1's waiters, in {@link DistprocScaling}.
 */
final class DistprocLocal {
  private DistprocLocal() {}

  /** W2: the reply. */
  enum Pong {
    PONG
  }

  // ---- W1: spawn waiting processes, one message each, all end ---------------------------------

  static void w1(double scale, int runs) throws Exception {
    int n = scaled(Bench.W1_PROCESSES, scale);
    result("w1.processes", n);
    try (Node<Object> node = localNode()) {
      w1Once(node, Bench.warmup(Bench.W1_PROCESSES), null);
      w1Floor(Bench.warmup(Bench.W1_PROCESSES), null);
      Runs r = new Runs("w1");
      for (int i = 0; i < runs; i++) {
        Measured run = w1Once(node, n, r);
        Measured floor = w1Floor(n, r);
        if (run != null && floor != null) {
          r.add("ofFloor", run.rate() / floor.rate());
          r.add("heapOfFloor", run.bytesEach() / floor.bytesEach());
        }
      }
      r.print();
    }
  }

  /**
   * The platform's reference for W1, measured in the same JVM right after each run, the same way:
   * {@code n} bare virtual threads started by one parent thread, each counting down a latch and
   * parking until it is released, then ending; their {@code Thread}s kept in an array, as W1 keeps
   * the pids. No runtime can start, park and end a thread of its own for less, which is what W1's
   * rate and heap are read against. Returns the rate and the bytes per thread, or null for a
   * warm-up.
   */
  private static @Nullable Measured w1Floor(int n, @Nullable Runs r) throws Exception {
    Measured m = startAndRelease(n, r, () -> bareThreads(n));
    if (r != null && m != null) {
      r.add("floor.rate", m.rate());
      r.add("floor.bytesPerThread", m.bytesEach());
    }
    return m;
  }

  /** One W1 run; its rate and bytes per process, or null for a warm-up ({@code r} null). */
  private static @Nullable Measured w1Once(Node<Object> node, int n, @Nullable Runs r)
      throws Exception {
    Measured m =
        startAndRelease(
            n,
            r,
            () -> {
              Waiters waiters = Waiters.spawn(node, n);
              return waiters::release;
            });
    if (r != null && m != null) {
      r.add("rate", m.rate());
      r.add("spawnRate", m.startRate());
      r.add("bytesPerProcess", m.bytesEach());
    }
    return m;
  }

  /**
   * One W1 run's figures: the rate (start until all started, plus release until all ended), the
   * bytes per waiter, and the start rate alone.
   */
  private record Measured(double rate, double bytesEach, double startRate) {}

  /** Releases started waiters and returns once all have ended. */
  private interface Release {
    void release() throws Exception;
  }

  /**
   * Times and weighs one W1 run of {@code n} waiters: {@code start} returns once all have started.
   * The bytes per waiter are the heap after a full GC with all alive, less the same with none alive
   * (the smaller of before and after the run). Null for a warm-up ({@code r} null), which measures
   * no heap.
   */
  private static @Nullable Measured startAndRelease(
      int n, @Nullable Runs r, Callable<Release> start) throws Exception {
    long base = r == null ? 0 : heapAfterFullGc();
    long t0 = System.nanoTime();
    Release started = start.call();
    long t1 = System.nanoTime();
    long alive = r == null ? 0 : heapAfterFullGc();
    long t2 = System.nanoTime();
    started.release();
    long t3 = System.nanoTime();
    if (r == null) {
      return null;
    }
    // The heap with none of them alive: before the run, and after it (the smaller counts).
    Thread.sleep(200);
    long after = heapAfterFullGc();
    return new Measured(
        perSecond(n, (t1 - t0) + (t3 - t2)),
        (double) (alive - Math.min(base, after)) / n,
        perSecond(n, t1 - t0));
  }

  /** Starts W1's reference: {@code n} bare virtual threads, returning once all have started. */
  private static Release bareThreads(int n) throws Exception {
    AtomicBoolean go = new AtomicBoolean();
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch ended = new CountDownLatch(n);
    @Nullable Thread[] threads = new Thread[n];
    Runnable waiter =
        () -> {
          ready.countDown();
          while (!go.get()) {
            LockSupport.park();
          }
          ended.countDown();
        };
    Thread parent =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; i < n; i++) {
                    threads[i] = Thread.ofVirtual().start(waiter);
                  }
                });
    parent.join();
    await(ready, "bare virtual threads to start");
    return () -> {
      go.set(true);
      for (int i = 0; i < n; i++) {
        LockSupport.unpark(threads[i]);
        threads[i] = null;
      }
      await(ended, "bare virtual threads to end");
    };
  }

  /**
   * Processes that each wait in a receive for one message, then end: W1's, and W8's idle
   * population. One parent process spawns them all, as W1 defines it; their pids are kept in an
   * array, which W1's heap per process includes, each dropped once its process is sent its message.
   */
  static final class Waiters implements Scaling.Population {
    private final Node<Object> node;
    private final long before;
    private final @Nullable Pid[] pids;
    private final CountDownLatch ended;

    private Waiters(Node<Object> node, long before, Pid[] pids, CountDownLatch ended) {
      this.node = node;
      this.before = before;
      this.pids = pids;
      this.ended = ended;
    }

    /** Spawns {@code n} waiters and returns once every one of them has started. */
    static Waiters spawn(Node<Object> node, int n) throws Exception {
      long before = node.metrics().liveProcesses();
      CountDownLatch ready = new CountDownLatch(n);
      CountDownLatch ended = new CountDownLatch(n);
      Pid[] pids = new Pid[n];
      CompletableFuture<Void> spawned = new CompletableFuture<>();
      node.spawn(
          ctx -> {
            for (int i = 0; i < n; i++) {
              pids[i] =
                  ctx.spawn(
                      c -> {
                        ready.countDown();
                        c.receive(any(m -> m));
                        ended.countDown();
                      });
            }
            spawned.complete(null);
          });
      spawned.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      await(ready, "waiting processes to start");
      return new Waiters(node, before, pids, ended);
    }

    /**
     * How many processes the node has more than before they were spawned, once their parent has
     * ended: theirs, if nothing else started or ended meanwhile.
     */
    @Override
    public long count() throws InterruptedException {
      awaitLive(node, before + pids.length);
      return node.metrics().liveProcesses() - before;
    }

    @Override
    public long waiting() {
      return ended.getCount();
    }

    /** Sends each its message, dropping its pid, and returns once all have ended. */
    @Override
    public void release() throws InterruptedException {
      for (int i = 0; i < pids.length; i++) {
        Pid pid = pids[i];
        if (pid == null) {
          throw new IllegalStateException("the waiting processes were released already");
        }
        node.send(pid, "go");
        pids[i] = null;
      }
      await(ended, "waiting processes to end");
    }
  }

  // ---- W2: local ping-pong ---------------------------------------------------------------------

  static void w2(double scale, int runs) throws Exception {
    int n = scaled(Bench.W2_ROUND_TRIPS, scale);
    result("w2.roundTrips", n);
    try (Node<Object> node = localNode()) {
      w2Once(node, Bench.warmup(Bench.W2_ROUND_TRIPS));
      w2Floor(Bench.warmup(Bench.W2_ROUND_TRIPS));
      Runs r = new Runs("w2");
      for (int i = 0; i < runs; i++) {
        double rate = w2Once(node, n);
        double floor = w2Floor(n);
        r.add("rate", rate);
        r.add("floor.rate", floor);
        r.add("ofFloor", rate / floor);
      }
      r.print();
    }
  }

  static double w2Once(Node<Object> node, int n) throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    Pid ponger =
        node.spawn(
            ctx ->
                ctx.receiveLoop(
                    on(
                        Pid.class,
                        from -> {
                          ctx.send(from, Pong.PONG);
                          return true;
                        }),
                    on(String.class, s -> false)));
    node.spawn(
        ctx -> {
          Pid self = ctx.self();
          long t0 = System.nanoTime();
          for (int i = 0; i < n; i++) {
            ctx.send(ponger, self);
            ctx.receive(on(Pong.class, p -> p));
          }
          long t = System.nanoTime() - t0;
          ctx.send(ponger, "stop");
          done.complete(t);
        });
    return perSecond(n, done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
  }

  /**
   * The platform's reference for W2, measured in the same JVM right after each run: two bare
   * virtual threads passing a token through one atomic slot each, spinning as long as a mailbox may
   * before they park. No runtime could do a round trip faster on these carriers; how fast this goes
   * depends on where the machine placed the two cores (from 2M to 15M round trips/s on the same
   * kind of machine), which is why W2 is read as a share of it.
   */
  private static double w2Floor(int n) throws Exception {
    Slot toPonger = new Slot();
    Slot toPinger = new Slot();
    CompletableFuture<Long> done = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              for (int i = 0; i < n; i++) {
                toPinger.put(toPonger.take());
              }
            });
    Thread.ofVirtual()
        .start(
            () -> {
              long t0 = System.nanoTime();
              for (int i = 0; i < n; i++) {
                toPonger.put(Pong.PONG);
                toPinger.take();
              }
              done.complete(System.nanoTime() - t0);
            });
    return perSecond(n, done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
  }

  // ---- W3: fan-in
  // --------------------------------------------------------------------------------

  static void w3(double scale, int runs) throws Exception {
    int perSender = scaled(Bench.W3_PER_SENDER, scale);
    result("w3.senders", Bench.W3_SENDERS);
    result("w3.perSender", perSender);
    try (Node<Object> node = localNode()) {
      w3Once(node, Bench.warmup(Bench.W3_PER_SENDER));
      Runs r = new Runs("w3");
      for (int i = 0; i < runs; i++) {
        r.add("rate", w3Once(node, perSender));
      }
      r.print();
    }
  }

  static double w3Once(Node<Object> node, int perSender) throws Exception {
    int total = Bench.W3_SENDERS * perSender;
    CompletableFuture<Long> done = new CompletableFuture<>();
    Pid receiver =
        node.spawn(
            ctx -> {
              for (int i = 0; i < total; i++) {
                ctx.receive(any(m -> m));
              }
              done.complete(System.nanoTime());
            });
    Integer one = 1;
    long t0 = System.nanoTime();
    for (int s = 0; s < Bench.W3_SENDERS; s++) {
      node.spawn(
          ctx -> {
            for (int i = 0; i < perSender; i++) {
              ctx.send(receiver, one);
            }
          });
    }
    long end = done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    return perSecond(total, end - t0);
  }
}
