package io.distproc.transport.grpc;

import io.distproc.NodeConfig;
import io.distproc.TlsConfig;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.util.Optional;

/** Turns a node's {@link TlsConfig} into gRPC credentials; plaintext when there is none. */
final class Security {
  private Security() {}

  static ServerCredentials serverCredentials(NodeConfig config) {
    Optional<TlsConfig> tls = config.tls();
    if (tls.isEmpty()) {
      return InsecureServerCredentials.create();
    }
    TlsConfig t = tls.get();
    try {
      return TlsServerCredentials.newBuilder()
          .keyManager(t.certificateChain().toFile(), t.privateKey().toFile())
          .trustManager(t.trustedCertificates().toFile())
          .clientAuth(
              t.isMutual()
                  ? TlsServerCredentials.ClientAuth.REQUIRE
                  : TlsServerCredentials.ClientAuth.NONE)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot load the TLS files of " + t + ": " + e, e);
    }
  }

  static ChannelCredentials channelCredentials(NodeConfig config) {
    Optional<TlsConfig> tls = config.tls();
    if (tls.isEmpty()) {
      return InsecureChannelCredentials.create();
    }
    TlsConfig t = tls.get();
    try {
      TlsChannelCredentials.Builder b =
          TlsChannelCredentials.newBuilder().trustManager(t.trustedCertificates().toFile());
      if (t.isMutual()) {
        b.keyManager(t.certificateChain().toFile(), t.privateKey().toFile());
      }
      return b.build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot load the TLS files of " + t + ": " + e, e);
    }
  }
}
