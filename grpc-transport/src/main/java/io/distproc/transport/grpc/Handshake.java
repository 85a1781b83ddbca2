package io.distproc.transport.grpc;

import com.google.protobuf.ByteString;
import io.distproc.NodeId;
import io.distproc.proto.v1.Goodbye;
import io.distproc.proto.v1.GoodbyeReason;
import io.distproc.proto.v1.Hello;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.Reject;
import io.distproc.proto.v1.RejectReason;
import io.distproc.proto.v1.Welcome;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The handshake messages of {@code link.proto} and the checks on them: what a dialler says, and
 * what an acceptor accepts. Stateless.
 */
final class Handshake {

  /** What the acceptor decided about a Hello. */
  sealed interface Verdict {}

  /** The Hello is acceptable: the runtime may now be asked about the link. */
  record Accept(NodeId peer, String address) implements Verdict {}

  /** The Hello is refused; {@code claimed} is who it said it was, for the log. */
  record Refuse(RejectReason reason, String detail, String claimed) implements Verdict {}

  /** What the dialler learnt from a Welcome. */
  record Welcomed(NodeId peer, String address, byte[] token) {}

  private Handshake() {}

  static LinkFrame hello(GrpcTransport transport, Optional<String> expectedName) {
    Hello.Builder hello =
        Hello.newBuilder()
            .setProtocolVersion(WireCodec.PROTOCOL_VERSION)
            .setNode(WireCodec.node(transport.self()))
            .setAdvertisedHost(transport.advertisedHost())
            .setAdvertisedPort(transport.advertisedPort())
            .setCookie(ByteString.copyFrom(transport.cookie()));
    expectedName.ifPresent(hello::setExpectedName);
    return LinkFrame.newBuilder().setHello(hello).build();
  }

  static LinkFrame welcome(GrpcTransport transport, byte[] token) {
    return LinkFrame.newBuilder()
        .setWelcome(
            Welcome.newBuilder()
                .setProtocolVersion(WireCodec.PROTOCOL_VERSION)
                .setNode(WireCodec.node(transport.self()))
                .setAdvertisedHost(transport.advertisedHost())
                .setAdvertisedPort(transport.advertisedPort())
                .setLinkToken(ByteString.copyFrom(token)))
        .build();
  }

  static LinkFrame reject(RejectReason reason, String detail) {
    return LinkFrame.newBuilder()
        .setReject(
            Reject.newBuilder()
                .setReason(reason)
                .setDetail(detail)
                .addSupportedProtocolVersions(WireCodec.PROTOCOL_VERSION))
        .build();
  }

  static LinkFrame goodbye(GoodbyeReason reason, String detail) {
    return LinkFrame.newBuilder()
        .setGoodbye(Goodbye.newBuilder().setReason(reason).setDetail(detail))
        .build();
  }

  /**
   * The acceptor's checks, in order: a Hello at all, the protocol version, a well-formed identity,
   * the cookie (constant time), under mutual TLS that the dialler's certificate names the node it
   * claims to be, the expected name, and that this node is not shutting down.
   *
   * @param tls the call's TLS session, or null on plaintext
   */
  static Verdict check(LinkFrame frame, GrpcTransport transport, WireCodec codec, SSLSession tls) {
    if (frame.getKindCase() != LinkFrame.KindCase.HELLO) {
      return new Refuse(
          RejectReason.REJECT_REASON_MALFORMED_HELLO,
          "expected a hello, got " + frame.getKindCase(),
          null);
    }
    Hello hello = frame.getHello();
    String claimed =
        hello.hasNode() ? hello.getNode().getName() + "#" + hello.getNode().getIncarnation() : null;
    if (hello.getProtocolVersion() != WireCodec.PROTOCOL_VERSION) {
      return new Refuse(
          RejectReason.REJECT_REASON_UNSUPPORTED_PROTOCOL_VERSION,
          "protocol version "
              + hello.getProtocolVersion()
              + " is not supported; this node speaks "
              + WireCodec.PROTOCOL_VERSION,
          claimed);
    }
    NodeId peer;
    try {
      if (!hello.hasNode()) {
        throw new ProtocolException("hello.node is missing");
      }
      peer = codec.node(hello.getNode(), "hello.node");
      checkPort(hello.getAdvertisedPort(), "hello.advertised_port");
    } catch (ProtocolException e) {
      return new Refuse(RejectReason.REJECT_REASON_MALFORMED_HELLO, e.getMessage(), claimed);
    }
    if (!transport.cookieMatches(hello.getCookie())) {
      return new Refuse(RejectReason.REJECT_REASON_BAD_COOKIE, "cookie mismatch", claimed);
    }
    Optional<String> mismatch = Security.identityMismatch(tls, peer.name());
    if (mismatch.isPresent()) {
      return new Refuse(RejectReason.REJECT_REASON_IDENTITY_MISMATCH, mismatch.get(), claimed);
    }
    String expected = hello.getExpectedName();
    if (!expected.isEmpty() && !expected.equals(transport.self().name())) {
      return new Refuse(
          RejectReason.REJECT_REASON_WRONG_NODE,
          "this is node '" + transport.self().name() + "', not '" + expected + "'",
          claimed);
    }
    if (transport.isClosed()) {
      return new Refuse(
          RejectReason.REJECT_REASON_SHUTTING_DOWN, "the node is shutting down", claimed);
    }
    return new Accept(peer, hello.getAdvertisedHost() + ":" + hello.getAdvertisedPort());
  }

  /**
   * The dialler's checks on a Welcome; the expected name is checked by the caller.
   *
   * @throws ProtocolException if the Welcome is malformed
   */
  static Welcomed check(Welcome welcome, WireCodec codec) throws ProtocolException {
    if (welcome.getProtocolVersion() != WireCodec.PROTOCOL_VERSION) {
      throw new ProtocolException("welcome with protocol version " + welcome.getProtocolVersion());
    }
    if (!welcome.hasNode()) {
      throw new ProtocolException("welcome.node is missing");
    }
    NodeId peer = codec.node(welcome.getNode(), "welcome.node");
    checkPort(welcome.getAdvertisedPort(), "welcome.advertised_port");
    if (welcome.getLinkToken().size() != GrpcTransport.TOKEN_BYTES) {
      throw new ProtocolException(
          "welcome.link_token has " + welcome.getLinkToken().size() + " bytes");
    }
    return new Welcomed(
        peer,
        welcome.getAdvertisedHost() + ":" + welcome.getAdvertisedPort(),
        welcome.getLinkToken().toByteArray());
  }

  private static void checkPort(int port, String what) throws ProtocolException {
    if (port < 1 || port > 65535) {
      throw new ProtocolException(what + " " + Integer.toUnsignedString(port) + " is out of range");
    }
  }
}
