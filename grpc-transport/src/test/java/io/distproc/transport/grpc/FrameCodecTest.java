package io.distproc.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.runtime.internal.Frame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hand-written frame codec against its oracle, protobuf's generated classes ({@link
 * ProtobufFrames}), for every kind of frame and reason, the fault layer's included: the same bytes,
 * and each side reads what the other writes.
 */
class FrameCodecTest {
  private static final NodeId ALPHA = NodeId.of("alpha", 17);
  private static final NodeId BETA = NodeId.of("beta-2", 1L << 40);

  /**
   * One frame of every kind and every reason, and more with fields at and away from their defaults,
   * and nested lengths of more than one byte.
   */
  private static List<Frame> everyKind() {
    Pid a = Pid.of(ALPHA, 7);
    Pid b = Pid.of(BETA, 9);
    Pid far = Pid.of(NodeId.of("gamma", Long.MAX_VALUE), Long.MAX_VALUE);
    MonitorRef ref = MonitorRef.of(a, b, 42);
    Map<String, List<Pid>> groups = new LinkedHashMap<>();
    groups.put("workers", List.of(a, b, far));
    groups.put("idle", List.of());
    List<Pid> many = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      many.add(Pid.of(ALPHA, i));
    }
    List<Frame> frames = new ArrayList<>(SampleFrames.everyKind(ALPHA, BETA));
    frames.addAll(
        List.of(
            new Frame.Send(far, a, new byte[20_000]),
            new Frame.SpawnRequest(3, a, "big", new byte[300], 0, false),
            new Frame.SpawnReply(0, far, false),
            new Frame.Demonitor(MonitorRef.of(b, far, Long.MAX_VALUE)),
            new Frame.DownNotice(
                ref,
                new MonitorReason.Crashed(b, "x.Y", "é ✓ 𝄞", "a long stack line\n".repeat(40))),
            new Frame.UnlinkRequest(b, far),
            new Frame.NamedSend("big", b, new byte[200]),
            new Frame.GroupJoin("crowd", many),
            new Frame.GroupSync(groups)));
    return frames;
  }

  private static byte[] oracle(Frame frame) {
    LinkFrame f =
        FrameCodec.isEnvelope(frame)
            ? ProtobufFrames.batch(List.of(frame))
            : ProtobufFrames.control(frame);
    return f.toByteArray();
  }

  @Test
  void encode_everyFrameKind_writesTheBytesProtobufWrites() {
    FrameCodec codec = new FrameCodec();
    for (int round = 0; round < 2; round++) { // the second round hits the pid caches
      for (Frame frame : everyKind()) {
        assertThat(codec.encode(frame)).as(FrameText.of(frame)).isEqualTo(oracle(frame));
      }
    }
  }

  @Test
  void encodeByHand_everyFrameKind_protobufParsesTheSameFrame() throws Exception {
    FrameCodec writer = new FrameCodec();
    FrameCodec reader = new FrameCodec();
    for (Frame frame : everyKind()) {
      LinkFrame parsed = LinkFrame.parseFrom(writer.encode(frame));

      assertThat(parsed).as(FrameText.of(frame)).isEqualTo(LinkFrame.parseFrom(oracle(frame)));
      assertThat(FrameText.of(reader.frames(parsed))).containsExactly(FrameText.of(frame));
    }
  }

  @Test
  void encodeByProtobuf_everyFrameKind_theLinksReaderReadsTheSameFrame() throws Exception {
    FrameCodec reader = new FrameCodec();
    for (Frame frame : everyKind()) {
      byte[] bytes = oracle(frame);
      List<Frame> read =
          FrameCodec.isEnvelope(frame)
              ? reader.decodeBatch(bytes) // by hand: protobuf's batch is the common frame
              : reader.frames(FrameCodec.parse(bytes));

      assertThat(read).as(FrameText.of(frame)).isNotNull();
      assertThat(FrameText.of(read)).containsExactly(FrameText.of(frame));
    }
  }

  @Test
  void batch_manyEnvelopes_protobufAndTheHandWrittenReaderAgree() throws Exception {
    List<Frame> envelopes = everyKind().stream().filter(FrameCodec::isEnvelope).toList();
    FrameCodec writer = new FrameCodec();
    int[] sizes = new int[envelopes.size()];
    int total = 0;
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = writer.envelopeSize(envelopes.get(i));
      total += FrameCodec.inBatch(sizes[i]);
    }
    byte[] byHand = writer.batch(envelopes, sizes, total);
    byte[] byProtobuf = ProtobufFrames.batch(envelopes).toByteArray();

    assertThat(byHand).isEqualTo(byProtobuf);
    assertThat(FrameText.of(new FrameCodec().frames(FrameCodec.parse(byHand))))
        .isEqualTo(FrameText.of(envelopes));
    assertThat(FrameText.of(new FrameCodec().decodeBatch(byProtobuf)))
        .isEqualTo(FrameText.of(envelopes));
  }
}
