package io.distproc.demo;

import io.distproc.Codec;
import io.distproc.NodeId;
import io.distproc.Pid;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Encodes {@link DemoMessage}s as tagged binary records, for messages that cross nodes. */
final class DemoCodec implements Codec<DemoMessage> {

  @Override
  public byte[] encode(DemoMessage message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      switch (message) {
        case DemoMessage.Job j -> {
          out.writeByte(1);
          writePid(out, j.replyTo());
          out.writeUTF(j.op());
          out.writeLong(j.n());
        }
        case DemoMessage.Result r -> {
          out.writeByte(2);
          writePid(out, r.from());
          out.writeUTF(r.op());
          out.writeLong(r.n());
          out.writeLong(r.value());
        }
        case DemoMessage.Note n -> {
          out.writeByte(3);
          out.writeBoolean(n.urgent());
          out.writeUTF(n.text());
        }
        case DemoMessage.Signal s -> {
          out.writeByte(4);
          writePid(out, s.from());
          out.writeUTF(s.text());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public DemoMessage decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return switch (in.readByte()) {
        case 1 -> new DemoMessage.Job(readPid(in), in.readUTF(), in.readLong());
        case 2 -> new DemoMessage.Result(readPid(in), in.readUTF(), in.readLong(), in.readLong());
        case 3 -> new DemoMessage.Note(in.readBoolean(), in.readUTF());
        case 4 -> new DemoMessage.Signal(readPid(in), in.readUTF());
        default -> throw new IllegalArgumentException("unknown demo message tag");
      };
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed demo message: " + e, e);
    }
  }

  private static void writePid(DataOutputStream out, Pid pid) throws IOException {
    out.writeUTF(pid.node().name());
    out.writeLong(pid.node().incarnation());
    out.writeLong(pid.id());
  }

  private static Pid readPid(DataInputStream in) throws IOException {
    return Pid.of(NodeId.of(in.readUTF(), in.readLong()), in.readLong());
  }
}
