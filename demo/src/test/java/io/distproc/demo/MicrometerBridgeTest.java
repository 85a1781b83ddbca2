package io.distproc.demo;

import static io.distproc.Matcher.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeMetrics;
import io.distproc.Pid;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** NodeMetrics bridged to Micrometer as its Javadoc suggests: every counter, live. */
class MicrometerBridgeTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Registers every counter of {@code node} in {@code registry}, tagged with the node's name. */
  static void bind(Node<?> node, MeterRegistry registry) {
    NodeMetrics m = node.metrics();
    Tags tags = Tags.of("node", node.id().name());
    Gauge.builder("distproc.processes", m, NodeMetrics::liveProcesses)
        .tags(tags)
        .register(registry);
    Gauge.builder("distproc.mailbox.depth.max", m, NodeMetrics::maxMailboxDepth)
        .tags(tags)
        .register(registry);
    Gauge.builder("distproc.links.up", m, NodeMetrics::linksUp).tags(tags).register(registry);
    FunctionCounter.builder("distproc.processes.spawned", m, NodeMetrics::processesSpawned)
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("distproc.messages.sent", m, NodeMetrics::messagesSent)
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("distproc.messages.received", m, NodeMetrics::messagesReceived)
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("distproc.messages.dropped", m, NodeMetrics::messagesDropped)
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("distproc.links.down", m, NodeMetrics::linksDown)
        .tags(tags)
        .register(registry);
  }

  /** The heartbeat round trip to one peer, in milliseconds; NaN while none was measured. */
  static void bindRoundTrip(Node<?> node, Node<?> peer, MeterRegistry registry) {
    TimeGauge.builder(
            "distproc.heartbeat.rtt",
            node.metrics(),
            TimeUnit.MILLISECONDS,
            m -> m.heartbeatRoundTrip(peer.id()).map(d -> d.toNanos() / 1e6).orElse(Double.NaN))
        .tags("node", node.id().name(), "peer", peer.id().name())
        .register(registry);
  }

  private static NodeConfig config(String name) {
    return NodeConfig.remote(name)
        .bind("127.0.0.1", 0)
        .heartbeat(Duration.ofMillis(50), Duration.ofSeconds(2))
        .plaintext()
        .build();
  }

  @Test
  void bridge_afterTraffic_readsTheNodesCountersLive() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (Node<String> alpha = Node.start(config("alpha"), Codec.utf8());
        Node<String> beta = Node.start(config("beta"), Codec.utf8())) {
      bind(alpha, registry);
      bind(beta, registry);
      bindRoundTrip(alpha, beta, registry);
      alpha.addRemoteNode("127.0.0.1", beta.boundAddress().orElseThrow().getPort(), "beta");
      Pid waiting = beta.spawn(ctx -> ctx.receive(on(String.class, s -> s.equals("last"), s -> s)));
      for (int i = 0; i < 10; i++) {
        alpha.send(waiting, "message " + i); // none matches: they wait in the mailbox
      }
      Pid gone = alpha.spawn(ctx -> {});
      alpha.termination(gone).get(5, TimeUnit.SECONDS);
      alpha.send(gone, "dead letter");

      await()
          .atMost(WAIT)
          .until(
              () ->
                  registry.get("distproc.mailbox.depth.max").tag("node", "beta").gauge().value()
                      == 10);
      assertThat(
              registry
                  .get("distproc.messages.received")
                  .tag("node", "beta")
                  .functionCounter()
                  .count())
          .isEqualTo(10);
      assertThat(
              registry.get("distproc.messages.sent").tag("node", "alpha").functionCounter().count())
          .isEqualTo(11);
      assertThat(
              registry
                  .get("distproc.messages.dropped")
                  .tag("node", "alpha")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
      assertThat(registry.get("distproc.processes").tag("node", "beta").gauge().value())
          .isEqualTo(1);
      assertThat(
              registry
                  .get("distproc.processes.spawned")
                  .tag("node", "alpha")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
      assertThat(registry.get("distproc.links.up").tag("node", "alpha").gauge().value())
          .isEqualTo(1);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  registry.get("distproc.heartbeat.rtt").timeGauge().value(TimeUnit.MILLISECONDS)
                      > 0);

      alpha.removeRemoteNode(beta.id());
      await()
          .atMost(WAIT)
          .until(
              () ->
                  registry.get("distproc.links.down").tag("node", "alpha").functionCounter().count()
                      == 1);
      assertThat(registry.get("distproc.links.up").tag("node", "alpha").gauge().value()).isZero();
    }
  }
}
