package io.distproc.benchmarks;

import static io.distproc.Matcher.on;
import static io.distproc.benchmarks.Bench.Runs;
import static io.distproc.benchmarks.Bench.perSecond;
import static io.distproc.benchmarks.Bench.result;
import static io.distproc.benchmarks.Bench.scaled;
import static io.distproc.benchmarks.DistprocWorkloads.PATIENCE;
import static io.distproc.benchmarks.DistprocWorkloads.localNode;

import io.distproc.Node;
import io.distproc.Pid;
import io.distproc.ReceiveMark;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * W7 on distproc: a request/reply loop whose client has 10^4 messages nobody asks for queued in its
 * mailbox, with a plain selective receive and with one after {@code mark()}, each against the same
 * loop with an empty mailbox.
 */
final class DistprocDeepMailbox {
  private DistprocDeepMailbox() {}

  /** W7: a request to the server. */
  record Request(Pid from, long ref) {}

  /** W7: the server's reply, matched by its ref. */
  record Reply(long ref) {}

  /** W7: a message nobody asks for, queued in the client's mailbox. */
  record Noise(int n) {}

  // ---- W7: selective receive on a deep mailbox
  // ---------------------------------------------------

  static void w7(double scale, int runs) throws Exception {
    int n = scaled(Bench.W7_ROUND_TRIPS, scale);
    int depth = Bench.W7_DEPTH;
    result("w7.roundTrips", n);
    result("w7.depth", depth);
    try (Node<Object> node = localNode()) {
      for (boolean mark : new boolean[] {false, true}) {
        w7Once(node, 0, Bench.warmup(Bench.W7_ROUND_TRIPS), mark);
        w7Once(node, depth, Bench.warmup(Bench.W7_ROUND_TRIPS), mark);
      }
      Runs r = new Runs("w7");
      for (int i = 0; i < runs; i++) {
        for (boolean mark : new boolean[] {false, true}) {
          String v = mark ? "mark" : "plain";
          double empty = w7Once(node, 0, n, mark);
          double deep = w7Once(node, depth, n, mark);
          r.add(v + ".emptyRate", empty);
          r.add(v + ".rate", deep);
          r.add(v + ".slowdown", empty / deep);
        }
      }
      r.print();
    }
  }

  private static double w7Once(Node<Object> node, int depth, int n, boolean useMark)
      throws Exception {
    Pid server =
        node.spawn(
            ctx ->
                ctx.receiveLoop(
                    on(
                        Request.class,
                        q -> {
                          ctx.send(q.from(), new Reply(q.ref()));
                          return true;
                        }),
                    on(String.class, s -> false)));
    CompletableFuture<long[]> done = new CompletableFuture<>();
    Pid client =
        node.spawn(
            ctx -> {
              ctx.receive(
                  on(String.class, "start"::equals, s -> s)); // the noise before it stays queued
              Pid self = ctx.self();
              long t0 = System.nanoTime();
              for (long i = 1; i <= n; i++) {
                long ref = i;
                if (useMark) {
                  ReceiveMark mark = ctx.mark();
                  ctx.send(server, new Request(self, ref));
                  ctx.receive(mark, on(Reply.class, x -> x.ref() == ref, x -> x));
                } else {
                  ctx.send(server, new Request(self, ref));
                  ctx.receive(on(Reply.class, x -> x.ref() == ref, x -> x));
                }
              }
              long t = System.nanoTime() - t0;
              long left = 0;
              while (ctx.receive(Duration.ZERO, on(Noise.class, x -> x)).isPresent()) {
                left++;
              }
              ctx.send(server, "stop");
              done.complete(new long[] {t, left});
            });
    for (int i = 0; i < depth; i++) {
      node.send(client, new Noise(i));
    }
    node.send(client, "start");
    long[] got = done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    if (got[1] != depth) {
      throw new IllegalStateException("W7: " + got[1] + " of " + depth + " queued messages left");
    }
    return perSecond(n, got[0]);
  }
}
