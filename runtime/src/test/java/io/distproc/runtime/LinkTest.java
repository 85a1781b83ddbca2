package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.onDown;
import static io.distproc.Matcher.onExit;
import static io.distproc.runtime.TestSupport.get;
import static io.distproc.runtime.TestSupport.inProcess;
import static io.distproc.runtime.TestSupport.localNode;
import static io.distproc.runtime.TestSupport.pass;
import static io.distproc.runtime.TestSupport.spawnForResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.Exit;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.ProcessExitException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Links and exit signals on one node (DESIGN.md section 8): propagation, trapping, order after the
 * dead process's messages, exactly one signal per link, exit and kill.
 *
 * <p>To prove that a signal did NOT arrive, a test waits for the end of the process that would have
 * sent it ({@link Node#termination} completes after its links have fired), then reads the mailbox
 * up to a marker it sends itself.
 */
class LinkTest {
  private static final String MARKER = "marker";

  /** Everything in this process's mailbox, oldest first, up to a marker sent now. */
  private static List<Object> everythingQueued(ProcessContext<Object> ctx) {
    ctx.send(ctx.self(), MARKER);
    List<Object> queued = new ArrayList<>();
    for (; ; ) {
      Object entry = ctx.receive(any(x -> x), onDown(d -> d), onExit(e -> e));
      if (MARKER.equals(entry)) {
        return queued;
      }
      queued.add(entry);
    }
  }

  /** A process that waits for a message, then crashes with it, or ends normally on "stop". */
  private static Pid spawnVictim(Node<Object> node) {
    return node.spawn(
        ctx ->
            ctx.receive(
                any(
                    m -> {
                      if (m.equals("stop")) {
                        return null;
                      }
                      throw new IllegalStateException(String.valueOf(m));
                    })));
  }

  @Test
  void link_partnerCrashes_untrappedProcessEndsWithExitedNamingPartnerAndCause() throws Exception {
    try (Node<Object> node = localNode("links")) {
      Pid victim = spawnVictim(node);
      CountDownLatch linked = new CountDownLatch(1);
      Pid linker =
          node.spawn(
              ctx -> {
                ctx.link(victim);
                linked.countDown();
                ctx.receive(any(x -> x)); // never comes: the signal ends it
              });
      CompletableFuture<MonitorReason> end = node.termination(linker);
      pass(linked);

      node.send(victim, "boom");

      MonitorReason reason = get(end);
      assertThat(reason).isInstanceOf(MonitorReason.Exited.class);
      MonitorReason.Exited exited = (MonitorReason.Exited) reason;
      assertThat(exited.pid()).isEqualTo(linker);
      assertThat(exited.from()).isEqualTo(victim);
      assertThat(exited.cause()).isInstanceOf(MonitorReason.Crashed.class);
      assertThat(((MonitorReason.Crashed) exited.cause()).message()).isEqualTo("boom");
      assertThat(exited.isAbnormal()).isTrue();
    }
  }

  @Test
  void link_partnerEndsNormally_killsNobody() throws Exception {
    try (Node<Object> node = localNode("links")) {
      Pid victim = spawnVictim(node);
      CompletableFuture<List<Object>> seen =
          spawnForResult(
              node,
              ctx -> {
                ctx.link(victim);
                CompletableFuture<MonitorReason> end = node.termination(victim);
                ctx.send(victim, "stop");
                get(end); // asked for before the end: completes after its links have fired
                return everythingQueued(ctx);
              });

      assertThat(get(seen)).isEmpty();
    }
  }

  @Test
  void link_calledTwice_oneLinkAndOneSignal() throws Exception {
    try (Node<Object> node = localNode("links")) {
      Pid victim = spawnVictim(node);
      CompletableFuture<List<Object>> seen =
          spawnForResult(
              node,
              ctx -> {
                ctx.trapExits(true);
                ctx.link(victim);
                ctx.link(victim);
                assertThat(((NodeImpl<?>) node).linksOf(victim)).isEqualTo(1);
                assertThat(((NodeImpl<?>) node).linksOf(ctx.self())).isEqualTo(1);
                CompletableFuture<MonitorReason> end = node.termination(victim);
                ctx.send(victim, "boom");
                get(end);
                return everythingQueued(ctx);
              });

      assertThat(get(seen)).hasSize(1).first().isInstanceOf(Exit.class);
    }
  }

  @Test
  void link_self_doesNothing() throws Exception {
    try (Node<Object> node = localNode("links")) {
      int links =
          inProcess(
              node,
              ctx -> {
                ctx.link(ctx.self());
                return ((NodeImpl<?>) node).linksOf(ctx.self());
              });
      assertThat(links).isZero();
    }
  }

  @Test
  void link_chainOfThree_diesTogetherAndEveryMonitorFiresOnceWithTheFirstCause() throws Exception {
    try (Node<Object> node = localNode("links")) {
      Pid first = spawnVictim(node);
      CountDownLatch ready = new CountDownLatch(2);
      Pid second =
          node.spawn(
              ctx -> {
                ctx.link(first);
                ready.countDown();
                ctx.receive(any(x -> x));
              });
      Pid third =
          node.spawn(
              ctx -> {
                ctx.link(second);
                ready.countDown();
                ctx.receive(any(x -> x));
              });
      pass(ready);
      CompletableFuture<List<Object>> watcher =
          spawnForResult(
              node,
              ctx -> {
                ctx.monitor(second);
                ctx.monitor(third);
                CompletableFuture<MonitorReason> secondEnd = node.termination(second);
                CompletableFuture<MonitorReason> thirdEnd = node.termination(third);
                ctx.send(first, "root cause");
                get(thirdEnd);
                get(secondEnd);
                return everythingQueued(ctx);
              });

      List<Object> downs = get(watcher);
      assertThat(downs).hasSize(2);
      List<MonitorReason> reasons =
          downs.stream().map(d -> ((io.distproc.Down) d).reason()).toList();
      assertThat(reasons)
          .allSatisfy(
              r -> {
                assertThat(r).isInstanceOf(MonitorReason.Exited.class);
                MonitorReason cause = ((MonitorReason.Exited) r).cause();
                assertThat(cause.pid()).isEqualTo(first);
                assertThat(((MonitorReason.Crashed) cause).message()).isEqualTo("root cause");
              });
      assertThat(reasons)
          .extracting(r -> ((MonitorReason.Exited) r).from())
          .containsExactlyInAnyOrder(first, second);
    }
  }

  @Test
  void trapExits_linkedCrash_arrivesAsExitAfterEveryEarlierMessage() throws Exception {
    try (Node<Object> node = localNode("links")) {
      CompletableFuture<List<Object>> seen =
          spawnForResult(
              node,
              ctx -> {
                assertThat(ctx.trapExits(true)).isFalse();
                Pid me = ctx.self();
                CountDownLatch go = new CountDownLatch(1);
                Pid child =
                    ctx.spawnLinked(
                        c -> {
                          pass(go);
                          c.send(me, "m1");
                          c.send(me, "m2");
                          throw new IllegalStateException("after two");
                        });
                CompletableFuture<MonitorReason> end = node.termination(child);
                go.countDown();
                get(end);
                List<Object> all = everythingQueued(ctx);
                all.add(child);
                return all;
              });

      List<Object> all = get(seen);
      Pid child = (Pid) all.remove(all.size() - 1);
      assertThat(all).hasSize(3);
      assertThat(all.subList(0, 2)).containsExactly("m1", "m2");
      Exit exit = (Exit) all.get(2);
      assertThat(exit.from()).isEqualTo(child);
      assertThat(exit.reason()).isInstanceOf(MonitorReason.Crashed.class);
    }
  }

  @Test
  void trapExits_linkedEndsNormally_deliversExitWithNormal() throws Exception {
    try (Node<Object> node = localNode("links")) {
      Exit exit =
          inProcess(
              node,
              ctx -> {
                ctx.trapExits(true);
                Pid child = ctx.spawnLinked(c -> {});
                return ctx.receive(onExit(child, e -> e));
              });
      assertThat(exit.reason()).isInstanceOf(MonitorReason.Normal.class);
      assertThat(exit.reason().isAbnormal()).isFalse();
    }
  }

  @Test
  void spawnLinked_childCrashesOnItsFirstLine_parentIsAlwaysSignalled() throws Exception {
    try (Node<Object> node = localNode("links")) {
      int rounds =
          inProcess(
              node,
              ctx -> {
                ctx.trapExits(true);
                int n = 0;
                for (int i = 0; i < 200; i++) {
                  Pid child =
                      ctx.spawnLinked(
                          c -> {
                            throw new IllegalStateException("first line");
                          });
                  Exit e = ctx.receive(onExit(child, x -> x));
                  if (e.reason() instanceof MonitorReason.Crashed) {
                    n++;
                  }
                }
                return n;
              });
      assertThat(rounds).isEqualTo(200);
    }
  }

  @Test
  void link_pidThatNeverExisted_trappingGetsNoProcessAndUntrappedEnds() throws Exception {
    try (Node<Object> node = localNode("links")) {
      Pid never = Pid.of(node.id(), 999_999);
      Exit exit =
          inProcess(
              node,
              ctx -> {
                ctx.trapExits(true);
                ctx.link(never);
                return ctx.receive(Duration.ZERO, onExit(e -> e)).orElseThrow();
              });
      assertThat(exit).isEqualTo(new Exit(never, new MonitorReason.NoProcess(never)));

      CountDownLatch go = new CountDownLatch(1);
      Pid untrapped =
          node.spawn(
              ctx -> {
                pass(go);
                ctx.link(never);
              });
      CompletableFuture<MonitorReason> end = node.termination(untrapped);
      go.countDown();
      MonitorReason reason = get(end);
      assertThat(reason)
          .isEqualTo(
              new MonitorReason.Exited(untrapped, never, new MonitorReason.NoProcess(never)));
    }
  }

  @Test
  void link_bodyCatchesTheExit_stillEndsWithTheSignalsReason() throws Exception {
    try (Node<Object> node = localNode("links")) {
      Pid victim = spawnVictim(node);
      CountDownLatch linked = new CountDownLatch(1);
      Pid stubborn =
          node.spawn(
              ctx -> {
                ctx.link(victim);
                linked.countDown();
                try {
                  ctx.receive(any(x -> x));
                } catch (ProcessExitException e) {
                  // swallowed: the next call into the context throws it again
                }
                ctx.send(ctx.self(), "still here?");
              });
      CompletableFuture<MonitorReason> end = node.termination(stubborn);
      pass(linked);
      node.send(victim, "boom");

      assertThat(get(end)).isInstanceOf(MonitorReason.Exited.class);
    }
  }

  @Test
  void unlink_thenPartnerCrashes_noSignalAndBothSetsEmpty() throws Exception {
    try (Node<Object> node = localNode("links")) {
      Pid victim = spawnVictim(node);
      CompletableFuture<List<Object>> seen =
          spawnForResult(
              node,
              ctx -> {
                ctx.trapExits(true);
                ctx.link(victim);
                ctx.unlink(victim);
                assertThat(((NodeImpl<?>) node).linksOf(victim)).isZero();
                CompletableFuture<MonitorReason> end = node.termination(victim);
                ctx.send(victim, "boom");
                get(end);
                return everythingQueued(ctx);
              });
      assertThat(get(seen)).isEmpty();
    }
  }

  @Test
  void exit_untrappedTarget_endsWithExitedShutdownAndTrappedGetsExit() throws Exception {
    try (Node<Object> node = localNode("links")) {
      Pid plain = node.spawn(ctx -> ctx.receive(any(x -> x)));
      CompletableFuture<MonitorReason> plainEnd = node.termination(plain);
      CountDownLatch trapping = new CountDownLatch(1);
      CompletableFuture<Exit> trapped = new CompletableFuture<>();
      Pid trapper =
          node.spawn(
              ctx -> {
                ctx.trapExits(true);
                trapping.countDown();
                trapped.complete(ctx.receive(onExit(e -> e)));
              });
      pass(trapping);
      Pid sender =
          inProcess(
              node,
              ctx -> {
                ctx.exit(plain, "please stop");
                ctx.exit(trapper, "please stop");
                return ctx.self();
              });

      MonitorReason reason = get(plainEnd);
      assertThat(reason)
          .isEqualTo(
              new MonitorReason.Exited(
                  plain, sender, new MonitorReason.Shutdown(sender, "please stop")));
      assertThat(reason.isAbnormal()).isFalse();
      assertThat(get(trapped))
          .isEqualTo(new Exit(sender, new MonitorReason.Shutdown(sender, "please stop")));
    }
  }

  @Test
  void kill_trappingTarget_isKilledAndItsLinksGetATrappableKilled() throws Exception {
    try (Node<Object> node = localNode("links")) {
      CountDownLatch ready = new CountDownLatch(1);
      Pid target =
          node.spawn(
              ctx -> {
                ctx.trapExits(true);
                ready.countDown();
                ctx.receiveLoop(onExit(e -> true)); // traps everything it can, forever
              });
      pass(ready);
      CompletableFuture<MonitorReason> end = node.termination(target);
      Exit exit =
          inProcess(
              node,
              ctx -> {
                ctx.trapExits(true);
                ctx.link(target);
                ctx.kill(target);
                return ctx.receive(onExit(target, e -> e));
              });

      assertThat(get(end)).isEqualTo(new MonitorReason.Killed(target));
      assertThat(exit).isEqualTo(new Exit(target, new MonitorReason.Killed(target)));
    }
  }

  @Test
  void kill_processBusyInItsBody_endsAtItsNextCallIntoTheContext() throws Exception {
    try (Node<Object> node = localNode("links")) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch go = new CountDownLatch(1);
      Pid busy =
          node.spawn(
              ctx -> {
                started.countDown();
                while (go.getCount() > 0) {
                  Thread.onSpinWait(); // computing: no call into the context
                }
                ctx.send(ctx.self(), "after the kill");
                throw new AssertionError("not reached: the send above throws");
              });
      pass(started);
      CompletableFuture<MonitorReason> end = node.termination(busy);
      inProcess(
          node,
          ctx -> {
            ctx.kill(busy);
            return null;
          });
      go.countDown();

      assertThat(get(end)).isEqualTo(new MonitorReason.Killed(busy));
    }
  }

  @Test
  void processExitException_thrownByTheBody_endsWithItsReason() throws Exception {
    try (Node<Object> node = localNode("links")) {
      CountDownLatch go = new CountDownLatch(1);
      Pid p =
          node.spawn(
              ctx -> {
                pass(go);
                throw new ProcessExitException(new MonitorReason.Shutdown(ctx.self(), "done"));
              });
      CompletableFuture<MonitorReason> end = node.termination(p);
      go.countDown();
      assertThat(get(end)).isEqualTo(new MonitorReason.Shutdown(p, "done"));
    }
  }

  @Test
  void link_fromAnotherThread_throwsIllegalState() throws Exception {
    try (Node<Object> node = localNode("links")) {
      CompletableFuture<ProcessContext<Object>> context = new CompletableFuture<>();
      node.spawn(
          ctx -> {
            context.complete(ctx);
            ctx.receive(any(x -> x));
          });
      ProcessContext<Object> ctx = get(context);
      assertThatThrownBy(() -> ctx.link(ctx.self())).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> ctx.trapExits(true)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> ctx.spawnLinked(c -> {})).isInstanceOf(IllegalStateException.class);
      node.send(ctx.self(), "end");
    }
  }

  @Test
  void spawnLinked_unknownLocalBehaviour_signalsNoProcess() throws Exception {
    try (Node<Object> node = localNode("links")) {
      Exit exit =
          inProcess(
              node,
              ctx -> {
                ctx.trapExits(true);
                Pid none = ctx.spawnLinked(ctx.node(), "no-such-behaviour", "arg");
                return ctx.receive(Duration.ZERO, onExit(none, e -> e)).orElseThrow();
              });
      assertThat(exit.reason()).isInstanceOf(MonitorReason.NoProcess.class);
    }
  }

  @Test
  void link_manyProcessesCrashTogether_eachGetsExactlyOneSignal() throws Exception {
    try (Node<Object> node = localNode("links")) {
      int n = 100;
      CompletableFuture<List<Object>> seen =
          spawnForResult(
              node,
              ctx -> {
                ctx.trapExits(true);
                CountDownLatch go = new CountDownLatch(1);
                List<Pid> children = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                  children.add(
                      ctx.spawnLinked(
                          c -> {
                            pass(go);
                            throw new IllegalStateException("together");
                          }));
                }
                List<CompletableFuture<MonitorReason>> ends = new ArrayList<>();
                for (Pid child : children) {
                  ends.add(node.termination(child)); // asked for before any child can end
                }
                go.countDown();
                for (CompletableFuture<MonitorReason> end : ends) {
                  get(end);
                }
                return everythingQueued(ctx);
              });
      List<Object> all = get(seen);
      assertThat(all).hasSize(n).allMatch(Exit.class::isInstance);
      assertThat(all.stream().map(e -> ((Exit) e).from()).distinct().count()).isEqualTo(n);
    }
  }
}
