package io.distproc.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;

/*
 * The Docker networks of a cluster. Every pair of nodes shares a network of its own, on which each
 * has its node name as alias; the nodes are seeded with name@name:7000, and a name resolves only on
 * the pair's network, so cutting a node off one pair network cuts exactly that one link. Every node
 * also joins the host network, without aliases, which a node of the test JVM reaches through its
 * gateway. n nodes make n(n-1)/2 + 1 networks. Fixed at build; the networks themselves are created
 * when the first container on them starts. Thread-safe.
 */
final class ClusterNetworks {
  private final Network host = NodeContainer.newNetwork();
  private final Map<Set<String>, Network> pairs = new LinkedHashMap<>();

  ClusterNetworks(List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      for (int j = i + 1; j < names.size(); j++) {
        pairs.put(Set.of(names.get(i), names.get(j)), NodeContainer.newNetwork());
      }
    }
  }

  /** Puts a container on the host network and on the network of every pair it is in. */
  NodeContainer attach(NodeContainer c) {
    String name = c.nodeName();
    c.withNetwork(host);
    pairs.forEach(
        (pair, network) -> {
          if (pair.contains(name)) {
            c.withExtraNetwork(network, name);
          }
        });
    return c;
  }

  Network host() {
    return host;
  }

  /** The network of two nodes the caller has checked are in the cluster. */
  Network pair(String a, String b) {
    if (a.equals(b)) {
      throw new IllegalArgumentException("a node cannot be partitioned from itself: " + a);
    }
    return Objects.requireNonNull(pairs.get(Set.of(a, b)), "no network of " + a + " and " + b);
  }

  /** The host network's gateway: the address of the Docker host on it. */
  String gateway() {
    return DockerClientFactory.instance()
        .client()
        .inspectNetworkCmd()
        .withNetworkId(host.getId())
        .exec()
        .getIpam()
        .getConfig()
        .getFirst()
        .getGateway();
  }

  /** Removes every network, adding what fails to {@code failures}. */
  void close(List<RuntimeException> failures) {
    for (Network n : pairs.values()) {
      close(n, failures);
    }
    close(host, failures);
  }

  private static void close(Network n, List<RuntimeException> failures) {
    try {
      n.close();
    } catch (RuntimeException e) {
      failures.add(e);
    }
  }
}
