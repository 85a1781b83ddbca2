package io.distproc.transport.grpc;

import static io.distproc.transport.grpc.TestNodes.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every link that closes is logged with who (this node, the peer), what, and why. */
class LinkCloseLogTest {
  private static final Logger CLUSTER = Logger.getLogger("io.distproc.runtime.cluster");
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Handler recorder =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          lines.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void record() {
    CLUSTER.addHandler(recorder);
  }

  @AfterEach
  void stopRecording() {
    CLUSTER.removeHandler(recorder);
  }

  private static NodeConfig config(String name) {
    return NodeConfig.remote(name).bind("127.0.0.1", 0)
        .heartbeat(Duration.ofMillis(50), Duration.ofSeconds(2)).plaintext().build();
  }

  @Test
  void removedAndPeerLeft_bothEndsLogWhoWhatAndWhy() {
    try (Node<String> alpha = Node.start(config("alpha"), Codec.utf8());
        Node<String> beta = Node.start(config("beta"), Codec.utf8())) {
      alpha.addRemoteNode("127.0.0.1", beta.boundAddress().orElseThrow().getPort(), "beta");
      within(Duration.ofSeconds(10)).until(() -> beta.remoteNode("alpha").isPresent());

      alpha.removeRemoteNode(beta.id());

      within(Duration.ofSeconds(10)).until(() -> lines.size() >= 2);
      assertThat(lines)
          .anySatisfy(l -> assertThat(l).startsWith(
              "INFO node alpha: link to " + beta.id() + " down: REMOVED ("))
          .anySatisfy(l -> assertThat(l).startsWith(
              "WARNING node beta: link to " + alpha.id() + " down: PEER_LEFT ("));
    }
  }
}
