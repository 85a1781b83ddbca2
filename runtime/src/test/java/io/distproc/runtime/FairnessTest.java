package io.distproc.runtime;

import static io.distproc.Matcher.on;
import static io.distproc.runtime.TestSupport.WAIT;
import static io.distproc.runtime.TestSupport.localNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Node;
import io.distproc.Pid;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Virtual threads are not preempted: the runtime makes a process that never waits take turns. */
class FairnessTest {

  @Test
  void processesThatNeverWait_leaveTheirCarriersToOthers() throws Exception {
    int carriers =
        Integer.getInteger(
            "jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong spins = new AtomicLong();
    try (Node<Object> node = localNode("fair")) {
      try {
        // Twice as many busy processes as carrier threads. Each one's mailbox always holds its
        // own message, so its receives never wait, and it never blocks on anything else.
        for (int i = 0; i < 2 * carriers; i++) {
          node.spawn(ctx -> {
            while (!stop.get()) {
              ctx.send(ctx.self(), "again");
              ctx.receive(on(String.class, s -> s));
              spins.incrementAndGet();
            }
          });
        }
        await().atMost(WAIT).until(() -> spins.get() > 100_000); // they are all running

        Pid echo = node.spawn(ctx -> {
          Pid from = ctx.receive(on(Pid.class, p -> p));
          ctx.send(from, "pong");
        });
        CompletableFuture<String> reply = new CompletableFuture<>();
        node.spawn(ctx -> {
          ctx.send(echo, ctx.self());
          reply.complete(ctx.receive(on(String.class, s -> s)));
        });

        assertThat(reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("pong");
      } finally {
        stop.set(true);
      }
    }
  }
}
