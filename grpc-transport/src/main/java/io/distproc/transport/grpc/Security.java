package io.distproc.transport.grpc;

import io.distproc.NodeConfig;
import io.distproc.TlsConfig;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettySslContextChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettySslContextServerCredentials;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/** Turns a node's {@link TlsConfig} into gRPC credentials; plaintext when there is none. */
final class Security {
  private Security() {}

  static ServerCredentials serverCredentials(NodeConfig config) {
    Optional<TlsConfig> tls = config.tls();
    if (tls.isEmpty()) {
      return InsecureServerCredentials.create();
    }
    TlsConfig t = tls.get();
    if (t.sslContext().isPresent()) {
      return NettySslContextServerCredentials.create(
          netty(t.sslContext().get(), false, t.isMutual() ? ClientAuth.REQUIRE : ClientAuth.NONE));
    }
    try {
      TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder();
      if (t.keyManager().isPresent()) {
        b.keyManager(t.keyManager().get()).trustManager(t.trustManager().orElseThrow());
      } else {
        b.keyManager(file(t.certificateChain()), file(t.privateKey()))
            .trustManager(file(t.trustedCertificates()));
      }
      return b.clientAuth(
              t.isMutual()
                  ? TlsServerCredentials.ClientAuth.REQUIRE
                  : TlsServerCredentials.ClientAuth.NONE)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot load the TLS files of " + t + ": " + e, e);
    }
  }

  /** Wraps a JDK context for Netty, offering HTTP/2 by ALPN as gRPC requires. */
  private static SslContext netty(SSLContext context, boolean client, ClientAuth auth) {
    ApplicationProtocolConfig h2 =
        new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            "h2");
    return new JdkSslContext(
        context, client, null, IdentityCipherSuiteFilter.INSTANCE, h2, auth, null, false);
  }

  private static File file(Optional<Path> path) {
    return path.orElseThrow().toFile();
  }

  /**
   * The dialler's credentials. With {@code nameKnown} the accepting node's certificate must name
   * the node expected (the channel's authority). Without, as when a seed's DNS name resolves to
   * nodes not yet known, the handshake checks only that the cluster's authorities trust the chain,
   * and the link checks after the Welcome that the certificate names the node that answered ({@link
   * #acceptorMismatch}).
   */
  static ChannelCredentials channelCredentials(NodeConfig config, boolean nameKnown) {
    Optional<TlsConfig> tls = config.tls();
    if (tls.isEmpty()) {
      return InsecureChannelCredentials.create();
    }
    TlsConfig t = tls.get();
    if (t.sslContext().isPresent()) {
      // gRPC asks the engine for HTTPS endpoint identification against the channel's authority
      // (the expected node's name, or the host dialled): the context's trust manager checks the
      // name, as TlsConfig.mutual(SSLContext) documents.
      return NettySslContextChannelCredentials.create(
          netty(t.sslContext().get(), true, ClientAuth.NONE));
    }
    try {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
      if (!nameKnown) {
        b.trustManager(
            t.trustManager().isPresent()
                ? new ChainOnly(t.trustManager().get(), true)
                : new ChainOnly(fromPem(t.trustedCertificates()), false));
        if (t.isMutual()) {
          if (t.keyManager().isPresent()) {
            b.keyManager(t.keyManager().get());
          } else {
            b.keyManager(file(t.certificateChain()), file(t.privateKey()));
          }
        }
      } else if (t.keyManager().isPresent()) {
        // A manager of the user's may check only the chain: the accepting node's name is checked
        // here, whatever the manager does.
        b.trustManager(new NameChecking(t.trustManager().orElseThrow()));
        if (t.isMutual()) {
          b.keyManager(t.keyManager().get());
        }
      } else { // grpc-java's own trust manager checks the name (the authority) itself
        b.trustManager(file(t.trustedCertificates()));
        if (t.isMutual()) {
          b.keyManager(file(t.certificateChain()), file(t.privateKey()));
        }
      }
      return b.build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot load the TLS files of " + t + ": " + e, e);
    }
  }

  /** The JDK's PKIX trust manager over the PEM certificates in {@code trust}. */
  private static X509TrustManager fromPem(Optional<Path> trust) {
    try (InputStream in = Files.newInputStream(trust.orElseThrow())) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("trusted-" + i++, c);
      }
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      for (TrustManager m : f.getTrustManagers()) {
        if (m instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X.509 trust manager for " + trust.get());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot read the trusted certificates " + trust.get() + ": " + e, e);
    }
  }

  /**
   * A dialler's check, after the Welcome of a link dialled without an expected name, that the
   * accepting node's certificate names the node that answered. Empty when it does, and when there
   * is no TLS session (plaintext).
   *
   * @param tls the dialled call's TLS session, or null
   * @param answered the node name the Welcome carries
   * @return why the link is refused, or empty
   */
  static Optional<String> acceptorMismatch(SSLSession tls, String answered) {
    if (tls == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = tls.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return Optional.of("the accepting node's certificate is not an X.509 certificate");
      }
      NameChecking.checkName(leaf, answered);
      return Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.of("the accepting node sent no certificate");
    } catch (CertificateException e) {
      return Optional.of("the node answered as " + answered + ", but " + e.getMessage());
    }
  }

  /**
   * What a dialler's trust managers share: they judge only servers (a dialler checks no client), on
   * SSLEngines (links never use sockets), trusting what their delegate trusts.
   */
  abstract static class DiallerTrust extends X509ExtendedTrustManager {
    final X509TrustManager delegate;

    DiallerTrust(X509TrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("links run on SSLEngines only");
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a dialler's trust manager checks no client");
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("a dialler's trust manager checks no client");
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a dialler's trust manager checks no client");
    }

    @Override
    public final X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /**
   * A dialler's trust manager that checks only that its delegate trusts the chain: for links
   * dialled before the accepting node's name is known, whose name {@link #acceptorMismatch} checks
   * once the Welcome says it. The JDK's manager over the trusted PEM files is asked without the
   * engine, so it does no host name check of its own (the engine would ask for one); a manager of
   * the user's, which may check only the chain, is asked as usual.
   */
  static final class ChainOnly extends DiallerTrust {
    private final boolean withEngine;

    ChainOnly(X509TrustManager delegate, boolean withEngine) {
      super(delegate);
      this.withEngine = withEngine;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      if (withEngine && delegate instanceof X509ExtendedTrustManager x) {
        x.checkServerTrusted(chain, authType, engine);
      } else {
        delegate.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }
  }

  /**
   * Under mutual TLS, whether the dialler's certificate fails to name the node its handshake
   * claims: a member of the cluster cannot pose as another. Empty when it names it, and when there
   * is no client certificate to check (plaintext, or TLS where diallers stay anonymous).
   *
   * @param tls the accepted call's TLS session, or null
   * @param claimed the node name the dialler's Hello claims
   * @return why the identity is refused, or empty
   */
  static Optional<String> identityMismatch(@Nullable SSLSession tls, String claimed) {
    if (tls == null) {
      return Optional.empty();
    }
    Certificate[] chain;
    try {
      chain = tls.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty(); // no client certificate: server-only TLS allowed it
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return Optional.of("the dialler's certificate is not an X.509 certificate");
    }
    try {
      NameChecking.checkName(leaf, claimed, "its certificate");
      return Optional.empty();
    } catch (CertificateException e) {
      return Optional.of("the dialler claims to be " + claimed + ", but " + e.getMessage());
    }
  }

  /**
   * A dialler's trust manager that, after its delegate trusted the chain, checks that the leaf
   * certificate names the host the engine was opened for: the expected node's name (the channel's
   * authority) or the address dialled. DNS names match case-insensitively, with a leading {@code
   * *.} wildcard matching one label; IP addresses match as addresses.
   */
  static final class NameChecking extends DiallerTrust {
    private static final Pattern IP_LITERAL =
        Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\\]?");

    NameChecking(X509TrustManager delegate) {
      super(delegate);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      if (delegate instanceof X509ExtendedTrustManager x) {
        x.checkServerTrusted(chain, authType, engine);
      } else {
        delegate.checkServerTrusted(chain, authType);
      }
      checkName(chain[0], engine == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("the accepting node's name is unknown: cannot check it");
    }

    static void checkName(X509Certificate cert, @Nullable String host) throws CertificateException {
      checkName(cert, host, "the accepting node's certificate");
    }

    /**
     * Checks that {@code cert} names {@code host}; the refusal calls the certificate {@code whose}.
     */
    static void checkName(X509Certificate cert, @Nullable String host, String whose)
        throws CertificateException {
      if (host == null || host.isEmpty()) {
        throw new CertificateException("the accepting node's name is unknown: cannot check it");
      }
      Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
      List<String> names = new ArrayList<>();
      boolean literal = isAddress(host);
      for (List<?> san : alternatives == null ? List.<List<?>>of() : alternatives) {
        int type = (Integer) san.get(0);
        String name = String.valueOf(san.get(1));
        names.add(name);
        if (literal
            ? type == 7 && isAddress(name) && address(name).equals(address(host))
            : type == 2 && dnsMatches(name, host)) {
          return;
        }
      }
      throw new CertificateException(whose + " names " + names + ", not " + host);
    }

    private static boolean isAddress(String s) {
      return IP_LITERAL.matcher(s).matches();
    }

    /** Parses an address literal (never a DNS lookup: {@link #isAddress} said it is one). */
    private static InetAddress address(String literal) throws CertificateException {
      try {
        return InetAddress.getByName(literal);
      } catch (UnknownHostException e) {
        throw new CertificateException("bad address " + literal, e);
      }
    }

    private static boolean dnsMatches(String pattern, String host) {
      String p = pattern.toLowerCase(Locale.ROOT);
      String h = host.toLowerCase(Locale.ROOT);
      if (p.startsWith("*.")) {
        int dot = h.indexOf('.');
        return dot > 0 && h.substring(dot).equals(p.substring(1));
      }
      return p.equals(h);
    }
  }
}
