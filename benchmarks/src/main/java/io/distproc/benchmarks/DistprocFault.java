package io.distproc.benchmarks;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.benchmarks.Bench.Runs;
import static io.distproc.benchmarks.Bench.await;
import static io.distproc.benchmarks.Bench.heapAfterFullGc;
import static io.distproc.benchmarks.Bench.info;
import static io.distproc.benchmarks.Bench.perSecond;
import static io.distproc.benchmarks.Bench.result;
import static io.distproc.benchmarks.Bench.scaled;
import static io.distproc.benchmarks.DistprocWorkloads.PATIENCE;
import static io.distproc.benchmarks.DistprocWorkloads.awaitLive;
import static io.distproc.benchmarks.DistprocWorkloads.localNode;

import io.distproc.Node;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.otp.ChildSpec;
import io.distproc.otp.Strategy;
import io.distproc.otp.Supervisor;
import io.distproc.otp.SupervisorRef;
import io.distproc.otp.SupervisorSpec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * W10 on distproc, the fault layer: the restarts of a one-for-one supervisor whose child is made to
 * crash, and the heap a link costs.
 */
final class DistprocFault {
  private DistprocFault() {}

  /** W10: what a supervised child sends the driver each time it starts. */
  record Started(Pid child) {}

  /** W10: what the driver sends the child to make it crash. */
  enum Crash {
    CRASH
  }

  // ---- W10: the fault layer: a supervisor's restarts, and the heap a link costs -----------------

  /**
   * The supervisor's logger. Each child's abnormal end is a WARNING line; W10 measures restarts,
   * not a log's writing (the other sides' supervisors are kept quiet too). A strong reference: the
   * logging framework holds its loggers weakly.
   */
  private static final Logger SUPERVISOR_LOG = Logger.getLogger(Supervisor.class.getName());

  static void w10(double scale, int runs) throws Exception {
    int n = scaled(Bench.W10_RESTARTS, scale);
    int pairs = scaled(Bench.W10_PAIRS, scale);
    result("w10.restarts", n);
    result("w10.pairs", pairs);
    info(
        "w10.restart.how",
        "io.distproc.otp supervisor, ONE_FOR_ONE, intensity restarts+1 in 1 h,"
            + " one permanent worker; the driver sends the child CRASH (it throws) and waits for the"
            + " new child's Started(pid); the supervisor's WARNING line per child end off");
    info(
        "w10.link.how",
        "pairs of waiting processes; the second of each takes a message that"
            + " does nothing, another, then one that makes it call ctx.link(first), a full GC after"
            + " each; heap after the link less heap after the second, per pair");
    SUPERVISOR_LOG.setLevel(Level.SEVERE);
    try (Node<Object> node = localNode()) {
      Runs r = new Runs("w10");
      w10Restarts(node, Bench.warmup(Bench.W10_RESTARTS));
      for (int i = 0; i < runs; i++) {
        double[] rates = w10Restarts(node, n);
        r.add("restartRate", rates[0]);
        r.add("firstRestartRate", rates[1]);
      }
      // Its own warm-up, right before its runs: a waiting process's stack on the heap is larger
      // while the code it waits in is not yet compiled, or was just deoptimized.
      w10LinkBytes(node, Bench.warmup(Bench.W10_PAIRS));
      for (int i = 0; i < runs; i++) {
        r.add("bytesPerLink", w10LinkBytes(node, pairs));
      }
      r.print();
    }
  }

  /**
   * One supervisor with one permanent child; the driver crashes the child n times, each time
   * waiting for the new child to say it has started. Restarts per second, over all n and over the
   * first {@link Bench#W10_FIRST_RESTARTS}.
   */
  private static double[] w10Restarts(Node<Object> node, int n) throws Exception {
    long live = node.metrics().liveProcesses();
    int first = Math.min(n, Bench.W10_FIRST_RESTARTS);
    CompletableFuture<long[]> done = new CompletableFuture<>();
    Pid driver =
        node.spawn(
            ctx -> {
              Pid child = ctx.receive(on(Started.class, Started::child)); // the first child
              long t0 = System.nanoTime();
              long tFirst = 0;
              for (int i = 1; i <= n; i++) {
                ctx.send(child, Crash.CRASH);
                child = ctx.receive(on(Started.class, Started::child));
                if (i == first) {
                  tFirst = System.nanoTime();
                }
              }
              done.complete(new long[] {System.nanoTime() - t0, tFirst - t0});
            });
    Process<Object> worker =
        ctx -> {
          ctx.send(driver, new Started(ctx.self()));
          ctx.receive(
              on(
                  Crash.class,
                  c -> {
                    throw new IllegalStateException("W10: crashing as asked");
                  }));
        };
    SupervisorRef<Object> sup =
        Supervisor.start(
            node,
            SupervisorSpec.<Object>builder()
                .strategy(Strategy.ONE_FOR_ONE)
                .intensity(n + 1, Duration.ofHours(1))
                .child(ChildSpec.worker("w10", worker).build())
                .build());
    try {
      long[] nanos = done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      return new double[] {perSecond(n, nanos[0]), perSecond(first, nanos[1])};
    } finally {
      sup.stop(PATIENCE);
      awaitLive(node, live);
    }
  }

  /**
   * The heap a link costs: spawns {@code pairs} pairs of waiting processes; each pair's second
   * process then takes a message that does nothing ({@code "nop"}), another, and one that makes it
   * link to the first ({@code "link"}), with a full GC after each step. The heap after the link
   * less the heap after the second nop is the links': the same processes, waiting at the same
   * place. Bytes per link (per pair). A virtual thread's stack on the heap changes size the first
   * time it wakes up, and the first time it parks after a GC, hence the two nops and the GC after
   * each step: without them that change would count as the link's.
   */
  private static double w10LinkBytes(Node<Object> node, int pairs) throws Exception {
    long live = node.metrics().liveProcesses();
    CountDownLatch ready = new CountDownLatch(2 * pairs);
    CountDownLatch[] step = {new CountDownLatch(pairs)};
    CountDownLatch ended = new CountDownLatch(2 * pairs);
    Pid[] pids = new Pid[2 * pairs];
    CompletableFuture<Void> spawned = new CompletableFuture<>();
    node.spawn(
        ctx -> {
          for (int i = 0; i < pairs; i++) {
            Pid first =
                ctx.spawn(
                    c -> {
                      ready.countDown();
                      c.receive(any(m -> m));
                      ended.countDown();
                    });
            pids[2 * i] = first;
            pids[2 * i + 1] =
                ctx.spawn(
                    c -> {
                      ready.countDown();
                      c.receiveLoop(
                          on(
                              String.class,
                              m -> {
                                if (m.equals("go")) {
                                  return false;
                                }
                                if (m.equals("link")) {
                                  c.link(first);
                                }
                                step[0].countDown();
                                return true;
                              }));
                      ended.countDown();
                    });
          }
          spawned.complete(null);
        });
    spawned.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    await(ready, "W10 pairs to start");
    String[] steps = {"nop", "nop", "link"};
    long[] heap = new long[steps.length];
    for (int k = 0; k < steps.length; k++) {
      CountDownLatch done = new CountDownLatch(pairs);
      step[0] = done;
      for (int i = 1; i < pids.length; i += 2) {
        node.send(pids[i], steps[k]);
      }
      await(done, "W10 pairs to take " + steps[k]);
      heap[k] = heapAfterFullGc();
    }
    for (Pid pid : pids) {
      node.send(pid, "go");
    }
    await(ended, "W10 pairs to end");
    awaitLive(node, live);
    return (double) (heap[2] - heap[1]) / pairs;
  }
}
