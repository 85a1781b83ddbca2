package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;
import static io.distproc.runtime.TestSupport.BRIEFLY;
import static io.distproc.runtime.TestSupport.WAIT;
import static io.distproc.runtime.TestSupport.inProcess;
import static io.distproc.runtime.TestSupport.localNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.Pid;
import io.distproc.ReceiveMark;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReceiveMarkTest {

  /** A request: who asks, and a number the reply carries back. */
  record Request(Pid from, long id) {}

  record Reply(long id) {}

  @Test
  void receiveAfterMark_skipsEarlierEntries_andLeavesThemInOrder() throws Exception {
    try (Node<Object> node = localNode("mark")) {
      List<Object> seen =
          inProcess(
              node,
              ctx -> {
                ctx.send(ctx.self(), "early 1");
                ctx.send(ctx.self(), "early 2");
                ReceiveMark mark = ctx.mark();
                ctx.send(ctx.self(), "late");
                List<Object> out = new ArrayList<>();
                out.add(ctx.receive(mark, any(x -> x)));
                out.add(ctx.receive(mark, BRIEFLY, any(x -> x)).orElse("nothing after the mark"));
                out.add(ctx.receive(any(x -> x)));
                out.add(ctx.receive(any(x -> x)));
                return out;
              });

      assertThat(seen).containsExactly("late", "nothing after the mark", "early 1", "early 2");
    }
  }

  @Test
  void receiveAfterMark_deepMailbox_examinesOnlyWhatCameAfter() throws Exception {
    try (Node<Object> node = localNode("mark")) {
      Pid server =
          node.spawn(
              ctx ->
                  ctx.receiveLoop(
                      on(
                          Request.class,
                          r -> {
                            ctx.send(r.from(), new Reply(r.id()));
                            return true;
                          })));
      AtomicInteger examined = new AtomicInteger();
      List<Integer> perRequest =
          inProcess(
              node,
              ctx -> {
                for (int i = 0; i < 10_000; i++) {
                  ctx.send(ctx.self(), "unmatched " + i);
                }
                List<Integer> counts = new ArrayList<>();
                for (long id = 1; id <= 1_000; id++) {
                  long want = id;
                  examined.set(0);
                  ReceiveMark mark = ctx.mark();
                  ctx.send(server, new Request(ctx.self(), id));
                  assertThat(
                          ctx.receive(
                              mark,
                              WAIT,
                              on(
                                  m -> {
                                    examined.incrementAndGet();
                                    return m instanceof Reply r && r.id() == want;
                                  },
                                  m -> m)))
                      .isPresent();
                  counts.add(examined.get());
                }
                // The 10^4 earlier messages are all still there, in order.
                for (int i = 0; i < 10_000; i++) {
                  Object m = ctx.receive(any(x -> x));
                  if (!m.equals("unmatched " + i)) {
                    throw new AssertionError("expected unmatched " + i + " but got " + m);
                  }
                }
                return counts;
              });

      // Each receive examined the reply alone, never the 10^4 messages queued before its mark.
      assertThat(perRequest).hasSize(1_000).containsOnly(1);
    }
  }

  @Test
  void receiveAfterMark_downNoticeAfterTheMark_isSeen() throws Exception {
    try (Node<Object> node = localNode("mark")) {
      CompletableFuture<Void> go = new CompletableFuture<>();
      Pid target = node.spawn(ctx -> go.get());
      MonitorReason reason =
          inProcess(
              node,
              ctx -> {
                var ref = ctx.monitor(target);
                ReceiveMark mark = ctx.mark();
                go.complete(null);
                return ctx.receive(mark, WAIT, onDown(ref, Down::reason)).orElseThrow();
              });

      assertThat(reason).isInstanceOf(MonitorReason.Normal.class);
    }
  }

  @Test
  void receiveAfterMark_markOfAnotherProcess_throwsIllegalArgument() throws Exception {
    try (Node<Object> node = localNode("mark")) {
      CompletableFuture<ReceiveMark> theirs = new CompletableFuture<>();
      node.spawn(ctx -> theirs.complete(ctx.mark()));
      ReceiveMark foreign = TestSupport.get(theirs);

      Throwable thrown =
          inProcess(
              node,
              ctx -> {
                try {
                  ctx.receive(foreign, BRIEFLY, any(x -> x));
                  return null;
                } catch (IllegalArgumentException e) {
                  return e;
                }
              });

      assertThat(thrown).hasMessageContaining("another process");
    }
  }

  @Test
  void receive_manyMarksThenFullReceives_keepArrivalOrder() throws Exception {
    try (Node<Object> node = localNode("mark")) {
      List<Object> all =
          inProcess(
              node,
              ctx -> {
                List<ReceiveMark> marks = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                  ctx.send(ctx.self(), i);
                  marks.add(ctx.mark());
                }
                // A receive after mark k sees k+1.. only.
                Optional<Object> afterTen = ctx.receive(marks.get(10), BRIEFLY, any(x -> x));
                List<Object> out = new ArrayList<>();
                out.add(afterTen.orElseThrow());
                Optional<Object> m;
                while ((m = ctx.receive(BRIEFLY, any(x -> x))).isPresent()) {
                  out.add(m.get());
                }
                // Old marks stay usable after full scans unlinked their empty segments.
                ctx.send(ctx.self(), "new");
                out.add(ctx.receive(marks.get(3), BRIEFLY, any(x -> x)).orElseThrow());
                return out;
              });

      List<Object> expected = new ArrayList<>();
      expected.add(11);
      for (int i = 0; i < 50; i++) {
        if (i != 11) {
          expected.add(i);
        }
      }
      expected.add("new");
      assertThat(all).containsExactlyElementsOf(expected);
    }
  }
}
