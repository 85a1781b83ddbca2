package io.distproc.transport.grpc;

import static io.distproc.transport.grpc.ProtoWriter.putBytes;
import static io.distproc.transport.grpc.ProtoWriter.putVarint;
import static io.distproc.transport.grpc.ProtoWriter.varintSize;

import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.internal.Frame;
import io.distproc.transport.grpc.ProtoWriter.PidBytes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * Nearly every byte a link carries is a LinkFrame holding one Batch of Envelopes. Going through
 * protobuf's generated builders costs, per envelope, an Envelope, two Pid messages with their
 * builders, two node-name strings decoded from UTF-8 and two ByteStrings, on each side; that was
 * most of the CPU a remote message took. This class writes and reads exactly that frame by hand,
 * in the wire format `link.proto` defines (field numbers below), so the bytes are the same as
 * protobuf's and either side may use either path.
 *
 *   LinkFrame { Batch batch = 4; }   Batch { repeated Envelope envelopes = 1; }
 *   Envelope { Pid to = 1; Broadcast broadcast = 2; Pid from = 3; bytes payload = 4; }
 *   Pid { string node_name = 1; uint64 incarnation = 2; uint64 id = 3; }
 *
 * Writing: each pid is encoded once and its bytes reused while the same pid comes again (one
 * cache per role, recipient and sender: a stream of envelopes nearly always names the same two).
 * The frame is sized first (envelopeSize, inBatch) and written once into an array of that size.
 *
 * Reading is optimistic: decodeBatch handles a frame that is exactly one well-formed batch, as a
 * conforming peer writes it, and returns null for anything else (another frame kind, an unknown
 * or repeated field, a malformed or invalid value), which the caller then parses with protobuf
 * and checks with FrameChecks. So every error is still reported by one piece of code, with one
 * wording, and the fast path never accepts what the general one would refuse. A node is
 * recognised by the bytes of its name, so a known node costs no string and no name check, and a
 * pid field whose bytes equal the previous one's in its role is not parsed again: its pid is
 * reused.
 *
 * Stateless: the caches belong to the FrameCodec that calls it, one per link role (the writer's,
 * the reader's), confined to that role.
 */
/** Writes and reads the Batch frame by hand. Stateless; its callers' caches are not shared. */
final class BatchFormat {
  private static final int LINK_FRAME_BATCH = (4 << 3) | 2;
  private static final int BATCH_ENVELOPES = (1 << 3) | 2;
  private static final int ENVELOPE_TO = (1 << 3) | 2;
  private static final int ENVELOPE_BROADCAST = (2 << 3) | 2;
  private static final int ENVELOPE_FROM = (3 << 3) | 2;
  private static final int ENVELOPE_PAYLOAD = (4 << 3) | 2;
  private static final int PID_NODE_NAME = (1 << 3) | 2;
  private static final int PID_INCARNATION = 2 << 3;
  private static final int PID_ID = 3 << 3;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The largest header of a frame or envelope: a tag byte and a 5-byte length. */
  static final int HEADER_BYTES = 6;

  private BatchFormat() {}

  // ---- writing ---------------------------------------------------------------------------------

  /**
   * The size of one envelope's fields, without the envelope's own tag and length; {@code to} and
   * {@code from} cache the pids of the recipient and sender roles.
   */
  static int envelopeSize(Frame frame, PidBytes to, PidBytes from) {
    int size;
    Pid sender;
    byte[] payload;
    switch (frame) {
      case Frame.Send s -> {
        int t = to.of(s.to()).length;
        size = 1 + varintSize(t) + t;
        sender = s.from();
        payload = s.payload();
      }
      case Frame.Broadcast b -> {
        size = 2; // an empty Broadcast message
        sender = b.from();
        payload = b.payload();
      }
      default -> throw new IllegalArgumentException("not an envelope: " + frame);
    }
    if (sender != null) {
      int f = from.of(sender).length;
      size += 1 + varintSize(f) + f;
    }
    if (payload.length > 0) {
      size += 1 + varintSize(payload.length) + payload.length;
    }
    return size;
  }

  /** The size of an envelope in a batch, its tag and length included. */
  static int inBatch(int envelopeSize) {
    return 1 + varintSize(envelopeSize) + envelopeSize;
  }

  /**
   * Encodes a LinkFrame holding one Batch of {@code frames}, whose envelope sizes {@link
   * #envelopeSize} returned in {@code sizes} and which take {@code batchSize} bytes in all (the sum
   * of {@link #inBatch} of each); {@code to} and {@code from} are the caches that sized them.
   */
  static byte[] batch(List<Frame> frames, int[] sizes, int batchSize, PidBytes to, PidBytes from) {
    byte[] out = new byte[1 + varintSize(batchSize) + batchSize];
    int pos = putVarint(out, 0, LINK_FRAME_BATCH);
    pos = putVarint(out, pos, batchSize);
    for (int i = 0; i < frames.size(); i++) {
      pos = putVarint(out, pos, BATCH_ENVELOPES);
      pos = putVarint(out, pos, sizes[i]);
      pos = writeEnvelope(out, pos, frames.get(i), to, from);
    }
    if (pos != out.length) {
      throw new IllegalStateException("batch encoded to " + pos + " of " + out.length + " bytes");
    }
    return out;
  }

  private static int writeEnvelope(byte[] out, int pos, Frame frame, PidBytes to, PidBytes from) {
    Pid sender;
    byte[] payload;
    if (frame instanceof Frame.Send s) {
      pos = putBytes(out, pos, ENVELOPE_TO, to.of(s.to()));
      sender = s.from();
      payload = s.payload();
    } else {
      Frame.Broadcast b = (Frame.Broadcast) frame;
      out[pos++] = (byte) ENVELOPE_BROADCAST;
      out[pos++] = 0;
      sender = b.from();
      payload = b.payload();
    }
    if (sender != null) {
      pos = putBytes(out, pos, ENVELOPE_FROM, from.of(sender));
    }
    if (payload.length > 0) {
      pos = putBytes(out, pos, ENVELOPE_PAYLOAD, payload);
    }
    return pos;
  }

  // ---- reading ---------------------------------------------------------------------------------

  /**
   * The last pid read in one role, with the bytes it was read from: a stream of envelopes nearly
   * always names the same two pids, and the same bytes always parse to the same pid, so a field
   * equal to the last one's bytes costs one comparison instead of a parse.
   */
  static final class SeenPid {
    private @Nullable Pid pid;
    private byte[] bytes = new byte[32];
    private int length;

    /** The last pid read, if {@code in[from, to)} are its bytes; else null. */
    @Nullable Pid match(byte[] in, int from, int to) {
      Pid p = pid;
      int n = length;
      if (p == null || to - from != n) {
        return null;
      }
      if (n < Long.BYTES) {
        return Arrays.equals(bytes, 0, n, in, from, to) ? p : null;
      }
      // A pid is a dozen to a few dozen bytes: compared a long at a time, the last long overlapping
      // the one before it, without the call and set-up of a general comparison.
      for (int i = 0; i < n - Long.BYTES; i += Long.BYTES) {
        if ((long) LONGS.get(bytes, i) != (long) LONGS.get(in, from + i)) {
          return null;
        }
      }
      return (long) LONGS.get(bytes, n - Long.BYTES) == (long) LONGS.get(in, to - Long.BYTES)
          ? p
          : null;
    }

    void remember(Pid p, byte[] in, int from, int to) {
      int n = to - from;
      if (n > bytes.length) {
        bytes = new byte[Math.max(n, 2 * bytes.length)];
      }
      System.arraycopy(in, from, bytes, 0, n);
      length = n;
      pid = p;
    }
  }

  /** Thrown inside the decoder to fall back to the general parser; never escapes. */
  private static final class Unusual extends Exception {
    private static final long serialVersionUID = 1L;
    static final Unusual INSTANCE = new Unusual();

    private Unusual() {
      super(null, null, false, false);
    }
  }

  /** A cursor over the frame's bytes. */
  private static final class Cursor {
    final byte[] bytes;
    int pos;

    Cursor(byte[] bytes) {
      this.bytes = bytes;
    }

    long varint(int limit) throws Unusual {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= limit) {
          throw Unusual.INSTANCE;
        }
        byte b = bytes[pos++];
        result |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return result;
        }
      }
      throw Unusual.INSTANCE;
    }

    /** Reads a length and returns where the field it announces ends. */
    int end(int limit) throws Unusual {
      long length = varint(limit);
      if (length < 0 || length > limit - pos) {
        throw Unusual.INSTANCE;
      }
      return pos + (int) length;
    }
  }

  /**
   * The frames of {@code bytes} if it is exactly one well-formed LinkFrame holding a Batch of valid
   * envelopes; null otherwise (then parse it the general way, which also reports errors). {@code
   * to} and {@code from} are the last pids read in each role, {@code nodes} the last nodes.
   */
  static @Nullable List<Frame> decodeBatch(
      byte[] bytes, SeenPid to, SeenPid from, NodeCache nodes) {
    try {
      Cursor in = new Cursor(bytes);
      if (in.varint(bytes.length) != LINK_FRAME_BATCH || in.end(bytes.length) != bytes.length) {
        return null;
      }
      List<Frame> frames = new ArrayList<>();
      while (in.pos < bytes.length) {
        if (in.varint(bytes.length) != BATCH_ENVELOPES) {
          return null;
        }
        int end = in.end(bytes.length);
        frames.add(envelope(in, end, to, from, nodes));
      }
      return frames.isEmpty() ? null : frames;
    } catch (Unusual e) {
      return null;
    }
  }

  private static Frame envelope(
      Cursor in, int end, SeenPid lastTo, SeenPid lastFrom, NodeCache nodes) throws Unusual {
    Pid to = null;
    Pid from = null;
    byte[] payload = null;
    boolean broadcast = false;
    while (in.pos < end) {
      int tag = (int) in.varint(end);
      int fieldEnd = in.end(end);
      switch (tag) {
        case ENVELOPE_TO -> {
          if (to != null || broadcast) {
            throw Unusual.INSTANCE;
          }
          to = pid(in, fieldEnd, lastTo, nodes);
        }
        case ENVELOPE_BROADCAST -> {
          if (to != null || broadcast || fieldEnd != in.pos) {
            throw Unusual.INSTANCE;
          }
          broadcast = true;
        }
        case ENVELOPE_FROM -> {
          if (from != null) {
            throw Unusual.INSTANCE;
          }
          from = pid(in, fieldEnd, lastFrom, nodes);
        }
        case ENVELOPE_PAYLOAD -> {
          if (payload != null) {
            throw Unusual.INSTANCE;
          }
          payload = Arrays.copyOfRange(in.bytes, in.pos, fieldEnd);
        }
        default -> throw Unusual.INSTANCE;
      }
      in.pos = fieldEnd;
    }
    if (payload == null) {
      payload = new byte[0];
    }
    if (to != null) {
      return new Frame.Send(to, from, payload);
    }
    if (broadcast) {
      return new Frame.Broadcast(from, payload);
    }
    throw Unusual.INSTANCE; // no recipient: the general parser says so
  }

  private static Pid pid(Cursor in, int end, SeenPid last, NodeCache nodes) throws Unusual {
    int start = in.pos;
    Pid seen = last.match(in.bytes, start, end);
    if (seen != null) {
      in.pos = end;
      return seen;
    }
    int nameStart = -1;
    int nameEnd = -1;
    long incarnation = 0;
    long id = 0;
    boolean sawIncarnation = false;
    boolean sawId = false;
    while (in.pos < end) {
      int tag = (int) in.varint(end);
      switch (tag) {
        case PID_NODE_NAME -> {
          if (nameStart >= 0) {
            throw Unusual.INSTANCE;
          }
          nameEnd = in.end(end);
          nameStart = in.pos;
          in.pos = nameEnd;
        }
        case PID_INCARNATION -> {
          if (sawIncarnation) {
            throw Unusual.INSTANCE;
          }
          sawIncarnation = true;
          incarnation = in.varint(end);
        }
        case PID_ID -> {
          if (sawId) {
            throw Unusual.INSTANCE;
          }
          sawId = true;
          id = in.varint(end);
        }
        default -> throw Unusual.INSTANCE;
      }
    }
    if (nameStart < 0 || id <= 0 || incarnation <= 0) {
      throw Unusual.INSTANCE;
    }
    Pid pid = Pid.of(node(in.bytes, nameStart, nameEnd, incarnation, nodes), id);
    last.remember(pid, in.bytes, start, end);
    return pid;
  }

  private static NodeId node(byte[] bytes, int from, int to, long incarnation, NodeCache nodes)
      throws Unusual {
    NodeId known = nodes.find(bytes, from, to, incarnation);
    if (known != null) {
      return known;
    }
    NodeId node;
    try {
      String name =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, from, to - from))
              .toString();
      node = NodeId.of(name, incarnation);
    } catch (CharacterCodingException | IllegalArgumentException e) {
      throw Unusual.INSTANCE;
    }
    nodes.remember(node, Arrays.copyOfRange(bytes, from, to));
    return node;
  }
}
