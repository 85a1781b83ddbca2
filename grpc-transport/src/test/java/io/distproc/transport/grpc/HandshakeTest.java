package io.distproc.transport.grpc;

import static io.distproc.transport.grpc.TestNodes.within;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.Proof;
import io.distproc.proto.v1.RejectReason;
import io.distproc.runtime.internal.Link;
import io.distproc.runtime.internal.LinkRefusedException;
import io.distproc.runtime.internal.TransportFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HandshakeTest {
  private final TestNodes nodes = new TestNodes();

  @AfterEach
  void closeNodes() {
    nodes.close();
  }

  @Test
  void connect_matchingCookies_linkUpOnBothSidesWithPeerIdsAndDirections() {
    TestNodes.Node alpha = nodes.start("alpha", c -> c.cookie("s3cret"));
    TestNodes.Node beta = nodes.start("beta", c -> c.cookie("s3cret"));

    Link dialled = alpha.dial(beta);

    assertThat(dialled.peer()).isEqualTo(beta.id());
    assertThat(dialled.outbound()).isTrue();
    assertThat(dialled.peerAddress()).isEqualTo("127.0.0.1:" + beta.port());
    assertThat(alpha.handler().ups()).containsExactly(dialled);
    within(Duration.ofSeconds(5)).until(() -> beta.handler().ups().size() == 1);
    Link accepted = beta.handler().ups().getFirst();
    assertThat(accepted.peer()).isEqualTo(alpha.id());
    assertThat(accepted.outbound()).isFalse();
    assertThat(accepted.peerAddress()).isEqualTo("127.0.0.1:" + alpha.port());
  }

  @Test
  void connect_noCookieOnEitherSide_linkUp() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");

    assertThat(alpha.dial(beta).peer()).isEqualTo(beta.id());
  }

  @Test
  void connect_wrongCookie_refusedOnBothSidesWithoutLinkUp() {
    TestNodes.Node alpha = nodes.start("alpha", c -> c.cookie("one"));
    TestNodes.Node beta = nodes.start("beta", c -> c.cookie("two"));

    // The dialler checks the acceptor's proof first: beta cannot prove alpha's cookie.
    assertThatThrownBy(() -> alpha.dial(beta))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(HandshakeException.class)
        .hasMessageContaining("does not know the cluster cookie");
    assertThat(alpha.handler().ups()).isEmpty();
    assertThat(beta.handler().ups()).isEmpty();
  }

  @Test
  void handshake_theCookieNeverCrossesTheWire() {
    TestNodes.Node alpha = nodes.start("alpha", c -> c.cookie("a-secret-cookie"));
    TestNodes.Node beta = nodes.start("beta", c -> c.cookie("a-secret-cookie"));
    byte[] secret = "a-secret-cookie".getBytes(UTF_8);

    byte[] hello =
        Handshake.hello(alpha.transport().identity(), Optional.of("beta"), new byte[32])
            .toByteArray();
    assertThat(indexOf(hello, secret)).as("the cookie in the Hello").isEqualTo(-1);
    assertThat(alpha.dial(beta)).isNotNull(); // and the proofs still link them
  }

  @Test
  void proof_forAnotherChallenge_isRefusedAsABadCookie() throws Exception {
    TestNodes.Node beta = nodes.start("beta", c -> c.cookie("c00kie"));
    try (RawPeer first = new RawPeer(beta.port());
        RawPeer second = new RawPeer(beta.port())) {
      // A proof recorded from one handshake, replayed against another server nonce.
      LinkFrame hello = RawPeer.hello("mallory", 1, 1);
      first.send(hello);
      LinkFrame challenge = first.next();
      byte[] recorded =
          Handshake.proof(
              "c00kie".getBytes(UTF_8),
              "distproc-v1-client",
              hello.getHello().getNonce().toByteArray(),
              challenge.getChallenge().getNonce().toByteArray(),
              NodeId.of("mallory", 1));
      second.send(hello);
      assertThat(second.next().hasChallenge()).isTrue();
      second.send(
          LinkFrame.newBuilder()
              .setProof(Proof.newBuilder().setProof(ByteString.copyFrom(recorded)))
              .build());

      assertThat(second.next().getReject().getReason())
          .isEqualTo(RejectReason.REJECT_REASON_BAD_COOKIE);
    }
    assertThat(beta.handler().ups()).isEmpty();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void connect_cookieOnOneSideOnly_refusedBothWays() {
    TestNodes.Node alpha = nodes.start("alpha", c -> c.cookie("one"));
    TestNodes.Node beta = nodes.start("beta");

    assertThatThrownBy(() -> alpha.dial(beta))
        .hasMessageContaining("does not know the cluster cookie");
    assertThatThrownBy(() -> beta.dial(alpha))
        .hasMessageContaining("does not know the cluster cookie");
    assertThat(alpha.handler().ups()).isEmpty();
    assertThat(beta.handler().ups()).isEmpty();
  }

  @Test
  void connect_expectedNameMismatch_refusedWithoutLinkUp() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");

    assertThatThrownBy(
            () ->
                alpha
                    .transport()
                    .connect("127.0.0.1", beta.port(), Optional.of("gamma"))
                    .get(10, TimeUnit.SECONDS))
        .hasMessageContaining("REJECT_REASON_WRONG_NODE");
    assertThat(alpha.handler().ups()).isEmpty();
    assertThat(beta.handler().ups()).isEmpty();
  }

  @Test
  void connect_noExpectedName_learnsThePeerFromItsWelcome() throws Exception {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");

    Link link =
        alpha
            .transport()
            .connect("127.0.0.1", beta.port(), Optional.empty())
            .get(10, TimeUnit.SECONDS);

    assertThat(link.peer()).isEqualTo(beta.id());
  }

  @Test
  void connect_acceptorRefusesInLinkUp_dialFailsAndNoSideReportsLinkDown() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    beta.handler().accepting(link -> false);

    assertThatThrownBy(() -> alpha.dial(beta))
        .hasMessageContaining("REJECT_REASON_REFUSED")
        .hasRootCauseInstanceOf(LinkRefusedException.class);

    assertThat(beta.handler().ups()).hasSize(1);
    assertThat(alpha.handler().ups()).isEmpty();
    nodes.close();
    assertThat(alpha.handler().downs()).isEmpty();
    assertThat(beta.handler().downs()).isEmpty();
  }

  @Test
  void connect_diallerRefusesInLinkUp_closesQuietlyAndPeerSeesItLeave() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    alpha.handler().accepting(link -> false);

    assertThatThrownBy(() -> alpha.dial(beta)).hasCauseInstanceOf(HandshakeException.class);

    assertThat(alpha.handler().ups()).hasSize(1);
    within(Duration.ofSeconds(5)).until(() -> beta.handler().downs().size() == 1);
    assertThat(beta.handler().downs().getFirst().cause()).isEqualTo(NodeDownEvent.Cause.PEER_LEFT);
    assertThat(beta.handler().downs().getFirst().detail()).contains("GOODBYE_REASON_REFUSED");
    assertThat(alpha.handler().downs()).isEmpty();
  }

  @Test
  void connect_nobodyListening_failsPromptly() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    int port = beta.port();
    beta.transport().close();

    assertThatThrownBy(
            () ->
                alpha
                    .transport()
                    .connect("127.0.0.1", port, Optional.of("beta"))
                    .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(HandshakeException.class)
        .hasMessageContaining("UNAVAILABLE");
    assertThat(alpha.handler().ups()).isEmpty();
  }

  @Test
  void serviceDeclarations_nameTheGrpcTransportFactory() throws Exception {
    Module module = GrpcTransportFactory.class.getModule();
    if (module.isNamed()) {
      assertThat(module.getDescriptor().provides())
          .anySatisfy(
              p -> {
                assertThat(p.service()).isEqualTo(TransportFactory.class.getName());
                assertThat(p.providers()).containsExactly(GrpcTransportFactory.class.getName());
              });
    }
    String file = "META-INF/services/" + TransportFactory.class.getName();
    try (var in = GrpcTransportFactory.class.getClassLoader().getResourceAsStream(file)) {
      assertThat(in).as(file).isNotNull();
      assertThat(new String(in.readAllBytes(), UTF_8).strip())
          .isEqualTo(GrpcTransportFactory.class.getName());
    }
    assertThat(new GrpcTransportFactory()).isInstanceOf(TransportFactory.class);
  }
}
