package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.runtime.TestSupport.WAIT;
import static io.distproc.runtime.TestSupport.get;
import static io.distproc.runtime.TestSupport.localNode;
import static io.distproc.runtime.TestSupport.spawnForResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Matcher;
import io.distproc.Node;
import io.distproc.Pid;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Erlang's fairness, as far as virtual threads allow: a process that sends and receives without
 * ever waiting gives up its carrier (parks for a moment) every {@link
 * ProcessImpl.REDUCTIONS_PER_YIELD} operations, so that as many such processes as the scheduler has
 * carriers cannot starve the rest of the node. A process that computes without sending or receiving
 * is not preempted: virtual threads never are.
 */
class FairnessTest {

  /** The carriers of the virtual-thread scheduler: as many busy processes occupy them all. */
  private static int carriers() {
    return Integer.getInteger(
        "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
  }

  @Test
  @DisplayName(
      "processes that send to themselves and receive without ever waiting, one per"
          + " carrier, do not starve a request and reply between two other processes")
  void busyProcessesOnEveryCarrier_otherProcessesStillRun() throws Exception {
    int busy = carriers();
    AtomicBoolean stop = new AtomicBoolean();
    List<AtomicLong> spins = new ArrayList<>();
    try (Node<Object> node = localNode("fairness")) {
      try {
        for (int i = 0; i < busy; i++) {
          AtomicLong n = new AtomicLong();
          spins.add(n);
          node.spawn(
              ctx -> {
                while (!stop.get()) { // never waits: its own message is always there
                  ctx.send(ctx.self(), "spin");
                  ctx.receive(any(m -> m));
                  n.incrementAndGet();
                }
              });
        }
        // Every carrier is taken: each busy process has gone round many times since it began.
        long started = 10L * ProcessImpl.REDUCTIONS_PER_YIELD;
        await().atMost(WAIT).until(() -> spins.stream().allMatch(n -> n.get() > started));

        // Only now start the pair: without yields they would never get a carrier.
        long[] before = spins.stream().mapToLong(AtomicLong::get).toArray();
        CompletableFuture<Pid> echo = new CompletableFuture<>();
        node.spawn(
            ctx -> {
              echo.complete(ctx.self());
              ctx.receiveLoop(
                  Matcher.on(
                      Pid.class,
                      from -> {
                        ctx.send(from, "pong");
                        return true;
                      }));
            });
        // Long enough that the pair spends its own budget a few times: while the pair holds the
        // carriers, a busy process that had just yielded runs again only when one of the pair
        // yields in turn (a short exchange could end before the scheduler gives it a carrier).
        int rounds = 3 * ProcessImpl.REDUCTIONS_PER_YIELD;
        CompletableFuture<List<Long>> replies =
            spawnForResult(
                node,
                ctx -> {
                  Pid to = get(echo);
                  int got = 0;
                  for (int i = 0; i < rounds; i++) {
                    ctx.send(to, ctx.self());
                    ctx.receive(Matcher.on(String.class, s -> s));
                    got++;
                  }
                  // Where the busy processes stand as the last reply is taken.
                  List<Long> at = new ArrayList<>(List.of((long) got));
                  spins.forEach(n -> at.add(n.get()));
                  return at;
                });

        List<Long> after = get(replies);
        assertThat(after.getFirst()).as("replies").isEqualTo(rounds);
        // The pair competed with processes that kept every carrier busy all along: each of them
        // went on spinning between the pair's start and its last reply, so none had stopped or
        // blocked to make room, and the pair ran because they yield.
        for (int i = 0; i < busy; i++) {
          assertThat(after.get(i + 1))
              .as("spins of busy process %d during the exchange", i)
              .isGreaterThan(before[i]);
        }
      } finally {
        stop.set(true);
      }
    }
  }
}
