package io.distproc.transport.grpc.testing;

import io.distproc.TlsConfig;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made at test time, issuing node certificates as PEM files in a folder of
 * the test's: no private key is ever committed. Shared with the container suite through this
 * module's test jar. Not thread-safe.
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path dir;
  private final String name;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  private TestCertificates(Path dir, String name) throws GeneralSecurityException, IOException {
    this.dir = dir;
    this.name = name;
    this.caKeys = keys();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder b = builder(subject, subject, caKeys);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    this.ca = sign(b, caKeys);
    write(dir.resolve(name + "-ca.pem"), ca);
  }

  /** A new authority whose certificate is {@link #trust()}. */
  public static TestCertificates authority(Path dir, String name) {
    try {
      return new TestCertificates(dir, name);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The authority's certificate, PEM. */
  public Path trust() {
    return dir.resolve(name + "-ca.pem");
  }

  /** A node certificate and key signed by this authority, naming the node and 127.0.0.1. */
  public Issued issue(String node) {
    return issue(node, true);
  }

  /**
   * A node certificate and key signed by this authority, naming the node only (no address): as a
   * certificate for a pod or container whose address is not known when it is issued.
   */
  public Issued issueNamingOnly(String node) {
    return issue(node, false);
  }

  private Issued issue(String node, boolean loopback) {
    try {
      KeyPair keys = keys();
      X509v3CertificateBuilder b =
          builder(new X500Name("CN=" + name), new X500Name("CN=" + node), keys);
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              loopback
                  ? new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, node),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                  }
                  : new GeneralName[] {new GeneralName(GeneralName.dNSName, node)}));
      X509Certificate cert = sign(b, caKeys);
      String file = name + "-" + node + (loopback ? "" : "-named");
      Path chain = dir.resolve(file + "-chain.pem");
      Path key = dir.resolve(file + "-key.pem");
      write(chain, cert);
      try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(key))) {
        w.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
      }
      return new Issued(chain, key);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A node's certificate chain and private key files.
   *
   * @param chain the certificate chain, PEM
   * @param key the private key, PKCS#8 PEM
   */
  public record Issued(Path chain, Path key) {}

  /**
   * Issues a certificate for {@code node} and returns mutual TLS with it and this authority.
   *
   * @param node the node's name, written into its certificate
   * @return the node's configuration
   */
  public TlsConfig mutualTls(String node) {
    Issued issued = issue(node);
    return TlsConfig.mutual(issued.chain(), issued.key(), trust());
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(Duration.ofDays(1))),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws GeneralSecurityException {
    try {
      ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(s));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void write(Path file, Object pem) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(text)) {
      w.writeObject(pem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.writeString(file, text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
