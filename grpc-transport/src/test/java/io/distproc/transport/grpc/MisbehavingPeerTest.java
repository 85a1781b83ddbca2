package io.distproc.transport.grpc;

import static io.distproc.transport.grpc.TestNodes.within;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.distproc.NodeDownEvent.Cause;
import io.distproc.Pid;
import io.distproc.proto.v1.Batch;
import io.distproc.proto.v1.Chunk;
import io.distproc.proto.v1.Envelope;
import io.distproc.proto.v1.HeartbeatFrame;
import io.distproc.proto.v1.HeartbeatOpen;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.RejectReason;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Link;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A peer that breaks the wire contract gets its own stream closed, with a reason, while every other
 * link of the node keeps working.
 */
class MisbehavingPeerTest {
  private final TestNodes nodes = new TestNodes();
  private TestNodes.Node alpha;
  private TestNodes.Node beta;
  private Link alphaToBeta;

  @BeforeEach
  void linkAlphaAndBeta() {
    alpha = nodes.start("alpha", c -> c.cookie("c00kie"));
    beta =
        nodes.start(
            "beta",
            c -> c.cookie("c00kie"),
            TransportSettings.defaults().withMaxMessageBytes(4 << 20));
    alphaToBeta = alpha.dial(beta);
    within(Duration.ofSeconds(5)).until(() -> beta.handler().ups().size() == 1);
  }

  @AfterEach
  void closeNodes() {
    nodes.close();
  }

  /** Both directions of the alpha-beta link still carry frames. */
  private void assertAlphaBetaStillWork() {
    Link betaToAlpha = beta.handler().ups().getFirst();
    int before = beta.handler().framesOn(betaToAlpha).size();
    int back = alpha.handler().framesOn(alphaToBeta).size();
    assertThat(alphaToBeta.send(new Frame.Send(Pid.of(beta.id(), 1), null, new byte[] {1})))
        .isTrue();
    assertThat(betaToAlpha.send(new Frame.Send(Pid.of(alpha.id(), 1), null, new byte[] {2})))
        .isTrue();
    within(Duration.ofSeconds(5))
        .until(
            () ->
                beta.handler().framesOn(betaToAlpha).size() == before + 1
                    && alpha.handler().framesOn(alphaToBeta).size() == back + 1);
    assertThat(alpha.handler().downs()).isEmpty();
  }

  @Test
  void frames_garbageBeforeTheHandshake_streamClosedAndNoLinkUp() {
    try (RawPeer raw = new RawPeer(beta.port())) {
      raw.send(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});

      Status end = raw.awaitEnd();

      assertThat(end.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(end.getDescription()).contains("unreadable frame");
    }
    assertThat(beta.handler().ups()).hasSize(1);
    assertAlphaBetaStillWork();
  }

  @Test
  void frames_aFrameBeforeTheHello_rejectedAsMalformedHello() throws Exception {
    try (RawPeer raw = new RawPeer(beta.port())) {
      raw.send(LinkFrame.newBuilder().setBatch(Batch.newBuilder()).build());

      LinkFrame answer = raw.next();

      assertThat(answer.getReject().getReason())
          .isEqualTo(RejectReason.REJECT_REASON_MALFORMED_HELLO);
      assertThat(raw.awaitEnd().isOk()).isTrue();
    }
    assertThat(beta.handler().ups()).hasSize(1);
    assertAlphaBetaStillWork();
  }

  @Test
  void frames_unknownProtocolVersion_rejectedNamingTheSupportedOne() throws Exception {
    try (RawPeer raw = new RawPeer(beta.port())) {
      raw.send(RawPeer.hello("mallory", 1, 2));

      LinkFrame answer = raw.next();

      assertThat(answer.getReject().getReason())
          .isEqualTo(RejectReason.REJECT_REASON_UNSUPPORTED_PROTOCOL_VERSION);
      assertThat(answer.getReject().getSupportedProtocolVersionsList()).containsExactly(1);
      assertThat(raw.awaitEnd().isOk()).isTrue();
    }
    assertThat(beta.handler().ups()).hasSize(1);
    assertAlphaBetaStillWork();
  }

  @Test
  void frames_helloWithAMalformedNodeName_rejected() throws Exception {
    try (RawPeer raw = new RawPeer(beta.port())) {
      raw.send(RawPeer.hello("no spaces allowed", 1, 1));

      assertThat(raw.next().getReject().getReason())
          .isEqualTo(RejectReason.REJECT_REASON_MALFORMED_HELLO);
    }
    assertThat(beta.handler().ups()).hasSize(1);
  }

  static Stream<Arguments> brokenFrames() {
    Envelope noRecipient = Envelope.newBuilder().setPayload(ByteString.copyFromUtf8("x")).build();
    Envelope badPid =
        Envelope.newBuilder()
            .setTo(
                io.distproc.proto.v1.Pid.newBuilder()
                    .setNodeName("beta")
                    .setIncarnation(0)
                    .setId(1))
            .build();
    byte[] unknownKind = {(byte) 0xf8, 0x06, 0x01}; // field 111, varint 1: a kind from the future
    return Stream.of(
        Arguments.of("unreadable bytes", new byte[] {0x0a, (byte) 0xff, 0x01}, "unreadable frame"),
        Arguments.of("an unknown frame kind", unknownKind, "no known kind"),
        Arguments.of(
            "an envelope without recipient",
            frame(LinkFrame.newBuilder().setBatch(Batch.newBuilder().addEnvelopes(noRecipient))),
            "has no recipient"),
        Arguments.of(
            "a pid of incarnation 0",
            frame(LinkFrame.newBuilder().setBatch(Batch.newBuilder().addEnvelopes(badPid))),
            "incarnation must be positive"),
        Arguments.of(
            "a second hello",
            RawPeer.hello("mallory", 1, 1).toByteArray(),
            "HELLO frame out of place"),
        Arguments.of(
            "a chunk without a run",
            frame(
                LinkFrame.newBuilder()
                    .setChunk(Chunk.newBuilder().setData(ByteString.copyFromUtf8("x")))),
            "chunk without a run"),
        Arguments.of(
            "a chunk run over the limit",
            frame(
                LinkFrame.newBuilder()
                    .setChunk(
                        Chunk.newBuilder()
                            .setTotalSize(5 << 20)
                            .setData(ByteString.copyFromUtf8("x")))),
            "exceeds this node's limit"),
        Arguments.of(
            "a chunk run that claims to end early",
            frame(
                LinkFrame.newBuilder()
                    .setChunk(
                        Chunk.newBuilder()
                            .setTotalSize(10)
                            .setData(ByteString.copyFromUtf8("x"))
                            .setLast(true))),
            "last chunk at 1 of 10 bytes"));
  }

  private static byte[] frame(LinkFrame.Builder frame) {
    return frame.build().toByteArray();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFrames")
  void frames_brokenFrameAfterTheHandshake_closesThatLinkOnly(String what, byte[] bytes, String why)
      throws Exception {
    try (RawPeer raw = new RawPeer(beta.port())) {
      assertThat(raw.join("mallory", 1, "c00kie").hasWelcome()).isTrue();
      within(Duration.ofSeconds(5)).until(() -> beta.handler().ups().size() == 2);
      Link mallory = beta.handler().ups().get(1);

      raw.send(bytes);

      assertThat(raw.awaitEnd().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      within(Duration.ofSeconds(5)).until(() -> beta.handler().downOf(mallory).isPresent());
      RecordingHandler.Down down = beta.handler().downOf(mallory).orElseThrow();
      assertThat(down.cause()).isEqualTo(Cause.CONNECTION_LOST);
      assertThat(down.detail()).startsWith("protocol error:").contains(why);
    }
    assertAlphaBetaStillWork();
  }

  @Test
  void frames_chunkRunInterruptedByAnotherFrame_closesThatLinkOnly() throws Exception {
    try (RawPeer raw = new RawPeer(beta.port())) {
      assertThat(raw.join("mallory", 1, "c00kie").hasWelcome()).isTrue();
      within(Duration.ofSeconds(5)).until(() -> beta.handler().ups().size() == 2);
      Link mallory = beta.handler().ups().get(1);

      raw.send(
          frame(
              LinkFrame.newBuilder()
                  .setChunk(
                      Chunk.newBuilder()
                          .setTotalSize(10)
                          .setData(ByteString.copyFromUtf8("abc")))));
      raw.send(frame(LinkFrame.newBuilder().setBatch(Batch.newBuilder())));

      assertThat(raw.awaitEnd().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      within(Duration.ofSeconds(5)).until(() -> beta.handler().downOf(mallory).isPresent());
      assertThat(beta.handler().downOf(mallory).orElseThrow().detail())
          .contains("BATCH frame inside a chunk run, at 3 bytes");
    }
    assertAlphaBetaStillWork();
  }

  @Test
  void frames_gRpcMessageOverTheLimit_closesThatLinkOnly() throws Exception {
    try (RawPeer raw = new RawPeer(beta.port())) {
      assertThat(raw.join("mallory", 1, "c00kie").hasWelcome()).isTrue();
      within(Duration.ofSeconds(5)).until(() -> beta.handler().ups().size() == 2);
      Link mallory = beta.handler().ups().get(1);

      raw.send(new byte[TransportSettings.MAX_INBOUND_GRPC_MESSAGE + 1]);

      assertThat(raw.awaitEnd().isOk()).isFalse();
      within(Duration.ofSeconds(5)).until(() -> beta.handler().downOf(mallory).isPresent());
      assertThat(beta.handler().downOf(mallory).orElseThrow().cause())
          .isEqualTo(Cause.CONNECTION_LOST);
    }
    assertAlphaBetaStillWork();
  }

  @Test
  void heartbeats_streamWithAnUnknownToken_refused() {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", beta.port()).usePlaintext().build();
    try {
      CompletableFuture<Status> ended = new CompletableFuture<>();
      StreamObserver<HeartbeatFrame> out =
          ClientCalls.asyncBidiStreamingCall(
              channel.newCall(Methods.HEARTBEATS, CallOptions.DEFAULT),
              new StreamObserver<>() {
                @Override
                public void onNext(HeartbeatFrame value) {}

                @Override
                public void onError(Throwable t) {
                  ended.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                  ended.complete(Status.OK);
                }
              });
      out.onNext(
          HeartbeatFrame.newBuilder()
              .setOpen(HeartbeatOpen.newBuilder().setLinkToken(ByteString.copyFrom(new byte[16])))
              .build());

      Status end =
          ended
              .orTimeout(TestNodes.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS)
              .join();

      assertThat(end.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    } finally {
      channel.shutdownNow();
    }
    assertAlphaBetaStillWork();
  }
}
