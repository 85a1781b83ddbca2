package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mailbox's blocking path under real concurrency, which the model checking in {@link
 * MailboxLincheckTest} leaves out (its receives never wait): producers on platform threads send
 * numbered messages while the owner takes them with untimed receives that park, mixing "oldest of
 * any sender" with "oldest of one sender". Each sender may have only {@link #WINDOW} messages not
 * yet taken, so the owner keeps running dry and parking just as the next sends arrive. Each
 * sender's numbers must arrive exactly once and in order (per-sender FIFO, nothing lost, nothing
 * duplicated); a lost wake-up leaves the owner parked and every sender waiting for it, until the
 * timeout fails the test.
 */
class MailboxStressTest {
  private static final int SENDERS = 3;
  private static final int PER_SENDER = 20_000;
  private static final int WINDOW = 2;

  private record Msg(int sender, int n) {}

  private final Mailbox mailbox = new Mailbox();

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS) // a lost wake-up parks the owner for good
  void select_windowedSendersAgainstParkingSelectiveReceives_eachSendersMessagesOnceAndInOrder()
      throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    Semaphore[] window = new Semaphore[SENDERS];
    List<Thread> producers = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      int sender = s;
      window[s] = new Semaphore(WINDOW);
      producers.add(
          Thread.ofPlatform()
              .name("mailbox-stress-" + s)
              .start(
                  () -> {
                    awaitQuietly(start);
                    for (int n = 0; n < PER_SENDER; n++) {
                      window[sender].acquireUninterruptibly();
                      mailbox.offer(new Msg(sender, n));
                    }
                  }));
    }
    int[] next = new int[SENDERS]; // the number each sender's next message must carry
    start.countDown();
    for (int taken = 0; taken < SENDERS * PER_SENDER; taken++) {
      // Every third receive asks for one sender that still has messages to come or to take.
      int only = taken % 3 == 0 ? unfinished(next, taken / 3) : -1;
      Matcher<Object, Msg> matcher =
          only < 0 ? any(m -> (Msg) m) : on(Msg.class, m -> m.sender() == only, m -> m);
      Msg m = (Msg) mailbox.select(null, Cases.one(matcher), Cases.NONE, false, 0);
      assertThat(m.n()).as("sender %d's next message", m.sender()).isEqualTo(next[m.sender()]);
      next[m.sender()]++;
      window[m.sender()].release();
    }
    for (Thread t : producers) {
      t.join();
    }
    assertThat(next).containsOnly(PER_SENDER);
    assertThat(mailbox.select(null, Cases.one(any(m -> m)), Cases.NONE, true, System.nanoTime()))
        .as("nothing left over")
        .isSameAs(Mailbox.TIMEOUT);
    assertThat(mailbox.stashSize()).isZero();
  }

  /** A sender, from {@code hint} on, whose messages are not all taken; -1 if none. */
  private static int unfinished(int[] next, int hint) {
    for (int i = 0; i < SENDERS; i++) {
      int s = (hint + i) % SENDERS;
      if (next[s] < PER_SENDER) {
        return s;
      }
    }
    return -1;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
