package io.distproc.transport.grpc;

import io.distproc.Pid;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * Protobuf's wire format written by hand, for the frames of link.proto: varints, tags, and
 * length-delimited fields, in the order and with the omissions protobuf's own serializer uses
 * (fields in number order; a proto3 scalar at its default value, an empty string or empty bytes,
 * left out; a message field that is set, written even when empty). So the bytes are protobuf's,
 * which FrameCodecTest checks frame kind by frame kind against the generated classes.
 *
 * A writer is a growable buffer for one frame. A nested message is written in place: begin()
 * leaves one byte for its length, end() writes the length there, moving the message's bytes up
 * when the length takes more than one byte. Control frames are small, so the move is cheap; the
 * hot batch frame is sized first and written once (BatchFormat) with the static helpers here.
 *
 * Not thread-safe: a writer belongs to the one frame being written.
 */
/** Writes protobuf's wire format by hand. Not thread-safe. */
final class ProtoWriter {
  static final int VARINT = 0;
  static final int LENGTH_DELIMITED = 2;

  private byte[] buffer = new byte[64];
  private int pos;

  /** The tag of field {@code number} with wire type {@code type}. */
  static int tag(int number, int type) {
    return (number << 3) | type;
  }

  /** Writes {@code value} as a varint at {@code pos}; returns the position after it. */
  static int putVarint(byte[] out, int pos, long value) {
    while ((value & ~0x7FL) != 0) {
      out[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
    return pos;
  }

  /** The bytes {@code value} takes as a varint. */
  static int varintSize(long value) {
    int n = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }

  /** Writes a length-delimited field of {@code bytes} at {@code pos}; returns the end. */
  static int putBytes(byte[] out, int pos, int tag, byte[] bytes) {
    pos = putVarint(out, pos, tag);
    pos = putVarint(out, pos, bytes.length);
    System.arraycopy(bytes, 0, out, pos, bytes.length);
    return pos + bytes.length;
  }

  /** A uint64 field, left out at 0. */
  void uint64(int number, long value) {
    if (value != 0) {
      varint(tag(number, VARINT));
      varint(value);
    }
  }

  /** A bool field, left out when false. */
  void bool(int number, boolean value) {
    if (value) {
      varint(tag(number, VARINT));
      varint(1);
    }
  }

  /** A bytes field, left out when empty. */
  void bytes(int number, byte[] value) {
    if (value.length > 0) {
      message(number, value);
    }
  }

  /** A string field, left out when empty. */
  void string(int number, String value) {
    if (!value.isEmpty()) {
      message(number, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A message field whose encoding is {@code encoded}: written even when empty. */
  void message(int number, byte[] encoded) {
    ensure(2 * 5 + encoded.length);
    pos = putBytes(buffer, pos, tag(number, LENGTH_DELIMITED), encoded);
  }

  /** Starts a nested message field; returns the mark that {@link #end} takes. */
  int begin(int number) {
    varint(tag(number, LENGTH_DELIMITED));
    ensure(1);
    return pos++;
  }

  /** Ends the nested message that {@link #begin} returned {@code mark} for. */
  void end(int mark) {
    int length = pos - mark - 1;
    int extra = varintSize(length) - 1;
    if (extra > 0) {
      ensure(extra);
      System.arraycopy(buffer, mark + 1, buffer, mark + 1 + extra, length);
      pos += extra;
    }
    putVarint(buffer, mark, length);
  }

  /** An empty message field (a oneof case with no fields of its own). */
  void empty(int number) {
    end(begin(number));
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buffer, pos);
  }

  private void varint(long value) {
    ensure(10);
    pos = putVarint(buffer, pos, value);
  }

  private void ensure(int more) {
    if (buffer.length - pos < more) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, pos + more));
    }
  }

  /**
   * A pid and its encoding as a {@code Pid} message, kept while the same pid comes again: one per
   * role (recipient, sender, the rest), since a stream of frames nearly always names the same few.
   */
  static final class PidBytes {
    private static final int NODE_NAME = tag(1, LENGTH_DELIMITED);
    private static final int INCARNATION = tag(2, VARINT);
    private static final int ID = tag(3, VARINT);

    private @Nullable Pid pid;
    private byte[] bytes = {}; // pid's encoding, once there is a pid

    /** The encoding of {@code p}, reused if {@code p} was the last pid asked for. */
    byte[] of(Pid p) {
      if (p.equals(pid)) {
        return bytes;
      }
      byte[] name = p.node().name().getBytes(StandardCharsets.UTF_8);
      long incarnation = p.node().incarnation();
      long id = p.id();
      byte[] out =
          new byte
              [1
                  + varintSize(name.length)
                  + name.length
                  + (incarnation == 0 ? 0 : 1 + varintSize(incarnation))
                  + (id == 0 ? 0 : 1 + varintSize(id))];
      int pos = putBytes(out, 0, NODE_NAME, name);
      if (incarnation != 0) {
        pos = putVarint(out, pos, INCARNATION);
        pos = putVarint(out, pos, incarnation);
      }
      if (id != 0) {
        pos = putVarint(out, pos, ID);
        putVarint(out, pos, id);
      }
      pid = p;
      bytes = out;
      return out;
    }
  }
}
