package io.distproc.transport.grpc;

import static io.distproc.Matcher.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.distproc.Codec;
import io.distproc.DistprocException;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.internal.InternalNodes;
import io.distproc.runtime.testing.AbstractFaultClusterTest;
import io.distproc.spi.NodeStart;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
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
class GrpcClusterTest extends AbstractFaultClusterTest {
  private final Map<NodeId, GrpcTransport> transports = new ConcurrentHashMap<>();
  private final Map<NodeId, TestFaults> faults = new ConcurrentHashMap<>();

  /** The limits of the transports this test starts next. */
  private TransportSettings settings = TransportSettings.fromSystemProperties();

  @Override
  protected Node<String> startWith(NodeConfig.Builder config, List<NodeDownEvent> seen) {
    TransportSettings limits = settings;
    return InternalNodes.start(
        new NodeStart<>(
            config.build(), Codec.utf8(), behaviours(), List.of(seen::add), Optional.empty()),
        (c, self, handler) -> {
          TestFaults seam = new TestFaults();
          GrpcTransport transport = GrpcTransport.start(c, self, handler, limits, seam);
          transports.put(self, transport);
          faults.put(self, seam);
          return transport;
        });
  }

  private GrpcTransport transport(Node<String> node) {
    return Objects.requireNonNull(transports.get(node.id()), "transport of " + node.id());
  }

  private TestFaults faults(Node<String> node) {
    return Objects.requireNonNull(faults.get(node.id()), "fault seam of " + node.id());
  }

  @Override
  protected void hang(Node<String> node) {
    faults(node).pause(true);
  }

  @Override
  protected void resume(Node<String> node) {
    faults(node).pause(false);
  }

  @Override
  protected void crash(Node<String> node) {
    faults(node).kill();
  }

  @Override
  protected long wireWrites(Node<String> node) {
    return faults(node).writes();
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

  @Test
  @DisplayName(
      "adding a node that takes the connection but never answers fails at the request timeout")
  void addRemoteNode_peerNeverAnswers_failsAtTheRequestTimeout() throws Exception {
    Duration timeout = Duration.ofMillis(500);
    Node<String> a = node("alpha", c -> c.requestTimeout(timeout));
    // The kernel completes the TCP handshake into the backlog, and nobody ever reads: a hung node.
    try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> a.addRemoteNode(LOOPBACK, hung.getLocalPort(), "beta"))
          .isInstanceOf(DistprocException.class)
          .hasMessageContaining("cannot connect to node 'beta'");
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took)
          .isGreaterThanOrEqualTo(timeout)
          .isLessThan(timeout.plus(Duration.ofSeconds(1L * TIME_FACTOR)));
      assertThat(a.remoteNodes()).isEmpty();
      await().atMost(WAIT).until(() -> transport(a).links().isEmpty()); // nothing left behind
    }
  }

  @Test
  @DisplayName("10^5 small messages cross in far fewer gRPC messages: envelopes are batched")
  void send_manySmallMessages_batchedIntoFarFewerGrpcMessages() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    int n = 100_000;
    CompletableFuture<Integer> got = new CompletableFuture<>();
    Pid sink =
        b.spawn(
            ctx -> {
              int count = 0;
              while (count < n && ctx.receive(WAIT, any(s -> s)).isPresent()) {
                count++;
              }
              got.complete(count);
            });
    long before = wireWrites(a);

    inProcess(
        a,
        ctx -> {
          for (int i = 0; i < n; i++) {
            ctx.send(sink, "m" + i);
          }
          return n;
        });

    assertThat(got.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(n);
    long grpcMessages = wireWrites(a) - before;
    // A batch holds as many envelopes as fit in 1 MiB (thousands of these); only a writer that
    // keeps pace with a sender in a tight loop would write one per message. A tenth is far from
    // both: 10^5 such messages took under ten gRPC messages in practice.
    assertThat(grpcMessages)
        .as("gRPC messages written for %d messages", n)
        .isPositive()
        .isLessThanOrEqualTo(n / 10);
  }

  @Test
  @DisplayName(
      "a message or spawn argument larger than the transport carries is refused at the sender")
  void send_overTheTransportLimit_throwsIllegalArgumentAndTheLinkStaysUp() throws Exception {
    settings = TransportSettings.fromSystemProperties().withMaxMessageBytes(2 << 20);
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    String tooBig = "x".repeat(3 << 20);
    CompletableFuture<String> got = new CompletableFuture<>();
    Pid receiver = b.spawn(ctx -> got.complete(ctx.receive(any(s -> s))));

    assertThatThrownBy(() -> a.send(receiver, tooBig))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds the transport's limit");
    assertThatThrownBy(() -> a.broadcast(b.id(), tooBig))
        .isInstanceOf(IllegalArgumentException.class);
    List<Throwable> fromProcess =
        inProcess(
            a,
            ctx -> {
              List<Throwable> thrown = new ArrayList<>();
              try {
                ctx.send(receiver, tooBig);
              } catch (IllegalArgumentException e) {
                thrown.add(e);
              }
              try {
                ctx.spawn(b.id(), "echo", tooBig);
              } catch (IllegalArgumentException e) {
                thrown.add(e);
              }
              return thrown;
            });

    assertThat(fromProcess).hasSize(2);
    // Nothing crossed, the link is up, and a message within the limit still does.
    a.send(receiver, "fits");
    assertThat(got.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("fits");
    assertThat(a.remoteNodes()).containsExactly(b.id());
    assertThat(downs.get("alpha")).isEmpty();
    assertThat(downs.get("beta")).isEmpty();
  }
}
