package io.distproc.runtime;

import static io.distproc.Matcher.onDown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Codec;
import io.distproc.DistprocException;
import io.distproc.Down;
import io.distproc.Matcher;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.Pid;
import io.distproc.runtime.InMemoryNetwork.Step;
import io.distproc.runtime.testing.AbstractFaultClusterTest;
import io.distproc.spi.NodeStart;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The cluster rules on the in-memory transport, plus what only it can inject: a crash. */
class InMemoryClusterTest extends AbstractFaultClusterTest {
  private final InMemoryNetwork network = new InMemoryNetwork();

  @AfterEach
  void releaseHeldNodes() { // before the nodes close (a subclass's @AfterEach runs first)
    network.releaseAll();
  }

  @Override
  protected Node<String> startWith(NodeConfig.Builder config, List<NodeDownEvent> seen) {
    return NodeImpl.start(
        new NodeStart<>(
            config.build(), Codec.utf8(), behaviours(), List.of(seen::add), Optional.empty()),
        network.factory());
  }

  @Override
  protected void hang(Node<String> node) {
    network.blackhole(node.id());
  }

  @Override
  protected void resume(Node<String> node) {
    network.unblackhole(node.id());
  }

  @Override
  protected void crash(Node<String> node) {
    network.crash(node.id());
  }

  @Override
  protected long wireWrites(Node<String> node) {
    return network.framesSent(port(node));
  }

  @Override
  protected long openLinks(Node<String> node) {
    return network.openLinks(port(node));
  }

  @Test
  @DisplayName("a crashed peer is reported as CONNECTION_LOST, and its monitors fire NodeDown")
  void crash_peer_reportsConnectionLostAndNodeDown() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    CompletableFuture<MonitorReason> reason = new CompletableFuture<>();
    CompletableFuture<Void> watching = new CompletableFuture<>();
    a.spawn(
        ctx -> {
          Pid echo = ctx.spawn(b.id(), "echo", "");
          var ref = ctx.monitor(echo);
          watching.complete(null);
          reason.complete(ctx.receive(WAIT, onDown(ref, Down::reason)).orElseThrow());
        });
    watching.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    network.crash(b.id());

    assertThat(reason.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(MonitorReason.NodeDown.class);
    await().atMost(WAIT).until(() -> downs.get("alpha").size() == 1);
    assertThat(downs.get("alpha").get(0).cause()).isEqualTo(NodeDownEvent.Cause.CONNECTION_LOST);
  }

  @Test
  @DisplayName(
      "when a node goes down, the monitors it held here are dropped, and no notice goes to it")
  void crash_peerThatMonitoredAProcessHere_itsMonitorIsDroppedAndNoNoticeIsSent() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    NodeImpl<String> alpha = (NodeImpl<String>) a;
    Pid target = a.spawn(ctx -> ctx.receive(Matcher.any(m -> m)));
    CompletableFuture<Void> watching = new CompletableFuture<>();
    b.spawn(
        ctx -> {
          ctx.monitor(target);
          watching.complete(null);
          ctx.receive(Matcher.any(m -> m));
        });
    watching.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    await().atMost(WAIT).until(() -> alpha.monitorsOn(target) == 1); // beta's monitor is here
    long noticesBefore = alpha.downsToOtherNodes();

    network.crash(b.id());
    await().atMost(WAIT).until(() -> downs.get("alpha").size() == 1);

    assertThat(alpha.monitorsOn(target)).isZero();
    CompletableFuture<MonitorReason> ended = a.termination(target); // fires after every notice
    a.send(target, "end");
    assertThat(ended.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(MonitorReason.Normal.class);
    assertThat(alpha.downsToOtherNodes()).isEqualTo(noticesBefore);
  }

  @Test
  @DisplayName("a message a just-closed link refuses is counted as dropped, not lost unseen")
  void send_linkClosedBeforeItsEndIsHandled_countsTheMessageAsDropped() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    Pid sink = b.spawn(ctx -> ctx.receive(Matcher.any(m -> m)));
    long before = a.metrics().messagesDropped();

    network.closeUnnoticed(port(a), b.id());
    a.send(sink, "lost");
    a.broadcast(b.id(), "lost too");

    assertThat(a.metrics().messagesDropped()).isEqualTo(before + 2);
  }

  @Test
  @DisplayName(
      "a remote spawn awaiting its reply is no process: a broadcast meanwhile reaches only the node's processes")
  void broadcast_remoteSpawnAwaitingItsReply_reachesOnlyTheProcesses() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    int receivers = 3;
    List<CompletableFuture<String>> got = new ArrayList<>();
    for (int i = 0; i < receivers; i++) {
      CompletableFuture<String> f = new CompletableFuture<>();
      a.spawn(ctx -> f.complete(ctx.<String>receive(Matcher.any(m -> m))));
      got.add(f);
    }
    network.hold(b.id());
    CompletableFuture<Pid> child = new CompletableFuture<>();
    CompletableFuture<List<String>> spawnerGot = new CompletableFuture<>();
    a.spawn(
        ctx -> {
          try {
            child.complete(ctx.spawn(b.id(), "echo", ""));
          } catch (Throwable t) {
            child.completeExceptionally(t);
            throw t;
          }
          // The broadcast came while this process waited in spawn: it is in its mailbox, once.
          List<String> mine = new ArrayList<>();
          ctx.<String>receive(WAIT, Matcher.any(m -> m)).ifPresent(mine::add);
          ctx.<String>receive(Duration.ZERO, Matcher.any(m -> m)).ifPresent(mine::add);
          spawnerGot.complete(mine);
        });
    await().atMost(WAIT).until(() -> network.held.get() == 1); // the request waits at beta
    assertThat(child).isNotDone();
    assertThat(a.metrics().liveProcesses()).isEqualTo(receivers + 1);
    long sentBefore = a.metrics().messagesSent();

    a.broadcast(a.id(), "to all");

    // Local delivery is done when broadcast returns: one copy per process, none for the reply.
    assertThat(a.metrics().messagesSent() - sentBefore).isEqualTo(receivers + 1);
    for (CompletableFuture<String> f : got) {
      assertThat(f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("to all");
    }
    assertThat(child).isNotDone();

    network.release(b.id());

    Pid echo = child.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(echo.node()).isEqualTo(b.id());
    assertThat(spawnerGot.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).containsExactly("to all");
    assertEcho(a, b); // the link carries on
  }

  @Test
  @DisplayName(
      "a linked remote spawn whose reply comes after the timeout: the late reply ends the child the spawner was told failed")
  void spawnLinked_replyAfterTheTimeout_endsTheChild() throws Exception {
    Node<String> a = node("alpha", c -> c.requestTimeout(Duration.ofMillis(300L * TIME_FACTOR)));
    Node<String> b = node("beta");
    connect(a, b);
    long spawnedBefore = b.metrics().processesSpawned();
    long liveBefore = b.metrics().liveProcesses();
    network.hold(b.id());
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Pid spawner =
        a.spawn(
            ctx -> {
              try {
                ctx.spawnLinked(b.id(), "echo", "");
                outcome.complete(null);
              } catch (RuntimeException e) {
                outcome.complete(e);
              }
              ctx.receive(Matcher.on(String.class, s -> s)); // alive until told to end
            });
    CompletableFuture<MonitorReason> spawnerEnd = a.termination(spawner);

    assertThat(outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(DistprocException.class)
        .hasMessageContaining("no answer");
    network.release(b.id()); // the request reaches beta now, and its reply comes back late

    await().atMost(WAIT).until(() -> b.metrics().processesSpawned() == spawnedBefore + 1);
    await().atMost(WAIT).until(() -> b.metrics().liveProcesses() == liveBefore);
    assertThat(spawnerEnd).as("the child's end is not the spawner's").isNotDone();
    a.send(spawner, "end");
    assertThat(spawnerEnd.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(MonitorReason.Normal.class);
  }

  /** Every order of the four linkUp calls of two crossing links the seam allows. */
  static Stream<Arguments> crossingOrders() {
    List<List<Step>> orders = new ArrayList<>();
    permute(new ArrayList<>(), EnumSet.allOf(Step.class), orders);
    return orders.stream()
        .filter(o -> o.indexOf(Step.FIRST_ACCEPTED) < o.indexOf(Step.FIRST_DIALLED))
        .filter(o -> o.indexOf(Step.SECOND_ACCEPTED) < o.indexOf(Step.SECOND_DIALLED))
        .flatMap(
            o -> Stream.of(Arguments.of(o, "alpha", "beta"), Arguments.of(o, "beta", "alpha")));
  }

  private static void permute(List<Step> prefix, EnumSet<Step> left, List<List<Step>> out) {
    if (left.isEmpty()) {
      out.add(List.copyOf(prefix));
    }
    for (Step s : left) {
      EnumSet<Step> rest = EnumSet.copyOf(left);
      rest.remove(s);
      prefix.add(s);
      permute(prefix, rest, out);
      prefix.removeLast();
    }
  }

  @ParameterizedTest(name = "{1} and {2} dial each other, linkUp order {0}")
  @MethodSource("crossingOrders")
  @DisplayName("two nodes dialling each other at once keep one link, and neither sees a node-down")
  void crossingDials_keepOneLink_noNodeDown(List<Step> order, String first, String second)
      throws Exception {
    Node<String> a = node(first);
    Node<String> b = node(second);

    network.cross(port(a), port(b), order);

    await()
        .atMost(WAIT)
        .until(
            () ->
                a.remoteNodes().contains(b.id())
                    && b.remoteNodes().contains(a.id())
                    && network.openLinks(port(a)) == 1
                    && network.openLinks(port(b)) == 1);
    assertEchoBothWays(a, b);
    assertThat(downs.get(first)).isEmpty();
    assertThat(downs.get(second)).isEmpty();
  }

  @Test
  @DisplayName(
      "when the preferred of two crossing links fails before both sides have it, the other carries on")
  void crossingDials_preferredFailsEarly_duplicateCarriesOn() throws Exception {
    Node<String> a = node("alpha"); // its dial is the preferred link
    Node<String> b = node("beta");
    // beta has alpha's dial and, as a spare, its own; alpha has only beta's dial so far.
    InMemoryNetwork.Crossing crossing =
        network.cross(
            port(a),
            port(b),
            List.of(Step.FIRST_ACCEPTED, Step.SECOND_ACCEPTED, Step.SECOND_DIALLED));
    await().atMost(WAIT).until(() -> network.openLinks(port(b)) == 2);

    crossing.abortFirst();

    await().atMost(WAIT).until(() -> network.openLinks(port(b)) == 1);
    assertThat(a.remoteNodes()).containsExactly(b.id());
    assertThat(b.remoteNodes()).containsExactly(a.id());
    assertEchoBothWays(a, b);
    assertThat(downs.get("alpha")).isEmpty();
    assertThat(downs.get("beta")).isEmpty();
  }

  @Test
  @DisplayName(
      "a request that reaches a duplicate link as it is retired is answered on the link kept")
  void crossingDials_requestOnARetiredDuplicate_isAnsweredOnTheLinkKept() throws Exception {
    Node<String> a = node("alpha"); // its dial is the preferred link
    Node<String> b = node("beta");
    // Both dials are up at beta (alpha's as its link, its own as a spare), only beta's at alpha,
    // which sends on it until alpha's own dial is up on its side, and then retires it.
    InMemoryNetwork.Crossing crossing =
        network.cross(
            port(a),
            port(b),
            List.of(Step.FIRST_ACCEPTED, Step.SECOND_ACCEPTED, Step.SECOND_DIALLED));
    network.hold(b.id());
    long sentBefore = network.framesSent(port(a));
    CompletableFuture<Void> echo =
        CompletableFuture.runAsync(
            () -> {
              try {
                assertEcho(a, b); // its spawn request goes on beta's dial, and waits at beta
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    await().atMost(WAIT).until(() -> network.framesSent(port(a)) > sentBefore);

    crossing.step(Step.FIRST_DIALLED); // alpha retires beta's dial, the request still on it
    network.release(b.id());

    echo.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // the reply came on alpha's dial
    assertThat(a.remoteNodes()).containsExactly(b.id());
    assertThat(downs.get("alpha")).isEmpty();
    assertThat(downs.get("beta")).isEmpty();
  }

  private static int port(Node<String> n) {
    return n.boundAddress().orElseThrow().getPort();
  }

  /** A process on each node spawns an echo on the other and gets its answer. */
  private static void assertEchoBothWays(Node<String> a, Node<String> b) throws Exception {
    assertEcho(a, b);
    assertEcho(b, a);
  }

  private static void assertEcho(Node<String> from, Node<String> to) throws Exception {
    String answer =
        inProcess(
            from,
            ctx -> {
              Pid echo = ctx.spawn(to.id(), "echo", "");
              ctx.send(echo, pidText(ctx.self()) + " hello from " + from.id().name());
              return ctx.<String>receive(WAIT, Matcher.any(m -> m)).orElse("nothing");
            });
    assertThat(answer).isEqualTo("hello from " + from.id().name());
  }
}
