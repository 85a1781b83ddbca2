package io.distproc.transport.grpc;

import io.distproc.proto.v1.LinkFrame;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * The acceptor's half of the handshake as a state machine: AWAITING HELLO --valid Hello-->
 * AWAITING PROOF (a Challenge is the reply) --valid Proof--> agreed; any frame that fails its
 * check refuses (Handshake says which checks, in which order). It writes nothing, ends nothing
 * and calls nobody: the link acts on the step it returns. Confined to the link's reader, which
 * gRPC serializes, so `pending` needs no ordering of its own; everything else is final.
 */
/** The acceptor's half of a link's handshake. Not thread-safe; confine to the link's reader. */
final class AcceptorHandshake implements WireReader.Handshaking {
  private final Identity identity;
  private final FrameCodec codec;
  private final @Nullable SSLSession tls;
  private final BooleanSupplier closing;

  /** The challenged Hello awaiting its Proof; null before the Hello. */
  private Handshake.@Nullable Pending pending;

  /**
   * @param codec the reader's codec, whose node cache the Hello's node goes through
   * @param tls the accepted call's TLS session, or null on plaintext
   * @param closing tells whether this node is shutting down (it then refuses a valid Proof)
   */
  AcceptorHandshake(
      Identity identity, FrameCodec codec, @Nullable SSLSession tls, BooleanSupplier closing) {
    this.identity = identity;
    this.codec = codec;
    this.tls = tls;
    this.closing = closing;
  }

  /** What to do with the dialler's next frame. */
  @Override
  public HandshakeStep onFrame(LinkFrame frame) {
    Handshake.Verdict verdict =
        pending == null
            ? Handshake.checkHello(frame, codec, tls, identity.newNonce())
            : Handshake.checkProof(frame, identity, pending, closing.getAsBoolean());
    return switch (verdict) {
      case Handshake.Pending p -> {
        pending = p;
        yield new HandshakeStep.Reply(Handshake.challenge(identity, p));
      }
      case Handshake.Refuse r -> HandshakeStep.Refusal.atAcceptor(r);
      case Handshake.Accept a ->
          new HandshakeStep.Agreed(a.peer(), a.address(), a.minorVersion(), new byte[0]);
    };
  }
}
