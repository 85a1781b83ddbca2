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
import static org.assertj.core.api.Assertions.catchThrowable;

import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.Down;
import io.distproc.InvalidNodeException;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.Pid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Sending, broadcasting and spawning on one node (DESIGN.md section 3). */
class SendTest {
  private static final NodeId GHOST = NodeId.of("ghost", 1);

  /** The runtime's System.Logger, seen through java.util.logging (held: JUL keeps it weakly). */
  private static final Logger RUNTIME_LOG = Logger.getLogger("io.distproc.runtime");

  @Test
  void send_receiverNotReceiving_neverBlocksTheSender() throws Exception {
    int count = 100_000;
    try (Node<Object> node = localNode("send")) {
      CountDownLatch senderDone = new CountDownLatch(1);
      CompletableFuture<Pid> receiverPid = new CompletableFuture<>();
      CompletableFuture<Integer> received =
          spawnForResult(
              node,
              ctx -> {
                receiverPid.complete(ctx.self());
                pass(senderDone); // not receiving while the sender sends
                int n = 0;
                while (ctx.receive(Duration.ZERO, any(x -> x)).isPresent()) {
                  n++;
                }
                return n;
              });
      Pid receiver = get(receiverPid);

      Integer sent =
          inProcess(
              node,
              ctx -> {
                for (int i = 0; i < count; i++) {
                  ctx.send(receiver, i);
                }
                return count;
              });
      senderDone.countDown(); // only after every send returned

      assertThat(sent).isEqualTo(count);
      assertThat(get(received)).isEqualTo(count);
    }
  }

  @Test
  void send_unknownPidOnKnownNode_succeedsSilentlyAndCountsADeadLetter() throws Exception {
    try (Node<Object> node = localNode("send")) {
      Pid ended = node.spawn(ctx -> {});
      get(node.termination(ended)); // Normal, or NoProcess if it had already ended: gone either way
      Pid neverExisted = Pid.of(node.id(), 1_000_000);
      long before = node.metrics().deadLetters();

      node.send(ended, "to the dead");
      node.send(neverExisted, "to no one");
      Boolean fromProcess =
          inProcess(
              node,
              ctx -> {
                ctx.send(ended, "to the dead, from a process");
                ctx.send(neverExisted, "to no one, from a process");
                return true;
              });

      assertThat(fromProcess).isTrue();
      assertThat(node.metrics().deadLetters() - before).isEqualTo(4);
    }
  }

  @Test
  void send_deadPid_isDroppedAndLoggedAtDebugNamingThePid() throws Exception {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler recorder =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Level before = RUNTIME_LOG.getLevel();
    RUNTIME_LOG.setLevel(Level.FINE); // System.Logger's DEBUG
    RUNTIME_LOG.addHandler(recorder);
    try (Node<Object> node = localNode("send")) {
      Pid ended = node.spawn(ctx -> {});
      get(node.termination(ended));

      node.send(ended, "to the dead");

      assertThat(records)
          .filteredOn(r -> r.getMessage() != null && r.getMessage().startsWith("dead letter to "))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.getLevel()).isEqualTo(Level.FINE);
                assertThat(r.getMessage()).contains(ended.toString()).contains("to the dead");
              });
    } finally {
      RUNTIME_LOG.removeHandler(recorder);
      RUNTIME_LOG.setLevel(before);
    }
  }

  @Test
  void send_liveReceiver_isDeliveredAndCountedAsSentNotDead() throws Exception {
    try (Node<Object> node = localNode("send")) {
      CompletableFuture<Pid> live = new CompletableFuture<>();
      CompletableFuture<Object> got =
          spawnForResult(
              node,
              ctx -> {
                live.complete(ctx.self());
                return ctx.receive(any(x -> x));
              });

      Pid receiver = get(live);
      long sentBefore = node.metrics().messagesSent();

      node.send(receiver, "hello");

      assertThat(get(got)).isEqualTo("hello");
      assertThat(node.metrics().messagesSent() - sentBefore).isEqualTo(1);
      assertThat(node.metrics().deadLetters()).isZero();
    }
  }

  @Test
  void send_unknownNode_throwsInvalidNode() throws Exception {
    try (Node<Object> node = localNode("send")) {
      Pid ghostPid = Pid.of(GHOST, 1);

      assertThatThrownBy(() -> node.send(ghostPid, "boo"))
          .isInstanceOf(InvalidNodeException.class)
          .satisfies(e -> assertThat(((InvalidNodeException) e).node()).isEqualTo(GHOST));
      Throwable fromProcess =
          inProcess(node, ctx -> catchThrowable(() -> ctx.send(ghostPid, "boo")));
      assertThat(fromProcess)
          .isInstanceOf(InvalidNodeException.class)
          .hasMessageContaining("ghost#1");
      assertThat(node.metrics().deadLetters()).isZero();
    }
  }

  @Test
  void spawn_unknownNode_throwsInvalidNode() throws Exception {
    try (Node<Object> node = localNode("send")) {
      List<Throwable> thrown =
          inProcess(
              node,
              ctx -> {
                List<Throwable> t = new ArrayList<>();
                t.add(catchThrowable(() -> ctx.spawn(GHOST, "echo", "arg")));
                t.add(catchThrowable(() -> ctx.spawnMonitored(GHOST, "echo", "arg")));
                return t;
              });

      assertThat(thrown).hasSize(2).hasOnlyElementsOfType(InvalidNodeException.class);
      assertThat(node.metrics().processesSpawned()).isEqualTo(1); // only inProcess's own
    }
  }

  @Test
  void monitor_unknownNode_throwsInvalidNode() throws Exception {
    try (Node<Object> node = localNode("send")) {
      Throwable thrown =
          inProcess(node, ctx -> catchThrowable(() -> ctx.monitor(Pid.of(GHOST, 7))));

      assertThat(thrown).isInstanceOf(InvalidNodeException.class);
      assertThat(((InvalidNodeException) thrown).node()).isEqualTo(GHOST);
    }
  }

  @Test
  void broadcast_unknownNode_throwsInvalidNode() throws Exception {
    try (Node<Object> node = localNode("send")) {
      assertThatThrownBy(() -> node.broadcast(GHOST, "all"))
          .isInstanceOf(InvalidNodeException.class);
      Throwable fromProcess =
          inProcess(node, ctx -> catchThrowable(() -> ctx.broadcast(GHOST, "all")));
      assertThat(fromProcess).isInstanceOf(InvalidNodeException.class);
    }
  }

  @Test
  void broadcast_fromProcess_reachesEveryOtherProcessButNotTheSender() throws Exception {
    int receivers = 5;
    try (Node<Object> node = localNode("send")) {
      CountDownLatch ready = new CountDownLatch(receivers);
      List<CompletableFuture<Object>> got = new ArrayList<>();
      for (int i = 0; i < receivers; i++) {
        got.add(
            spawnForResult(
                node,
                ctx -> {
                  ready.countDown();
                  return ctx.receive(any(x -> x));
                }));
      }
      pass(ready);
      long sentBefore = node.metrics().messagesSent();

      Optional<Object> senderGot =
          inProcess(
              node,
              ctx -> {
                ctx.broadcast(ctx.node(), "to all");
                // Local delivery is done when broadcast returns: a copy for us would be queued.
                return ctx.receive(Duration.ZERO, any(x -> x));
              });

      for (CompletableFuture<Object> f : got) {
        assertThat(get(f)).isEqualTo("to all");
      }
      assertThat(senderGot).isEmpty();
      assertThat(node.metrics().messagesSent() - sentBefore).isEqualTo(receivers);
    }
  }

  @Test
  void broadcast_fromOutsideAnyProcess_reachesEveryProcess() throws Exception {
    int receivers = 3;
    try (Node<Object> node = localNode("send")) {
      CountDownLatch ready = new CountDownLatch(receivers);
      List<CompletableFuture<Object>> got = new ArrayList<>();
      for (int i = 0; i < receivers; i++) {
        got.add(
            spawnForResult(
                node,
                ctx -> {
                  ready.countDown();
                  return ctx.receive(any(x -> x));
                }));
      }
      pass(ready);

      node.broadcast(node.id(), 42);

      for (CompletableFuture<Object> f : got) {
        assertThat(get(f)).isEqualTo(42);
      }
    }
  }

  @Test
  void spawn_sendRightAfterReturn_isDelivered() throws Exception {
    int rounds = 1_000;
    try (Node<Object> node = localNode("send")) {
      List<CompletableFuture<Object>> fromNode = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        CompletableFuture<Object> got = new CompletableFuture<>();
        Pid pid = node.spawn(ctx -> got.complete(ctx.receive(any(x -> x))));
        node.send(pid, i);
        fromNode.add(got);
      }
      List<Object> fromProcess =
          inProcess(
              node,
              ctx -> {
                List<Object> replies = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                  Pid child =
                      ctx.spawn(
                          c ->
                              c.receive(
                                  on(
                                      Pid.class,
                                      from -> {
                                        c.send(from, "child got it");
                                        return null;
                                      })));
                  ctx.send(child, ctx.self());
                  replies.add(ctx.receive(WAIT, any(x -> x)).orElse("nothing"));
                }
                return replies;
              });

      for (int i = 0; i < rounds; i++) {
        assertThat(get(fromNode.get(i))).isEqualTo(i);
      }
      assertThat(fromProcess).hasSize(rounds).containsOnly("child got it");
      assertThat(node.metrics().deadLetters()).isZero();
    }
  }

  @Test
  void spawn_manyProcessesEnded_pidsAreNeverReused() throws Exception {
    int batches = 100;
    int perBatch = 100; // 10^4 processes, each batch over before the next is spawned
    try (Node<Object> node = localNode("send")) {
      Set<Pid> seen = new HashSet<>();
      for (int b = 0; b < batches; b++) {
        List<Pid> batch = new ArrayList<>();
        for (int i = 0; i < perBatch / 2; i++) {
          batch.add(node.spawn(ctx -> {}));
        }
        // Half spawned by a process, through its context.
        batch.addAll(
            inProcess(
                node,
                ctx -> {
                  List<Pid> children = new ArrayList<>();
                  for (int i = 0; i < perBatch / 2; i++) {
                    children.add(ctx.spawn(c -> {}));
                  }
                  return children;
                }));
        for (Pid pid : batch) {
          get(node.termination(pid));
          assertThat(pid.node()).isEqualTo(node.id());
          assertThat(seen.add(pid)).as("pid %s given out twice", pid).isTrue();
        }
      }
      assertThat(seen).hasSize(batches * perBatch);
    }
  }

  @Test
  void spawn_body_runsOnAVirtualThread() throws Exception {
    try (Node<Object> node = localNode("send")) {
      CompletableFuture<Boolean> spawnedByNode = new CompletableFuture<>();
      node.spawn(ctx -> spawnedByNode.complete(Thread.currentThread().isVirtual()));
      Boolean spawnedByProcess =
          inProcess(
              node,
              ctx -> {
                CompletableFuture<Boolean> child = new CompletableFuture<>();
                ctx.spawn(c -> child.complete(Thread.currentThread().isVirtual()));
                return get(child);
              });

      assertThat(get(spawnedByNode)).isTrue();
      assertThat(spawnedByProcess).isTrue();
    }
  }

  @Test
  void spawn_registeredBehaviourOnOwnNode_runsItWithTheArgument() throws Exception {
    Behaviours<String> behaviours =
        Behaviours.<String>builder()
            .add(
                "greeter",
                arg ->
                    ctx -> {
                      Pid to = ctx.receive(any(s -> Pid.of(ctx.node(), Long.parseLong(s))));
                      ctx.send(to, "hello, " + arg);
                    })
            .build();
    CompletableFuture<String> reply = new CompletableFuture<>();
    try (Node<String> node =
        Node.builder(NodeConfig.local("send").build(), Codec.utf8())
            .behaviours(behaviours)
            .start(
                ctx -> {
                  Pid greeter = ctx.spawn(ctx.node(), "greeter", "world");
                  ctx.send(greeter, Long.toString(ctx.self().id()));
                  reply.complete(ctx.receive(any(s -> s)));
                })) {
      assertThat(node.initialProcess()).isPresent();
      assertThat(get(reply)).isEqualTo("hello, world");
    }
  }

  @Test
  void spawn_unregisteredBehaviourOnOwnNode_returnsAPidThatIsDead() throws Exception {
    try (Node<Object> node = localNode("send")) {
      MonitorReason reason =
          inProcess(
              node,
              ctx -> {
                var spawned = ctx.spawnMonitored(ctx.node(), "no-such-behaviour", "arg");
                return ctx.receive(WAIT, onDown(spawned.monitor(), Down::reason)).orElseThrow();
              });

      assertThat(reason).isInstanceOf(MonitorReason.NoProcess.class);
    }
  }
}
