package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;
import static io.distproc.runtime.TestSupport.WAIT;
import static io.distproc.runtime.TestSupport.get;
import static io.distproc.runtime.TestSupport.inProcess;
import static io.distproc.runtime.TestSupport.localNode;
import static io.distproc.runtime.TestSupport.pass;
import static io.distproc.runtime.TestSupport.spawnForResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.Down;
import io.distproc.InvalidNodeException;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.Spawned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Monitors on one node (DESIGN.md sections 3 and 4): reasons, NoProcess, one notice per ref, order
 * after the dead process's messages, cancellation.
 *
 * <p>To prove that something is NOT in a mailbox without waiting for a timeout, a test waits until
 * the watched process has finished notifying (its {@link Node#termination} future, requested after
 * the monitors, completes after their notices are queued), then sends itself a marker and reads the
 * mailbox up to the marker.
 */
class MonitorTest {
  private static final String MARKER = "marker";

  /** Everything in this process's mailbox, oldest first, up to a marker sent now. */
  private static List<Object> everythingQueued(ProcessContext<Object> ctx) {
    ctx.send(ctx.self(), MARKER);
    List<Object> queued = new ArrayList<>();
    for (; ; ) {
      Object entry = ctx.receive(any(x -> x), onDown(d -> d));
      if (MARKER.equals(entry)) {
        return queued;
      }
      queued.add(entry);
    }
  }

  /** A process that ends when it receives anything. */
  private static Pid spawnWaiter(Node<Object> node) {
    return node.spawn(ctx -> ctx.receive(any(x -> x)));
  }

  @Test
  void monitor_pidThatNeverExisted_deliversNoProcessAtOnce() throws Exception {
    try (Node<Object> node = localNode("monitor")) {
      Pid never = Pid.of(node.id(), 999_999);

      Optional<Down> down =
          inProcess(
              node,
              ctx -> {
                MonitorRef ref = ctx.monitor(never);
                return ctx.receive(Duration.ZERO, onDown(ref, d -> d)); // no waiting: queued
              });

      assertThat(down).get().extracting(Down::reason).isEqualTo(new MonitorReason.NoProcess(never));
    }
  }

  @Test
  void monitor_processThatEnded_deliversNoProcessAtOnce() throws Exception {
    try (Node<Object> node = localNode("monitor")) {
      Pid ended = spawnWaiter(node);
      CompletableFuture<MonitorReason> end = node.termination(ended);
      node.send(ended, "end now");
      assertThat(get(end)).isEqualTo(new MonitorReason.Normal(ended));

      Optional<MonitorReason> reason =
          inProcess(
              node,
              ctx -> {
                MonitorRef ref = ctx.monitor(ended);
                return ctx.receive(Duration.ZERO, onDown(ref, Down::reason));
              });

      assertThat(reason).contains(new MonitorReason.NoProcess(ended));
    }
  }

  @Test
  void monitor_processEndsNormally_deliversNormal() throws Exception {
    try (Node<Object> node = localNode("monitor")) {
      Pid target = spawnWaiter(node);

      Down down =
          inProcess(
              node,
              ctx -> {
                MonitorRef ref = ctx.monitor(target);
                ctx.send(target, "end now");
                return ctx.receive(onDown(ref, d -> d));
              });

      assertThat(down.reason()).isEqualTo(new MonitorReason.Normal(target));
      assertThat(down.pid()).isEqualTo(target);
      assertThat(down.ref().target()).isEqualTo(target);
    }
  }

  @Test
  void monitor_processThrows_deliversCrashedWithClassMessageAndStack() throws Exception {
    try (Node<Object> node = localNode("monitor")) {
      Pid target =
          node.spawn(
              ctx -> {
                String why = ctx.receive(on(String.class, s -> s));
                throw new IllegalStateException(why);
              });

      MonitorReason reason =
          inProcess(
              node,
              ctx -> {
                MonitorRef ref = ctx.monitor(target);
                ctx.send(target, "boom at step 3");
                return ctx.receive(onDown(ref, Down::reason));
              });

      assertThat(reason).isInstanceOf(MonitorReason.Crashed.class);
      MonitorReason.Crashed crashed = (MonitorReason.Crashed) reason;
      assertThat(crashed.pid()).isEqualTo(target);
      assertThat(crashed.exceptionClass()).isEqualTo("java.lang.IllegalStateException");
      assertThat(crashed.message()).isEqualTo("boom at step 3");
      assertThat(crashed.stackTrace())
          .startsWith("java.lang.IllegalStateException: boom at step 3")
          .contains(MonitorTest.class.getName() + ".lambda$monitor_processThrows");
    }
  }

  @Test
  void monitor_processThrowsWithoutMessage_deliversCrashedWithEmptyMessage() throws Exception {
    try (Node<Object> node = localNode("monitor")) {
      MonitorReason reason =
          inProcess(
              node,
              ctx -> {
                Spawned child =
                    ctx.spawnMonitored(
                        c -> {
                          throw new java.io.IOException();
                        });
                return ctx.receive(onDown(child.monitor(), Down::reason));
              });

      assertThat(reason)
          .isInstanceOfSatisfying(
              MonitorReason.Crashed.class,
              c -> {
                assertThat(c.exceptionClass()).isEqualTo("java.io.IOException");
                assertThat(c.message()).isEmpty();
              });
    }
  }

  @Test
  void monitor_processDiesOfInvalidNode_deliversUnknownNode() throws Exception {
    NodeId ghost = NodeId.of("ghost", 42);
    try (Node<Object> node = localNode("monitor")) {
      MonitorReason reason =
          inProcess(
              node,
              ctx -> {
                Spawned child = ctx.spawnMonitored(c -> c.send(Pid.of(ghost, 1), "boo"));
                return ctx.receive(onDown(child.monitor(), Down::reason));
              });
      MonitorReason thrownByHand =
          inProcess(
              node,
              ctx -> {
                Spawned child =
                    ctx.spawnMonitored(
                        c -> {
                          throw new InvalidNodeException(ghost);
                        });
                return ctx.receive(onDown(child.monitor(), Down::reason));
              });

      assertThat(reason).isInstanceOf(MonitorReason.UnknownNode.class);
      assertThat(((MonitorReason.UnknownNode) reason).node()).isEqualTo(ghost);
      assertThat(thrownByHand).isInstanceOf(MonitorReason.UnknownNode.class);
    }
  }

  @Test
  void monitor_severalMonitorsOnOneProcess_eachGetsExactlyOneNoticeOfItsOwn() throws Exception {
    int perWatcher = 3;
    try (Node<Object> node = localNode("monitor")) {
      Pid target = spawnWaiter(node);
      CountDownLatch watching = new CountDownLatch(2);
      CountDownLatch targetGone = new CountDownLatch(1);
      List<CompletableFuture<List<Object>>> watchers = new ArrayList<>();
      List<CompletableFuture<List<MonitorRef>>> refs = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        CompletableFuture<List<MonitorRef>> mine = new CompletableFuture<>();
        refs.add(mine);
        watchers.add(
            spawnForResult(
                node,
                ctx -> {
                  List<MonitorRef> held = new ArrayList<>();
                  for (int i = 0; i < perWatcher; i++) {
                    held.add(ctx.monitor(target));
                  }
                  mine.complete(held);
                  watching.countDown();
                  pass(targetGone);
                  return everythingQueued(ctx);
                }));
      }
      pass(watching);
      CompletableFuture<MonitorReason> end = node.termination(target); // after every monitor
      node.send(target, "end now");
      assertThat(get(end)).isEqualTo(new MonitorReason.Normal(target));
      targetGone.countDown();

      List<MonitorRef> allRefs = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        List<MonitorRef> held = get(refs.get(w));
        allRefs.addAll(held);
        List<Object> queued = get(watchers.get(w));
        assertThat(queued)
            .hasSize(perWatcher)
            .allSatisfy(
                e -> assertThat(((Down) e).reason()).isEqualTo(new MonitorReason.Normal(target)));
        assertThat(queued).extracting(e -> ((Down) e).ref()).containsExactlyElementsOf(held);
      }
      assertThat(allRefs).doesNotHaveDuplicates().hasSize(2 * perWatcher);
    }
  }

  @Test
  void monitor_deadProcessSentMessagesFirst_downArrivesAfterAllOfThem() throws Exception {
    int count = 10_000;
    try (Node<Object> node = localNode("monitor")) {
      List<Object> taken =
          inProcess(
              node,
              ctx -> {
                Pid me = ctx.self();
                Spawned child =
                    ctx.spawnMonitored(
                        c -> {
                          for (int i = 0; i < count; i++) {
                            c.send(me, i);
                          }
                        });
                List<Object> entries = new ArrayList<>();
                // Takes the oldest entry of either kind: the mailbox order, as queued.
                for (Object e;
                    !((e = ctx.receive(any(x -> x), onDown(d -> d))) instanceof Down); ) {
                  entries.add(e);
                }
                entries.add("DOWN");
                assertThat(child.pid()).isNotEqualTo(me);
                return entries;
              });

      assertThat(taken).hasSize(count + 1).endsWith("DOWN");
      for (int i = 0; i < count; i++) {
        assertThat(taken.get(i)).isEqualTo(i);
      }
    }
  }

  @Test
  void spawnMonitored_childEndsAtOnce_isStillReportedWithItsRealReason() throws Exception {
    int rounds = 2_000;
    try (Node<Object> node = localNode("monitor")) {
      List<MonitorReason> reasons =
          inProcess(
              node,
              ctx -> {
                List<MonitorReason> seen = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                  Spawned normal = ctx.spawnMonitored(c -> {});
                  Spawned crash =
                      ctx.spawnMonitored(
                          c -> {
                            throw new ArithmeticException("at once");
                          });
                  seen.add(ctx.receive(onDown(normal.monitor(), Down::reason)));
                  seen.add(ctx.receive(onDown(crash.monitor(), Down::reason)));
                }
                return seen;
              });

      // A monitor installed after the child's end would have said NoProcess.
      for (int i = 0; i < reasons.size(); i += 2) {
        assertThat(reasons.get(i)).isInstanceOf(MonitorReason.Normal.class);
        assertThat(reasons.get(i + 1)).isInstanceOf(MonitorReason.Crashed.class);
      }
      assertThat(reasons).hasSize(2 * rounds);
    }
  }

  @Test
  void unmonitor_noticeAlreadyQueued_isNeverReceived() throws Exception {
    try (Node<Object> node = localNode("monitor")) {
      Pid target = spawnWaiter(node);

      List<Object> queued =
          inProcess(
              node,
              ctx -> {
                MonitorRef cancelled = ctx.monitor(target);
                MonitorRef kept = ctx.monitor(target);
                CompletableFuture<MonitorReason> end = node.termination(target);
                ctx.send(target, "end now");
                get(end);
                // Both notices are in the mailbox now; cancel one of them.
                ctx.unmonitor(cancelled);
                List<Object> rest = everythingQueued(ctx);
                rest.add(0, kept);
                return rest;
              });

      MonitorRef kept = (MonitorRef) queued.get(0);
      assertThat(queued).hasSize(2);
      assertThat(((Down) queued.get(1)).ref()).isEqualTo(kept);
    }
  }

  @Test
  void unmonitor_beforeTheProcessEnds_noNoticeIsQueued() throws Exception {
    try (Node<Object> node = localNode("monitor")) {
      Pid target = spawnWaiter(node);

      List<Object> queued =
          inProcess(
              node,
              ctx -> {
                MonitorRef ref = ctx.monitor(target);
                ctx.unmonitor(ref);
                ctx.unmonitor(ref); // a second cancel is a no-op
                CompletableFuture<MonitorReason> end = node.termination(target);
                ctx.send(target, "end now");
                get(end);
                return everythingQueued(ctx);
              });

      assertThat(queued).isEmpty();
    }
  }

  @Test
  void unmonitor_refHeldByAnotherProcess_isANoOp() throws Exception {
    try (Node<Object> node = localNode("monitor")) {
      Pid target = spawnWaiter(node);
      CompletableFuture<MonitorRef> theirs = new CompletableFuture<>();
      CountDownLatch meddled = new CountDownLatch(1);
      CompletableFuture<Down> watcher =
          spawnForResult(
              node,
              ctx -> {
                MonitorRef ref = ctx.monitor(target);
                theirs.complete(ref);
                pass(meddled);
                ctx.send(target, "end now");
                return ctx.receive(WAIT, onDown(ref, d -> d)).orElseThrow();
              });
      MonitorRef ref = get(theirs);

      Boolean meddlerDone =
          inProcess(
              node,
              ctx -> {
                ctx.unmonitor(ref); // not this process's monitor
                return true;
              });
      meddled.countDown();

      assertThat(meddlerDone).isTrue();
      assertThat(get(watcher).reason()).isEqualTo(new MonitorReason.Normal(target));
    }
  }

  @Test
  void monitor_exactlyOneNoticePerRef_evenForManyRefsOnOneProcess() throws Exception {
    int refs = 50;
    try (Node<Object> node = localNode("monitor")) {
      Pid target = spawnWaiter(node);

      List<Object> queued =
          inProcess(
              node,
              ctx -> {
                for (int i = 0; i < refs; i++) {
                  ctx.monitor(target);
                }
                CompletableFuture<MonitorReason> end = node.termination(target);
                ctx.send(target, "end now");
                get(end);
                return everythingQueued(ctx);
              });

      // The seed delivered k squared notices for k monitors; we deliver k, one per ref.
      assertThat(queued).hasSize(refs).hasOnlyElementsOfType(Down.class);
      assertThat(queued).extracting(e -> ((Down) e).ref()).doesNotHaveDuplicates();
    }
  }

  @Test
  void onDown_withRef_takesOnlyThatMonitorsNotice() throws Exception {
    try (Node<Object> node = localNode("monitor")) {
      List<MonitorRef> order =
          inProcess(
              node,
              ctx -> {
                Spawned first = ctx.spawnMonitored(c -> {});
                Spawned second = ctx.spawnMonitored(c -> {});
                MonitorRef gotSecond = ctx.receive(onDown(second.monitor(), Down::ref));
                MonitorRef gotFirst = ctx.receive(onDown(first.monitor(), Down::ref));
                return List.of(first.monitor(), second.monitor(), gotSecond, gotFirst);
              });

      assertThat(order.get(2)).isEqualTo(order.get(1));
      assertThat(order.get(3)).isEqualTo(order.get(0));
    }
  }

  @Test
  void termination_processOfAnotherNode_throwsIllegalArgument() throws Exception {
    try (Node<Object> node = localNode("monitor")) {
      Pid foreign = Pid.of(NodeId.of("elsewhere", 1), 1);

      assertThatThrownBy(() -> node.termination(foreign))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(get(node.termination(Pid.of(node.id(), 12345))))
          .isEqualTo(new MonitorReason.NoProcess(Pid.of(node.id(), 12345)));
    }
  }
}
