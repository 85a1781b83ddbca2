package io.distproc.runtime;

import static io.distproc.Matcher.onDown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Codec;
import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.Pid;
import io.distproc.runtime.testing.AbstractClusterTest;
import io.distproc.spi.NodeStart;
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
}
