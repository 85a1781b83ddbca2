package io.distproc.transport.grpc;

import static io.distproc.Matcher.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.Pid;
import io.distproc.runtime.testing.AbstractClusterTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cluster rules of the design, over real gRPC on loopback: nodes started through the public
 * API, which finds this transport on the module path by itself.
 */
class GrpcClusterTest extends AbstractClusterTest {

  @Override
  protected Node<String> startWith(NodeConfig.Builder config, List<NodeDownEvent> seen) {
    return Node.builder(config.build(), Codec.utf8())
        .behaviours(behaviours())
        .onNodeDown(seen::add)
        .start();
  }

  @Test
  @DisplayName("a million messages between two nodes arrive in order, none lost or doubled")
  void send_millionMessagesAcrossGrpc_inOrderNoneLostOrDoubled() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    int n = 1_000_000;

    long mismatches =
        inProcess(
            a,
            ctx -> {
              ctx.spawn(b.id(), "emitter", pidText(ctx.self()) + " " + n);
              long wrong = 0;
              for (int i = 1; i <= n; i++) {
                String got = ctx.receive(WAIT, any(s -> s)).orElseThrow();
                if (!got.equals("m" + i)) {
                  wrong++;
                }
              }
              // Nothing doubled: no message beyond the n expected ones.
              if (ctx.receive(Duration.ofMillis(200), any(s -> s)).isPresent()) {
                wrong++;
              }
              return wrong;
            });

    assertThat(mismatches).isZero();
  }

  @Test
  @DisplayName("a 64 MB message crosses nodes intact")
  void send_64MegabyteMessage_arrivesIntact() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    String big = "0123456789abcdef".repeat(4 * 1024 * 1024); // 64 MiB
    CompletableFuture<String> got = new CompletableFuture<>();
    Pid receiver = b.spawn(ctx -> got.complete(ctx.receive(any(s -> s))));

    a.send(receiver, big);

    String arrived = got.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(arrived.length()).isEqualTo(big.length());
    assertThat(arrived.equals(big)).as("content identical").isTrue();
  }

  @Test
  @DisplayName("the heartbeat round trip to a connected node is measured")
  void metrics_heartbeatRoundTrip_isMeasured() {
    Node<String> a = node("alpha", c -> c.heartbeat(Duration.ofMillis(50), Duration.ofSeconds(1)));
    Node<String> b = node("beta", c -> c.heartbeat(Duration.ofMillis(50), Duration.ofSeconds(1)));
    connect(a, b);

    await().atMost(WAIT).until(() -> a.metrics().heartbeatRoundTrip(b.id()).isPresent());
    assertThat(a.metrics().heartbeatRoundTrip(b.id()).orElseThrow())
        .isPositive()
        .isLessThan(Duration.ofSeconds(1));
  }
}
