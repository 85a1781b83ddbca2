package io.distproc.transport.grpc;

import static io.distproc.Matcher.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.DistprocException;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.TlsConfig;
import io.distproc.runtime.testing.TestTimeFactor;
import io.distproc.transport.grpc.testing.TestCertificates;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Links over TLS and mutual TLS, with certificates made at test time. */
class TlsTest {
  private static final Duration WAIT = Duration.ofSeconds(20L * TestTimeFactor.FACTOR);

  @TempDir Path dir;
  private final List<Node<String>> nodes = new ArrayList<>();

  @AfterEach
  void closeNodes() {
    nodes.forEach(Node::close);
  }

  private Node<String> start(String name, NodeConfig.Builder config) {
    Node<String> node =
        Node.builder(
                config.bind("127.0.0.1", 0).requestTimeout(Duration.ofSeconds(3)).build(),
                Codec.utf8())
            .behaviours(Behaviours.none())
            .start();
    nodes.add(node);
    return node;
  }

  private static NodeId connect(Node<String> from, Node<String> to) {
    return from.addRemoteNode(
        "127.0.0.1", to.boundAddress().orElseThrow().getPort(), to.id().name());
  }

  private static TlsConfig mutual(TestCertificates ca, String node) {
    return ca.mutualTls(node);
  }

  @Test
  @DisplayName("nodes with certificates from one authority link over mutual TLS and talk")
  void mutualTls_sameAuthority_linksAndCarriesMessages() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    Node<String> alpha = start("alpha", NodeConfig.remote("alpha").tls(mutual(ca, "alpha")));
    Node<String> beta = start("beta", NodeConfig.remote("beta").tls(mutual(ca, "beta")));

    assertThat(connect(alpha, beta)).isEqualTo(beta.id());
    assertCarries(alpha, beta, "over TLS");
  }

  private static void assertCarries(Node<String> from, Node<String> to, String text)
      throws Exception {
    CompletableFuture<String> got = new CompletableFuture<>();
    Pid receiver = to.spawn(ctx -> got.complete(ctx.receive(any(s -> s))));
    from.send(receiver, text);
    assertThat(got.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(text);
  }

  @Test
  @DisplayName("under mutual TLS a dialler without a client certificate is refused")
  void mutualTls_diallerWithoutClientCertificate_refused() {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    Node<String> beta = start("beta", NodeConfig.remote("beta").tls(mutual(ca, "beta")));
    TestCertificates.Issued anon = ca.issue("anonymous");
    Node<String> alpha =
        start(
            "alpha",
            NodeConfig.remote("alpha")
                .tls(TlsConfig.serverOnly(anon.chain(), anon.key(), ca.trust())));

    assertThatThrownBy(() -> connect(alpha, beta))
        .isInstanceOf(DistprocException.class)
        .hasMessageContaining("CERTIFICATE_REQUIRED");
    assertThat(alpha.remoteNodes()).isEmpty();
    assertThat(beta.remoteNodes()).isEmpty();
  }

  @Test
  @DisplayName("a server whose certificate comes from an untrusted authority is refused")
  void tls_untrustedServer_refused() {
    TestCertificates ours = TestCertificates.authority(dir, "ours");
    TestCertificates theirs = TestCertificates.authority(dir, "theirs");
    Node<String> beta = start("beta", NodeConfig.remote("beta").tls(mutual(theirs, "beta")));
    Node<String> alpha = start("alpha", NodeConfig.remote("alpha").tls(mutual(ours, "alpha")));

    assertThatThrownBy(() -> connect(alpha, beta))
        .isInstanceOf(DistprocException.class)
        .hasMessageContaining("unable to find valid certification path");
    assertThat(alpha.remoteNodes()).isEmpty();
    assertThat(beta.remoteNodes()).isEmpty();
  }

  @Test
  @DisplayName("a server whose certificate names another node is refused")
  void tls_serverCertificateForAnotherName_refused() {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    Node<String> beta = start("beta", NodeConfig.remote("beta").tls(mutual(ca, "mallory")));
    Node<String> alpha = start("alpha", NodeConfig.remote("alpha").tls(mutual(ca, "alpha")));

    assertThatThrownBy(() -> connect(alpha, beta))
        .isInstanceOf(DistprocException.class)
        .hasMessageContaining("No subject alternative DNS name matching beta");
    assertThat(alpha.remoteNodes()).isEmpty();
  }

  @Test
  @DisplayName("under mutual TLS a dialler whose certificate names another node is refused")
  void mutualTls_diallerPosingAsAnotherNode_refused() {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    Node<String> beta = start("beta", NodeConfig.remote("beta").tls(mutual(ca, "beta")));
    // gamma's certificate is a real member's, from the cluster's authority; it claims to be alpha.
    Node<String> poser = start("alpha", NodeConfig.remote("alpha").tls(mutual(ca, "gamma")));

    assertThatThrownBy(() -> connect(poser, beta))
        .isInstanceOf(DistprocException.class)
        .hasMessageContaining("IDENTITY_MISMATCH");
    assertThat(beta.remoteNodes()).isEmpty();
    assertThat(poser.remoteNodes()).isEmpty();
  }

  @Test
  @DisplayName("a plaintext dialler cannot reach a TLS node")
  void tls_plaintextDialler_refused() {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    Node<String> beta = start("beta", NodeConfig.remote("beta").tls(mutual(ca, "beta")));
    Node<String> alpha = start("alpha", NodeConfig.remote("alpha").plaintext());

    assertThatThrownBy(() -> connect(alpha, beta)).isInstanceOf(DistprocException.class);
    assertThat(beta.remoteNodes()).isEmpty();
  }

  @Test
  @DisplayName("a wrong cookie is refused even over TLS")
  void tls_wrongCookie_refused() {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    Node<String> beta =
        start("beta", NodeConfig.remote("beta").tls(mutual(ca, "beta")).cookie("right"));
    Node<String> alpha =
        start("alpha", NodeConfig.remote("alpha").tls(mutual(ca, "alpha")).cookie("wrong"));

    assertThatThrownBy(() -> connect(alpha, beta))
        .isInstanceOf(DistprocException.class)
        .hasMessageContaining("does not know the cluster cookie");
    assertThat(beta.remoteNodes()).isEmpty();
  }

  /** Starts a node while recording the transport's log; returns the WARNING lines. */
  private List<String> warningsWhileStarting(String name, NodeConfig.Builder config) {
    Logger transport = Logger.getLogger("io.distproc.transport.grpc");
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler recorder =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
              warnings.add(r.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    transport.addHandler(recorder);
    try {
      start(name, config);
    } finally {
      transport.removeHandler(recorder);
    }
    return warnings;
  }

  @Test
  @DisplayName("a node asked for plaintext says so in a warning, and says when no cookie guards it")
  void plaintext_warnsInTheLog() {
    List<String> withCookie =
        warningsWhileStarting("alpha", NodeConfig.remote("alpha").plaintext().cookie("c"));
    List<String> withoutCookie =
        warningsWhileStarting("beta", NodeConfig.remote("beta").plaintext());

    assertThat(withCookie)
        .singleElement()
        .asString()
        .startsWith("node alpha links are plaintext, as configured: anyone who can reach ")
        .endsWith("can read them");
    assertThat(withoutCookie)
        .singleElement()
        .asString()
        .startsWith("node beta links are plaintext")
        .endsWith(", and no cookie keeps strangers out");
  }

  @Test
  void tls_noPlaintextWarning() {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");

    assertThat(warningsWhileStarting("alpha", NodeConfig.remote("alpha").tls(mutual(ca, "alpha"))))
        .isEmpty();
  }

  private static TlsConfig managed(TestCertificates ca, String node) throws Exception {
    TestCertificates.Issued issued = ca.issue(node);
    AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    keys.updateIdentityCredentials(issued.chain().toFile(), issued.key().toFile());
    return TlsConfig.mutual(keys, trusting(ca));
  }

  private static AdvancedTlsX509TrustManager trusting(TestCertificates ca) throws Exception {
    AdvancedTlsX509TrustManager trust =
        AdvancedTlsX509TrustManager.newBuilder()
            .setVerification(Verification.CERTIFICATE_ONLY_VERIFICATION)
            .build();
    trust.updateTrustCredentials(ca.trust().toFile());
    return trust;
  }

  @Test
  @DisplayName("mutual TLS from JDK key and trust managers links, and checks the server's name")
  void mutualTls_fromManagers_linksAndChecksTheName() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    Node<String> alpha = start("alpha", NodeConfig.remote("alpha").tls(managed(ca, "alpha")));
    Node<String> beta = start("beta", NodeConfig.remote("beta").tls(managed(ca, "beta")));
    Node<String> mallory = start("gamma", NodeConfig.remote("gamma").tls(managed(ca, "mallory")));

    assertThat(connect(alpha, beta)).isEqualTo(beta.id());
    assertCarries(alpha, beta, "over managed TLS");

    // The trust manager checks only the chain; the transport still checks the name.
    assertThatThrownBy(() -> connect(alpha, mallory)).isInstanceOf(DistprocException.class);
    assertThat(alpha.remoteNodes()).containsExactly(beta.id());
  }

  /** Mutual TLS with a certificate that names the node but no address. */
  private static TlsConfig namingOnly(TestCertificates ca, String node) {
    TestCertificates.Issued issued = ca.issueNamingOnly(node);
    return TlsConfig.mutual(issued.chain(), issued.key(), ca.trust());
  }

  @Test
  @DisplayName(
      "a seed known by address only links when the certificate that answers names the node"
          + " that answers, and not when it names another")
  void mutualTls_unnamedSeed_checksTheCertificateAgainstTheNodeThatAnswers() {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    Node<String> beta = start("beta", NodeConfig.remote("beta").tls(namingOnly(ca, "beta")));
    // A member's certificate, from the cluster's authority, presented by a node that is not it.
    Node<String> poser = start("gamma", NodeConfig.remote("gamma").tls(namingOnly(ca, "mallory")));
    Node<String> alpha =
        start(
            "alpha",
            NodeConfig.remote("alpha")
                .tls(namingOnly(ca, "alpha"))
                .seedNode("127.0.0.1", beta.boundAddress().orElseThrow().getPort())
                .seedNode("127.0.0.1", poser.boundAddress().orElseThrow().getPort()));

    // Neither certificate names 127.0.0.1: beta is trusted for the name its Welcome gives.
    await().atMost(WAIT).until(() -> alpha.remoteNode("beta").isPresent());
    // The poser's chain is trusted too, but its certificate does not name gamma; alpha keeps
    // dialling both seeds meanwhile.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(() -> alpha.remoteNode("gamma").isEmpty());
    assertThat(alpha.remoteNodes()).containsExactly(beta.id());
  }

  @Test
  @DisplayName("a key manager that reloads rotates a node's certificate without a restart")
  void mutualTls_keyManagerReloaded_nextLinkUsesTheNewCertificate() throws Exception {
    TestCertificates old = TestCertificates.authority(dir, "retired");
    TestCertificates current = TestCertificates.authority(dir, "current");
    TestCertificates.Issued retired = old.issue("alpha");
    AdvancedTlsX509KeyManager alphaKeys = new AdvancedTlsX509KeyManager();
    alphaKeys.updateIdentityCredentials(retired.chain().toFile(), retired.key().toFile());
    Node<String> alpha =
        start(
            "alpha",
            NodeConfig.remote("alpha").tls(TlsConfig.mutual(alphaKeys, trusting(current))));
    Node<String> beta = start("beta", NodeConfig.remote("beta").tls(managed(current, "beta")));

    // beta does not trust the retired authority's certificate that alpha presents.
    assertThatThrownBy(() -> connect(alpha, beta)).isInstanceOf(DistprocException.class);

    TestCertificates.Issued renewed = current.issue("alpha");
    alphaKeys.updateIdentityCredentials(renewed.chain().toFile(), renewed.key().toFile());

    assertThat(connect(alpha, beta)).isEqualTo(beta.id());
  }

  /**
   * An application's own JDK context: the node's key from a key manager, and a plain PKIX trust
   * manager of the JDK over a key store holding the authority.
   */
  private static SSLContext context(TestCertificates ca, String node) throws Exception {
    TestCertificates.Issued issued = ca.issue(node);
    AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    keys.updateIdentityCredentials(issued.chain().toFile(), issued.key().toFile());
    return context(ca, new KeyManager[] {keys});
  }

  /** A context that trusts {@code ca} and has the given keys (none: it cannot prove anything). */
  private static SSLContext context(TestCertificates ca, KeyManager[] keys) throws Exception {
    KeyStore authorities = KeyStore.getInstance("PKCS12");
    authorities.load(null, null);
    try (InputStream in = Files.newInputStream(ca.trust())) {
      authorities.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
    trust.init(authorities);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, trust.getTrustManagers(), null);
    return context;
  }

  @Test
  @DisplayName("mutual TLS from an SSLContext links and talks, and still checks the server's name")
  void mutualTls_fromSslContext_linksAndChecksTheName() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    Node<String> alpha =
        start("alpha", NodeConfig.remote("alpha").tls(TlsConfig.mutual(context(ca, "alpha"))));
    Node<String> beta =
        start("beta", NodeConfig.remote("beta").tls(TlsConfig.mutual(context(ca, "beta"))));
    Node<String> mallory =
        start("gamma", NodeConfig.remote("gamma").tls(TlsConfig.mutual(context(ca, "mallory"))));

    assertThat(connect(alpha, beta)).isEqualTo(beta.id());
    assertCarries(alpha, beta, "over an SSLContext");
    assertCarries(beta, alpha, "and back");

    // mallory's certificate is from the cluster's authority but names mallory, not gamma.
    assertThatThrownBy(() -> connect(alpha, mallory))
        .isInstanceOf(DistprocException.class)
        .hasMessageContaining("gamma");
    assertThat(alpha.remoteNodes()).containsExactly(beta.id());
  }

  @Test
  @DisplayName("under mutual TLS from an SSLContext, an untrusted or anonymous dialler is refused")
  void mutualTls_fromSslContext_refusesUntrustedAndAnonymous() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "cluster");
    TestCertificates other = TestCertificates.authority(dir, "other");
    Node<String> beta =
        start("beta", NodeConfig.remote("beta").tls(TlsConfig.mutual(context(ca, "beta"))));
    Node<String> stranger =
        start("alpha", NodeConfig.remote("alpha").tls(TlsConfig.mutual(context(other, "alpha"))));
    Node<String> anonymous =
        start(
            "gamma",
            NodeConfig.remote("gamma").tls(TlsConfig.serverOnly(context(ca, new KeyManager[0]))));

    assertThatThrownBy(() -> connect(stranger, beta))
        .isInstanceOf(DistprocException.class)
        .hasMessageContaining("unable to find valid certification path");
    assertThatThrownBy(() -> connect(anonymous, beta))
        .isInstanceOf(DistprocException.class)
        .hasMessageContaining("certificate_required"); // the JDK engine's words
    assertThat(beta.remoteNodes()).isEmpty();
  }
}
