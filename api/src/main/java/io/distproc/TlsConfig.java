package io.distproc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a node secures its links with TLS: its certificate chain and private key, and the
 * certificates it trusts, as PEM files (what Kubernetes secrets and cert-manager produce).
 *
 * <p>Every node is both a server (it accepts links) and a client (it dials them), so each needs
 * all three files. With {@link #mutual} (the usual choice for a cluster) a node also demands a
 * certificate from every dialler, signed by a trusted authority; with {@link #serverOnly} only the
 * accepting node proves who it is. A dialler checks that the accepting node's certificate names the
 * node it expects: give each node's certificate its node name as a DNS subject alternative name
 * (and, for seeds dialled without a name, the host they are dialled by).
 *
 * <p>Instances are immutable and thread-safe. The files are read when the node starts.
 *
 * @since 0.1.0
 */
public final class TlsConfig {
  private final Path certificateChain;
  private final Path privateKey;
  private final Path trustedCertificates;
  private final boolean mutual;

  private TlsConfig(Path chain, Path key, Path trusted, boolean mutual) {
    this.certificateChain = chain;
    this.privateKey = key;
    this.trustedCertificates = trusted;
    this.mutual = mutual;
  }

  /**
   * Mutual TLS: both ends of every link present a certificate that the other end trusts.
   *
   * @param certificateChain this node's certificate chain, PEM
   * @param privateKey this node's private key, PKCS#8 PEM
   * @param trustedCertificates the authorities whose certificates peers must present, PEM
   * @return the configuration
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a file is not a readable regular file
   */
  public static TlsConfig mutual(Path certificateChain, Path privateKey, Path trustedCertificates) {
    return checked(certificateChain, privateKey, trustedCertificates, true);
  }

  /**
   * TLS where only the accepting node presents a certificate; diallers stay anonymous. Use {@link
   * #mutual} unless something else (a cookie, a private network) vouches for diallers.
   *
   * @param certificateChain this node's certificate chain, PEM
   * @param privateKey this node's private key, PKCS#8 PEM
   * @param trustedCertificates the authorities whose certificates accepting nodes must present
   * @return the configuration
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a file is not a readable regular file
   */
  public static TlsConfig serverOnly(
      Path certificateChain, Path privateKey, Path trustedCertificates) {
    return checked(certificateChain, privateKey, trustedCertificates, false);
  }

  private static TlsConfig checked(Path chain, Path key, Path trusted, boolean mutual) {
    List<String> errors = new ArrayList<>();
    check("certificateChain", Objects.requireNonNull(chain, "certificateChain"), errors);
    check("privateKey", Objects.requireNonNull(key, "privateKey"), errors);
    check("trustedCertificates", Objects.requireNonNull(trusted, "trustedCertificates"), errors);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid TLS configuration:\n  " + String.join("\n  ", errors));
    }
    return new TlsConfig(chain, key, trusted, mutual);
  }

  private static void check(String what, Path file, List<String> errors) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      errors.add(what + ": " + file + " is not a readable file");
    }
  }

  /**
   * Returns this node's certificate chain file.
   *
   * @return the PEM file
   */
  public Path certificateChain() {
    return certificateChain;
  }

  /**
   * Returns this node's private key file.
   *
   * @return the PKCS#8 PEM file
   */
  public Path privateKey() {
    return privateKey;
  }

  /**
   * Returns the file of trusted authorities.
   *
   * @return the PEM file
   */
  public Path trustedCertificates() {
    return trustedCertificates;
  }

  /**
   * Tells whether diallers must present a certificate too.
   *
   * @return {@code true} for mutual TLS
   */
  public boolean isMutual() {
    return mutual;
  }

  /** Describes the configuration; never the key's content. */
  @Override
  public String toString() {
    return (mutual ? "mutual TLS" : "TLS") + "{chain=" + certificateChain + ", trust="
        + trustedCertificates + "}";
  }
}
