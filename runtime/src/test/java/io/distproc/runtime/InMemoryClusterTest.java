package io.distproc.runtime;

import static io.distproc.Matcher.onDown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Codec;
import io.distproc.DistprocException;
import io.distproc.Down;
import io.distproc.InvalidNodeException;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.Pid;
import io.distproc.runtime.testing.AbstractClusterTest;
import io.distproc.spi.NodeStart;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cluster rules on the in-memory transport, plus what only it can inject: a crash. */
class InMemoryClusterTest extends AbstractClusterTest {
  private final InMemoryNetwork network = new InMemoryNetwork();

  @Override
  protected Node<String> startWith(NodeConfig.Builder config, List<NodeDownEvent> seen) {
    return NodeImpl.start(
        new NodeStart<>(
            config.build(), Codec.utf8(), behaviours(), List.of(seen::add), Optional.empty()),
        network.factory());
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
  @DisplayName("a remote spawn waiting for its answer fails at once when the peer dies")
  void spawn_peerDiesBeforeAnswering_failsWithInvalidNode() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    network.blackhole(b.id());
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    a.spawn(
        ctx -> {
          try {
            ctx.spawn(b.id(), "echo", "");
            failure.complete(null);
          } catch (Throwable t) {
            failure.complete(t);
          }
        });
    await().atMost(WAIT).until(() -> network.dropped.get() == 1); // the request is on its way
    assertThat(failure).isNotDone();

    long crashedAt = System.nanoTime();
    network.crash(b.id());

    assertThat(failure.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(InvalidNodeException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - crashedAt))
        .isLessThan(NodeConfig.DEFAULT_REQUEST_TIMEOUT);
  }

  @Test
  @DisplayName("a remote spawn to a peer that never answers fails after the request timeout")
  void spawn_silentPeer_failsAfterRequestTimeout() throws Exception {
    Node<String> a = node("alpha", c -> c.requestTimeout(Duration.ofMillis(300)));
    Node<String> b = node("beta");
    connect(a, b);
    network.blackhole(b.id());

    Throwable failure =
        inProcess(
            a,
            ctx -> {
              try {
                ctx.spawn(b.id(), "echo", "");
                return null;
              } catch (RuntimeException e) {
                return e;
              }
            });

    assertThat(failure)
        .isInstanceOf(DistprocException.class)
        .isNotInstanceOf(InvalidNodeException.class)
        .hasMessageContaining("no answer within 300 ms");
  }
}
