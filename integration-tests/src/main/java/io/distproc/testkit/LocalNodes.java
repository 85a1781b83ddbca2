package io.distproc.testkit;

import io.distproc.Codec;
import io.distproc.DistprocException;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/*
 * The nodes of the test JVM that take part in a cluster: their configuration (the host network's
 * gateway, the cluster's heartbeat, cookie and security), their links to a restarted container,
 * and their end with the cluster. `registered` is a copy-on-write list: any thread may register,
 * and restart and close iterate it without a lock.
 */
final class LocalNodes {
  private static final System.Logger LOG = System.getLogger("io.distproc.testkit");

  private final ClusterNetworks networks;
  private final ClusterFaults faults;
  private final ClusterNodes nodes;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTimeout;
  private final Optional<String> cookie;
  private final Optional<Function<String, TlsConfig>> tls;
  private final List<Node<?>> registered = new CopyOnWriteArrayList<>();

  LocalNodes(
      ClusterNodes nodes,
      ClusterNetworks networks,
      ClusterFaults faults,
      Duration heartbeatInterval,
      Duration heartbeatTimeout,
      Optional<String> cookie,
      Optional<Function<String, TlsConfig>> tls) {
    this.nodes = nodes;
    this.networks = networks;
    this.faults = faults;
    this.heartbeatInterval = heartbeatInterval;
    this.heartbeatTimeout = heartbeatTimeout;
    this.cookie = cookie;
    this.tls = tls;
  }

  NodeConfig.Builder config(String name) {
    String gateway = networks.gateway();
    int port = freePort(gateway);
    NodeConfig.Builder b =
        NodeConfig.remote(name)
            .bind(gateway, port)
            .advertise(gateway, port)
            .heartbeat(heartbeatInterval, heartbeatTimeout);
    cookie.ifPresent(b::cookie);
    tls.ifPresentOrElse(t -> b.tls(t.apply(name)), b::plaintext);
    for (String n : faults.live()) {
      nodes
          .container(n)
          .ipAddress(networks.host())
          .ifPresent(ip -> b.seedNode(n, ip, NodeContainer.NODE_PORT));
    }
    return b;
  }

  Node<String> start(String name, Duration within) {
    Node<String> node = Node.start(config(name).build(), Codec.utf8());
    register(node);
    ClusterAwaits.cond(
        () -> faults.live().stream().allMatch(n -> node.remoteNode(n).isPresent()),
        within,
        () -> name + " linked to " + faults.live() + "; it has " + node.remoteNodes());
    return node;
  }

  void register(Node<?> node) {
    registered.add(Objects.requireNonNull(node, "node"));
  }

  /** Links every registered node to the new incarnation {@code id} of container {@code node}. */
  void linkTo(String node, NodeId id) {
    String ip = nodes.container(node).ipAddress(networks.host()).orElseThrow();
    for (Node<?> local : registered) {
      try {
        local.addRemoteNode(ip, NodeContainer.NODE_PORT, node);
      } catch (DistprocException e) {
        LOG.log(
            System.Logger.Level.WARNING, () -> local.id() + " could not link to " + id + ": " + e);
      }
    }
  }

  /** Waits until every registered node is linked to the current incarnation of every live node. */
  void awaitLinked(Duration within) {
    for (Node<?> local : registered) {
      ClusterAwaits.cond(
          () ->
              faults.live().stream()
                  .allMatch(n -> local.remoteNode(n).filter(currentId(n)::equals).isPresent()),
          within,
          () -> local.id() + " linked to every node; it has " + local.remoteNodes());
    }
  }

  private NodeId currentId(String node) {
    return nodes
        .container(node)
        .nodeId()
        .orElseThrow(() -> new IllegalStateException("node " + node + " is not ready"));
  }

  /** Closes every registered node, adding what fails to {@code failures}. */
  void close(List<RuntimeException> failures) {
    for (Node<?> n : registered) {
      try {
        n.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
  }

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + host, e);
    }
  }
}
