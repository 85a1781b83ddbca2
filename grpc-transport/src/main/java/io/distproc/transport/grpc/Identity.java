package io.distproc.transport.grpc;

import io.distproc.NodeId;
import java.security.SecureRandom;

/**
 * Who this node is in a handshake: its id, the address it advertises, the cluster cookie it proves
 * it knows, and the randomness of its nonces and link tokens. Made once the server is bound (the
 * advertised port may be the bound one).
 *
 * <p>This class is thread-safe and, but for its random source, immutable.
 */
final class Identity {
  /** The size of a link token, in bytes. */
  static final int TOKEN_BYTES = 16;

  private final NodeId self;
  private final String advertisedHost;
  private final int advertisedPort;
  private final byte[] cookie;
  private final SecureRandom random = new SecureRandom();

  Identity(NodeId self, String advertisedHost, int advertisedPort, byte[] cookie) {
    this.self = self;
    this.advertisedHost = advertisedHost;
    this.advertisedPort = advertisedPort;
    this.cookie = cookie.clone();
  }

  NodeId self() {
    return self;
  }

  String advertisedHost() {
    return advertisedHost;
  }

  int advertisedPort() {
    return advertisedPort;
  }

  /** The cookie's bytes, a copy; empty when the cluster has none. */
  byte[] cookie() {
    return cookie.clone();
  }

  /** A fresh handshake nonce. */
  byte[] newNonce() {
    return randomBytes(Handshake.NONCE_BYTES);
  }

  /** A fresh link token. */
  byte[] newToken() {
    return randomBytes(TOKEN_BYTES);
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }
}
