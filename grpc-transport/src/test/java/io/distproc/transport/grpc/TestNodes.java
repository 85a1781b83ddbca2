package io.distproc.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.runtime.internal.Link;
import io.distproc.runtime.testing.TestTimeFactor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Starts gRPC transports on 127.0.0.1 with ephemeral ports for one test, each with its own {@link
 * RecordingHandler}, and closes them all afterwards. Waits are scaled by {@code
 * -Ddistproc.test.timefactor}.
 */
final class TestNodes implements AutoCloseable {
  static final int TIME_FACTOR = TestTimeFactor.FACTOR;
  private static final AtomicLong INCARNATIONS = new AtomicLong(System.currentTimeMillis());

  /** A started transport, the handler that records what it reported, and its fault seam. */
  record Node(
      String name,
      NodeId id,
      GrpcTransport transport,
      RecordingHandler handler,
      TestFaults faults) {
    int port() {
      return transport.boundAddress().getPort();
    }

    /** Dials {@code other} and waits for the link. */
    Link dial(Node other) {
      return transport
          .connect("127.0.0.1", other.port(), Optional.of(other.name()))
          .orTimeout(scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS)
          .join();
    }
  }

  private final List<Node> started = new ArrayList<>();

  static Duration scaled(Duration d) {
    return d.multipliedBy(TIME_FACTOR);
  }

  /** Awaitility with a scaled deadline and a short poll interval. */
  static ConditionFactory within(Duration d) {
    return Awaitility.await()
        .atMost(scaled(d))
        .pollInterval(Duration.ofMillis(5))
        .pollDelay(Duration.ZERO);
  }

  static NodeConfig.Builder config(String name) {
    return NodeConfig.remote(name)
        .bind("127.0.0.1", 0)
        .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(10))
        .requestTimeout(scaled(Duration.ofSeconds(5)))
        .plaintext();
  }

  Node start(String name) {
    return start(name, UnaryOperator.identity(), TransportSettings.defaults());
  }

  Node start(String name, UnaryOperator<NodeConfig.Builder> configure) {
    return start(name, configure, TransportSettings.defaults());
  }

  Node start(String name, UnaryOperator<NodeConfig.Builder> configure, TransportSettings settings) {
    NodeId id = NodeId.of(name, INCARNATIONS.incrementAndGet());
    RecordingHandler handler = new RecordingHandler(name);
    TestFaults faults = new TestFaults();
    GrpcTransport transport =
        GrpcTransport.start(configure.apply(config(name)).build(), id, handler, settings, faults);
    Node node = new Node(name, id, transport, handler, faults);
    started.add(node);
    return node;
  }

  /** Closes every transport, then checks that no handler saw its contract broken. */
  @Override
  public void close() {
    for (Node node : started) {
      node.handler().releaseAll();
      node.transport().close();
    }
    for (Node node : started) {
      assertThat(node.handler().violations())
          .as("LinkHandler contract on " + node.name())
          .isEmpty();
    }
  }
}
