package io.distproc.transport.grpc;

import static io.distproc.transport.grpc.TestNodes.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.NodeDownEvent;
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

    assertThatThrownBy(() -> alpha.dial(beta))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(HandshakeException.class)
        .hasMessageContaining("REJECT_REASON_BAD_COOKIE");
    assertThat(alpha.handler().ups()).isEmpty();
    assertThat(beta.handler().ups()).isEmpty();
  }

  @Test
  void connect_cookieOnOneSideOnly_refusedBothWays() {
    TestNodes.Node alpha = nodes.start("alpha", c -> c.cookie("one"));
    TestNodes.Node beta = nodes.start("beta");

    assertThatThrownBy(() -> alpha.dial(beta)).hasMessageContaining("REJECT_REASON_BAD_COOKIE");
    assertThatThrownBy(() -> beta.dial(alpha)).hasMessageContaining("REJECT_REASON_BAD_COOKIE");
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
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip())
          .isEqualTo(GrpcTransportFactory.class.getName());
    }
    assertThat(new GrpcTransportFactory()).isInstanceOf(TransportFactory.class);
  }
}
