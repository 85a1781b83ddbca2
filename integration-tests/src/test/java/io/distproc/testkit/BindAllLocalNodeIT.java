package io.distproc.testkit;

import static io.distproc.node.NodeProtocol.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.Pid;
import io.distproc.node.NodeProtocol;
import io.distproc.node.events.NodeEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;

/**
 * A node in the test JVM that binds every interface and advertises the address the containers reach
 * it by (their network's gateway), as a node behind a NAT or in a pod does: the containers dial it,
 * by the advertised address, and messages flow both ways.
 */
@ExtendWith(DistprocClusterExtension.class) // the Docker condition only
@DisplayName("A test-JVM node bound to all interfaces")
class BindAllLocalNodeIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  @DisplayName(
      "is dialled by containers at its advertised address (bind 0.0.0.0, advertise the"
          + " gateway) and exchanges messages with them")
  void bindsAllInterfaces_advertisesTheGateway_containersDialIt() throws IOException {
    try (Network network = NodeContainer.newNetwork()) {
      String gateway =
          DockerClientFactory.instance()
              .client()
              .inspectNetworkCmd()
              .withNetworkId(network.getId())
              .exec()
              .getIpam()
              .getConfig()
              .getFirst()
              .getGateway();
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      // No seeds: it dials nobody, so every link it gets was dialled by a container.
      NodeConfig config =
          NodeConfig.remote("probe")
              .bind("0.0.0.0", port)
              .advertise(gateway, port)
              .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1))
              .plaintext()
              .build();
      String seeds = "alpha@alpha:7000,beta@beta:7000,probe@" + gateway + ":" + port;
      try (Node<String> probe = Node.start(config, Codec.utf8());
          TestProbe<String> inbox = TestProbe.spawn(probe);
          NodeContainer alpha = node(network, "alpha", seeds);
          NodeContainer beta = node(network, "beta", seeds)) {
        assertThat(probe.boundAddress().orElseThrow().getAddress().isAnyLocalAddress())
            .as("bound to every interface")
            .isTrue();
        List.of(alpha, beta).parallelStream().forEach(NodeContainer::start);

        for (NodeContainer c : List.of(alpha, beta)) {
          DistprocCluster.awaitCond(
              () ->
                  c.events().stream()
                      .anyMatch(
                          e -> e instanceof NodeEvent.PeerUp && e.node().name().equals("probe")),
              WAIT,
              () ->
                  c.nodeName()
                      + " linked to probe at "
                      + gateway
                      + ":"
                      + port
                      + "; its log: "
                      + c.logLines());
          // The forwarding below crosses the alpha-beta link too: both ends must have it.
          String other = c == alpha ? "beta" : "alpha";
          DistprocCluster.awaitCond(
              () ->
                  c.events().stream()
                      .anyMatch(
                          e -> e instanceof NodeEvent.PeerUp && e.node().name().equals(other)),
              WAIT,
              () -> c.nodeName() + " linked to " + other + "; its log: " + c.logLines());
        }
        DistprocCluster.awaitCond(
            () -> probe.remoteNode("alpha").isPresent() && probe.remoteNode("beta").isPresent(),
            WAIT,
            () -> "probe linked to alpha and beta; it has " + probe.remoteNodes());

        // Test JVM -> container -> container -> test JVM: a forwarder on beta, told from alpha.
        Pid alphaAgent =
            inbox.spawn(probe.remoteNode("alpha").orElseThrow(), NodeProtocol.AGENT, "");
        Pid forward =
            inbox.spawn(
                probe.remoteNode("beta").orElseThrow(),
                NodeProtocol.FORWARD,
                NodeProtocol.pid(inbox.pid()));
        probe.send(alphaAgent, message("send", forward, "via alpha and beta"));
        assertThat(inbox.expectMessage(WAIT, m -> m.startsWith("got ")))
            .isEqualTo(message("got", forward, "via alpha and beta"));
        Pid echo = inbox.spawn(probe.remoteNode("alpha").orElseThrow(), NodeProtocol.ECHO, "");
        probe.send(echo, message("ping", inbox.pid(), "to alpha"));
        assertThat(inbox.expectMessage(WAIT, m -> m.startsWith("pong ")))
            .isEqualTo(message("pong", echo, "to alpha"));
      }
    }
  }

  private static NodeContainer node(Network network, String name, String seeds) {
    return new NodeContainer(name)
        .withNetwork(network)
        .withNetworkAliases(name)
        .withSeeds(seeds)
        .withHeartbeat(Duration.ofMillis(200), Duration.ofSeconds(1));
  }
}
