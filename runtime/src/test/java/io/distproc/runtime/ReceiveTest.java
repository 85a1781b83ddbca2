package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.runtime.TestSupport.BRIEFLY;
import static io.distproc.runtime.TestSupport.WAIT;
import static io.distproc.runtime.TestSupport.get;
import static io.distproc.runtime.TestSupport.inProcess;
import static io.distproc.runtime.TestSupport.localNode;
import static io.distproc.runtime.TestSupport.pass;
import static io.distproc.runtime.TestSupport.spawnForResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.distproc.EmptyMatchersException;
import io.distproc.Matcher;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.ProcessInterruptedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Selective receive (DESIGN.md section 3): which entry a receive takes, what stays behind and in
 * which order, timeouts, and what happens when user matchers throw.
 *
 * <p>Most tests hold the receiver at a latch until every message is queued, so that the order of
 * the mailbox, not the timing of arrivals, decides the outcome.
 */
class ReceiveTest {

  /** Spawns a process that waits at its gate, then runs {@code body}; see {@link Receiver}. */
  private static <T> Receiver<T> gated(Node<Object> node, TestSupport.Body<T> body)
      throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    CompletableFuture<Pid> self = new CompletableFuture<>();
    CompletableFuture<T> result =
        spawnForResult(
            node,
            ctx -> {
              self.complete(ctx.self());
              pass(gate);
              return body.run(ctx);
            });
    return new Receiver<>(get(self), gate, result);
  }

  /** A gated process: its pid, the gate it waits at, and what its body returns. */
  private record Receiver<T>(Pid pid, CountDownLatch gate, CompletableFuture<T> result) {
    T open() throws Exception {
      gate.countDown();
      return get(result);
    }
  }

  private static Matcher<Object, String> text(String prefix) {
    return on(String.class, s -> s.startsWith(prefix), s -> s);
  }

  /** Takes every queued message with a zero timeout, oldest first. */
  private static List<Object> drain(ProcessContext<Object> ctx) {
    List<Object> rest = new ArrayList<>();
    for (Optional<Object> m; (m = ctx.receive(Duration.ZERO, any(x -> x))).isPresent(); ) {
      rest.add(m.get());
    }
    return rest;
  }

  @Test
  void receive_unmatchedMessages_stayInArrivalOrderAheadOfNewerOnes() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      CountDownLatch stashed = new CountDownLatch(1);
      CountDownLatch newerSent = new CountDownLatch(1);
      Receiver<List<Object>> r =
          gated(
              node,
              ctx -> {
                List<Object> seen = new ArrayList<>();
                seen.add(ctx.receive(text("c"))); // skips a1, b1, a2, b2: they stay behind
                stashed.countDown();
                pass(newerSent);
                seen.addAll(drain(ctx));
                return seen;
              });
      for (String m : List.of("a1", "b1", "a2", "b2", "c")) {
        node.send(r.pid(), m);
      }
      r.gate().countDown();
      pass(stashed);
      node.send(r.pid(), "newer");
      newerSent.countDown();

      assertThat(r.open()).containsExactly("c", "a1", "b1", "a2", "b2", "newer");
    }
  }

  @Test
  void receive_noMatchBeforeTimeout_returnsEmptyAndKeepsOrder() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      Receiver<List<Object>> r =
          gated(
              node,
              ctx -> {
                List<Object> seen = new ArrayList<>();
                seen.add(ctx.receive(BRIEFLY, text("z")));
                seen.addAll(drain(ctx));
                return seen;
              });
      node.send(r.pid(), "a");
      node.send(r.pid(), "b");
      node.send(r.pid(), "c");

      assertThat(r.open()).containsExactly(Optional.empty(), "a", "b", "c");
    }
  }

  @Test
  void receive_severalMatchingMessages_takesTheOldestAnyMatcherAccepts() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      Receiver<List<Object>> r =
          gated(
              node,
              ctx -> {
                List<Object> seen = new ArrayList<>();
                // "a" is first in the list, but "b1" is older than "a1": the oldest entry wins.
                seen.add(ctx.receive(text("a"), text("b")));
                seen.add(ctx.receive(text("a"), text("b")));
                seen.addAll(drain(ctx));
                return seen;
              });
      for (String m : List.of("x", "b1", "a1", "b2")) {
        node.send(r.pid(), m);
      }

      assertThat(r.open()).containsExactly("b1", "a1", "x", "b2");
    }
  }

  @Test
  void receive_messageAcceptedBySeveralMatchers_firstInListHandlesIt() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      Receiver<List<String>> r =
          gated(
              node,
              ctx -> {
                Matcher<Object, String> second = on(String.class, s -> "second:" + s);
                Matcher<Object, String> first = on(String.class, s -> "first:" + s);
                Matcher<Object, String> third = any(s -> "third:" + s);
                return List.of(
                    ctx.receive(first, second),
                    ctx.receive(second, first),
                    ctx.receive(third, first, second),
                    ctx.receive(List.of(second, third, first)),
                    ctx.receive(Duration.ZERO, first, second, third).orElseThrow());
              });
      for (String m : List.of("m1", "m2", "m3", "m4", "m5")) {
        node.send(r.pid(), m);
      }

      assertThat(r.open())
          .containsExactly("first:m1", "second:m2", "third:m3", "second:m4", "first:m5");
    }
  }

  @Test
  void receive_zeroTimeoutWithQueuedMatch_returnsItAfterSkippingOthers() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      Receiver<List<Object>> r =
          gated(
              node,
              ctx ->
                  List.of(
                      ctx.receive(Duration.ZERO, text("b")),
                      ctx.receive(Duration.ofNanos(-1), text("a")),
                      ctx.receive(Duration.ZERO, text("b"))));
      node.send(r.pid(), "a");
      node.send(r.pid(), "b");

      assertThat(r.open()).containsExactly(Optional.of("b"), Optional.of("a"), Optional.empty());
    }
  }

  @Test
  void receive_timeoutExpires_laterMessageIsReceivedByTheNextReceive() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      CountDownLatch timedOut = new CountDownLatch(1);
      CompletableFuture<Pid> self = new CompletableFuture<>();
      CompletableFuture<List<Object>> result =
          spawnForResult(
              node,
              ctx -> {
                self.complete(ctx.self());
                Optional<Object> first = ctx.receive(BRIEFLY, any(x -> x));
                timedOut.countDown();
                return List.of(first, ctx.receive(WAIT, any(x -> x)));
              });
      pass(timedOut);
      node.send(get(self), "late");

      assertThat(get(result)).containsExactly(Optional.empty(), Optional.of("late"));
    }
  }

  @Test
  void receive_handlerReturnsNull_untimedGivesNullTimedGivesEmpty() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      Receiver<List<Object>> r =
          gated(
              node,
              ctx -> {
                Object untimed = ctx.receive(any(x -> null));
                Optional<Object> timed = ctx.receive(Duration.ZERO, any(x -> null));
                return Arrays.asList(untimed, timed, drain(ctx));
              });
      node.send(r.pid(), "one");
      node.send(r.pid(), "two");

      // Both messages were taken: a null result is not a timeout.
      assertThat(r.open()).containsExactly(null, Optional.empty(), List.of());
    }
  }

  @Test
  void receive_predicateThrowsOnNewArrival_rethrowsAndMessageStaysInPlace() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      Receiver<List<Object>> r =
          gated(
              node,
              ctx -> {
                Matcher<Object, Object> fussy =
                    on(
                        x -> {
                          if (x.equals("bad")) {
                            throw new IllegalArgumentException("predicate failed on " + x);
                          }
                          return x.equals("wanted");
                        },
                        x -> x);
                List<Object> seen = new ArrayList<>();
                try {
                  seen.add(ctx.receive(fussy));
                } catch (IllegalArgumentException e) {
                  seen.add("threw: " + e.getMessage());
                }
                seen.addAll(drain(ctx));
                return seen;
              });
      for (String m : List.of("before", "bad", "wanted", "after")) {
        node.send(r.pid(), m);
      }

      assertThat(r.open())
          .containsExactly("threw: predicate failed on bad", "before", "bad", "wanted", "after");
    }
  }

  @Test
  void receive_predicateThrowsOnStashedMessage_rethrowsAndMessageStaysInPlace() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      Receiver<List<Object>> r =
          gated(
              node,
              ctx -> {
                List<Object> seen = new ArrayList<>();
                seen.add(ctx.receive(text("go"))); // stashes "x", "bad", "y"
                AtomicInteger calls = new AtomicInteger();
                Matcher<Object, Object> fussy =
                    on(
                        x -> {
                          calls.incrementAndGet();
                          if (x.equals("bad")) {
                            throw new IllegalStateException("boom");
                          }
                          return false;
                        },
                        x -> x);
                assertThatThrownBy(() -> ctx.receive(Duration.ZERO, fussy))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("boom");
                seen.add(calls.get());
                seen.addAll(drain(ctx));
                return seen;
              });
      for (String m : List.of("x", "bad", "go", "y")) {
        node.send(r.pid(), m);
      }

      assertThat(r.open()).containsExactly("go", 2, "x", "bad", "y");
    }
  }

  @Test
  void receive_waitingForAMatch_examinesEachArrivalOnceAndNeverRescans() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      AtomicInteger calls = new AtomicInteger();
      CompletableFuture<Object> got = new CompletableFuture<>();
      Matcher<Object, Object> counting =
          on(
              x -> {
                calls.incrementAndGet();
                return x.equals("target");
              },
              x -> x);
      Pid receiver = node.spawn(ctx -> got.complete(ctx.receive(counting)));
      // Each non-matching arrival wakes the waiting receive, which must look at the new message
      // only: after k of them, the predicate has run exactly k times, not 1 + 2 + ... + k.
      for (int k = 1; k <= 20; k++) {
        node.send(receiver, "noise " + k);
        int expected = k;
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(1))
            .until(() -> calls.get() >= expected);
        assertThat(calls.get()).isEqualTo(expected);
      }
      node.send(receiver, "target");

      assertThat(get(got)).isEqualTo("target");
      assertThat(calls.get()).isEqualTo(21);
    }
  }

  @Test
  void receive_handlerThrows_rethrowsAndMessageIsTaken() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      Receiver<List<Object>> r =
          gated(
              node,
              ctx -> {
                List<Object> seen = new ArrayList<>();
                try {
                  ctx.receive(
                      text("b"),
                      any(
                          x -> {
                            throw new UnsupportedOperationException("handler failed on " + x);
                          }));
                } catch (UnsupportedOperationException e) {
                  seen.add(e.getMessage());
                }
                seen.addAll(drain(ctx));
                return seen;
              });
      for (String m : List.of("a", "b", "c")) {
        node.send(r.pid(), m);
      }

      assertThat(r.open()).containsExactly("handler failed on a", "b", "c");
    }
  }

  @Test
  void receive_emptyMatcherList_throwsEmptyMatchers() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      List<Throwable> thrown =
          inProcess(
              node,
              ctx -> {
                List<Throwable> t = new ArrayList<>();
                t.add(catchThrowable(() -> ctx.receive(List.of())));
                t.add(catchThrowable(() -> ctx.receive(Duration.ZERO, List.of())));
                return t;
              });

      assertThat(thrown).hasSize(2).hasOnlyElementsOfType(EmptyMatchersException.class);
    }
  }

  @Test
  void receiveLoop_emptyMatcherList_throwsEmptyMatchers() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      List<Throwable> thrown =
          inProcess(
              node,
              ctx -> {
                List<Throwable> t = new ArrayList<>();
                t.add(catchThrowable(() -> ctx.receiveLoop(List.of())));
                t.add(catchThrowable(() -> ctx.receiveLoop(Duration.ZERO, List.of())));
                return t;
              });

      assertThat(thrown).hasSize(2).hasOnlyElementsOfType(EmptyMatchersException.class);
    }
  }

  @Test
  void receive_fromAnotherThread_throwsIllegalStateAndLeavesTheMailboxAlone() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      CompletableFuture<ProcessContext<Object>> context = new CompletableFuture<>();
      CountDownLatch done = new CountDownLatch(1);
      CompletableFuture<Optional<Object>> ownerGot =
          spawnForResult(
              node,
              ctx -> {
                context.complete(ctx);
                pass(done);
                return ctx.receive(Duration.ZERO, any(x -> x));
              });
      ProcessContext<Object> ctx = get(context);
      Pid pid = ctx.self();
      node.send(pid, "for the owner only");

      assertThatThrownBy(() -> ctx.receive(any(x -> x)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("must be called from the thread of process " + pid);
      assertThatThrownBy(() -> ctx.receive(Duration.ZERO, any(x -> x)))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> ctx.receiveLoop(any(x -> false)))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> ctx.receiveLoop(Duration.ZERO, any(x -> false)))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> ctx.monitor(pid)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> ctx.unmonitor(MonitorRef.of(pid, pid, 1)))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> ctx.spawnMonitored(c -> {}))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> ctx.spawnMonitored(ctx.node(), "none", "arg"))
          .isInstanceOf(IllegalStateException.class);
      CompletableFuture<MonitorReason> end = node.termination(pid);
      done.countDown();

      assertThat(get(ownerGot)).contains("for the owner only");
      assertThat(get(end)).isEqualTo(new MonitorReason.Normal(pid));
    }
  }

  @Test
  void receiveLoop_handlerReturnsFalse_stopsAndLeavesTheRest() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      Receiver<List<Object>> r =
          gated(
              node,
              ctx -> {
                List<Object> seen = new ArrayList<>();
                ctx.receiveLoop(
                    on(Integer.class, i -> false), // never sent: tried first, matches nothing
                    on(
                        String.class,
                        s -> s.equals("stop") || s.startsWith("m"),
                        s -> {
                          seen.add(s);
                          return s.startsWith("m");
                        }));
                seen.add("|");
                ctx.receiveLoop(any(x -> null)); // null counts as false: takes one, stops
                seen.add("|");
                seen.addAll(drain(ctx));
                return seen;
              });
      for (String m : List.of("m1", "x", "m2", "stop", "m3", "y", "z")) {
        node.send(r.pid(), m);
      }

      // "x" was left by the first loop, then taken (oldest) by the null-returning one.
      assertThat(r.open()).containsExactly("m1", "m2", "stop", "|", "|", "m3", "y", "z");
    }
  }

  @Test
  void receiveLoop_timedAndHandlerStops_returnsTrue() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      Receiver<List<Object>> r =
          gated(
              node,
              ctx -> {
                List<Object> seen = new ArrayList<>();
                boolean stopped =
                    ctx.receiveLoop(
                        WAIT,
                        List.of(
                            on(
                                Integer.class,
                                i -> {
                                  seen.add(i);
                                  return i < 3;
                                })));
                seen.add(stopped);
                seen.addAll(drain(ctx));
                return seen;
              });
      for (int i = 1; i <= 4; i++) {
        node.send(r.pid(), i);
      }

      assertThat(r.open()).containsExactly(1, 2, 3, true, 4);
    }
  }

  @Test
  void receiveLoop_timedAndNothingArrives_returnsFalseAfterTakingWhatWasQueued() throws Exception {
    try (Node<Object> node = localNode("receive")) {
      Receiver<List<Object>> r =
          gated(
              node,
              ctx -> {
                List<Object> seen = new ArrayList<>();
                boolean stopped =
                    ctx.receiveLoop(
                        BRIEFLY,
                        on(
                            Integer.class,
                            i -> {
                              seen.add(i);
                              return true;
                            }));
                seen.add(stopped);
                seen.addAll(drain(ctx));
                return seen;
              });
      node.send(r.pid(), 1);
      node.send(r.pid(), "not an int");
      node.send(r.pid(), 2);

      assertThat(r.open()).containsExactly(1, 2, false, "not an int");
    }
  }

  @Test
  void receive_nodeClosesWhileWaiting_throwsProcessInterrupted() throws Exception {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    CountDownLatch waiting = new CountDownLatch(1);
    try (Node<Object> node = localNode("receive")) {
      node.spawn(
          ctx -> {
            try {
              waiting.countDown();
              outcome.complete(ctx.receive(any(x -> x)));
            } catch (Throwable t) {
              outcome.complete(t);
              throw t;
            }
          });
      pass(waiting);
    }
    assertThat(get(outcome)).isInstanceOf(ProcessInterruptedException.class);
  }
}
