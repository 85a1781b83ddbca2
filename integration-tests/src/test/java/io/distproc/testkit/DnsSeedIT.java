package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.Network;

/** A cluster that grows by starting containers: one DNS name, shared by every node, is the seed. */
@ExtendWith(DistprocClusterExtension.class) // the Docker condition only
@DisplayName("A DNS seed")
class DnsSeedIT {

  @Test
  @DisplayName("forms a full mesh when every node's only seed is one name that resolves to them all")
  void oneNameForAllNodes_formsAFullMesh() {
    List<String> names = List.of("alpha", "beta", "gamma");
    try (Network network = Network.newNetwork();
        NodeContainer alpha = node(network, "alpha");
        NodeContainer beta = node(network, "beta");
        NodeContainer gamma = node(network, "gamma")) {
      List<NodeContainer> nodes = List.of(alpha, beta, gamma);
      nodes.parallelStream().forEach(NodeContainer::start);

      for (NodeContainer n : nodes) {
        for (String other : names) {
          if (!other.equals(n.nodeName())) {
            DistprocCluster.awaitCond(
                () -> n.logLines().stream().anyMatch(l -> l.contains("node-up") && l.contains(other)),
                TimeFactor.dilated(Duration.ofSeconds(30)),
                () -> n.nodeName() + " linked to " + other + "; its log: " + n.logLines());
          }
        }
        assertThat(n.logLines()).noneMatch(l -> l.contains("node-down"));
      }
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
