package io.distproc.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.proto.v1.Batch;
import io.distproc.proto.v1.Broadcast;
import io.distproc.proto.v1.Envelope;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.runtime.internal.Frame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-written batch encoding against protobuf's: the same bytes, read back the same by both
 * parsers, and anything unusual left to the general parser.
 */
class BatchFormatTest {
  private static final NodeId ALPHA = NodeId.of("alpha", 17);
  private static final NodeId BETA = NodeId.of("beta-2", 1L << 40);

  private static byte[] encode(FrameCodec codec, List<Frame> frames) {
    int[] sizes = new int[frames.size()];
    int total = 0;
    for (int i = 0; i < frames.size(); i++) {
      sizes[i] = codec.envelopeSize(frames.get(i));
      total += FrameCodec.inBatch(sizes[i]);
    }
    return codec.batch(frames, sizes, total);
  }

  private static List<Frame> sample() {
    Pid a = Pid.of(ALPHA, 7);
    Pid b = Pid.of(BETA, 9);
    List<Frame> frames = new ArrayList<>();
    frames.add(new Frame.Send(b, a, new byte[] {1, 2, 3}));
    frames.add(new Frame.Send(b, a, new byte[300]));
    frames.add(new Frame.Send(b, null, new byte[0]));
    frames.add(new Frame.Broadcast(a, "to all".getBytes(StandardCharsets.UTF_8)));
    frames.add(new Frame.Broadcast(null, new byte[0]));
    frames.add(new Frame.Send(Pid.of(ALPHA, Long.MAX_VALUE), Pid.of(BETA, 1), new byte[] {9}));
    frames.add(new Frame.Send(b, a, new byte[] {4}));
    return frames;
  }

  @Test
  void batch_sameFramesAsProtobuf_encodesTheSameBytes() throws Exception {
    List<Frame> frames = sample();
    Batch.Builder batch = Batch.newBuilder();
    for (Frame f : frames) {
      batch.addEnvelopes(ProtobufFrames.envelope(f));
    }
    byte[] expected = LinkFrame.newBuilder().setBatch(batch).build().toByteArray();

    assertThat(encode(new FrameCodec(), frames)).isEqualTo(expected);
  }

  @Test
  void decodeBatch_ownEncoding_readsTheSameFramesAsTheGeneralParser() throws Exception {
    List<Frame> frames = sample();
    byte[] bytes = encode(new FrameCodec(), frames);
    FrameCodec reader = new FrameCodec();

    List<Frame> fast = reader.decodeBatch(bytes);
    List<Frame> general = new FrameCodec().frames(FrameCodec.parse(bytes));

    assertThat(fast).isNotNull();
    assertThat(FrameText.of(fast)).isEqualTo(FrameText.of(general)).isEqualTo(FrameText.of(frames));
    // Read again: the cached nodes and pids give the same answer.
    assertThat(FrameText.of(reader.decodeBatch(bytes))).isEqualTo(FrameText.of(frames));
  }

  @Test
  void decodeBatch_pidBytesSeenLastInTheirRole_reusesThatPidAndParsesAnyOther() {
    Pid a = Pid.of(ALPHA, 7);
    Pid b = Pid.of(BETA, 9);
    Pid b2 = Pid.of(BETA, 10);
    List<Frame> frames =
        List.of(
            new Frame.Send(b, a, new byte[] {1}),
            new Frame.Send(b, a, new byte[] {2}),
            new Frame.Send(b2, b, new byte[] {3}),
            new Frame.Send(b, b2, new byte[] {4}));
    FrameCodec reader = new FrameCodec();

    List<Frame> read = reader.decodeBatch(encode(new FrameCodec(), frames));

    assertThat(FrameText.of(read)).isEqualTo(FrameText.of(frames));
    Frame.Send first = (Frame.Send) read.get(0);
    Frame.Send second = (Frame.Send) read.get(1);
    assertThat(second.to()).isSameAs(first.to());
    assertThat(second.from()).isSameAs(first.from());
    assertThat(((Frame.Send) read.get(2)).to()).isEqualTo(b2).isNotSameAs(first.to());
    assertThat(((Frame.Send) read.get(3)).from()).isEqualTo(b2);
    // Fields of the same length that differ only in the name: long ones and short ones.
    List<Frame> lookalikes =
        List.of(
            new Frame.Send(b, Pid.of(NodeId.of("a", 1), 1), new byte[] {5}),
            new Frame.Send(
                Pid.of(NodeId.of("gamma2", 1L << 40), 9),
                Pid.of(NodeId.of("b", 1), 1),
                new byte[] {6}));
    assertThat(FrameText.of(reader.decodeBatch(encode(new FrameCodec(), lookalikes))))
        .isEqualTo(FrameText.of(lookalikes));
    // The next batch starts from what the last one ended with.
    List<Frame> again = reader.decodeBatch(encode(new FrameCodec(), List.of(frames.get(3))));
    List<Frame> more = reader.decodeBatch(encode(new FrameCodec(), List.of(frames.get(3))));
    assertThat(((Frame.Send) more.get(0)).to()).isSameAs(((Frame.Send) again.get(0)).to());
  }

  @Test
  void decodeBatch_otherFramesAndUnusualBatches_leavesThemToTheGeneralParser() {
    io.distproc.proto.v1.Pid to =
        io.distproc.proto.v1.Pid.newBuilder().setNodeName("a").setIncarnation(1).setId(2).build();
    Envelope good =
        Envelope.newBuilder().setTo(to).setPayload(ByteString.copyFrom(new byte[] {1})).build();
    FrameCodec reader = new FrameCodec();

    assertThat(reader.decodeBatch(frame(Batch.newBuilder().addEnvelopes(good)))).hasSize(1);
    // Not a batch, an empty batch, an envelope with no recipient or a pid that fails its checks.
    assertThat(
            reader.decodeBatch(
                Handshake.goodbye(io.distproc.proto.v1.GoodbyeReason.GOODBYE_REASON_CLOSED, "bye")
                    .toByteArray()))
        .isNull();
    assertThat(reader.decodeBatch(frame(Batch.newBuilder()))).isNull();
    assertThat(
            reader.decodeBatch(frame(Batch.newBuilder().addEnvelopes(good.toBuilder().clearTo()))))
        .isNull();
    assertThat(
            reader.decodeBatch(
                frame(
                    Batch.newBuilder()
                        .addEnvelopes(good.toBuilder().setTo(good.getTo().toBuilder().setId(0))))))
        .isNull();
    assertThat(
            reader.decodeBatch(
                frame(
                    Batch.newBuilder()
                        .addEnvelopes(
                            good.toBuilder()
                                .setTo(good.getTo().toBuilder().setNodeName("no spaces"))))))
        .isNull();
    // A oneof given twice, and a field this version does not know.
    byte[] twice = frame(Batch.newBuilder().addEnvelopes(good), new byte[] {0x12, 0});
    assertThat(reader.decodeBatch(twice)).isNull();
    assertThat(
            reader.decodeBatch(
                frame(
                    Batch.newBuilder()
                        .addEnvelopes(
                            good.toBuilder().setBroadcast(Broadcast.getDefaultInstance())))))
        .isNotNull();
    byte[] unknown = frame(Batch.newBuilder().addEnvelopes(good), new byte[] {0x28, 1});
    assertThat(reader.decodeBatch(unknown)).isNull();
    // Truncated bytes.
    byte[] whole = frame(Batch.newBuilder().addEnvelopes(good));
    assertThat(reader.decodeBatch(java.util.Arrays.copyOf(whole, whole.length - 1))).isNull();
  }

  @Test
  void decodeBatch_whatItLeaves_theGeneralParserRefusesWithAReason() {
    Envelope noRecipient = Envelope.newBuilder().setPayload(ByteString.copyFromUtf8("x")).build();
    byte[] bytes = frame(Batch.newBuilder().addEnvelopes(noRecipient));

    assertThat(new FrameCodec().decodeBatch(bytes)).isNull();
    assertThatThrownBy(() -> new FrameCodec().frames(FrameCodec.parse(bytes)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("has no recipient");
  }

  private static byte[] frame(Batch.Builder batch) {
    return LinkFrame.newBuilder().setBatch(batch).build().toByteArray();
  }

  /** The batch frame with {@code extra} bytes appended to its one envelope. */
  private static byte[] frame(Batch.Builder batch, byte[] extra) {
    Envelope e = batch.getEnvelopes(0);
    byte[] inner = e.toByteArray();
    byte[] grown = new byte[inner.length + extra.length];
    System.arraycopy(inner, 0, grown, 0, inner.length);
    System.arraycopy(extra, 0, grown, inner.length, extra.length);
    byte[] envelope = new byte[2 + grown.length];
    envelope[0] = 0x0A;
    envelope[1] = (byte) grown.length;
    System.arraycopy(grown, 0, envelope, 2, grown.length);
    byte[] out = new byte[2 + envelope.length];
    out[0] = 0x22;
    out[1] = (byte) envelope.length;
    System.arraycopy(envelope, 0, out, 2, envelope.length);
    return out;
  }
}
