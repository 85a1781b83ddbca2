package io.distproc.runtime.testing;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.distproc.Behaviours;
import io.distproc.DistprocException;
import io.distproc.Down;
import io.distproc.InvalidNodeException;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.Spawned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The remote rules of DESIGN.md sections 3 and 4, checked against any transport. Subclasses say how
 * to start a remote node on their transport; everything else goes through the public API.
 */
public abstract class AbstractClusterTest {
  protected static final int TIME_FACTOR = TestTimeFactor.FACTOR;
  protected static final Duration WAIT = Duration.ofSeconds(15L * TIME_FACTOR);

  private final List<Node<String>> started = new CopyOnWriteArrayList<>();

  /** Node-down events seen by each node, by node name. */
  protected final Map<String, List<NodeDownEvent>> downs = new ConcurrentHashMap<>();

  protected static final String LOOPBACK = "127.0.0.1";

  /** Starts a node named {@code name} with the test behaviours and a recording listener. */
  protected Node<String> node(String name) {
    return node(name, b -> b);
  }

  protected Node<String> node(String name, UnaryOperator<NodeConfig.Builder> extra) {
    List<NodeDownEvent> seen = downs.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
    seen.clear();
    Node<String> n =
        startWith(extra.apply(NodeConfig.remote(name).bind(LOOPBACK, 0).plaintext()), seen);
    started.add(n);
    return n;
  }

  /**
   * Starts a node on the transport under test, with {@link #behaviours()} and a node-down listener
   * that adds to {@code seen}.
   */
  protected abstract Node<String> startWith(NodeConfig.Builder config, List<NodeDownEvent> seen);

  /**
   * Makes {@code node} stop answering with its connections left open, as a hung process would: what
   * is sent to it is not handled, and it sends nothing (heartbeats included, where the transport
   * has them).
   */
  protected abstract void hang(Node<String> node);

  /** Lets a node that {@link #hang} stopped answer again. */
  protected abstract void resume(Node<String> node);

  /** Cuts every connection of {@code node} at once, without goodbye, as a killed process would. */
  protected abstract void crash(Node<String> node);

  /**
   * How many writes {@code node}'s links have made so far, in the transport's own unit (a frame, or
   * a batch of them): it grows when a request leaves the node.
   */
  protected abstract long wireWrites(Node<String> node);

  /** How many links of {@code node} are open: kept by the runtime and not ended. */
  protected abstract long openLinks(Node<String> node);

  /** The behaviours every test node registers. */
  protected static Behaviours<String> behaviours() {
    return Behaviours.<String>builder()
        // "echo": "<pid> <text>" sends text to pid; "crash <text>" throws; "stop" ends normally.
        .add("echo", arg -> ctx -> ctx.receiveLoop(any(s -> echo(ctx, s))))
        // "emitter": argument "<pid> <n>": sends m1..mn to pid, then ends normally.
        .add(
            "emitter",
            arg ->
                ctx -> {
                  String[] parts = arg.split(" ");
                  Pid to = parsePid(parts[0]);
                  for (int i = 1; i <= Integer.parseInt(parts[1]); i++) {
                    ctx.send(to, "m" + i);
                  }
                })
        // "quick": ends normally on its first line.
        .add("quick", arg -> ctx -> {})
        // "failing": throws IllegalStateException(argument) on its first line.
        .add(
            "failing",
            arg ->
                ctx -> {
                  throw new IllegalStateException(arg);
                })
        // "reporter": tells the pid in its argument its own pid, then echoes.
        .add(
            "reporter",
            arg ->
                ctx -> {
                  ctx.send(parsePid(arg), "hello from " + pidText(ctx.self()));
                  ctx.receiveLoop(any(s -> echo(ctx, s)));
                })
        // "registrar": registers itself under its argument, then echoes.
        .add(
            "registrar",
            arg ->
                ctx -> {
                  ctx.register(arg);
                  ctx.receiveLoop(any(s -> echo(ctx, s)));
                })
        // "silent": tells the pid in its argument "got <m>" for each message m; never replies.
        .add(
            "silent",
            arg ->
                ctx ->
                    ctx.receiveLoop(
                        any(
                            s -> {
                              ctx.send(parsePid(arg), "got " + s);
                              return true;
                            })))
        .build();
  }

  private static boolean echo(ProcessContext<String> ctx, String s) {
    if (s.equals("stop")) {
      return false;
    }
    if (s.startsWith("crash ")) {
      throw new IllegalStateException(s.substring(6));
    }
    int space = s.indexOf(' ');
    ctx.send(parsePid(s.substring(0, space)), s.substring(space + 1));
    return true;
  }

  /** A pid as text: {@code name#incarnation.id}. */
  protected static String pidText(Pid pid) {
    return pid.node().name() + "#" + pid.node().incarnation() + "." + pid.id();
  }

  protected static Pid parsePid(String text) {
    int hash = text.indexOf('#');
    int dot = text.lastIndexOf('.');
    return Pid.of(
        NodeId.of(text.substring(0, hash), Long.parseLong(text.substring(hash + 1, dot))),
        Long.parseLong(text.substring(dot + 1)));
  }

  /** Runs {@code body} in a new process of {@code node} and returns what it returns. */
  protected static <T> T inProcess(Node<String> node, Function<ProcessContext<String>, T> body)
      throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    node.spawn(
        ctx -> {
          try {
            result.complete(body.apply(ctx));
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    return result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  protected static NodeId connect(Node<String> from, Node<String> to) {
    return from.addRemoteNode(
        to.boundAddress().orElseThrow().getHostString(),
        to.boundAddress().orElseThrow().getPort(),
        to.id().name());
  }

  @AfterEach
  protected void closeNodes() {
    for (Node<String> n : started) {
      n.close();
    }
  }

  // ---- connecting ----------------------------------------------------------------------------

  @Test
  @DisplayName("connecting is symmetric, and adding a connected node again returns its id")
  void addRemoteNode_connects_bothSidesKnowEachOther() {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");

    NodeId seen = connect(a, b);

    assertThat(seen).isEqualTo(b.id());
    assertThat(a.remoteNodes()).containsExactly(b.id());
    await().atMost(WAIT).until(() -> b.remoteNodes().contains(a.id()));
    assertThat(b.remoteNode("alpha")).contains(a.id());
    assertThat(connect(a, b)).isEqualTo(b.id());
    assertThat(a.remoteNodes()).hasSize(1);
  }

  @Test
  @DisplayName("adding a node under the wrong name fails and connects nothing")
  void addRemoteNode_wrongName_failsCleanly() {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    var addr = b.boundAddress().orElseThrow();

    assertThatThrownBy(() -> a.addRemoteNode(addr.getHostString(), addr.getPort(), "gamma"))
        .isInstanceOf(DistprocException.class)
        .hasMessageContaining("gamma");
    assertThat(a.remoteNodes()).isEmpty();
  }

  @Test
  @DisplayName("two nodes adding each other at once settle on one link, with no node-down")
  void addRemoteNode_concurrentFromBothSides_settlesOnOneLink() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    CyclicBarrier go = new CyclicBarrier(2);
    ExecutorService two = Executors.newVirtualThreadPerTaskExecutor();
    Future<NodeId> ab =
        two.submit(
            () -> {
              arrive(go);
              return connect(a, b);
            });
    Future<NodeId> ba =
        two.submit(
            () -> {
              arrive(go);
              return connect(b, a);
            });
    two.shutdown();

    assertThat(ab.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(b.id());
    assertThat(ba.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(a.id());
    // Messages still flow both ways, in order, and nobody saw the other go down.
    assertThat(roundTrip(b, a, 200)).isEqualTo(200);
    assertThat(roundTrip(a, b, 200)).isEqualTo(200);
    assertThat(a.remoteNodes()).containsExactly(b.id());
    assertThat(b.remoteNodes()).containsExactly(a.id());
    // One link per side once any duplicate is closed.
    await().atMost(WAIT).until(() -> openLinks(a) == 1 && openLinks(b) == 1);
    assertThat(downs.get("alpha")).isEmpty();
    assertThat(downs.get("beta")).isEmpty();
  }

  @Test
  @DisplayName("one node adding the other while the other removes it settles with one link or none")
  void addRemoteNode_againstRemoveFromTheOtherSide_settlesConsistently() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    ExecutorService two = Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (int round = 0; round < 10; round++) {
        if (a.remoteNode("beta").isEmpty()) {
          connect(a, b);
        }
        await().atMost(WAIT).until(() -> b.remoteNodes().contains(a.id()));
        CyclicBarrier go = new CyclicBarrier(2);
        Future<?> add =
            two.submit(
                () -> {
                  arrive(go);
                  return connect(a, b);
                });
        Future<?> remove =
            two.submit(
                () -> {
                  arrive(go);
                  b.removeRemoteNode(a.id());
                });
        remove.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        try {
          add.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          // The removal may close the link under the add: a failed add is allowed, not a half link.
          assertThat(e.getCause()).isInstanceOf(DistprocException.class);
        }

        int r = round;
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  boolean linked = a.remoteNodes().contains(b.id());
                  assertThat(b.remoteNodes().contains(a.id()))
                      .as("round %d: b knows a", r)
                      .isEqualTo(linked);
                  assertThat(openLinks(a)).as("round %d: links of a", r).isEqualTo(linked ? 1 : 0);
                  assertThat(openLinks(b)).as("round %d: links of b", r).isEqualTo(linked ? 1 : 0);
                });
        if (a.remoteNodes().contains(b.id())) {
          assertThat(roundTrip(a, b, 10)).isEqualTo(10);
        }
      }
    } finally {
      two.shutdownNow();
    }
  }

  private static void arrive(CyclicBarrier barrier) {
    try {
      barrier.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Spawns an emitter of n messages on {@code far} aimed at a collector on {@code near}. */
  private static int roundTrip(Node<String> near, Node<String> far, int n) throws Exception {
    return inProcess(
        near,
        ctx -> {
          ctx.spawn(far.id(), "emitter", pidText(ctx.self()) + " " + n);
          for (int i = 1; i <= n; i++) {
            String expected = "m" + i;
            String got = ctx.receive(WAIT, any(s -> s)).orElseThrow();
            if (!got.equals(expected)) {
              throw new AssertionError("expected " + expected + " but got " + got);
            }
          }
          return n;
        });
  }

  @Test
  @DisplayName("metrics count links up and down and the messages that came from other nodes")
  void metrics_linksAndRemoteMessages_areCounted() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    await().atMost(WAIT).until(() -> b.metrics().linksUp() == 1);
    assertThat(a.metrics().linksUp()).isEqualTo(1);

    assertThat(roundTrip(a, b, 50)).isEqualTo(50); // b's emitter sends 50 messages to a
    assertThat(a.metrics().messagesReceived()).isGreaterThanOrEqualTo(50);
    a.removeRemoteNode(b.id());

    await().atMost(WAIT).until(() -> a.metrics().linksUp() == 0 && b.metrics().linksUp() == 0);
    assertThat(a.metrics().linksDown()).isEqualTo(1);
    assertThat(b.metrics().linksDown()).isEqualTo(1);
  }

  // ---- spawn, send, broadcast ----------------------------------------------------------------

  @Test
  @DisplayName("spawns a behaviour on another node, with a monitor that sees it end normally")
  void spawnMonitored_remoteBehaviour_runsThereAndReportsNormal() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);

    MonitorReason reason =
        inProcess(
            a,
            ctx -> {
              Spawned child = ctx.spawnMonitored(b.id(), "reporter", pidText(ctx.self()));
              assertThat(child.pid().node()).isEqualTo(b.id());
              String hello =
                  ctx.receive(WAIT, on(String.class, s -> s.startsWith("hello"), s -> s))
                      .orElseThrow();
              assertThat(hello).isEqualTo("hello from " + pidText(child.pid()));
              ctx.send(child.pid(), "stop");
              return ctx.receive(WAIT, onDown(child.monitor(), Down::reason)).orElseThrow();
            });

    assertThat(reason).isInstanceOf(MonitorReason.Normal.class);
  }

  @Test
  @DisplayName("messages between two processes on two nodes arrive in send order, none lost")
  void send_acrossNodes_keepsOrder() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);

    assertThat(roundTrip(a, b, 20_000)).isEqualTo(20_000);
  }

  @Test
  @DisplayName("a crash on another node is reported once with its class, message and stack")
  void monitor_remoteCrash_carriesClassMessageAndStackOnce() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);

    List<Down> notices =
        inProcess(
            a,
            ctx -> {
              Pid echo = ctx.spawn(b.id(), "echo", "");
              MonitorRef ref = ctx.monitor(echo);
              ctx.send(echo, "crash boom");
              List<Down> got = new ArrayList<>();
              got.add(ctx.receive(WAIT, onDown(d -> d)).orElseThrow());
              ctx.receive(Duration.ofMillis(200), onDown(d -> d)).ifPresent(got::add);
              assertThat(got.get(0).ref()).isEqualTo(ref);
              return got;
            });

    assertThat(notices).hasSize(1);
    assertThat(notices.get(0).reason())
        .isInstanceOfSatisfying(
            MonitorReason.Crashed.class,
            c -> {
              assertThat(c.exceptionClass()).isEqualTo("java.lang.IllegalStateException");
              assertThat(c.message()).isEqualTo("boom");
              assertThat(c.stackTrace()).contains("IllegalStateException: boom").contains("at ");
            });
  }

  @Test
  @DisplayName("the Down notice from another node comes after every message the process sent")
  void monitor_remoteDown_arrivesAfterTheProcessMessages() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);

    List<String> seen =
        inProcess(
            a,
            ctx -> {
              Spawned s = ctx.spawnMonitored(b.id(), "emitter", pidText(ctx.self()) + " 500");
              List<String> order = new ArrayList<>();
              for (; ; ) {
                String item =
                    ctx.receive(WAIT, any(m -> m), onDown(s.monitor(), d -> "DOWN")).orElseThrow();
                order.add(item);
                if (item.equals("DOWN")) {
                  return order;
                }
              }
            });

    assertThat(seen).hasSize(501);
    assertThat(seen.get(499)).isEqualTo("m500");
    assertThat(seen.get(500)).isEqualTo("DOWN");
  }

  @Test
  @DisplayName("monitoring a process that does not exist on another node reports NoProcess")
  void monitor_unknownRemotePid_reportsNoProcess() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);

    MonitorReason reason =
        inProcess(
            a,
            ctx -> {
              MonitorRef ref = ctx.monitor(Pid.of(b.id(), 999_999));
              return ctx.receive(WAIT, onDown(ref, Down::reason)).orElseThrow();
            });

    assertThat(reason).isEqualTo(new MonitorReason.NoProcess(Pid.of(b.id(), 999_999)));
  }

  @Test
  @DisplayName(
      "a message to a pid of the peer's current incarnation that no process has is a dead letter there, and the link carries on")
  void send_unknownPidOfTheCurrentIncarnation_isADeadLetterAtThePeer() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    long sentBefore = a.metrics().deadLetters();
    long before = b.metrics().deadLetters();

    a.send(Pid.of(b.id(), 999_999), "nobody has this pid");

    await().atMost(WAIT).until(() -> b.metrics().deadLetters() == before + 1);
    assertThat(a.metrics().deadLetters()).isEqualTo(sentBefore); // alpha cannot know: it sent it
    assertThat(roundTrip(a, b, 10)).isEqualTo(10);
  }

  @Test
  @DisplayName("a spawn of an unknown behaviour on another node gives a dead pid")
  void spawnMonitored_unknownRemoteBehaviour_reportsNoProcess() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);

    MonitorReason reason =
        inProcess(
            a,
            ctx -> {
              Spawned s = ctx.spawnMonitored(b.id(), "no-such-behaviour", "x");
              return ctx.receive(WAIT, onDown(s.monitor(), Down::reason)).orElseThrow();
            });

    assertThat(reason).isInstanceOf(MonitorReason.NoProcess.class);
  }

  @Test
  @DisplayName(
      "a remote spawn with a monitor of a body that ends on its first line reports how it ended")
  void spawnMonitored_remoteBodyEndsAtOnce_reportsNormalOrCrashedNeverNoProcess() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);

    List<MonitorReason> reasons =
        inProcess(
            a,
            ctx -> {
              List<MonitorReason> got = new ArrayList<>();
              for (int i = 0; i < 20; i++) {
                Spawned quick = ctx.spawnMonitored(b.id(), "quick", "");
                Spawned failing = ctx.spawnMonitored(b.id(), "failing", "failed at once " + i);
                got.add(ctx.receive(WAIT, onDown(quick.monitor(), Down::reason)).orElseThrow());
                got.add(ctx.receive(WAIT, onDown(failing.monitor(), Down::reason)).orElseThrow());
              }
              return got;
            });

    for (int i = 0; i < 20; i++) {
      int n = i;
      assertThat(reasons.get(2 * i)).isInstanceOf(MonitorReason.Normal.class);
      assertThat(reasons.get(2 * i + 1))
          .isInstanceOfSatisfying(
              MonitorReason.Crashed.class,
              c -> {
                assertThat(c.exceptionClass()).isEqualTo("java.lang.IllegalStateException");
                assertThat(c.message()).isEqualTo("failed at once " + n);
              });
    }
  }

  /** What a spawn in a process threw, and how long it took. */
  private record Failure(Throwable thrown, Duration took) {}

  private static Failure spawnFailure(ProcessContext<String> ctx, NodeId where) {
    long start = System.nanoTime();
    try {
      ctx.spawn(where, "echo", "");
      return new Failure(null, Duration.ofNanos(System.nanoTime() - start));
    } catch (RuntimeException e) {
      return new Failure(e, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  @Test
  @DisplayName("a remote spawn to a node that stops answering fails at the request timeout")
  void spawn_peerStopsAnswering_failsAtTheRequestTimeout() throws Exception {
    Duration timeout = Duration.ofMillis(500);
    // A long heartbeat timeout: the request's deadline, not a node-down, ends the wait.
    Node<String> a =
        node("alpha", c -> c.requestTimeout(timeout).heartbeat(Duration.ofMillis(500), WAIT));
    Node<String> b = node("beta");
    connect(a, b);
    hang(b);
    try {
      Failure failure = inProcess(a, ctx -> spawnFailure(ctx, b.id()));

      assertThat(failure.thrown())
          .isInstanceOf(DistprocException.class)
          .isNotInstanceOf(InvalidNodeException.class)
          .hasMessageContaining("no answer within 500 ms");
      assertThat(failure.took())
          .isGreaterThanOrEqualTo(timeout)
          .isLessThan(timeout.plus(Duration.ofSeconds(1L * TIME_FACTOR)));
    } finally {
      resume(b);
    }
  }

  @Test
  @DisplayName(
      "a remote spawn waiting for its answer fails with InvalidNodeException when the node dies")
  void spawn_peerDiesWhileTheSpawnWaits_failsWithInvalidNodeAtOnce() throws Exception {
    Node<String> a = node("alpha"); // the default request timeout, 5 s
    Node<String> b = node("beta");
    connect(a, b);
    hang(b);
    try {
      long before = wireWrites(a);
      CompletableFuture<Failure> failure = new CompletableFuture<>();
      a.spawn(ctx -> failure.complete(spawnFailure(ctx, b.id())));
      await().atMost(WAIT).until(() -> wireWrites(a) > before); // the request is on its way
      assertThat(failure).isNotDone();

      long crashedAt = System.nanoTime();
      crash(b);

      Failure f = failure.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      Duration afterCrash = Duration.ofNanos(System.nanoTime() - crashedAt);
      assertThat(f.thrown()).isInstanceOf(InvalidNodeException.class);
      assertThat(((InvalidNodeException) f.thrown()).node()).isEqualTo(b.id());
      assertThat(afterCrash).isLessThan(Duration.ofSeconds(1L * TIME_FACTOR));
      assertThat(afterCrash).isLessThan(NodeConfig.DEFAULT_REQUEST_TIMEOUT);
    } finally {
      resume(b);
    }
  }

  @Test
  @DisplayName("unmonitor of a process on another node cancels its notice")
  void unmonitor_remote_noNoticeArrives() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);

    Optional<Down> after =
        inProcess(
            a,
            ctx -> {
              Pid echo = ctx.spawn(b.id(), "echo", "");
              MonitorRef ref = ctx.monitor(echo);
              ctx.unmonitor(ref);
              ctx.send(echo, "crash after unmonitor");
              // A second, live monitor tells us when the process is gone.
              MonitorRef probe = ctx.monitor(echo);
              assertThat(ctx.receive(WAIT, onDown(probe, d -> d))).isPresent();
              return ctx.receive(Duration.ofMillis(100), onDown(ref, d -> d));
            });

    assertThat(after).isEmpty();
  }

  @Test
  @DisplayName("broadcast reaches every process of another node")
  void broadcast_remoteNode_reachesEveryProcess() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    List<CompletableFuture<String>> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      CompletableFuture<String> f = new CompletableFuture<>();
      got.add(f);
      b.spawn(ctx -> f.complete(ctx.receive(any(s -> s))));
    }

    a.broadcast(b.id(), "to all");

    for (CompletableFuture<String> f : got) {
      assertThat(f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("to all");
    }
  }

  @Test
  @DisplayName("operations on a node that is not connected throw InvalidNodeException")
  void remoteOps_unknownNode_throwInvalidNode() throws Exception {
    Node<String> a = node("alpha");
    NodeId ghost = NodeId.of("ghost", 1);

    assertThatThrownBy(() -> a.send(Pid.of(ghost, 1), "x"))
        .isInstanceOf(InvalidNodeException.class);
    assertThatThrownBy(() -> a.broadcast(ghost, "x")).isInstanceOf(InvalidNodeException.class);
    String failures =
        inProcess(
            a,
            ctx -> {
              StringBuilder sb = new StringBuilder();
              try {
                ctx.spawn(ghost, "echo", "");
              } catch (InvalidNodeException e) {
                sb.append("spawn ");
              }
              try {
                ctx.monitor(Pid.of(ghost, 1));
              } catch (InvalidNodeException e) {
                sb.append("monitor");
              }
              return sb.toString();
            });
    assertThat(failures).isEqualTo("spawn monitor");
  }

  // ---- node down -------------------------------------------------------------------------------

  @Test
  @DisplayName("when a peer leaves, its monitors fire NodeDown once and the listener runs once")
  void peerLeaves_monitorsFireNodeDownOnce_listenerOnce() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    CompletableFuture<List<Down>> notices = new CompletableFuture<>();
    CompletableFuture<Void> watching = new CompletableFuture<>();
    a.spawn(
        ctx -> {
          Pid e1 = ctx.spawn(b.id(), "echo", "");
          Pid e2 = ctx.spawn(b.id(), "echo", "");
          ctx.monitor(e1);
          ctx.monitor(e2);
          watching.complete(null);
          List<Down> got = new ArrayList<>();
          Optional<Down> d;
          while ((d = ctx.receive(Duration.ofMillis(500L * TIME_FACTOR), onDown(x -> x)))
                  .isPresent()
              || got.size() < 2) {
            d.ifPresent(got::add);
          }
          notices.complete(got);
        });
    watching.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    b.close();

    List<Down> got = notices.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(got).hasSize(2);
    assertThat(got)
        .allSatisfy(d -> assertThat(d.reason()).isInstanceOf(MonitorReason.NodeDown.class));
    await().atMost(WAIT).until(() -> downs.get("alpha").size() == 1);
    assertThat(downs.get("alpha").get(0).node()).isEqualTo(b.id());
    assertThat(downs.get("alpha").get(0).cause()).isEqualTo(NodeDownEvent.Cause.PEER_LEFT);
    assertThat(a.remoteNodes()).isEmpty();
  }

  @Test
  @DisplayName("removeRemoteNode closes the link and the peer sees it leave")
  void removeRemoteNode_closesBothSides() {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    await().atMost(WAIT).until(() -> b.remoteNodes().contains(a.id()));

    a.removeRemoteNode(b.id());

    await()
        .atMost(WAIT)
        .until(() -> downs.get("alpha").size() == 1 && downs.get("beta").size() == 1);
    assertThat(downs.get("alpha").get(0).cause()).isEqualTo(NodeDownEvent.Cause.REMOVED);
    assertThat(downs.get("beta").get(0).cause()).isEqualTo(NodeDownEvent.Cause.PEER_LEFT);
    assertThat(a.remoteNodes()).isEmpty();
    assertThat(b.remoteNodes()).isEmpty();
  }

  @Test
  @DisplayName("two nodes removing each other at once each see the other go down once")
  void removeRemoteNode_concurrentFromBothSides_eachSideSeesOneDown() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    await().atMost(WAIT).until(() -> b.remoteNodes().contains(a.id()));
    CyclicBarrier go = new CyclicBarrier(2);
    ExecutorService two = Executors.newVirtualThreadPerTaskExecutor();
    Future<?> ab =
        two.submit(
            () -> {
              arrive(go);
              a.removeRemoteNode(b.id());
            });
    Future<?> ba =
        two.submit(
            () -> {
              arrive(go);
              b.removeRemoteNode(a.id());
            });
    two.shutdown();
    ab.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    ba.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    await().atMost(WAIT).until(() -> a.remoteNodes().isEmpty() && b.remoteNodes().isEmpty());
    await()
        .atMost(WAIT)
        .until(() -> downs.get("alpha").size() == 1 && downs.get("beta").size() == 1);
    assertThat(downs.get("alpha").get(0).node()).isEqualTo(b.id());
    assertThat(downs.get("beta").get(0).node()).isEqualTo(a.id());
    // And they can link again.
    assertThat(connect(a, b)).isEqualTo(b.id());
    assertThat(roundTrip(a, b, 100)).isEqualTo(100);
  }

  @Test
  @DisplayName("a graceful shutdown keeps the links until the last process ends, then leaves")
  void shutdown_graceful_leavesWhenTheLastProcessEnds() {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    Pid last = a.spawn(ctx -> ctx.receive(any(s -> s)));

    a.shutdown();

    assertThat(a.isTerminated()).isFalse();
    assertThat(a.remoteNodes()).containsExactly(b.id());
    b.send(last, "you may go"); // still reachable across the link
    assertThat(a.awaitTermination(WAIT)).isTrue();
    await().atMost(WAIT).until(() -> downs.get("beta").size() == 1);
    assertThat(downs.get("beta").get(0).cause()).isEqualTo(NodeDownEvent.Cause.PEER_LEFT);
    assertThat(b.remoteNodes()).isEmpty();
  }

  @Test
  @DisplayName("a restarted node is a new incarnation: the old one's pids stay dead")
  void restart_newIncarnation_oldPidsStayDead() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    int port = b.boundAddress().orElseThrow().getPort();
    connect(a, b);
    Pid oldEcho = inProcess(a, ctx -> ctx.spawn(b.id(), "echo", ""));
    b.close();
    await().atMost(WAIT).until(() -> a.remoteNodes().isEmpty());

    Node<String> b2 = node("beta", c -> c.bind(LOOPBACK, port));
    connect(a, b2);

    assertThat(b2.id().incarnation()).isGreaterThan(b.id().incarnation());
    long before = a.metrics().deadLetters();
    a.send(oldEcho, "nobody should get this");
    assertThat(a.metrics().deadLetters()).isEqualTo(before + 1);
    MonitorReason reason =
        inProcess(
            a, ctx -> ctx.receive(WAIT, onDown(ctx.monitor(oldEcho), Down::reason)).orElseThrow());
    assertThat(reason).isInstanceOf(MonitorReason.NoProcess.class);
    assertThat(b2.metrics().deadLetters()).isZero();
  }

  @Test
  @DisplayName("a node with a seed connects by itself, and again after the seed restarts")
  void seedNode_connectsInBackground_andReconnectsAfterRestart() {
    Node<String> b = node("beta");
    int port = b.boundAddress().orElseThrow().getPort();
    Node<String> c = node("gamma", cfg -> cfg.seedNode("beta", LOOPBACK, port));

    await().atMost(WAIT).until(() -> c.remoteNode("beta").equals(Optional.of(b.id())));
    b.close();
    await().atMost(WAIT).until(() -> c.remoteNodes().isEmpty());
    Node<String> b2 = node("beta", cfg -> cfg.bind(LOOPBACK, port));

    await().atMost(WAIT).until(() -> c.remoteNode("beta").equals(Optional.of(b2.id())));
  }

  @Test
  @DisplayName("a seed that is down at start-up does not fail the start")
  void seedNode_unreachableAtStart_startsAnyway() {
    Node<String> c = node("gamma", cfg -> cfg.seedNode("beta", LOOPBACK, 1));

    assertThat(c.remoteNodes()).isEmpty();
    assertThat(c.isShutdown()).isFalse();
  }
}
