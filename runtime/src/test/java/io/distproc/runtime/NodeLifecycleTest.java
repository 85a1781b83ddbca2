package io.distproc.runtime;

import static io.distproc.Matcher.any;
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
import static org.awaitility.Awaitility.await;

import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.Down;
import io.distproc.InitMoreThanOnceException;
import io.distproc.InvalidNodeException;
import io.distproc.LocalOnlyModeException;
import io.distproc.Matcher;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.ProcessInterruptedException;
import io.distproc.runtime.internal.Link;
import io.distproc.runtime.internal.Transport;
import io.distproc.spi.NodeStart;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Starting and stopping nodes, local-only mode, and nodes side by side (DESIGN.md sections 3 and 4;
 * the lifecycle contract of {@link Node}).
 */
class NodeLifecycleTest {

  @Test
  void close_processesBlockedInReceive_endsThemAndCompletesTerminationWithNodeDown()
      throws Exception {
    int processes = 20;
    List<Pid> pids = new ArrayList<>();
    List<CompletableFuture<MonitorReason>> ends = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    Node<Object> closed;
    try (Node<Object> node = localNode("lifecycle")) {
      closed = node;
      CountDownLatch waiting = new CountDownLatch(processes);
      List<CompletableFuture<Thread>> threadFutures = new ArrayList<>();
      for (int i = 0; i < processes; i++) {
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        threadFutures.add(thread);
        Pid pid =
            node.spawn(
                ctx -> {
                  thread.complete(Thread.currentThread());
                  waiting.countDown();
                  ctx.receive(any(x -> x)); // nothing is ever sent
                });
        pids.add(pid);
        ends.add(node.termination(pid));
      }
      pass(waiting);
      for (CompletableFuture<Thread> t : threadFutures) {
        threads.add(get(t));
      }
      assertThat(ends).noneMatch(CompletableFuture::isDone);
      assertThat(node.metrics().liveProcesses()).isEqualTo(processes);
    } // close()

    for (int i = 0; i < processes; i++) {
      assertThat(ends.get(i))
          .isCompletedWithValue(new MonitorReason.NodeDown(pids.get(i), closed.id()));
    }
    assertThat(closed.isShutdown()).isTrue();
    assertThat(closed.isTerminated()).isTrue();
    assertThat(closed.metrics().liveProcesses()).isZero();
    // Each thread's last act is telling the node it ended; it is gone a moment later.
    for (Thread t : threads) {
      assertThat(t.join(WAIT)).as("thread %s ended", t).isTrue();
    }
  }

  @Test
  void close_processSwallowsTheInterruptAndReturns_isStillReportedNodeDown() throws Exception {
    CompletableFuture<MonitorReason> reason;
    CountDownLatch waiting = new CountDownLatch(1);
    try (Node<Object> node = TestSupport.localNode("swallower")) {
      Pid pid =
          node.spawn(
              ctx -> {
                waiting.countDown();
                try {
                  ctx.receive(Matcher.any(m -> m));
                } catch (ProcessInterruptedException e) {
                  return; // a careless body: ends "normally" while its node goes down
                }
              });
      reason = node.termination(pid);
      TestSupport.pass(waiting);
    }

    assertThat(TestSupport.get(reason)).isInstanceOf(MonitorReason.NodeDown.class);
  }

  @Test
  void termination_blockingCallback_doesNotHoldUpTheDyingProcessesMonitors() throws Exception {
    try (Node<Object> node = TestSupport.localNode("callbacks")) {
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Thread> callbackThread = new CompletableFuture<>();
      CompletableFuture<Thread> processThread = new CompletableFuture<>();
      CompletableFuture<Void> go = new CompletableFuture<>();
      Pid target =
          node.spawn(
              ctx -> {
                processThread.complete(Thread.currentThread());
                go.get();
              });
      node.termination(target)
          .thenRun(
              () -> {
                callbackThread.complete(Thread.currentThread());
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      CompletableFuture<MonitorReason> seen =
          TestSupport.spawnForResult(
              node,
              ctx -> {
                MonitorRef ref = ctx.monitor(target);
                go.complete(null);
                return ctx.receive(Matcher.onDown(ref, Down::reason));
              });

      assertThat(TestSupport.get(callbackThread)).isSameAs(TestSupport.get(processThread));
      // The callback is blocked, yet the watcher already has its notice.
      assertThat(TestSupport.get(seen)).isInstanceOf(MonitorReason.Normal.class);
      release.countDown();
    }
  }

  @Test
  void close_calledAgain_isANoOp() throws Exception {
    Node<Object> node = localNode("lifecycle");
    try (node) {
      node.spawn(ctx -> ctx.receive(any(x -> x)));
      node.close();
      assertThat(node.isTerminated()).isTrue();
    }
    node.close();
    node.shutdown();
    node.shutdownNow();

    assertThat(node.isTerminated()).isTrue();
    assertThat(node.awaitTermination(Duration.ZERO)).isTrue();
  }

  @Test
  void close_thenSpawn_throwsIllegalState() throws Exception {
    Node<Object> node = localNode("lifecycle");
    node.close();

    assertThatThrownBy(() -> node.spawn(ctx -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shut down");
    assertThat(node.metrics().processesSpawned()).isZero();
  }

  @Test
  void shutdown_runningProcesses_refusesNewSpawnsButLetsThemFinish() throws Exception {
    try (Node<Object> node = localNode("lifecycle")) {
      CompletableFuture<Pid> self = new CompletableFuture<>();
      CompletableFuture<List<Object>> worker =
          spawnForResult(
              node,
              ctx -> {
                self.complete(ctx.self());
                List<Object> seen = new ArrayList<>();
                seen.add(ctx.receive(any(x -> x))); // arrives after shutdown()
                seen.add(catchThrowable(() -> ctx.spawn(c -> {})));
                return seen;
              });
      Pid pid = get(self);
      CompletableFuture<MonitorReason> end = node.termination(pid);

      node.shutdown();

      assertThat(node.isShutdown()).isTrue();
      assertThat(node.isTerminated()).isFalse();
      assertThat(node.awaitTermination(Duration.ZERO)).isFalse();
      assertThatThrownBy(() -> node.spawn(ctx -> {})).isInstanceOf(IllegalStateException.class);
      node.send(pid, "still delivered");
      List<Object> seen = get(worker);
      assertThat(seen.get(0)).isEqualTo("still delivered");
      assertThat(seen.get(1)).isInstanceOf(IllegalStateException.class);
      assertThat(get(end)).isEqualTo(new MonitorReason.Normal(pid));
      assertThat(node.awaitTermination(WAIT)).isTrue();
      assertThat(node.isTerminated()).isTrue();
      assertThat(node.metrics().processesSpawned()).isEqualTo(1);
    }
  }

  @Test
  void awaitTermination_shutdownWithNoProcesses_returnsTrueAtOnce() {
    try (Node<Object> node = localNode("lifecycle")) {
      assertThat(node.awaitTermination(Duration.ZERO)).isFalse(); // running: not terminated

      node.shutdown();

      assertThat(node.awaitTermination(Duration.ZERO)).isTrue();
    }
  }

  @Test
  void awaitTermination_processEndsLater_returnsTrueWhenItEnds() throws Exception {
    try (Node<Object> node = localNode("lifecycle")) {
      CountDownLatch release = new CountDownLatch(1);
      node.spawn(ctx -> pass(release));
      node.shutdown();
      CompletableFuture<Boolean> awaited =
          CompletableFuture.supplyAsync(() -> node.awaitTermination(WAIT));

      assertThat(node.awaitTermination(Duration.ofMillis(1))).isFalse();
      release.countDown();

      assertThat(get(awaited)).isTrue();
    }
  }

  /**
   * A demo member once exited with its goodbye unsent: the node's last process ended as close()
   * began, that process's thread closed the transport, and close() found the links "already
   * closing" and returned. The JVM then exited under the goodbye, and the peer saw the connection
   * lost instead of the node leaving.
   */
  @Test
  void close_whileAnotherThreadClosesTheTransport_returnsOnlyOnceTheTransportHasClosed()
      throws Exception {
    HeldClose transport = new HeldClose();
    Node<String> node =
        NodeImpl.start(
            new NodeStart<>(
                NodeConfig.remote("held").bind("127.0.0.1", 0).plaintext().build(),
                Codec.utf8(),
                Behaviours.none(),
                List.of(),
                Optional.empty()),
            (config, self, handler) -> transport);
    Thread first = Thread.ofPlatform().start(node::shutdown); // no process: it closes the links
    try {
      pass(transport.entered);
      Thread second = Thread.ofPlatform().start(node::close);
      await()
          .atMost(WAIT)
          .until(() -> !second.isAlive() || second.getState() == Thread.State.WAITING);

      assertThat(second.isAlive()).as("close() returned while the links were closing").isTrue();
      assertThat(node.isTerminated()).isFalse();

      transport.release.countDown();
      second.join(WAIT.toMillis());
      assertThat(second.isAlive()).isFalse();
      assertThat(node.isTerminated()).isTrue();
    } finally {
      transport.release.countDown();
      first.join(WAIT.toMillis());
    }
  }

  /** A transport whose close() holds until released. */
  private static final class HeldClose implements Transport {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public InetSocketAddress boundAddress() {
      return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public CompletableFuture<Link> connect(String host, int port, Optional<String> expectedName) {
      return CompletableFuture.failedFuture(new ConnectException("no network here"));
    }

    @Override
    public void close() {
      entered.countDown();
      try {
        pass(release);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void start_builderStartedTwice_throwsInitMoreThanOnce() {
    Node.Builder<String> builder = Node.builder(NodeConfig.local("once").build(), Codec.utf8());
    try (Node<String> node = builder.start()) {
      assertThat(node.id().name()).isEqualTo("once");

      assertThatThrownBy(builder::start)
          .isInstanceOf(InitMoreThanOnceException.class)
          .hasMessageContaining("once");
      assertThatThrownBy(() -> builder.start(ctx -> {}))
          .isInstanceOf(InitMoreThanOnceException.class);
    }
  }

  @Test
  void start_remoteConfigWithoutTransport_failsNamingTheTransportModule() {
    NodeConfig remote = NodeConfig.remote("far").bind("127.0.0.1", 0).plaintext().build();

    assertThatThrownBy(
            () -> {
              try (Node<String> node = Node.start(remote, Codec.utf8())) {
                assertThat(node).as("a remote node started without a transport").isNull();
              }
            })
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("distproc-grpc-transport")
        .hasMessageContaining("far");
  }

  @Test
  void start_withInitialProcess_runsItAndReportsItsPid() throws Exception {
    CompletableFuture<Pid> ran = new CompletableFuture<>();
    try (Node<String> node =
        Node.builder(NodeConfig.local("initial").build(), Codec.utf8())
            .start(ctx -> ran.complete(ctx.self()))) {
      assertThat(node.initialProcess()).contains(get(ran));
      assertThat(node.config().name()).isEqualTo("initial");
      assertThat(node.boundAddress()).isEmpty();
    }
  }

  @Test
  void addRemoteNode_localOnlyMode_throwsLocalOnlyMode() throws Exception {
    try (Node<Object> node = localNode("lonely")) {
      NodeId other = NodeId.of("other", 1);

      assertThatThrownBy(() -> node.addRemoteNode("localhost", 7000, "other"))
          .isInstanceOf(LocalOnlyModeException.class)
          .hasMessageContaining("addRemoteNode");
      assertThatThrownBy(() -> node.removeRemoteNode(other))
          .isInstanceOf(LocalOnlyModeException.class)
          .hasMessageContaining("removeRemoteNode");
      List<Throwable> fromProcess =
          inProcess(
              node,
              ctx ->
                  List.of(
                      catchThrowable(() -> ctx.addRemoteNode("localhost", 7000, "other")),
                      catchThrowable(() -> ctx.removeRemoteNode(other))));
      assertThat(fromProcess).hasOnlyElementsOfType(LocalOnlyModeException.class).hasSize(2);
    }
  }

  @Test
  void remoteNodes_localOnlyMode_areEmpty() throws Exception {
    try (Node<Object> node = localNode("lonely")) {
      assertThat(node.remoteNodes()).isEmpty();
      assertThat(node.remoteNode("lonely")).isEmpty();
      assertThat(node.remoteNode("other")).isEmpty();
      List<Object> fromProcess =
          inProcess(node, ctx -> List.of(ctx.remoteNodes(), ctx.remoteNode("other")));
      assertThat(fromProcess).containsExactly(List.of(), Optional.empty());
    }
  }

  @Test
  void start_twoLocalNodesSideBySide_areIndependent() throws Exception {
    try (Node<Object> right = localNode("right")) {
      CompletableFuture<Object> rightGot = spawnForResult(right, ctx -> ctx.receive(any(x -> x)));
      CompletableFuture<MonitorReason> leftEnd;
      try (Node<Object> left = localNode("left")) {
        Pid leftPid = left.spawn(ctx -> ctx.receive(any(x -> x)));
        assertThat(leftPid.node()).isEqualTo(left.id()).isNotEqualTo(right.id());
        leftEnd = left.termination(leftPid);

        // Local-only nodes do not know each other.
        assertThatThrownBy(() -> right.send(leftPid, "across"))
            .isInstanceOf(InvalidNodeException.class);
        assertThatThrownBy(() -> left.broadcast(right.id(), "across"))
            .isInstanceOf(InvalidNodeException.class);
      }

      assertThat(get(leftEnd)).isInstanceOf(MonitorReason.NodeDown.class);
      assertThat(right.isShutdown()).isFalse();
      assertThat(right.metrics().liveProcesses()).isEqualTo(1);
      right.broadcast(right.id(), "still here");
      assertThat(get(rightGot)).isEqualTo("still here");
      assertThat(right.metrics().deadLetters()).isZero();
    }
  }

  @Test
  void start_sameNameAgain_isANewIncarnationWhosePidsNeverReachTheOld() throws Exception {
    Pid oldPid;
    NodeId oldId;
    try (Node<Object> old = localNode("phoenix")) {
      oldId = old.id();
      oldPid = old.spawn(ctx -> ctx.receive(any(x -> x)));
    }
    try (Node<Object> reborn = localNode("phoenix")) {
      assertThat(reborn.id().name()).isEqualTo(oldId.name());
      assertThat(reborn.id().incarnation()).isGreaterThan(oldId.incarnation());
      // The new incarnation's first process has the same number as the old pid.
      CompletableFuture<Optional<Object>> newcomer = new CompletableFuture<>();
      CountDownLatch sent = new CountDownLatch(1);
      Pid samePlace =
          reborn.spawn(
              ctx -> {
                pass(sent);
                newcomer.complete(ctx.receive(Duration.ZERO, any(x -> x)));
              });
      assertThat(samePlace.id()).isEqualTo(oldPid.id());
      assertThat(samePlace).isNotEqualTo(oldPid);

      reborn.send(oldPid, "for the old incarnation");
      Optional<MonitorReason> monitored =
          inProcess(
              reborn,
              ctx -> {
                ctx.send(oldPid, "for the old incarnation, from a process");
                MonitorRef ref = ctx.monitor(oldPid);
                return ctx.receive(Duration.ZERO, onDown(ref, Down::reason));
              });
      sent.countDown();

      assertThat(monitored).contains(new MonitorReason.NoProcess(oldPid));
      assertThat(get(newcomer)).isEmpty();
      assertThat(reborn.metrics().deadLetters()).isEqualTo(2);
    }
  }

  @Test
  void start_manyNodesOfOneNameAtOnce_eachHasItsOwnIncarnation() throws Exception {
    int perThread = 200;
    List<Node<Object>> nodes = new CopyOnWriteArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Void>> starters = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        starters.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    pass(go);
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  for (int i = 0; i < perThread; i++) {
                    nodes.add(localNode("twin"));
                  }
                },
                r -> new Thread(r).start()));
      }
      go.countDown();
      for (CompletableFuture<Void> s : starters) {
        get(s);
      }

      assertThat(nodes).hasSize(2 * perThread).extracting(Node::id).doesNotHaveDuplicates();
    } finally {
      for (Node<Object> n : nodes) {
        n.close();
      }
    }
  }

  @Test
  void close_manyProcessesBlocked_freesThemPromptly() throws Exception {
    int processes = 10_000;
    Node<Object> node = localNode("lifecycle");
    try (node) {
      CountDownLatch waiting = new CountDownLatch(processes);
      for (int i = 0; i < processes; i++) {
        node.spawn(
            ctx -> {
              waiting.countDown();
              ctx.receive(any(x -> x));
            });
      }
      pass(waiting);
      assertThat(node.metrics().liveProcesses()).isEqualTo(processes);
    }
    assertThat(node.isTerminated()).isTrue();
    assertThat(node.metrics().liveProcesses()).isZero();
  }
}
