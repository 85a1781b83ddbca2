package io.distproc.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.Pid;
import io.distproc.proto.v1.Batch;
import io.distproc.proto.v1.Envelope;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.Monitor;
import io.distproc.proto.v1.MonitorRef;
import io.distproc.proto.v1.RejectReason;
import io.distproc.proto.v1.SpawnRequest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A peer that says hello and, instead of proving the cookie, asks for something: the node refuses
 * the link, and what it asked for never happens (nothing reaches the runtime, nothing is spawned,
 * no message is delivered, no monitor is set).
 */
class BeforeProofTest {
  private static final String COOKIE = "c00kie";
  private final TestNodes nodes = new TestNodes();

  @AfterEach
  void closeNodes() {
    nodes.close();
  }

  /** What the peer sends where its proof should be. */
  enum Ask {
    SPAWN,
    MONITOR,
    SEND
  }

  private static LinkFrame ask(Ask ask, io.distproc.proto.v1.Pid there) {
    io.distproc.proto.v1.Pid here =
        io.distproc.proto.v1.Pid.newBuilder()
            .setNodeName("mallory")
            .setIncarnation(1)
            .setId(1)
            .build();
    return switch (ask) {
      case SPAWN ->
          LinkFrame.newBuilder()
              .setSpawnRequest(
                  SpawnRequest.newBuilder()
                      .setRequestId(1)
                      .setSpawner(here)
                      .setBehaviour("echo")
                      .setArgument(ByteString.copyFromUtf8("x"))
                      .setMonitorId(7))
              .build();
      case MONITOR ->
          LinkFrame.newBuilder()
              .setMonitor(
                  Monitor.newBuilder()
                      .setRef(MonitorRef.newBuilder().setWatcher(here).setTarget(there).setId(7)))
              .build();
      case SEND ->
          LinkFrame.newBuilder()
              .setBatch(
                  Batch.newBuilder()
                      .addEnvelopes(
                          Envelope.newBuilder()
                              .setTo(there)
                              .setPayload(ByteString.copyFromUtf8("hi"))))
              .build();
    };
  }

  @ParameterizedTest
  @EnumSource(Ask.class)
  void frameBetweenHelloAndProof_refusedAndNeverReachesTheRuntime(Ask ask) throws Exception {
    TestNodes.Node beta = nodes.start("beta", c -> c.cookie(COOKIE));
    io.distproc.proto.v1.Pid there =
        io.distproc.proto.v1.Pid.newBuilder()
            .setNodeName("beta")
            .setIncarnation(beta.id().incarnation())
            .setId(1)
            .build();
    try (RawPeer peer = new RawPeer(beta.port())) {
      peer.send(RawPeer.hello("mallory", 1, FrameCodec.PROTOCOL_VERSION));
      assertThat(peer.next().hasChallenge()).isTrue();

      peer.send(ask(ask, there));

      LinkFrame answer = peer.next();
      assertThat(answer.getReject().getReason())
          .isEqualTo(RejectReason.REJECT_REASON_MALFORMED_HELLO);
      assertThat(answer.getReject().getDetail()).contains("expected a proof");
      peer.awaitEnd();
    }
    assertThat(beta.handler().ups()).isEmpty();
    assertThat(beta.handler().downs()).isEmpty();
  }

  @Test
  void spawnMonitorAndSendBetweenHelloAndProof_haveNoEffectOnALiveNode() throws Exception {
    AtomicInteger spawned = new AtomicInteger();
    AtomicInteger received = new AtomicInteger();
    try (Node<String> beta =
        Node.builder(
                NodeConfig.remote("beta").bind("127.0.0.1", 0).cookie(COOKIE).plaintext().build(),
                Codec.utf8())
            .behaviours(
                Behaviours.<String>builder()
                    .add(
                        "echo",
                        arg ->
                            ctx -> {
                              spawned.incrementAndGet();
                            })
                    .build())
            .start()) {
      Pid target =
          beta.spawn(
              ctx -> {
                ctx.receiveLoop(
                    io.distproc.Matcher.any(
                        s -> {
                          received.incrementAndGet();
                          return true;
                        }));
              });
      long processes = beta.metrics().liveProcesses();
      io.distproc.proto.v1.Pid there =
          io.distproc.proto.v1.Pid.newBuilder()
              .setNodeName("beta")
              .setIncarnation(beta.id().incarnation())
              .setId(target.id())
              .build();
      int port = beta.boundAddress().orElseThrow().getPort();
      for (Ask ask : Ask.values()) {
        try (RawPeer peer = new RawPeer(port)) {
          peer.send(RawPeer.hello("mallory", 1, FrameCodec.PROTOCOL_VERSION));
          assertThat(peer.next().hasChallenge()).isTrue();
          peer.send(ask(ask, there));
          assertThat(peer.next().hasReject()).as(ask.name()).isTrue();
          peer.awaitEnd();
        }
      }
      // The same frames after a proper handshake do act: a spawn runs, a message arrives. So the
      // refusals above are the handshake's doing, not frames the node would ignore anyway.
      try (RawPeer peer = new RawPeer(port)) {
        assertThat(peer.join("trudy", 1, COOKIE).hasWelcome()).isTrue();
        peer.send(ask(Ask.SEND, there));
        TestNodes.within(Duration.ofSeconds(10)).until(() -> received.get() == 1);
      }
      assertThat(spawned).hasValue(0);
      assertThat(received).hasValue(1);
      assertThat(beta.metrics().liveProcesses()).isEqualTo(processes);
    }
  }
}
