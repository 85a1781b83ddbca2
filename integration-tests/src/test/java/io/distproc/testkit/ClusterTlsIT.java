package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.Codec;
import io.distproc.DistprocException;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.Pid;
import io.distproc.SeedNode;
import io.distproc.TlsConfig;
import io.distproc.node.NodeProtocol;
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

/** A cluster of containers whose links are all mutual TLS, with certificates made at test time. */
@ExtendWith(DistprocClusterExtension.class) // the Docker condition only
@DisplayName("A mutual-TLS cluster of containers")
class ClusterTlsIT {
  @TempDir Path dir;

  @Test
  @DisplayName(
      "links its containers and a test-JVM node over mTLS; refuses an untrusted client certificate, a wrong cookie, plaintext, no client certificate, and an untrusted server")
  void mutualTls_membersTalk_strangersRefused() {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    try (DistprocCluster cluster =
        DistprocCluster.builder()
            .nodes("alpha", "beta")
            .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1))
            .cookie("tls-cluster")
            .tls(ca::mutualTls)
            .build()) {
      cluster.start(); // returns once alpha and beta are linked: over mTLS, or not at all
      for (String name : cluster.nodeNames()) {
        assertThat(cluster.container(name).events())
            .anyMatch(e -> e instanceof NodeEvent.Ready && e.node().name().equals(name));
        assertThat(cluster.container(name).logLines())
            .noneMatch(l -> l.contains("links are plaintext"));
      }

      Remote remote = new Remote(cluster, "probe"); // a member: its certificate is the cluster's
      for (String name : List.of("alpha", "beta")) {
        Pid echo = remote.spawn(name, NodeProtocol.ECHO, "");
        assertThat(remote.pings(echo, "over mTLS to " + name, Remote.PATIENCE)).isTrue();
      }

      TestCertificates other = TestCertificates.authority(dir, "elsewhere");
      // The right cookie, a certificate from an authority the cluster does not trust.
      assertRefused(
          cluster, "mallory", b -> b.cookie("tls-cluster").tls(other.mutualTls("mallory")));
      // A certificate the cluster trusts, the wrong cookie.
      assertRefused(cluster, "intruder", b -> b.cookie("guess").tls(ca.mutualTls("intruder")));
      // The right cookie, no TLS.
      assertRefused(cluster, "plain", b -> b.cookie("tls-cluster").plaintext());
      // The right cookie, TLS that trusts the cluster, but no client certificate.
      TestCertificates.Issued anonymous = ca.issue("anonymous");
      assertRefused(
          cluster,
          "anonymous",
          b ->
              b.cookie("tls-cluster")
                  .tls(TlsConfig.serverOnly(anonymous.chain(), anonymous.key(), ca.trust())));
      // A certificate the cluster trusts, but alpha's server certificate is not trusted by it.
      TestCertificates.Issued wary = ca.issue("wary");
      assertRefused(
          cluster,
          "wary",
          b ->
              b.cookie("tls-cluster")
                  .tls(TlsConfig.mutual(wary.chain(), wary.key(), other.trust())));
      assertThat(cluster.container("alpha").events())
          .noneMatch(
              e ->
                  e instanceof NodeEvent.PeerUp
                      && List.of("mallory", "intruder", "plain", "anonymous", "wary")
                          .contains(e.node().name()));
    }
  }

  /** A node of the test JVM, configured by {@code change}, cannot link to alpha. */
  private static void assertRefused(
      DistprocCluster cluster, String name, UnaryOperator<NodeConfig.Builder> change) {
    NodeConfig member = cluster.localNodeConfig(name).build(); // for alpha's address
    SeedNode alpha =
        member.seedNodes().stream()
            .filter(s -> s.name().filter("alpha"::equals).isPresent())
            .findFirst()
            .orElseThrow();
    NodeConfig dialsNobody =
        change
            .apply(
                NodeConfig.remote(name)
                    .bind(member.bindHost(), 0)
                    .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1)))
            .build();
    try (Node<String> stranger = Node.start(dialsNobody, Codec.utf8())) {
      assertThatThrownBy(() -> stranger.addRemoteNode(alpha.host(), alpha.port(), "alpha"))
          .as(name + " dialling alpha")
          .isInstanceOf(DistprocException.class);
      assertThat(stranger.remoteNodes()).isEmpty();
    }
  }
}
