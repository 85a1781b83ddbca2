package io.distproc.runtime;

import static io.distproc.Matcher.on;
import static io.distproc.runtime.TestSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link Mailbox#depth()} read by another thread while the owner stashes a backlog. */
class MailboxDepthTest {

  @Test
  void depth_whileTheOwnerStashesABacklog_countsEachWaitingEntryOnceAndAtMostOneTwice()
      throws Exception {
    int n = 50_000; // fewer than Mailbox.SETTLE_TRIES: every read settles, whatever the timing
    assertThat(n).isLessThan(Mailbox.SETTLE_TRIES);
    for (int round = 0; round < 20; round++) {
      Mailbox mailbox = new Mailbox();
      for (int i = 0; i < n; i++) {
        mailbox.offer("unmatched " + i);
      }
      CompletableFuture<Object> owner = new CompletableFuture<>();
      Thread consumer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      owner.complete(
                          MailboxCalls.select(mailbox, null, on(Integer.class, i -> i), false, 0));
                    } catch (Throwable t) {
                      owner.completeExceptionally(t);
                    }
                  });
      // Nothing arrives while the owner moves the backlog to its stash: the depth stays n, but
      // for the one entry being stashed at the instant of a read. The owner parks (WAITING) once
      // it has stashed them all and found nothing more.
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (consumer.getState() != Thread.State.WAITING) {
        assertThat(mailbox.depth()).as("round %d", round).isBetween(n, n + 1);
        assertThat(System.nanoTime()).as("the owner stashed the backlog").isLessThan(deadline);
      }
      assertThat(mailbox.depth()).isEqualTo(n);
      mailbox.offer(7);
      assertThat(owner.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
          .isEqualTo(7);
      consumer.join();
      assertThat(mailbox.depth()).isEqualTo(n);
    }
  }
}
