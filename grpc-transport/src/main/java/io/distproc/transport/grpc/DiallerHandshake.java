package io.distproc.transport.grpc;

import io.distproc.proto.v1.LinkFrame;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * The dialler's half of the handshake as a state machine: it has written its Hello (hello()),
 * and takes the acceptor's frames one at a time (onFrame), each time returning what the link is
 * to do (a HandshakeStep): HELLO SENT --Challenge--> PROOF SENT --Welcome--> agreed; a Reject
 * at any point refuses. It writes nothing, ends nothing and calls nobody: the link acts on the
 * step. Confined to the link's reader, which gRPC serializes, so `challengeAnswered` needs no
 * ordering of its own; everything else is final.
 */
/** The dialler's half of a link's handshake. Not thread-safe; confine to the link's reader. */
final class DiallerHandshake implements WireReader.Handshaking {
  private final Identity identity;
  private final String remote;
  private final Optional<String> expectedName;
  private final boolean tls;
  private final Supplier<@Nullable SSLSession> session;
  private final FrameCodec codec;
  private final byte[] nonce;

  private boolean challengeAnswered;

  /**
   * @param remote the address dialled, for messages
   * @param tls whether the link runs over TLS
   * @param session the dialled call's TLS session, or null when it has none (yet)
   * @param codec the reader's codec, whose node cache the Welcome's node goes through
   */
  DiallerHandshake(
      Identity identity,
      String remote,
      Optional<String> expectedName,
      boolean tls,
      Supplier<@Nullable SSLSession> session,
      FrameCodec codec) {
    this.identity = identity;
    this.remote = remote;
    this.expectedName = expectedName;
    this.tls = tls;
    this.session = session;
    this.codec = codec;
    this.nonce = identity.newNonce();
  }

  /** The Hello that opens the handshake. */
  LinkFrame hello() {
    return Handshake.hello(identity, expectedName, nonce);
  }

  /**
   * What to do with the acceptor's next frame.
   *
   * @throws ProtocolException if the frame breaks the handshake's order or is malformed
   */
  @Override
  public HandshakeStep onFrame(LinkFrame frame) throws ProtocolException {
    switch (frame.getKindCase()) {
      case CHALLENGE -> {
        if (challengeAnswered) {
          throw new ProtocolException("a second challenge");
        }
        challengeAnswered = true;
        Optional<LinkFrame> proof = Handshake.answer(frame.getChallenge(), identity, nonce);
        if (proof.isEmpty()) {
          return HandshakeStep.Refusal.byDialler(
              "node at " + remote + " does not know the cluster cookie");
        }
        return new HandshakeStep.Reply(proof.get());
      }
      case WELCOME -> {
        if (!challengeAnswered) {
          throw new ProtocolException("a welcome without a challenge first");
        }
        Handshake.Welcomed welcome = Handshake.check(frame.getWelcome(), codec);
        String name = welcome.peer().name();
        if (expectedName.isPresent() && !expectedName.get().equals(name)) {
          return HandshakeStep.Refusal.byDialler(
              remote + " answered as '" + name + "', not '" + expectedName.get() + "'");
        }
        Optional<String> unnamed = acceptorMismatch(name);
        if (unnamed.isPresent()) {
          return HandshakeStep.Refusal.byDialler(remote + ": " + unnamed.get());
        }
        return new HandshakeStep.Agreed(
            welcome.peer(), welcome.address(), welcome.minorVersion(), welcome.token());
      }
      case REJECT -> {
        return HandshakeStep.Refusal.rejected(remote, frame.getReject());
      }
      default ->
          throw new ProtocolException("expected a welcome or reject, got " + frame.getKindCase());
    }
  }

  /**
   * For a link dialled under TLS without an expected name (a seed known by address only), why the
   * accepting node's certificate does not name the node {@code answered}; empty when it does, when
   * a name was expected (the handshake checked it), and on plaintext.
   */
  private Optional<String> acceptorMismatch(String answered) {
    if (expectedName.isPresent() || !tls) {
      return Optional.empty();
    }
    SSLSession s = session.get();
    return s == null
        ? Optional.of("the link's TLS session is unknown: cannot check the accepting node's name")
        : Security.acceptorMismatch(s, answered);
  }
}
