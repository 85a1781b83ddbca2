package io.distproc.transport.grpc;

import com.google.protobuf.CodedInputStream;
import io.distproc.DistprocException;
import io.distproc.NodeId;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.NodeRef;
import io.distproc.runtime.internal.Frame;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * The one codec of a link's frames. Every frame a link writes is written by hand, in the wire
 * format link.proto defines: the batch of envelopes (nearly every byte a link carries) by
 * BatchFormat, sized first and written once; the control frames by ControlFormat. Protobuf's
 * generated classes write nothing in production: they are the oracle that FrameCodecTest checks
 * these bytes against, kind by kind. On the way in, a batch is read by hand when it is exactly
 * what a conforming peer writes (BatchFormat.decodeBatch); anything else is parsed by protobuf and
 * checked (FrameChecks), which is where every refusal is worded.
 *
 * One instance per link role (the Outbox's writer, the link's reader), confined to it, each with
 * its caches: a writer keeps the last pid of each role (recipient, sender, the rest) with its
 * encoding; a reader keeps the last two nodes (NodeCache, shared by both reading paths) and the
 * last pid of each envelope role with the bytes it was read from.
 *
 * Payloads are not copied on the way out ({@link Frame} says its arrays are never modified); on
 * the way in, the frame's bytes are parsed with aliasing and each payload is copied once, into the
 * array the runtime gets.
 */
/** Encodes and decodes a link's frames. Not thread-safe; confine to one link role. */
final class FrameCodec {
  /** The protocol version of {@code link.proto}. */
  static final int PROTOCOL_VERSION = 1;

  /** The newest minor version of protocol version 1 this node speaks (see link.proto). */
  static final int MINOR_VERSION = 1;

  // The writer's caches: the last pid in each role, and its encoding.
  private final ProtoWriter.PidBytes to = new ProtoWriter.PidBytes();
  private final ProtoWriter.PidBytes from = new ProtoWriter.PidBytes();
  private final ProtoWriter.PidBytes other = new ProtoWriter.PidBytes();

  // The reader's caches: the last two nodes, and the last pid read in each envelope role.
  private final NodeCache nodes = new NodeCache();
  private final BatchFormat.SeenPid lastTo = new BatchFormat.SeenPid();
  private final BatchFormat.SeenPid lastFrom = new BatchFormat.SeenPid();
  private final FrameChecks checks = new FrameChecks(nodes);

  // ---- what a frame is -------------------------------------------------------------------------

  /** The lowest minor version a frame needs on the link: 1 for the fault layer's frames. */
  static int minorVersionOf(Frame frame) {
    return switch (frame) {
      case Frame.LinkRequest l -> 1;
      case Frame.UnlinkRequest u -> 1;
      case Frame.ExitSignal e -> 1;
      case Frame.NamedSend n -> 1;
      case Frame.GroupJoin g -> 1;
      case Frame.GroupLeave g -> 1;
      case Frame.GroupSync g -> 1;
      case Frame.SpawnRequest r -> r.link() ? 1 : 0;
      case Frame.SpawnReply r -> r.started() ? 0 : 1;
      case Frame.DownNotice d -> minorVersionOf(d.reason());
      default -> 0;
    };
  }

  private static int minorVersionOf(io.distproc.MonitorReason reason) {
    return switch (reason) {
      case io.distproc.MonitorReason.Killed k -> 1;
      case io.distproc.MonitorReason.Shutdown s -> 1;
      case io.distproc.MonitorReason.Exited e -> 1;
      default -> 0;
    };
  }

  /** Tells whether a frame travels in a batch (a Send or a Broadcast). */
  static boolean isEnvelope(Frame frame) {
    return frame instanceof Frame.Send || frame instanceof Frame.Broadcast;
  }

  /** The bytes of user data a frame carries: a message's payload, a spawn's argument. */
  static long dataBytes(Frame frame) {
    return switch (frame) {
      case Frame.Send s -> s.payload().length;
      case Frame.Broadcast b -> b.payload().length;
      case Frame.SpawnRequest r -> r.argument().length;
      default -> 0;
    };
  }

  /** The payload bytes a frame counts against the link's queue bound; 0 for control frames. */
  static long payloadBytes(Frame frame) {
    return isEnvelope(frame) ? dataBytes(frame) : 0;
  }

  /**
   * Refuses a frame whose user data cannot cross a link whose largest frame is {@code
   * maxMessageBytes}, leaving room for the frame's other fields.
   *
   * @throws IllegalArgumentException if the frame's payload or argument is too large
   */
  static void checkSize(Frame frame, int maxMessageBytes) {
    long size = dataBytes(frame);
    long limit = maxMessageBytes - 4096L; // room for the frame's fields
    if (size > limit) {
      throw new IllegalArgumentException(
          "a message of "
              + size
              + " bytes exceeds the transport's limit of "
              + limit
              + " bytes (system property "
              + TransportSettings.MAX_MESSAGE_BYTES_PROPERTY
              + ")");
    }
  }

  /**
   * A frame of a newer minor version than the link's ({@code minorVersion}, spoken by {@code
   * peer}), as the peer can take it: a down notice's new reason travels as a crash that names it;
   * anything else is refused, since the peer could not act on it.
   *
   * @throws DistprocException if the peer cannot take the frame at all
   */
  static Frame forOlderPeer(Frame frame, int minorVersion, NodeId peer) {
    if (frame instanceof Frame.DownNotice d) {
      io.distproc.MonitorReason r = d.reason();
      return new Frame.DownNotice(
          d.ref(),
          new io.distproc.MonitorReason.Crashed(
              r.pid(), io.distproc.ProcessExitException.class.getName(), r.toString(), ""));
    }
    throw new DistprocException(
        "node "
            + peer
            + " speaks minor version "
            + minorVersion
            + " of the distproc wire protocol,"
            + " which has no links, exit signals or registered names");
  }

  // ---- to the wire (writer) --------------------------------------------------------------------

  /** The largest header of a frame or envelope: a tag byte and a 5-byte length. */
  static final int HEADER_BYTES = BatchFormat.HEADER_BYTES;

  /** The size of one envelope's fields, without the envelope's own tag and length. */
  int envelopeSize(Frame frame) {
    return BatchFormat.envelopeSize(frame, to, from);
  }

  /** The size of an envelope in a batch, its tag and length included. */
  static int inBatch(int envelopeSize) {
    return BatchFormat.inBatch(envelopeSize);
  }

  /**
   * Encodes a LinkFrame holding one Batch of {@code frames}, whose envelope sizes {@link
   * #envelopeSize} returned in {@code sizes} and which take {@code batchSize} bytes in all (the sum
   * of {@link #inBatch} of each).
   */
  byte[] batch(List<Frame> frames, int[] sizes, int batchSize) {
    return BatchFormat.batch(frames, sizes, batchSize, to, from);
  }

  /** Encodes any frame as one LinkFrame: an envelope as a batch of one. */
  byte[] encode(Frame frame) {
    if (isEnvelope(frame)) {
      int size = envelopeSize(frame);
      return batch(List.of(frame), new int[] {size}, inBatch(size));
    }
    return ControlFormat.encode(frame, other);
  }

  // ---- from the wire (reader) ------------------------------------------------------------------

  /** Parses one frame; its bytes fields alias {@code bytes}, which must not change afterwards. */
  static LinkFrame parse(byte[] bytes) throws ProtocolException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.enableAliasing(true);
      return LinkFrame.parseFrom(in);
    } catch (IOException e) {
      throw new ProtocolException(
          "unreadable frame of " + bytes.length + " bytes: " + e.getMessage(), e);
    }
  }

  /**
   * The frames of {@code bytes} if it is exactly one well-formed LinkFrame holding a Batch of valid
   * envelopes; null otherwise (then {@link #parse} it and take its {@link #frames}, which also
   * reports errors).
   */
  @Nullable List<Frame> decodeBatch(byte[] bytes) {
    return BatchFormat.decodeBatch(bytes, lastTo, lastFrom, nodes);
  }

  /**
   * The runtime frames a post-handshake wire frame carries: the envelopes of a batch, or one
   * control frame.
   *
   * @throws ProtocolException if the frame is not a message frame, or is malformed
   */
  List<Frame> frames(LinkFrame frame) throws ProtocolException {
    return checks.frames(frame);
  }

  /** A node of the handshake, checked, through the reader's node cache. */
  NodeId node(NodeRef node, String what) throws ProtocolException {
    return checks.node(node, what);
  }

  /** A node as the handshake's messages carry it. */
  static NodeRef node(NodeId node) {
    return NodeRef.newBuilder().setName(node.name()).setIncarnation(node.incarnation()).build();
  }
}
