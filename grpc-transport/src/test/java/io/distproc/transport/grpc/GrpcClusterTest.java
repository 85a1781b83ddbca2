package io.distproc.transport.grpc;

import static io.distproc.Matcher.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.internal.InternalNodes;
import io.distproc.runtime.testing.AbstractClusterTest;
import io.distproc.spi.NodeStart;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cluster rules of the design, over real gRPC on loopback: nodes run through the public API,
 * each on a gRPC transport this test keeps a handle on (to make it hang or fail). That the runtime
 * finds the transport by itself is {@link NodeOverGrpcTest}'s.
 */
class GrpcClusterTest extends AbstractClusterTest {
  private final Map<NodeId, GrpcTransport> transports = new ConcurrentHashMap<>();

  /** The limits of the transports this test starts next. */
  private TransportSettings settings = TransportSettings.fromSystemProperties();

  @Override
  protected Node<String> startWith(NodeConfig.Builder config, List<NodeDownEvent> seen) {
    TransportSettings limits = settings;
    return InternalNodes.start(
        new NodeStart<>(
            config.build(), Codec.utf8(), behaviours(), List.of(seen::add), Optional.empty()),
        (c, self, handler) -> {
          GrpcTransport transport = GrpcTransport.start(c, self, handler, limits);
          transports.put(self, transport);
          return transport;
        });
  }

  private GrpcTransport transport(Node<String> node) {
    return Objects.requireNonNull(transports.get(node.id()), "transport of " + node.id());
  }

  @Override
  protected void hang(Node<String> node) {
    transport(node).pauseForTest(true);
  }

  @Override
  protected void resume(Node<String> node) {
    transport(node).pauseForTest(false);
  }

  @Override
  protected void crash(Node<String> node) {
    transport(node).killForTest();
  }

  @Override
  protected long wireWrites(Node<String> node) {
    return transport(node).links().stream().mapToLong(GrpcLink::messagesWritten).sum();
  }

  @Override
  protected long openLinks(Node<String> node) {
    return transport(node).openLinks();
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
