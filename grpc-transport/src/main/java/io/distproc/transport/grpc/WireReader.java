package io.distproc.transport.grpc;

import io.distproc.proto.v1.Goodbye;
import io.distproc.proto.v1.GoodbyeReason;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.runtime.internal.Frame;
import java.util.List;

/*
 * Design notes for maintainers.
 *
 * What one gRPC message of a link's frames stream means, decided on the link's reader: during the
 * handshake, the step its side's state machine takes; after it, frames for the runtime, a piece
 * of a chunked frame (ask for the next), or the peer's Goodbye. The common message, a batch of
 * envelopes, is read by hand (FrameCodec.decodeBatch) before anything else is tried; a chunk run
 * is put back together (Reassembler) and read the same way. Everything else is parsed by protobuf
 * and checked (FrameCodec.frames). Confined to the link's reader, like everything it holds.
 */
/** Reads a link's inbound gRPC messages. Not thread-safe; confine to the link's reader. */
final class WireReader {

  /** The side's handshake state machine. */
  interface Handshaking {
    /** What to do with the peer's next handshake frame. */
    HandshakeStep onFrame(LinkFrame frame) throws ProtocolException;
  }

  /** What a gRPC message meant. */
  sealed interface Inbound {}

  /** Frames for the runtime, in order. */
  record Deliver(List<Frame> frames) implements Inbound {}

  /** A piece of a chunked frame; more are to come. */
  record Partial() implements Inbound {}

  /**
   * The peer said goodbye; {@code detail} says how, for linkDown; {@code peerReads} if it retired
   * the link as a duplicate, and so reads until this side has flushed and closed its half.
   */
  record Left(String detail, boolean peerReads) implements Inbound {}

  /** A handshake frame, and the step the handshake takes. */
  record Step(HandshakeStep step) implements Inbound {}

  private static final Partial PARTIAL = new Partial();

  private final Handshaking handshake;
  private final Reassembler reassembler;
  private final FrameCodec codec;

  /**
   * @param codec the reader's codec, which the handshake's checks share (one node cache)
   * @param maxMessageBytes the largest frame a chunk run may rebuild
   */
  WireReader(Handshaking handshake, FrameCodec codec, int maxMessageBytes) {
    this.handshake = handshake;
    this.codec = codec;
    this.reassembler = new Reassembler(maxMessageBytes);
  }

  /**
   * What {@code bytes} means; {@code open} says the handshake is over.
   *
   * @throws ProtocolException if the message breaks the protocol
   */
  Inbound read(byte[] bytes, boolean open) throws ProtocolException {
    if (!open) {
      return new Step(handshake.onFrame(FrameCodec.parse(bytes)));
    }
    if (!reassembler.inProgress()) {
      List<Frame> batch = codec.decodeBatch(bytes); // the common frame, by hand
      if (batch != null) {
        return new Deliver(batch);
      }
    }
    LinkFrame frame = FrameCodec.parse(bytes);
    LinkFrame.KindCase kind = frame.getKindCase();
    if (reassembler.inProgress() && kind != LinkFrame.KindCase.CHUNK) {
      throw new ProtocolException(
          kind + " frame inside a chunk run, at " + reassembler.filled() + " bytes");
    }
    return switch (kind) {
      case CHUNK -> {
        byte[] whole = reassembler.accept(frame.getChunk());
        yield whole == null ? PARTIAL : new Deliver(reassembled(whole));
      }
      case GOODBYE -> {
        Goodbye goodbye = frame.getGoodbye();
        yield new Left(
            "peer left: "
                + goodbye.getReason()
                + (goodbye.getDetail().isEmpty() ? "" : " (" + goodbye.getDetail() + ")"),
            goodbye.getReason() == GoodbyeReason.GOODBYE_REASON_REMOVED);
      }
      default -> new Deliver(codec.frames(frame));
    };
  }

  private List<Frame> reassembled(byte[] whole) throws ProtocolException {
    List<Frame> batch = codec.decodeBatch(whole);
    if (batch != null) {
      return batch;
    }
    LinkFrame inner = FrameCodec.parse(whole);
    return switch (inner.getKindCase()) {
      case CHUNK, HELLO, WELCOME, REJECT, GOODBYE, CHALLENGE, PROOF ->
          throw new ProtocolException("a chunk run carried a " + inner.getKindCase() + " frame");
      default -> codec.frames(inner);
    };
  }
}
