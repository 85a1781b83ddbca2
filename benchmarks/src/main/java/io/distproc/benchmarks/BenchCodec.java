package io.distproc.benchmarks;

import io.distproc.Codec;
import io.distproc.NodeId;
import io.distproc.Pid;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The codec of the remote workloads: a payload is a {@code byte[]} written as one tag byte and its
 * bytes (so a 100 B payload is 101 B on the wire, before the transport's framing); the rest are
 * small control messages.
 */
final class BenchCodec implements Codec<Object> {
  private static final byte BYTES = 0;
  private static final byte PID = 1;
  private static final byte SINK = 2;
  private static final byte ACK = 3;
  private static final byte TEXT = 4;
  private static final byte STREAM = 5;
  private static final byte STREAMED = 6;

  /** What a sink on the other node is told when it is spawned. */
  record SinkArgs(Pid replyTo, long total, int ackEvery) {}

  /** A sink's acknowledgement: how many payloads it has received so far. */
  record Ack(long count) {}

  /**
   * What a W9 streamer is told when it is spawned: whom to report to, the node to stream to (its
   * name and port on 127.0.0.1), and how many payloads.
   */
  record StreamArgs(Pid coordinator, String node, int port, long messages) {}

  /** A W9 streamer's report: how long its stream took, from go to the last acknowledgement. */
  record Streamed(long nanos) {}

  @Override
  public byte[] encode(Object message) {
    return switch (message) {
      case byte[] b -> {
        byte[] out = new byte[b.length + 1];
        out[0] = BYTES;
        System.arraycopy(b, 0, out, 1, b.length);
        yield out;
      }
      case Pid p -> pid(ByteBuffer.allocate(pidSize(p) + 1).put(PID), p).array();
      case SinkArgs s ->
          pid(ByteBuffer.allocate(pidSize(s.replyTo()) + 13).put(SINK), s.replyTo())
              .putLong(s.total())
              .putInt(s.ackEvery())
              .array();
      case Ack a -> ByteBuffer.allocate(9).put(ACK).putLong(a.count()).array();
      case StreamArgs s -> {
        byte[] node = s.node().getBytes(StandardCharsets.UTF_8);
        yield pid(
                ByteBuffer.allocate(pidSize(s.coordinator()) + 15 + node.length).put(STREAM),
                s.coordinator())
            .putShort((short) node.length)
            .put(node)
            .putInt(s.port())
            .putLong(s.messages())
            .array();
      }
      case Streamed d -> ByteBuffer.allocate(9).put(STREAMED).putLong(d.nanos()).array();
      case String s -> {
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        yield ByteBuffer.allocate(text.length + 1).put(TEXT).put(text).array();
      }
      default -> throw new IllegalArgumentException("not a benchmark message: " + message);
    };
  }

  @Override
  public Object decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    return switch (in.get()) {
      case BYTES -> Arrays.copyOfRange(bytes, 1, bytes.length);
      case PID -> pid(in);
      case SINK -> new SinkArgs(pid(in), in.getLong(), in.getInt());
      case ACK -> new Ack(in.getLong());
      case TEXT -> new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
      case STREAM -> new StreamArgs(pid(in), text(in), in.getInt(), in.getLong());
      case STREAMED -> new Streamed(in.getLong());
      default -> throw new IllegalArgumentException("unknown benchmark message tag " + bytes[0]);
    };
  }

  private static int pidSize(Pid p) {
    return 2 + p.node().name().getBytes(StandardCharsets.UTF_8).length + 16;
  }

  private static String text(ByteBuffer in) {
    byte[] b = new byte[in.getShort()];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static ByteBuffer pid(ByteBuffer out, Pid p) {
    byte[] name = p.node().name().getBytes(StandardCharsets.UTF_8);
    return out.putShort((short) name.length)
        .put(name)
        .putLong(p.node().incarnation())
        .putLong(p.id());
  }

  private static Pid pid(ByteBuffer in) {
    String name = text(in);
    return Pid.of(NodeId.of(name, in.getLong()), in.getLong());
  }
}
