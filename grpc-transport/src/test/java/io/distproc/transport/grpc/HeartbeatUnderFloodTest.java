package io.distproc.transport.grpc;

import static io.distproc.Matcher.any;
import static io.distproc.transport.grpc.TestNodes.scaled;
import static io.distproc.transport.grpc.TestNodes.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.Pid;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats ride their own stream, so bulk data cannot hold them up: a flood that fills the frames
 * stream to its bound for seconds causes no node-down, even with a tight timeout.
 */
class HeartbeatUnderFloodTest {
  private static final Duration INTERVAL = Duration.ofMillis(50);
  private static final Duration TIMEOUT = Duration.ofMillis(400);

  private static NodeConfig config(String name) {
    return NodeConfig.remote(name)
        .bind("127.0.0.1", 0)
        .heartbeat(INTERVAL, TIMEOUT)
        .plaintext()
        .build();
  }

  @Test
  void flood_fillingTheLinkForSeconds_causesNoNodeDown() throws Exception {
    List<NodeDownEvent> downs = new CopyOnWriteArrayList<>();
    try (Node<String> alpha =
            Node.builder(config("alpha"), Codec.utf8()).onNodeDown(downs::add).start();
        Node<String> beta =
            Node.builder(config("beta"), Codec.utf8()).onNodeDown(downs::add).start()) {
      alpha.addRemoteNode("127.0.0.1", beta.boundAddress().orElseThrow().getPort(), "beta");
      AtomicLong bytes = new AtomicLong();
      Pid sink =
          beta.spawn(
              ctx ->
                  ctx.receiveLoop(
                      any(
                          m -> {
                            bytes.addAndGet(m.length());
                            return true;
                          })));

      String chunk = "x".repeat(64 * 1024);
      int perSender = 2_000; // 4 senders x 2,000 x 64 KiB = 500 MiB through one link
      for (int s = 0; s < 4; s++) {
        alpha.spawn(
            ctx -> {
              for (int i = 0; i < perSender; i++) {
                ctx.send(sink, chunk); // blocks while the link's outbound queue is at its bound
              }
            });
      }
      long total = 4L * perSender * chunk.length();
      // A node-down loses what was in flight, so the total would never come: stop at the first.
      within(scaled(Duration.ofSeconds(120))).until(() -> bytes.get() == total || !downs.isEmpty());

      assertThat(downs).as("node-downs during the flood").isEmpty();
      assertThat(bytes.get()).as("bytes received").isEqualTo(total);
      assertThat(alpha.remoteNode("beta")).isPresent();
      assertThat(alpha.metrics().heartbeatRoundTrip(beta.id())).isPresent();
      assertThat(alpha.metrics().heartbeatRoundTrip(beta.id()).orElseThrow())
          .as("heartbeat round trip after the flood")
          .isLessThan(TIMEOUT);
    }
  }
}
