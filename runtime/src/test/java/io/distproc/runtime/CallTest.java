package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.runtime.TestSupport.WAIT;
import static io.distproc.runtime.TestSupport.inProcess;
import static io.distproc.runtime.TestSupport.localNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.CallException;
import io.distproc.CallTimeoutException;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.Pid;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Request/reply calls (gen_server:call): the reply, a fast failure, the deadline, no leftovers. */
class CallTest {
  record Request(Pid from, long id, String what) {}

  record Reply(long id, String answer) {}

  /** Answers each request with its text upper-cased; crashes on "crash"; ignores "ignore". */
  private static Pid spawnServer(Node<Object> node) {
    return node.spawn(
        ctx ->
            ctx.receiveLoop(
                on(
                    Request.class,
                    r -> {
                      if (r.what().equals("crash")) {
                        throw new IllegalStateException("asked to crash");
                      }
                      if (!r.what().equals("ignore")) {
                        ctx.send(r.from(), new Reply(r.id(), r.what().toUpperCase()));
                      }
                      return true;
                    })));
  }

  @Test
  void call_serverReplies_returnsTheHandlersResultAndLeavesNoMonitor() throws Exception {
    try (Node<Object> node = localNode("calls")) {
      Pid server = spawnServer(node);
      String answer =
          inProcess(
              node,
              ctx ->
                  ctx.call(
                      server,
                      new Request(ctx.self(), 1, "hello"),
                      on(Reply.class, r -> r.id() == 1, Reply::answer),
                      WAIT));
      assertThat(answer).isEqualTo("HELLO");
      assertThat(((NodeImpl<?>) node).monitorsOn(server)).isZero();
    }
  }

  @Test
  void call_serverCrashesOnTheRequest_failsAtOnceWithItsReason() throws Exception {
    try (Node<Object> node = localNode("calls")) {
      Pid server = spawnServer(node);
      // A deadline far beyond the test's own wait: only the monitor can end this call in time.
      assertThatThrownBy(
              () ->
                  inProcess(
                      node,
                      ctx ->
                          ctx.call(
                              server,
                              new Request(ctx.self(), 1, "crash"),
                              on(Reply.class, Reply::answer),
                              Duration.ofDays(1))))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              CallException.class,
              e -> {
                assertThat(e).isNotInstanceOf(CallTimeoutException.class);
                assertThat(e.server()).isEqualTo(server);
                assertThat(e.serverReason()).get().isInstanceOf(MonitorReason.Crashed.class);
              });
    }
  }

  @Test
  void call_serverThatDoesNotExist_failsWithNoProcess() throws Exception {
    try (Node<Object> node = localNode("calls")) {
      Pid none = Pid.of(node.id(), 999_999);
      assertThatThrownBy(
              () -> inProcess(node, ctx -> ctx.call(none, "hi", any(x -> x), Duration.ofDays(1))))
          .cause()
          .isInstanceOfSatisfying(
              CallException.class,
              e -> assertThat(e.serverReason()).contains(new MonitorReason.NoProcess(none)));
    }
  }

  @Test
  void call_noReplyInTime_throwsCallTimeoutAndTheMonitorIsGone() throws Exception {
    try (Node<Object> node = localNode("calls")) {
      Pid server = spawnServer(node);
      assertThatThrownBy(
              () ->
                  inProcess(
                      node,
                      ctx ->
                          ctx.call(
                              server,
                              new Request(ctx.self(), 1, "ignore"),
                              on(Reply.class, Reply::answer),
                              Duration.ofMillis(20))))
          .cause()
          .isInstanceOfSatisfying(
              CallTimeoutException.class,
              e -> {
                assertThat(e.serverReason()).isEmpty();
                assertThat(e).hasMessageContaining("20 ms");
              });
      assertThat(((NodeImpl<?>) node).monitorsOn(server)).isZero();
    }
  }

  @Test
  void call_deepMailbox_onlyTheReplyAfterTheRequestIsTakenAndTheRestStays() throws Exception {
    try (Node<Object> node = localNode("calls")) {
      Pid server = spawnServer(node);
      int[] left =
          inProcess(
              node,
              ctx -> {
                for (int i = 0; i < 10_000; i++) {
                  ctx.send(ctx.self(), new Reply(-i, "queued before the call"));
                }
                String a =
                    ctx.call(
                        server,
                        new Request(ctx.self(), 7, "deep"),
                        on(Reply.class, Reply::answer), // any Reply: the mark skips older ones
                        WAIT);
                assertThat(a).isEqualTo("DEEP");
                return new int[] {(int) node.metrics().mailboxDepth(ctx.self()).orElseThrow()};
              });
      assertThat(left[0]).isEqualTo(10_000);
    }
  }
}
