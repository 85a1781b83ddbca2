package io.distproc.transport.grpc;

import com.google.protobuf.ByteString;
import io.distproc.proto.v1.Batch;
import io.distproc.proto.v1.Challenge;
import io.distproc.proto.v1.Chunk;
import io.distproc.proto.v1.Demonitor;
import io.distproc.proto.v1.DownNotice;
import io.distproc.proto.v1.Envelope;
import io.distproc.proto.v1.Goodbye;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.Monitor;
import io.distproc.proto.v1.MonitorRef;
import io.distproc.proto.v1.Pid;
import io.distproc.proto.v1.Proof;
import io.distproc.proto.v1.SpawnRequest;
import io.distproc.proto.v1.Welcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Makes the script of one hostile stream from a seed: what it sends before the handshake, whether
 * it completes the handshake, and what it sends after. Every script breaks the protocol once, in
 * one of the ways a fuzzer would: random bytes, valid frames with flipped bits, cut short or with a
 * wrong length prefix, a hello of the wrong version, frames before the hello or instead of the
 * proof, bogus chunk runs, a second hello, frames of no kind, and frames too large for gRPC.
 */
final class MalformedFrames {
  /** One stream's plan; {@code join} says whether it proves the cookie before {@code after}. */
  record Script(String kind, String name, List<byte[]> before, boolean join, List<byte[]> after) {}

  private final String target;
  private final Random random;
  private final String name;

  private MalformedFrames(String target, long seed, int index) {
    this.target = target;
    this.random = new Random(seed * 1_000_003L + index);
    this.name = "fuzz-" + index;
  }

  /** The script of stream {@code index} of the run with {@code seed}. */
  static Script script(String target, long seed, int index) {
    return new MalformedFrames(target, seed, index).make(index);
  }

  private Script make(int index) {
    if (index % 1000 == 999) { // a few only: each is 2 MiB on the wire
      return before("oversized", new byte[2 << 20]);
    }
    int roll = random.nextInt(100);
    if (roll < 6) {
      return joined();
    }
    if (roll < 10) { // out of order: the hello, then something that is not a proof
      List<byte[]> frames = List.of(hello(1), anyFrame());
      return new Script("instead of a proof", name, frames, false, List.of());
    }
    return switch (roll % 7) {
      case 0 -> before("random bytes", bytes(1 + random.nextInt(96)));
      case 1 -> before("flipped bits", flipBits(hello(1)));
      case 2 -> before("truncated", truncate(random.nextBoolean() ? hello(1) : anyFrame()));
      case 3 -> before("bad length prefix", badLength(hello(1)));
      case 4 -> before("wrong version", hello(random.nextBoolean() ? 0 : 2 + random.nextInt(1000)));
      default -> before("before the hello", anyFrame());
    };
  }

  private Script before(String kind, byte[] frame) {
    return new Script(kind, name, List.of(frame), false, List.of());
  }

  /** A stream that proves the cookie, sends a few senseless frames, and then breaks the rules. */
  private Script joined() {
    List<byte[]> after = new ArrayList<>();
    for (int n = random.nextInt(3); n > 0; n--) {
      after.add(
          LinkFrame.newBuilder()
              .setBatch(
                  Batch.newBuilder()
                      .addEnvelopes(
                          Envelope.newBuilder()
                              .setTo(pid(target, 1 + random.nextInt(1 << 30)))
                              .setPayload(ByteString.copyFrom(bytes(1 + random.nextInt(32))))))
              .build()
              .toByteArray());
    }
    String kind;
    switch (random.nextInt(9)) {
      case 0 -> {
        kind = "joined: random bytes";
        after.add(bytes(1 + random.nextInt(96)));
      }
      case 1 -> {
        kind = "joined: truncated";
        after.add(truncate(anyFrame()));
      }
      case 2 -> {
        kind = "joined: a second hello";
        after.add(hello(1));
      }
      case 3 -> {
        kind = "joined: no kind";
        after.add(new byte[0]);
      }
      case 4 -> {
        kind = "joined: a chunk without a run";
        after.add(chunk(0, 1 + random.nextInt(64), false));
      }
      case 5 -> { // announces the largest total the node takes, then breaks the run
        kind = "joined: a huge chunk run broken by another frame";
        int total = TransportSettings.DEFAULT_MAX_MESSAGE_BYTES;
        after.add(chunk(total, 1 + random.nextInt(4096), false));
        after.add(anyFrame());
      }
      case 6 -> {
        kind = "joined: chunks overrunning their total";
        after.add(chunk(100, 64, false));
        after.add(chunk(0, 64, false));
      }
      case 7 -> {
        kind = "joined: a last chunk short of its total";
        after.add(chunk(100, 50, true));
      }
      default -> {
        kind = "joined: a down notice without a reason";
        after.add(
            LinkFrame.newBuilder()
                .setDownNotice(
                    DownNotice.newBuilder()
                        .setRef(
                            MonitorRef.newBuilder()
                                .setWatcher(pid(target, 1))
                                .setTarget(pid(name, 1))
                                .setId(1)))
                .build()
                .toByteArray());
      }
    }
    return new Script(kind, name, List.of(), true, after);
  }

  private byte[] hello(int version) {
    return RawPeer.hello(name, 1, version == 1 ? FrameCodec.PROTOCOL_VERSION : version)
        .toByteArray();
  }

  /** A well-formed frame of a kind that does not belong at the start of a link. */
  private byte[] anyFrame() {
    MonitorRef ref =
        MonitorRef.newBuilder()
            .setWatcher(pid(name, 1))
            .setTarget(pid(target, 1))
            .setId(1 + random.nextInt(1000))
            .build();
    LinkFrame.Builder frame = LinkFrame.newBuilder();
    switch (random.nextInt(8)) {
      case 0 -> frame.setMonitor(Monitor.newBuilder().setRef(ref));
      case 1 -> frame.setDemonitor(Demonitor.newBuilder().setRef(ref));
      case 2 ->
          frame.setSpawnRequest(
              SpawnRequest.newBuilder()
                  .setRequestId(1)
                  .setSpawner(pid(name, 1))
                  .setBehaviour("echo")
                  .setArgument(ByteString.copyFromUtf8("x")));
      case 3 ->
          frame.setBatch(
              Batch.newBuilder()
                  .addEnvelopes(
                      Envelope.newBuilder()
                          .setTo(pid(target, 1))
                          .setPayload(ByteString.copyFromUtf8("hi"))));
      case 4 ->
          frame.setChunk(
              Chunk.newBuilder()
                  .setTotalSize(10)
                  .setData(ByteString.copyFrom(bytes(10)))
                  .setLast(true));
      case 5 -> frame.setGoodbye(Goodbye.getDefaultInstance());
      case 6 -> frame.setWelcome(Welcome.getDefaultInstance());
      default -> frame.setProof(Proof.newBuilder().setProof(ByteString.copyFrom(bytes(32))));
    }
    if (random.nextInt(10) == 0) {
      frame.setChallenge(Challenge.getDefaultInstance());
    }
    return frame.build().toByteArray();
  }

  private byte[] chunk(long total, int size, boolean last) {
    return LinkFrame.newBuilder()
        .setChunk(
            Chunk.newBuilder()
                .setTotalSize(total)
                .setData(ByteString.copyFrom(bytes(size)))
                .setLast(last))
        .build()
        .toByteArray();
  }

  private byte[] flipBits(byte[] frame) {
    byte[] out = frame.clone();
    for (int n = 1 + random.nextInt(4); n > 0; n--) {
      out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
    }
    return out;
  }

  private byte[] truncate(byte[] frame) {
    return Arrays.copyOf(frame, 1 + random.nextInt(frame.length - 1));
  }

  /** Replaces the length prefix of the frame's first field with a wrong one. */
  private byte[] badLength(byte[] frame) {
    int at = 1; // the first field's tag is one byte for every kind of frame
    int end = at;
    int length = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = frame[end++];
      length |= (b & 0x7f) << shift;
      if (b >= 0) {
        break;
      }
    }
    int wrong;
    do {
      wrong = random.nextBoolean() ? random.nextInt(length) : length + 1 + random.nextInt(1 << 20);
    } while (wrong == length);
    byte[] prefix = varint(wrong);
    byte[] out = new byte[frame.length - (end - at) + prefix.length];
    System.arraycopy(frame, 0, out, 0, at);
    System.arraycopy(prefix, 0, out, at, prefix.length);
    System.arraycopy(frame, end, out, at + prefix.length, frame.length - end);
    return out;
  }

  private static byte[] varint(int value) {
    byte[] out = new byte[5];
    int n = 0;
    int v = value;
    while ((v & ~0x7f) != 0) {
      out[n++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out[n++] = (byte) v;
    return Arrays.copyOf(out, n);
  }

  private byte[] bytes(int n) {
    byte[] out = new byte[n];
    random.nextBytes(out);
    return out;
  }

  private static Pid pid(String node, long id) {
    return Pid.newBuilder().setNodeName(node).setIncarnation(1).setId(id).build();
  }
}
