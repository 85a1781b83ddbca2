package io.distproc.transport.grpc;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.transport.grpc.testing.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dialler's own check that the accepting node's certificate names the node it expects. */
class SecurityTest {
  @TempDir Path dir;

  private X509Certificate issued(String name) throws Exception {
    Path chain = TestCertificates.authority(dir, "ca-" + name.hashCode()).issue(name).chain();
    try (InputStream in = Files.newInputStream(chain)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void checkName_nodeNameOrAddressInTheCertificate_passes() throws Exception {
    X509Certificate alpha = issued("alpha"); // names alpha and 127.0.0.1

    assertThatCode(() -> Security.NameChecking.checkName(alpha, "alpha"))
        .doesNotThrowAnyException();
    assertThatCode(() -> Security.NameChecking.checkName(alpha, "ALPHA"))
        .doesNotThrowAnyException();
    assertThatCode(() -> Security.NameChecking.checkName(alpha, "127.0.0.1"))
        .doesNotThrowAnyException();
  }

  @Test
  void checkName_anotherNameOrAddress_isRefusedNamingBoth() throws Exception {
    X509Certificate alpha = issued("alpha");

    assertThatThrownBy(() -> Security.NameChecking.checkName(alpha, "beta"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("alpha")
        .hasMessageContaining("not beta");
    assertThatThrownBy(() -> Security.NameChecking.checkName(alpha, "127.0.0.2"))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> Security.NameChecking.checkName(alpha, "alpha.example"))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> Security.NameChecking.checkName(alpha, null))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void checkName_wildcard_matchesOneLabelOnly() throws Exception {
    X509Certificate any = issued("*.nodes.example");

    assertThatCode(() -> Security.NameChecking.checkName(any, "alpha.nodes.example"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> Security.NameChecking.checkName(any, "a.b.nodes.example"))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> Security.NameChecking.checkName(any, "nodes.example"))
        .isInstanceOf(CertificateException.class);
  }
}
