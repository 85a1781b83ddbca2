package io.distproc.transport.grpc;

import static io.distproc.transport.grpc.TestNodes.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent.Cause;
import io.distproc.Pid;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Link;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LinkLifecycleTest {
  private final TestNodes nodes = new TestNodes();

  @AfterEach
  void closeNodes() {
    nodes.close();
  }

  private static Link acceptedOn(TestNodes.Node node) {
    within(Duration.ofSeconds(5)).until(() -> !node.handler().ups().isEmpty());
    return node.handler().ups().getFirst();
  }

  @Test
  void close_byTheDialler_reportsItsCauseHereAndPeerLeftThereAfterEveryFrameSentBefore() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    Link link = alpha.dial(beta);
    Pid to = Pid.of(beta.id(), 1);
    for (int i = 0; i < 1000; i++) {
      link.send(new Frame.Send(to, null, ByteBuffer.allocate(4).putInt(i).array()));
    }

    link.close(Cause.REMOVED, "removed by alpha");

    assertThat(link.send(new Frame.Send(to, null, new byte[1]))).isFalse();
    within(Duration.ofSeconds(5)).until(() -> alpha.handler().downs().size() == 1);
    assertThat(alpha.handler().downs().getFirst().cause()).isEqualTo(Cause.REMOVED);
    assertThat(alpha.handler().downs().getFirst().detail()).isEqualTo("removed by alpha");
    Link accepted = acceptedOn(beta);
    within(Duration.ofSeconds(5)).until(() -> beta.handler().downOf(accepted).isPresent());
    assertThat(beta.handler().downOf(accepted).orElseThrow().cause()).isEqualTo(Cause.PEER_LEFT);
    assertThat(beta.handler().downOf(accepted).orElseThrow().detail())
        .contains("GOODBYE_REASON_REMOVED", "removed by alpha");
    assertThat(beta.handler().framesOn(accepted)).hasSize(1000);
    link.close(Cause.CONNECTION_LOST, "again"); // idempotent
    assertThat(alpha.handler().downs()).hasSize(1);
  }

  @Test
  void retire_aDuplicate_flushesWhatItSent_reportsRemovedHereAndPeerLeftThere() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    alpha.dial(beta);
    Link accepted = acceptedOn(beta);
    Link dialled = alpha.handler().ups().getFirst();
    Pid to = Pid.of(alpha.id(), 1);
    for (int i = 0; i < 1000; i++) {
      accepted.send(new Frame.Send(to, null, ByteBuffer.allocate(4).putInt(i).array()));
    }

    accepted.retire("a duplicate: both nodes keep the link alpha dialled");

    within(Duration.ofSeconds(5))
        .until(
            () ->
                alpha.handler().downOf(dialled).isPresent()
                    && beta.handler().downOf(accepted).isPresent());
    assertThat(beta.handler().downOf(accepted).orElseThrow().cause()).isEqualTo(Cause.REMOVED);
    assertThat(alpha.handler().downOf(dialled).orElseThrow().cause()).isEqualTo(Cause.PEER_LEFT);
    assertThat(alpha.handler().downOf(dialled).orElseThrow().detail())
        .contains("GOODBYE_REASON_REMOVED", "a duplicate");
    assertThat(alpha.handler().framesOn(dialled)).hasSize(1000);
    assertThat(alpha.handler().violations()).isEmpty();
    assertThat(beta.handler().violations()).isEmpty();
  }

  @Test
  void retire_aDuplicate_stillDeliversWhatThePeerSentBeforeItHeardTheGoodbye() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    Link dialled = alpha.dial(beta);
    Link accepted = acceptedOn(beta);
    Pid to = Pid.of(beta.id(), 1);
    int sent = 0;
    for (int i = 0; i < 2000; i++) {
      assertThat(dialled.send(frame(to, i))).isTrue();
      sent++;
    }

    accepted.retire("a duplicate: both nodes keep the link beta dialled");
    // alpha goes on sending until it hears the goodbye: these frames, and those of the 2000 not
    // yet read at beta, cross the goodbye on the wire.
    for (int i = 2000; i < 100_000 && dialled.send(frame(to, i)); i++) {
      sent++;
    }

    within(Duration.ofSeconds(5))
        .until(
            () ->
                alpha.handler().downOf(dialled).isPresent()
                    && beta.handler().downOf(accepted).isPresent());
    assertThat(alpha.handler().downOf(dialled).orElseThrow().cause()).isEqualTo(Cause.PEER_LEFT);
    assertThat(beta.handler().downOf(accepted).orElseThrow().cause()).isEqualTo(Cause.REMOVED);
    List<Frame> received = beta.handler().framesOn(accepted);
    assertThat(received).hasSize(sent);
    assertThat(ByteBuffer.wrap(((Frame.Send) received.getLast()).payload()).getInt())
        .isEqualTo(sent - 1);
    assertThat(alpha.handler().violations()).isEmpty();
    assertThat(beta.handler().violations()).isEmpty();
  }

  private static Frame frame(Pid to, int i) {
    return new Frame.Send(to, null, ByteBuffer.allocate(4).putInt(i).array());
  }

  @Test
  void close_byTheAcceptor_reportsItsCauseHereAndPeerLeftThere() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    Link dialled = alpha.dial(beta);
    Link accepted = acceptedOn(beta);

    accepted.close(Cause.CONNECTION_LOST, "replaced by a newer incarnation");

    within(Duration.ofSeconds(5))
        .until(
            () ->
                alpha.handler().downOf(dialled).isPresent()
                    && beta.handler().downOf(accepted).isPresent());
    assertThat(alpha.handler().downOf(dialled).orElseThrow().cause()).isEqualTo(Cause.PEER_LEFT);
    assertThat(beta.handler().downOf(accepted).orElseThrow().cause())
        .isEqualTo(Cause.CONNECTION_LOST);
  }

  @Test
  void transportClose_reportsLocalShutdownForEveryLinkAndPeerLeftOnEachPeer() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    TestNodes.Node gamma = nodes.start("gamma");
    Link toBeta = alpha.dial(beta);
    Link fromGamma = gamma.dial(alpha);
    within(Duration.ofSeconds(5)).until(() -> alpha.handler().ups().size() == 2);

    alpha.transport().close();

    // close() returns after the runtime heard of every link going down.
    assertThat(alpha.handler().downs())
        .extracting(RecordingHandler.Down::cause)
        .containsExactly(Cause.LOCAL_SHUTDOWN, Cause.LOCAL_SHUTDOWN);
    within(Duration.ofSeconds(5))
        .until(() -> beta.handler().downs().size() == 1 && gamma.handler().downs().size() == 1);
    assertThat(
            List.of(
                beta.handler().downs().getFirst(), gamma.handler().downOf(fromGamma).orElseThrow()))
        .allSatisfy(
            down -> {
              assertThat(down.cause()).isEqualTo(Cause.PEER_LEFT);
              assertThat(down.detail()).contains("GOODBYE_REASON_SHUTDOWN");
            });
    assertThat(toBeta.send(new Frame.Send(Pid.of(beta.id(), 1), null, new byte[1]))).isFalse();
    alpha.transport().close(); // idempotent
  }

  /**
   * The slack allowed past the heartbeat timeout: the timer thread's scheduling delay and the
   * hand-off of linkDown to the link's virtual thread, milliseconds on an idle machine; 150 ms
   * (scaled) leaves room for a loaded one, and is well under the default interval (500 ms), by
   * which a check on the heartbeat's beat would be late.
   */
  private static final Duration DETECTION_SLACK = TestNodes.scaled(Duration.ofMillis(150));

  @Test
  void heartbeats_peerStopsAnsweringWithDefaults_reportedTheTimeoutAfterItWasLastHeard() {
    TestNodes.Node alpha =
        nodes.start(
            "alpha",
            c ->
                c.heartbeat(
                    NodeConfig.DEFAULT_HEARTBEAT_INTERVAL, NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT));
    // Beta pings often, so that alpha last hears it just before it stops, wherever that falls.
    TestNodes.Node beta =
        nodes.start(
            "beta", c -> c.heartbeat(Duration.ofMillis(50), NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT));
    GrpcLink link = (GrpcLink) alpha.dial(beta);
    GrpcLink accepted = (GrpcLink) acceptedOn(beta);
    within(Duration.ofSeconds(5)).until(() -> link.heartbeatRoundTrip().isPresent());
    // Stop beta 200 ms after one of alpha's beats (seen as a ping arriving at beta), far from the
    // next one: a check made only on the beat would come about 300 ms after the deadline.
    long before = accepted.lastHeard();
    within(Duration.ofSeconds(5)).until(() -> accepted.lastHeard() != before);
    long beat = accepted.lastHeard();
    within(Duration.ofSeconds(5))
        .until(() -> link.lastHeard() - beat >= Duration.ofMillis(200).toNanos());

    long paused = System.nanoTime();
    beta.faults().pause(true);
    within(Duration.ofSeconds(10)).until(() -> alpha.handler().downOf(link).isPresent());
    beta.faults().pause(false);

    RecordingHandler.Down down = alpha.handler().downOf(link).orElseThrow();
    assertThat(down.cause()).isEqualTo(Cause.HEARTBEAT_TIMEOUT);
    assertThat(down.detail()).contains("timeout 2000 ms");
    // Never before the timeout; after it, only by the slack.
    assertThat(Duration.ofNanos(down.atNanos() - link.lastHeard()))
        .isGreaterThanOrEqualTo(NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT)
        .isLessThanOrEqualTo(NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT.plus(DETECTION_SLACK));
    // Beta spoke last just before it stopped: the bound holds from the pause too.
    assertThat(Duration.ofNanos(down.atNanos() - paused))
        .isLessThanOrEqualTo(NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT.plus(DETECTION_SLACK));
  }

  @Test
  void heartbeats_peerStopsAnsweringWithATunedTimeout_reportedThatTimeoutAfterItWasLastHeard() {
    Duration interval = Duration.ofMillis(100);
    Duration timeout = Duration.ofMillis(500);
    TestNodes.Node alpha = nodes.start("alpha", c -> c.heartbeat(interval, timeout));
    TestNodes.Node beta = nodes.start("beta", c -> c.heartbeat(interval, timeout));
    GrpcLink link = (GrpcLink) alpha.dial(beta);
    acceptedOn(beta);
    within(Duration.ofSeconds(5)).until(() -> link.heartbeatRoundTrip().isPresent());

    beta.faults().pause(true);
    within(Duration.ofSeconds(5)).until(() -> alpha.handler().downOf(link).isPresent());
    beta.faults().pause(false);

    RecordingHandler.Down down = alpha.handler().downOf(link).orElseThrow();
    assertThat(down.cause()).isEqualTo(Cause.HEARTBEAT_TIMEOUT);
    assertThat(down.detail()).contains("timeout 500 ms");
    assertThat(Duration.ofNanos(down.atNanos() - link.lastHeard()))
        .isGreaterThanOrEqualTo(timeout)
        .isLessThanOrEqualTo(timeout.plus(DETECTION_SLACK));
  }

  @Test
  void heartbeats_thisNodeHeldUpLongerThanTheTimeout_doesNotTakeItsOwnPauseForThePeersSilence()
      throws InterruptedException {
    Duration interval = Duration.ofMillis(50);
    Duration timeout = Duration.ofMillis(400);
    TestNodes.Node alpha = nodes.start("alpha", c -> c.heartbeat(interval, timeout));
    // Beta's own verdict is not under test: alpha sends it nothing while held up.
    TestNodes.Node beta = nodes.start("beta", c -> c.heartbeat(interval, Duration.ofSeconds(30)));
    GrpcLink link = (GrpcLink) alpha.dial(beta);
    acceptedOn(beta);
    within(Duration.ofSeconds(5)).until(() -> link.heartbeatRoundTrip().isPresent());

    // A pause of alpha's whole JVM, as a GC pause or a starved machine makes it: alpha's timer
    // does not run, and alpha hears nothing (beta, paused, sends nothing).
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    alpha
        .transport()
        .timer()
        .execute(
            () -> {
              holding.countDown();
              awaitQuietly(release);
            });
    holding.await();
    beta.faults().pause(true);
    within(Duration.ofSeconds(10))
        .until(() -> System.nanoTime() - link.lastHeard() >= timeout.multipliedBy(3).toNanos());
    // Alpha runs again, its liveness check long overdue; beta answers again at once.
    release.countDown();
    beta.faults().pause(false);
    long released = System.nanoTime();

    // The check must not count alpha's own pause as beta's silence: beta has a timeout from now.
    within(Duration.ofSeconds(5))
        .during(timeout.multipliedBy(2))
        .until(() -> alpha.handler().downOf(link).isEmpty());
    assertThat(link.lastHeard()).as("beta heard again after the pause").isGreaterThan(released);
  }

  @Test
  void heartbeats_thisNodeHeldUpAndThePeerStaysSilent_declaredDownATimeoutAfterThisNodeRunsAgain()
      throws InterruptedException {
    Duration interval = Duration.ofMillis(50);
    Duration timeout = Duration.ofMillis(400);
    TestNodes.Node alpha = nodes.start("alpha", c -> c.heartbeat(interval, timeout));
    TestNodes.Node beta = nodes.start("beta", c -> c.heartbeat(interval, Duration.ofSeconds(30)));
    GrpcLink link = (GrpcLink) alpha.dial(beta);
    acceptedOn(beta);
    within(Duration.ofSeconds(5)).until(() -> link.heartbeatRoundTrip().isPresent());

    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    alpha
        .transport()
        .timer()
        .execute(
            () -> {
              holding.countDown();
              awaitQuietly(release);
            });
    holding.await();
    beta.faults().pause(true);
    try {
      within(Duration.ofSeconds(10))
          .until(() -> System.nanoTime() - link.lastHeard() >= timeout.multipliedBy(3).toNanos());
      release.countDown();
      long released = System.nanoTime();

      // Beta stays silent while alpha runs: the pause delays the verdict, it does not cancel it.
      within(Duration.ofSeconds(10)).until(() -> alpha.handler().downOf(link).isPresent());
      RecordingHandler.Down down = alpha.handler().downOf(link).orElseThrow();
      assertThat(down.cause()).isEqualTo(Cause.HEARTBEAT_TIMEOUT);
      assertThat(down.detail()).contains("timeout 400 ms").contains("this node was held up for ");
      assertThat(Duration.ofNanos(down.atNanos() - released))
          .as("from the end of alpha's pause to the verdict")
          .isGreaterThanOrEqualTo(timeout.minus(interval.multipliedBy(2)))
          .isLessThanOrEqualTo(timeout.plus(DETECTION_SLACK));
    } finally {
      beta.faults().pause(false);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void heartbeats_idleHealthyLink_staysUpPastTheTimeoutAndMeasuresTheRoundTrip() {
    TestNodes.Node alpha =
        nodes.start("alpha", c -> c.heartbeat(Duration.ofMillis(50), Duration.ofMillis(300)));
    TestNodes.Node beta =
        nodes.start("beta", c -> c.heartbeat(Duration.ofMillis(50), Duration.ofMillis(300)));
    GrpcLink link = (GrpcLink) alpha.dial(beta);
    GrpcLink accepted = (GrpcLink) acceptedOn(beta);

    within(Duration.ofSeconds(5))
        .during(Duration.ofMillis(1000))
        .until(() -> alpha.handler().downs().isEmpty() && beta.handler().downs().isEmpty());

    assertThat(link.heartbeatRoundTrip()).hasValueSatisfying(rtt -> assertThat(rtt).isPositive());
    assertThat(accepted.heartbeatRoundTrip()).isPresent();
  }

  @Test
  void kill_peerCutsItsConnectionsWithoutGoodbye_reportedConnectionLostPromptly() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    TestNodes.Node gamma = nodes.start("gamma");
    Link toBeta = alpha.dial(beta);
    Link fromBeta = beta.dial(gamma);
    Link gammaSide = acceptedOn(gamma);

    long killed = System.nanoTime();
    beta.faults().kill();

    within(Duration.ofSeconds(3))
        .until(
            () ->
                alpha.handler().downOf(toBeta).isPresent()
                    && gamma.handler().downOf(gammaSide).isPresent());
    Duration detection = Duration.ofNanos(System.nanoTime() - killed);
    assertThat(alpha.handler().downOf(toBeta).orElseThrow().cause())
        .isEqualTo(Cause.CONNECTION_LOST);
    assertThat(gamma.handler().downOf(gammaSide).orElseThrow().cause())
        .isEqualTo(Cause.CONNECTION_LOST);
    assertThat(detection).isLessThan(TestNodes.scaled(Duration.ofSeconds(2)));
    assertThat(fromBeta.peer()).isEqualTo(gamma.id());
  }

  @Test
  void send_afterThePeerLeft_returnsFalse() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    Link link = alpha.dial(beta);
    acceptedOn(beta).close(Cause.REMOVED, "bye");

    within(Duration.ofSeconds(5)).until(() -> alpha.handler().downOf(link).isPresent());

    assertThat(
            link.send(
                new Frame.Monitor(
                    io.distproc.MonitorRef.of(Pid.of(alpha.id(), 1), Pid.of(beta.id(), 1), 1))))
        .isFalse();
  }
}
