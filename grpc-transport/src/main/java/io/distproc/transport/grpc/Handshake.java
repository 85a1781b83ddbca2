package io.distproc.transport.grpc;

import com.google.protobuf.ByteString;
import io.distproc.NodeId;
import io.distproc.proto.v1.Challenge;
import io.distproc.proto.v1.Goodbye;
import io.distproc.proto.v1.GoodbyeReason;
import io.distproc.proto.v1.Hello;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.Proof;
import io.distproc.proto.v1.Reject;
import io.distproc.proto.v1.RejectReason;
import io.distproc.proto.v1.Welcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * The handshake messages of {@code link.proto} and the checks on them: what a dialler says, and
 * what an acceptor accepts. Hello, Challenge, Proof, Welcome: the cookie itself never crosses the
 * wire, each side proves it knows it with an HMAC over both sides' fresh nonces. Stateless.
 */
final class Handshake {
  /** Bytes of each side's nonce. */
  static final int NONCE_BYTES = 32;

  private static final String SERVER = "distproc-v1-server";
  private static final String CLIENT = "distproc-v1-client";

  /** What the acceptor decided about a Hello or a Proof. */
  sealed interface Verdict {}

  /** The Hello and the Proof are acceptable: the runtime may now be asked about the link. */
  record Accept(NodeId peer, String address, int minorVersion) implements Verdict {}

  /**
   * The Hello is acceptable so far: the acceptor challenges the dialler with its own nonce.
   *
   * @param clientNonce the Hello's nonce
   * @param serverNonce the acceptor's fresh nonce for this link
   */
  record Pending(
      NodeId peer,
      String address,
      String expectedName,
      byte[] clientNonce,
      byte[] serverNonce,
      int minorVersion)
      implements Verdict {}

  /** The Hello is refused; {@code claimed} is who it said it was, for the log. */
  record Refuse(RejectReason reason, String detail, @Nullable String claimed) implements Verdict {}

  /** What the dialler learnt from a Welcome. */
  record Welcomed(NodeId peer, String address, byte[] token, int minorVersion) {}

  private Handshake() {}

  static LinkFrame hello(Identity identity, Optional<String> expectedName, byte[] nonce) {
    Hello.Builder hello =
        Hello.newBuilder()
            .setProtocolVersion(FrameCodec.PROTOCOL_VERSION)
            .setNode(FrameCodec.node(identity.self()))
            .setAdvertisedHost(identity.advertisedHost())
            .setAdvertisedPort(identity.advertisedPort())
            .setNonce(ByteString.copyFrom(nonce))
            .setMinorVersion(FrameCodec.MINOR_VERSION);
    expectedName.ifPresent(hello::setExpectedName);
    return LinkFrame.newBuilder().setHello(hello).build();
  }

  /** The acceptor's Welcome, carrying the link's minor version (see link.proto). */
  static LinkFrame welcome(Identity identity, byte[] token, int minorVersion) {
    return LinkFrame.newBuilder()
        .setWelcome(
            Welcome.newBuilder()
                .setProtocolVersion(FrameCodec.PROTOCOL_VERSION)
                .setNode(FrameCodec.node(identity.self()))
                .setAdvertisedHost(identity.advertisedHost())
                .setAdvertisedPort(identity.advertisedPort())
                .setLinkToken(ByteString.copyFrom(token))
                .setMinorVersion(minorVersion))
        .build();
  }

  static LinkFrame reject(RejectReason reason, String detail) {
    return LinkFrame.newBuilder()
        .setReject(
            Reject.newBuilder()
                .setReason(reason)
                .setDetail(detail)
                .addSupportedProtocolVersions(FrameCodec.PROTOCOL_VERSION))
        .build();
  }

  static LinkFrame goodbye(GoodbyeReason reason, String detail) {
    return LinkFrame.newBuilder()
        .setGoodbye(Goodbye.newBuilder().setReason(reason).setDetail(detail))
        .build();
  }

  /**
   * The acceptor's checks on a Hello, in order: a Hello at all, the protocol version, a well-formed
   * identity and nonce, and under mutual TLS that the dialler's certificate names the node it
   * claims to be. Passing them earns a {@link Pending}: a Challenge, not yet a Welcome.
   *
   * @param tls the call's TLS session, or null on plaintext
   * @param serverNonce this link's fresh nonce, {@link #NONCE_BYTES} long
   */
  static Verdict checkHello(
      LinkFrame frame, FrameCodec codec, @Nullable SSLSession tls, byte[] serverNonce) {
    if (frame.getKindCase() != LinkFrame.KindCase.HELLO) {
      return new Refuse(
          RejectReason.REJECT_REASON_MALFORMED_HELLO,
          "expected a hello, got " + frame.getKindCase(),
          null);
    }
    Hello hello = frame.getHello();
    String claimed =
        hello.hasNode() ? hello.getNode().getName() + "#" + hello.getNode().getIncarnation() : null;
    if (hello.getProtocolVersion() != FrameCodec.PROTOCOL_VERSION) {
      return new Refuse(
          RejectReason.REJECT_REASON_UNSUPPORTED_PROTOCOL_VERSION,
          "protocol version "
              + hello.getProtocolVersion()
              + " is not supported; this node speaks "
              + FrameCodec.PROTOCOL_VERSION,
          claimed);
    }
    NodeId peer;
    try {
      if (!hello.hasNode()) {
        throw new ProtocolException("hello.node is missing");
      }
      peer = codec.node(hello.getNode(), "hello.node");
      checkPort(hello.getAdvertisedPort(), "hello.advertised_port");
      checkNonce(hello.getNonce(), "hello.nonce");
    } catch (ProtocolException e) {
      return new Refuse(RejectReason.REJECT_REASON_MALFORMED_HELLO, e.getMessage(), claimed);
    }
    Optional<String> mismatch = Security.identityMismatch(tls, peer.name());
    if (mismatch.isPresent()) {
      return new Refuse(RejectReason.REJECT_REASON_IDENTITY_MISMATCH, mismatch.get(), claimed);
    }
    return new Pending(
        peer,
        hello.getAdvertisedHost() + ":" + hello.getAdvertisedPort(),
        hello.getExpectedName(),
        hello.getNonce().toByteArray(),
        serverNonce,
        Math.min(hello.getMinorVersion(), FrameCodec.MINOR_VERSION));
  }

  /** The acceptor's Challenge to a pending dialler: its nonce, and its own proof of the cookie. */
  static LinkFrame challenge(Identity identity, Pending p) {
    return LinkFrame.newBuilder()
        .setChallenge(
            Challenge.newBuilder()
                .setNonce(ByteString.copyFrom(p.serverNonce()))
                .setProof(
                    ByteString.copyFrom(
                        proof(
                            identity.cookie(),
                            SERVER,
                            p.clientNonce(),
                            p.serverNonce(),
                            p.peer()))))
        .build();
  }

  /**
   * The acceptor's checks on the dialler's answer: a Proof at all, the proof (constant time), the
   * expected name, and that this node is not shutting down ({@code closing}). Only an authenticated
   * dialler learns this node's name from a refusal.
   */
  static Verdict checkProof(LinkFrame frame, Identity identity, Pending p, boolean closing) {
    String claimed = p.peer().name() + "#" + p.peer().incarnation();
    if (frame.getKindCase() != LinkFrame.KindCase.PROOF) {
      return new Refuse(
          RejectReason.REJECT_REASON_MALFORMED_HELLO,
          "expected a proof, got " + frame.getKindCase(),
          claimed);
    }
    byte[] expected = proof(identity.cookie(), CLIENT, p.clientNonce(), p.serverNonce(), p.peer());
    if (!MessageDigest.isEqual(expected, frame.getProof().getProof().toByteArray())) {
      return new Refuse(RejectReason.REJECT_REASON_BAD_COOKIE, "cookie mismatch", claimed);
    }
    String expectedName = p.expectedName();
    if (!expectedName.isEmpty() && !expectedName.equals(identity.self().name())) {
      return new Refuse(
          RejectReason.REJECT_REASON_WRONG_NODE,
          "this is node '" + identity.self().name() + "', not '" + expectedName + "'",
          claimed);
    }
    if (closing) {
      return new Refuse(
          RejectReason.REJECT_REASON_SHUTTING_DOWN, "the node is shutting down", claimed);
    }
    return new Accept(p.peer(), p.address(), p.minorVersion());
  }

  /**
   * The dialler's answer to a Challenge: its Proof, or empty when the acceptor's own proof is wrong
   * (it does not know the cookie).
   *
   * @param clientNonce the nonce of this dialler's Hello
   * @throws ProtocolException if the Challenge is malformed
   */
  static Optional<LinkFrame> answer(Challenge challenge, Identity identity, byte[] clientNonce)
      throws ProtocolException {
    checkNonce(challenge.getNonce(), "challenge.nonce");
    byte[] serverNonce = challenge.getNonce().toByteArray();
    byte[] cookie = identity.cookie();
    byte[] expected = proof(cookie, SERVER, clientNonce, serverNonce, identity.self());
    if (!MessageDigest.isEqual(expected, challenge.getProof().toByteArray())) {
      return Optional.empty();
    }
    byte[] mine = proof(cookie, CLIENT, clientNonce, serverNonce, identity.self());
    return Optional.of(
        LinkFrame.newBuilder()
            .setProof(Proof.newBuilder().setProof(ByteString.copyFrom(mine)))
            .build());
  }

  /**
   * HMAC-SHA256 keyed by "distproc-cookie:" and the cookie, over the label, both nonces and the
   * dialler's identity (link.proto says it byte by byte).
   */
  static byte[] proof(
      byte[] cookie, String label, byte[] clientNonce, byte[] serverNonce, NodeId client) {
    try {
      byte[] prefix = "distproc-cookie:".getBytes(StandardCharsets.UTF_8);
      byte[] key = Arrays.copyOf(prefix, prefix.length + cookie.length);
      System.arraycopy(cookie, 0, key, prefix.length, cookie.length);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(label.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(clientNonce);
      mac.update(serverNonce);
      mac.update(client.name().getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(client.incarnation()).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static void checkNonce(ByteString nonce, String what) throws ProtocolException {
    if (nonce.size() != NONCE_BYTES) {
      throw new ProtocolException(what + " has " + nonce.size() + " bytes, not " + NONCE_BYTES);
    }
  }

  /**
   * The dialler's checks on a Welcome; the expected name is checked by the caller.
   *
   * @throws ProtocolException if the Welcome is malformed
   */
  static Welcomed check(Welcome welcome, FrameCodec codec) throws ProtocolException {
    if (welcome.getProtocolVersion() != FrameCodec.PROTOCOL_VERSION) {
      throw new ProtocolException("welcome with protocol version " + welcome.getProtocolVersion());
    }
    if (!welcome.hasNode()) {
      throw new ProtocolException("welcome.node is missing");
    }
    NodeId peer = codec.node(welcome.getNode(), "welcome.node");
    checkPort(welcome.getAdvertisedPort(), "welcome.advertised_port");
    if (welcome.getLinkToken().size() != Identity.TOKEN_BYTES) {
      throw new ProtocolException(
          "welcome.link_token has " + welcome.getLinkToken().size() + " bytes");
    }
    if (welcome.getMinorVersion() > FrameCodec.MINOR_VERSION) {
      throw new ProtocolException(
          "welcome with minor version "
              + welcome.getMinorVersion()
              + ", newer than the hello's "
              + FrameCodec.MINOR_VERSION);
    }
    return new Welcomed(
        peer,
        welcome.getAdvertisedHost() + ":" + welcome.getAdvertisedPort(),
        welcome.getLinkToken().toByteArray(),
        welcome.getMinorVersion());
  }

  private static void checkPort(int port, String what) throws ProtocolException {
    if (port < 1 || port > 65535) {
      throw new ProtocolException(what + " " + Integer.toUnsignedString(port) + " is out of range");
    }
  }
}
