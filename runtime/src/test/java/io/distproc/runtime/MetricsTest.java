package io.distproc.runtime;

import static io.distproc.Matcher.on;
import static io.distproc.runtime.TestSupport.WAIT;
import static io.distproc.runtime.TestSupport.localNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Node;
import io.distproc.NodeMetrics;
import io.distproc.Pid;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void mailboxDepth_unmatchedMessagesWaiting_countsThemUntilTaken() throws Exception {
    try (Node<Object> node = localNode("metrics")) {
      NodeMetrics m = node.metrics();
      Pid picky = node.spawn(ctx -> ctx.receive(on(String.class, s -> s.equals("mine"), s -> s)));
      Pid idle = node.spawn(ctx -> ctx.receive(on(Integer.class, i -> i)));

      for (int i = 0; i < 5; i++) {
        node.send(picky, "not mine " + i);
      }
      node.send(idle, "ignored");

      // Both processes examine and stash on their own threads; await them settled.
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(1))
          .until(
              () ->
                  m.mailboxDepth(picky).equals(OptionalLong.of(5))
                      && m.mailboxDepth(idle).equals(OptionalLong.of(1)));
      assertThat(m.maxMailboxDepth()).isEqualTo(5);
      node.send(picky, "mine");
      await().atMost(WAIT).until(() -> m.mailboxDepth(picky).isEmpty()); // it ended
      assertThat(m.maxMailboxDepth()).isEqualTo(1);
    }
  }

  @Test
  void mailboxDepth_whileTheOwnerStashes_neverMissesAWaitingMessage() throws Exception {
    try (Node<Object> node = localNode("metrics")) {
      NodeMetrics m = node.metrics();
      Pid picky = node.spawn(ctx -> ctx.receive(on(Integer.class, i -> i)));
      int n = 20_000;
      for (int i = 0; i < n; i++) {
        node.send(picky, "unmatched " + i); // stashed by picky while this thread reads the depth
        long depth = m.mailboxDepth(picky).orElseThrow();
        // Every message sent so far waits somewhere; one being stashed may count once more.
        assertThat(depth).as("depth after %d sends", i + 1).isBetween(i + 1L, i + 2L);
      }
      node.send(picky, 1);
      node.termination(picky).get();
    }
  }

  @Test
  void messagesDropped_sendsToDeadProcesses_areCounted() throws Exception {
    try (Node<Object> node = localNode("metrics")) {
      Pid gone = node.spawn(ctx -> {});
      node.termination(gone).get();

      node.send(gone, "lost 1");
      node.send(gone, "lost 2");

      assertThat(node.metrics().messagesDropped()).isEqualTo(2);
      assertThat(node.metrics().deadLetters()).isEqualTo(2);
      assertThat(node.metrics().messagesReceived()).isZero(); // nothing came from another node
      assertThat(node.metrics().linksUp()).isZero();
      assertThat(node.metrics().heartbeatRoundTrip(node.id())).isEmpty();
    }
  }
}
