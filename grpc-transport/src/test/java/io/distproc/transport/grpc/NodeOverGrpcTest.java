package io.distproc.transport.grpc;

import static io.distproc.transport.grpc.TestNodes.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Codec;
import io.distproc.Matcher;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.NodeUpEvent;
import io.distproc.Pid;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The runtime finds this transport by itself and runs remote nodes on it. */
class NodeOverGrpcTest {

  private static NodeConfig remote(String name) {
    return NodeConfig.remote(name)
        .bind("127.0.0.1", 0)
        .heartbeat(Duration.ofMillis(100), Duration.ofSeconds(2))
        .cookie("shared")
        .plaintext()
        .build();
  }

  @Test
  void nodeStart_remoteConfig_linksSendsAndReportsRemovalOnBothSides() throws Exception {
    List<NodeDownEvent> alphaDowns = new CopyOnWriteArrayList<>();
    List<NodeDownEvent> betaDowns = new CopyOnWriteArrayList<>();
    try (Node<String> alpha =
            Node.builder(remote("alpha"), Codec.utf8()).onNodeDown(alphaDowns::add).start();
        Node<String> beta =
            Node.builder(remote("beta"), Codec.utf8()).onNodeDown(betaDowns::add).start()) {
      CompletableFuture<String> got = new CompletableFuture<>();
      Pid receiver = beta.spawn(ctx -> got.complete(ctx.receive(Matcher.on(String.class, s -> s))));

      NodeId betaId =
          alpha.addRemoteNode("127.0.0.1", beta.boundAddress().orElseThrow().getPort(), "beta");
      alpha.send(receiver, "hello over gRPC");

      assertThat(betaId).isEqualTo(beta.id());
      assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("hello over gRPC");
      within(Duration.ofSeconds(5)).until(() -> beta.remoteNode("alpha").isPresent());

      alpha.removeRemoteNode(betaId);

      within(Duration.ofSeconds(5)).until(() -> alphaDowns.size() == 1 && betaDowns.size() == 1);
      assertThat(alphaDowns.getFirst().cause()).isEqualTo(NodeDownEvent.Cause.REMOVED);
      assertThat(betaDowns.getFirst().cause()).isEqualTo(NodeDownEvent.Cause.PEER_LEFT);
    }
  }

  @Test
  void onNodeUp_linkComesUp_listenerRunsOnceOnEachSide() throws Exception {
    List<NodeUpEvent> alphaUps = new CopyOnWriteArrayList<>();
    List<NodeUpEvent> betaUps = new CopyOnWriteArrayList<>();
    try (Node<String> alpha =
            Node.builder(remote("alpha"), Codec.utf8()).onNodeUp(alphaUps::add).start();
        Node<String> beta =
            Node.builder(remote("beta"), Codec.utf8()).onNodeUp(betaUps::add).start()) {
      alpha.addRemoteNode("127.0.0.1", beta.boundAddress().orElseThrow().getPort(), "beta");
      alpha.addRemoteNode("127.0.0.1", beta.boundAddress().orElseThrow().getPort(), "beta");

      within(Duration.ofSeconds(5)).until(() -> alphaUps.size() == 1 && betaUps.size() == 1);
      assertThat(alphaUps).containsExactly(new NodeUpEvent(beta.id()));
      assertThat(betaUps).containsExactly(new NodeUpEvent(alpha.id()));
    }
  }
}
