package io.distproc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * How a node secures its links with TLS: its certificate chain and private key, and the
 * certificates it trusts, either as PEM files (what Kubernetes secrets and cert-manager produce),
 * as JDK key and trust managers (for keys in a keystore or an HSM, or for managers that reload
 * rotated certificates, such as grpc-java's {@code AdvancedTlsX509KeyManager}), or as a JDK {@link
 * SSLContext} that an application has set up already.
 *
 * <p>Every node is both a server (it accepts links) and a client (it dials them), so each needs its
 * own certificate and the authorities it trusts. With {@code mutual} (the usual choice for a
 * cluster) a node also demands a certificate from every dialler, signed by a trusted authority;
 * with {@code serverOnly} only the accepting node proves who it is. A dialler checks that the
 * accepting node's certificate names the node it expects, and under mutual TLS the accepting node
 * checks that the dialler's certificate names the node it claims to be, so one member cannot pose
 * as another: give each node's certificate its node name as a DNS subject alternative name (and,
 * for seeds dialled without a name, the host they are dialled by).
 *
 * <p>Instances are immutable and thread-safe (the managers given must be thread-safe, as JDK
 * managers are). Files are read when the node starts.
 *
 * @since 0.1.0
 */
public final class TlsConfig {
  private final @Nullable Path certificateChain;
  private final @Nullable Path privateKey;
  private final @Nullable Path trustedCertificates;
  private final @Nullable X509KeyManager keyManager;
  private final @Nullable X509TrustManager trustManager;
  private final @Nullable SSLContext sslContext;
  private final boolean mutual;

  private TlsConfig(
      @Nullable Path chain,
      @Nullable Path key,
      @Nullable Path trusted,
      @Nullable X509KeyManager km,
      @Nullable X509TrustManager tm,
      @Nullable SSLContext context,
      boolean mutual) {
    this.certificateChain = chain;
    this.privateKey = key;
    this.trustedCertificates = trusted;
    this.keyManager = km;
    this.trustManager = tm;
    this.sslContext = context;
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
   * TLS where only the accepting node presents a certificate; diallers stay anonymous. Use {@code
   * mutual} unless something else (a cookie, a private network) vouches for diallers.
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

  /**
   * Mutual TLS with this node's identity and trust given as JDK managers. The managers are asked
   * for each handshake, so managers that reload their material rotate certificates without a
   * restart.
   *
   * @param keyManager this node's certificate chain and key
   * @param trustManager decides which peers' certificates to trust
   * @return the configuration
   * @throws NullPointerException if an argument is null
   */
  public static TlsConfig mutual(X509KeyManager keyManager, X509TrustManager trustManager) {
    return managed(keyManager, trustManager, true);
  }

  /**
   * TLS where only the accepting node presents a certificate, with identity and trust given as JDK
   * managers; see {@link #mutual(X509KeyManager, X509TrustManager)}.
   *
   * @param keyManager this node's certificate chain and key, presented when it accepts a link
   * @param trustManager decides which accepting nodes' certificates to trust
   * @return the configuration
   * @throws NullPointerException if an argument is null
   */
  public static TlsConfig serverOnly(X509KeyManager keyManager, X509TrustManager trustManager) {
    return managed(keyManager, trustManager, false);
  }

  /**
   * Mutual TLS from a JDK {@link SSLContext} the application has initialised: its key managers give
   * this node's certificate, its trust managers decide which peers to trust. The context is used
   * for links in both directions.
   *
   * <p>A dialler still checks that the accepting node's certificate names the node it expects (or
   * the host it dialled): it asks the context's engines for HTTPS endpoint identification, which
   * the JDK's trust managers perform, and which the JDK also performs around a plain {@link
   * X509TrustManager}. A context whose trust manager is an {@code X509ExtendedTrustManager} that
   * ignores the endpoint identification algorithm turns that check off: use {@link
   * #mutual(X509KeyManager, X509TrustManager)} for such a manager, which checks the name itself. A
   * seed given only by a DNS name is dialled at each address it resolves to, so with a context the
   * accepting node's certificate must name that address; with files or managers it need only name
   * the node (the node's name is checked once its handshake gives it).
   *
   * @param sslContext an initialised context of the JDK's TLS implementation (or one that supports
   *     ALPN, which gRPC needs)
   * @return the configuration
   * @throws NullPointerException if {@code sslContext} is null
   */
  public static TlsConfig mutual(SSLContext sslContext) {
    Objects.requireNonNull(sslContext, "sslContext");
    return new TlsConfig(null, null, null, null, null, sslContext, true);
  }

  /**
   * TLS where only the accepting node presents a certificate, from a JDK {@link SSLContext}; see
   * {@link #mutual(SSLContext)}.
   *
   * @param sslContext an initialised context
   * @return the configuration
   * @throws NullPointerException if {@code sslContext} is null
   */
  public static TlsConfig serverOnly(SSLContext sslContext) {
    Objects.requireNonNull(sslContext, "sslContext");
    return new TlsConfig(null, null, null, null, null, sslContext, false);
  }

  private static TlsConfig managed(X509KeyManager km, X509TrustManager tm, boolean mutual) {
    Objects.requireNonNull(km, "keyManager");
    Objects.requireNonNull(tm, "trustManager");
    return new TlsConfig(null, null, null, km, tm, null, mutual);
  }

  private static TlsConfig checked(Path chain, Path key, Path trusted, boolean mutual) {
    List<String> errors = new ArrayList<>();
    check("certificateChain", Objects.requireNonNull(chain, "certificateChain"), errors);
    check("privateKey", Objects.requireNonNull(key, "privateKey"), errors);
    check("trustedCertificates", Objects.requireNonNull(trusted, "trustedCertificates"), errors);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid TLS configuration:\n  " + String.join("\n  ", errors));
    }
    return new TlsConfig(chain, key, trusted, null, null, null, mutual);
  }

  private static void check(String what, Path file, List<String> errors) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      errors.add(what + ": " + file + " is not a readable file");
    }
  }

  /**
   * Returns this node's certificate chain file, when the configuration is made of files.
   *
   * @return the PEM file, or empty when managers or a context were given
   */
  public Optional<Path> certificateChain() {
    return Optional.ofNullable(certificateChain);
  }

  /**
   * Returns this node's private key file, when the configuration is made of files.
   *
   * @return the PKCS#8 PEM file, or empty when managers or a context were given
   */
  public Optional<Path> privateKey() {
    return Optional.ofNullable(privateKey);
  }

  /**
   * Returns the file of trusted authorities, when the configuration is made of files.
   *
   * @return the PEM file, or empty when managers or a context were given
   */
  public Optional<Path> trustedCertificates() {
    return Optional.ofNullable(trustedCertificates);
  }

  /**
   * Returns the key manager, when the configuration is made of managers.
   *
   * @return the key manager, or empty when files or a context were given
   */
  public Optional<X509KeyManager> keyManager() {
    return Optional.ofNullable(keyManager);
  }

  /**
   * Returns the trust manager, when the configuration is made of managers.
   *
   * @return the trust manager, or empty when files or a context were given
   */
  public Optional<X509TrustManager> trustManager() {
    return Optional.ofNullable(trustManager);
  }

  /**
   * Returns the JDK context, when the configuration was given as one.
   *
   * @return the context, or empty when files or managers were given
   */
  public Optional<SSLContext> sslContext() {
    return Optional.ofNullable(sslContext);
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
    String kind = mutual ? "mutual TLS" : "TLS";
    if (sslContext != null) {
      return kind + "{sslContext " + sslContext.getProtocol() + "}";
    }
    return keyManager != null
        ? kind + "{managers}"
        : kind + "{chain=" + certificateChain + ", trust=" + trustedCertificates + "}";
  }
}
