package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;
import static io.distproc.runtime.TestSupport.WAIT;
import static io.distproc.runtime.TestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.distproc.Down;
import io.distproc.Matcher;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.ProcessInterruptedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The mailbox on its own, with the test thread as its single consumer: the stash and inbox order,
 * what a throwing predicate leaves behind, discarded notices, and waking a parked consumer.
 */
class MailboxTest {
  private static final Pid WATCHER = Pid.of(NodeId.of("mailbox", 1), 1);

  private final Mailbox mailbox = new Mailbox();

  private Object select(Stash.Segment after, Object matchers, boolean timed, long deadline) {
    return MailboxCalls.select(mailbox, after, matchers, timed, deadline);
  }

  private void offerHeldDown(Down d) {
    MailboxCalls.offerHeldDown(mailbox, d);
  }

  private Object selectNow(Matcher<?, ?>... matchers) {
    return select(null, matchers, true, System.nanoTime());
  }

  private List<Object> drain() {
    List<Object> all = new ArrayList<>();
    for (Object o; (o = selectNow(any(x -> x))) != Mailbox.TIMEOUT; ) {
      all.add(o);
    }
    return all;
  }

  private static Down down(long id) {
    Pid target = Pid.of(WATCHER.node(), 100 + id);
    return new Down(MonitorRef.of(WATCHER, target, id), new MonitorReason.Normal(target));
  }

  @Test
  void select_emptyAndDeadlinePassed_returnsTimeout() {
    assertThat(selectNow(any(x -> x))).isSameAs(Mailbox.TIMEOUT);
    assertThat(mailbox.stashSize()).isZero();
  }

  @Test
  void select_unmatchedEntries_areStashedInArrivalOrderAheadOfNewerOnes() {
    mailbox.offer("a");
    mailbox.offer(1);
    mailbox.offer("b");

    assertThat(selectNow(on(Integer.class, i -> i))).isEqualTo(1);
    assertThat(mailbox.stashSize()).isEqualTo(1); // "a" examined and kept; "b" not yet examined
    mailbox.offer("c");
    assertThat(drain()).containsExactly("a", "b", "c");
    assertThat(mailbox.stashSize()).isZero();
  }

  @Test
  void select_predicateThrowsOnInboxEntry_entryIsStashedInOrderAndExceptionPropagates() {
    mailbox.offer("ok");
    mailbox.offer("bad");
    mailbox.offer("later");
    Matcher<Object, Object> fussy =
        on(
            x -> {
              if ("bad".equals(x)) {
                throw new IllegalArgumentException("no");
              }
              return false;
            },
            x -> x);

    assertThatThrownBy(() -> selectNow(fussy)).hasMessage("no");
    assertThat(mailbox.stashSize()).isEqualTo(2);
    assertThat(drain()).containsExactly("ok", "bad", "later");
  }

  @Test
  void select_downNoLongerLive_isDiscardedWhereverItIs() {
    Down cancelledInStash = down(1);
    Down cancelledInInbox = down(2);
    Down live = down(3);
    mailbox.hold(cancelledInStash.ref());
    mailbox.hold(cancelledInInbox.ref());
    mailbox.hold(live.ref());
    mailbox.offerDown(cancelledInStash);
    mailbox.offer("x");
    assertThat(selectNow(on(Integer.class, i -> i))).isSameAs(Mailbox.TIMEOUT); // stashes both
    mailbox.offerDown(cancelledInInbox);
    mailbox.offerDown(live);
    mailbox.release(cancelledInStash.ref()); // unmonitored after their notices were queued
    mailbox.release(cancelledInInbox.ref());

    Object got = select(null, new Matcher<?, ?>[] {onDown(d -> d)}, true, 0);

    assertThat(got).isEqualTo(live);
    assertThat(mailbox.release(live.ref())).as("the taken notice's monitor is spent").isFalse();
    assertThat(drain()).containsExactly("x");
  }

  @Test
  void select_downTaken_callsTakenBeforeTheHandler() {
    Down d = down(1);
    offerHeldDown(d);
    List<String> events = new ArrayList<>();

    Object r =
        select(
            null,
            new Matcher<?, ?>[] {
              onDown(x -> events.add(mailbox.release(d.ref()) ? "held" : "spent"))
            },
            false,
            0);

    assertThat(r).isEqualTo(true);
    assertThat(events).containsExactly("spent");
  }

  @Test
  void select_parkedConsumer_wakesWhenAnotherThreadOffers() throws Exception {
    CompletableFuture<Object> got = new CompletableFuture<>();
    Thread consumer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    got.complete(
                        select(null, new Matcher<?, ?>[] {on(String.class, s -> s)}, false, 0));
                  } catch (Throwable t) {
                    got.completeExceptionally(t);
                  }
                });
    await().atMost(WAIT).until(() -> consumer.getState() == Thread.State.WAITING);

    mailbox.offer(7); // wakes it, does not match: it parks again
    mailbox.offer("wake");

    assertThat(get(got)).isEqualTo("wake");
  }

  @Test
  void select_consumerInterruptedWhileParked_throwsProcessInterrupted() throws Exception {
    CompletableFuture<Object> got = new CompletableFuture<>();
    Thread consumer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    got.complete(selectForever());
                  } catch (Throwable t) {
                    got.complete(t);
                  }
                });
    await().atMost(WAIT).until(() -> consumer.getState() == Thread.State.WAITING);

    consumer.interrupt();

    assertThat(get(got)).isInstanceOf(ProcessInterruptedException.class);
  }

  /** Decodes UTF-8; "bad" stands for bytes the codec rejects, and is recorded. */
  private final List<String> rejected = new ArrayList<>();

  private final java.util.function.Function<byte[], Object> decoder =
      bytes -> {
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        if (text.equals("bad")) {
          rejected.add(text);
          return null;
        }
        return text;
      };

  private static byte[] utf8(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void select_encodedArrivals_areDecodedBeforeMatchingAndKeepTheirPlace() {
    mailbox.offerEncoded(utf8("first"), decoder);
    mailbox.offer(2);
    mailbox.offerEncoded(utf8("third"), decoder);

    assertThat(selectNow(on(Integer.class, i -> i))).isEqualTo(2);
    assertThat(drain()).containsExactly("first", "third");
  }

  @Test
  void select_encodedArrivalTheCodecRejects_isDroppedAndTheNextOneTaken() {
    mailbox.offerEncoded(utf8("bad"), decoder);
    mailbox.offerEncoded(utf8("good"), decoder);

    assertThat(selectNow(any(x -> x))).isEqualTo("good");
    assertThat(rejected).containsExactly("bad");
    assertThat(mailbox.depth()).isZero();
  }

  @Test
  void mark_encodedArrivals_areDecodedIntoTheStashAndRejectsDropped() {
    mailbox.offerEncoded(utf8("old"), decoder);
    mailbox.offerEncoded(utf8("bad"), decoder);
    Stash.Segment mark = mailbox.markEnd();
    mailbox.offerEncoded(utf8("new"), decoder);

    assertThat(select(mark, any(x -> x), true, System.nanoTime())).isEqualTo("new");
    assertThat(rejected).containsExactly("bad");
    assertThat(drain()).containsExactly("old");
  }

  private Object selectForever() {
    return select(null, new Matcher<?, ?>[] {any(x -> x)}, false, 0);
  }
}
