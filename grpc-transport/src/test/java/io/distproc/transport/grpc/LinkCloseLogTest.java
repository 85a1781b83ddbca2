package io.distproc.transport.grpc;

import static io.distproc.transport.grpc.TestNodes.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every link that closes is logged with who (this node, the peer), what, and why, whatever the
 * cause: removed, peer left, heartbeat timeout, connection lost (a protocol error or a dropped
 * connection), local shutdown.
 */
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
    return NodeConfig.remote(name)
        .bind("127.0.0.1", 0)
        .heartbeat(Duration.ofMillis(50), Duration.ofSeconds(2))
        .plaintext()
        .build();
  }

  @Test
  void removedAndPeerLeft_bothEndsLogWhoWhatAndWhy() {
    try (Node<String> alpha = Node.start(config("alpha"), Codec.utf8());
        Node<String> beta = Node.start(config("beta"), Codec.utf8())) {
      alpha.addRemoteNode("127.0.0.1", beta.boundAddress().orElseThrow().getPort(), "beta");
      within(Duration.ofSeconds(10)).until(() -> beta.remoteNode("alpha").isPresent());

      alpha.removeRemoteNode(beta.id());

      // Each end's line, waited for: the lines logged before the removal (listening, link up)
      // are in the list too, so its size says nothing.
      assertThat(awaitLine("INFO node alpha: link to " + beta.id() + " down: REMOVED ("))
          .contains("removed by alpha");
      assertThat(awaitLine("WARNING node beta: link to " + alpha.id() + " down: PEER_LEFT ("))
          .contains("GOODBYE_REASON_REMOVED");
    }
  }

  /** Waits for a line that starts with {@code prefix}, and returns it. */
  private String awaitLine(String prefix) {
    within(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.startsWith(prefix)));
    return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
  }

  @Test
  void heartbeatTimeout_hungPeer_logsWhoWhatAndWhy() throws Exception {
    try (Node<String> alpha = Node.start(config("alpha"), Codec.utf8());
        RawPeer hung = new RawPeer(alpha.boundAddress().orElseThrow().getPort())) {
      // Joins, then never sends a heartbeat or a frame: a hung process, from alpha's side.
      assertThat(hung.join("hung", 1, "").hasWelcome()).isTrue();

      assertThat(awaitLine("WARNING node alpha: link to " + NodeId.of("hung", 1) + " down: "))
          .contains("down: HEARTBEAT_TIMEOUT (no heartbeat or frame for ")
          .endsWith("(timeout 2000 ms))");
    }
  }

  @Test
  void connectionLost_protocolError_logsWhoWhatAndWhy() throws Exception {
    try (Node<String> alpha = Node.start(config("alpha"), Codec.utf8());
        RawPeer broken = new RawPeer(alpha.boundAddress().orElseThrow().getPort())) {
      assertThat(broken.join("broken", 1, "").hasWelcome()).isTrue();

      broken.send(new byte[] {(byte) 0xff, (byte) 0xff, 0x01});

      assertThat(awaitLine("WARNING node alpha: link to " + NodeId.of("broken", 1) + " down: "))
          .contains("down: CONNECTION_LOST (protocol error: unreadable frame of 3 bytes");
    }
  }

  @Test
  void connectionLost_abruptClose_logsWhoWhatAndWhy() throws Exception {
    try (Node<String> alpha = Node.start(config("alpha"), Codec.utf8())) {
      RawPeer gone = new RawPeer(alpha.boundAddress().orElseThrow().getPort());
      assertThat(gone.join("gone", 1, "").hasWelcome()).isTrue();

      gone.close(); // the connection drops: no goodbye

      assertThat(awaitLine("WARNING node alpha: link to " + NodeId.of("gone", 1) + " down: "))
          .contains("down: CONNECTION_LOST (stream failed: ");
    }
  }

  @Test
  void localShutdown_bothEndsLogWhoWhatAndWhy() {
    try (Node<String> beta = Node.start(config("beta"), Codec.utf8())) {
      Node<String> alpha = Node.start(config("alpha"), Codec.utf8());
      alpha.addRemoteNode("127.0.0.1", beta.boundAddress().orElseThrow().getPort(), "beta");
      within(Duration.ofSeconds(10)).until(() -> beta.remoteNode("alpha").isPresent());

      alpha.close();

      assertThat(awaitLine("INFO node alpha: link to " + beta.id() + " down: "))
          .isEqualTo(
              "INFO node alpha: link to "
                  + beta.id()
                  + " down: LOCAL_SHUTDOWN (node alpha is shutting down)");
      assertThat(awaitLine("WARNING node beta: link to " + alpha.id() + " down: "))
          .contains("down: PEER_LEFT (peer left: GOODBYE_REASON_SHUTDOWN");
    }
  }
}
