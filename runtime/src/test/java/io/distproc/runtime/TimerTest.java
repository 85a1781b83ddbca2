package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.runtime.TestSupport.TIME_FACTOR;
import static io.distproc.runtime.TestSupport.inProcess;
import static io.distproc.runtime.TestSupport.localNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.Node;
import io.distproc.TimerRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timers (erlang:send_after): delivery after the delay, and an exact answer from cancel. */
class TimerTest {

  @Test
  void sendAfter_delay_arrivesNoEarlierThanTheDelay() throws Exception {
    try (Node<Object> node = localNode("timers")) {
      long[] waited =
          inProcess(
              node,
              ctx -> {
                long start = System.nanoTime();
                TimerRef t = ctx.sendAfter(Duration.ofMillis(30), ctx.self(), "tick");
                Object got = ctx.receive(any(x -> x));
                assertThat(got).isEqualTo("tick");
                assertThat(t.isSent()).isTrue();
                assertThat(t.cancel()).isFalse(); // already sent: too late
                return new long[] {System.nanoTime() - start};
              });
      assertThat(Duration.ofNanos(waited[0])).isGreaterThanOrEqualTo(Duration.ofMillis(30));
    }
  }

  @Test
  void cancel_beforeItFires_returnsTrueAndTheMessageNeverArrives() throws Exception {
    try (Node<Object> node = localNode("timers")) {
      List<Object> seen =
          inProcess(
              node,
              ctx -> {
                // Long enough that the cancel below, right after, always comes first.
                TimerRef cancelled =
                    ctx.sendAfter(Duration.ofMillis(200L * TIME_FACTOR), ctx.self(), "cancelled");
                assertThat(cancelled.cancel()).isTrue();
                assertThat(cancelled.cancel()).isFalse(); // idempotent: only the first stops it
                // One timer thread, fired in deadline order: a later timer is a barrier.
                ctx.sendAfter(Duration.ofMillis(400L * TIME_FACTOR), ctx.self(), "barrier");
                List<Object> got = new ArrayList<>();
                for (Object m = null; !"barrier".equals(m); ) {
                  m = ctx.receive(any(x -> x));
                  got.add(m);
                }
                assertThat(cancelled.isSent()).isFalse();
                return got;
              });
      assertThat(seen).containsExactly("barrier");
    }
  }

  @Test
  void sendAfter_zeroOrNegativeDelay_sendsAtOnce() throws Exception {
    try (Node<Object> node = localNode("timers")) {
      List<Object> got =
          inProcess(
              node,
              ctx -> {
                ctx.sendAfter(Duration.ZERO, ctx.self(), "zero");
                ctx.sendAfter(Duration.ofMillis(-5), ctx.self(), "negative");
                return List.of(ctx.receive(any(x -> x)), ctx.receive(any(x -> x)));
              });
      assertThat(got).containsExactlyInAnyOrder("zero", "negative");
    }
  }

  @Test
  void sendAfter_nodeShutDown_throwsIllegalStateAndPendingTimersAreDropped() throws Exception {
    Node<Object> node = localNode("timers");
    TimerRef pending =
        inProcess(node, ctx -> ctx.sendAfter(Duration.ofDays(1), ctx.self(), "never"));
    node.close();
    assertThat(pending.isSent()).isFalse();
    assertThat(pending.cancel()).isTrue(); // it was never sent, and never will be
  }

  @Test
  void sendAfter_nullArguments_throwNullPointer() throws Exception {
    try (Node<Object> node = localNode("timers")) {
      inProcess(
          node,
          ctx -> {
            assertThatThrownBy(() -> ctx.sendAfter(null, ctx.self(), "m"))
                .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> ctx.sendAfter(Duration.ZERO, null, "m"))
                .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> ctx.sendAfter(Duration.ZERO, ctx.self(), null))
                .isInstanceOf(NullPointerException.class);
            return null;
          });
    }
  }
}
