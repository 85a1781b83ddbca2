package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.TlsConfig;
import io.distproc.node.events.NodeEvent;
import io.distproc.transport.grpc.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Network;

/** A cluster that grows by starting containers: one DNS name, shared by every node, is the seed. */
@ExtendWith(DistprocClusterExtension.class) // the Docker condition only
@DisplayName("A DNS seed")
class DnsSeedIT {
  private static final List<String> NAMES = List.of("alpha", "beta", "gamma");

  @TempDir Path dir;

  @Test
  @DisplayName(
      "forms a full mesh when every node's only seed is one name that resolves to them all")
  void oneNameForAllNodes_formsAFullMesh() {
    formsAFullMesh(c -> c);
  }

  @Test
  @DisplayName(
      "forms a full mutual-TLS mesh from one DNS name, with certificates that name the nodes"
          + " and no address")
  void oneNameForAllNodes_mutualTls_formsAFullMesh() {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    List<NodeContainer> nodes =
        formsAFullMesh(
            c -> {
              TestCertificates.Issued issued = ca.issueNamingOnly(c.nodeName());
              return c.withCookie("dns-tls")
                  .withTls(TlsConfig.mutual(issued.chain(), issued.key(), ca.trust()));
            });
    assertThat(nodes)
        .allSatisfy(
            n ->
                assertThat(n.logLines())
                    .noneMatch(l -> l.contains("links are plaintext"))
                    .noneMatch(l -> l.contains("refusing the link")));
  }

  /** Starts the three nodes, each adjusted by {@code secure}, and awaits every link. */
  private static List<NodeContainer> formsAFullMesh(UnaryOperator<NodeContainer> secure) {
    try (Network network = NodeContainer.newNetwork();
        NodeContainer alpha = secure.apply(node(network, "alpha"));
        NodeContainer beta = secure.apply(node(network, "beta"));
        NodeContainer gamma = secure.apply(node(network, "gamma"))) {
      List<NodeContainer> nodes = List.of(alpha, beta, gamma);
      nodes.parallelStream().forEach(NodeContainer::start);

      for (NodeContainer n : nodes) {
        for (String other : NAMES) {
          if (!other.equals(n.nodeName())) {
            DistprocCluster.awaitCond(
                () ->
                    n.events().stream()
                        .anyMatch(
                            e -> e instanceof NodeEvent.PeerUp && e.node().name().equals(other)),
                Duration.ofSeconds(30),
                () -> n.nodeName() + " linked to " + other + "; its log: " + n.logLines());
          }
        }
        assertThat(n.events()).noneMatch(NodeEvent.PeerDown.class::isInstance);
      }
      return nodes;
    }
  }

  private static NodeContainer node(Network network, String name) {
    return new NodeContainer(name)
        .withNetwork(network)
        .withNetworkAliases(name, "cluster")
        .withSeeds("cluster:" + NodeContainer.NODE_PORT)
        .withHeartbeat(Duration.ofMillis(200), Duration.ofSeconds(1));
  }
}
