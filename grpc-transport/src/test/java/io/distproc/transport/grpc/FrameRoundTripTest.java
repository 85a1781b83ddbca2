package io.distproc.transport.grpc;

import static io.distproc.transport.grpc.TestNodes.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.MonitorRef;
import io.distproc.NodeDownEvent;
import io.distproc.Pid;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Link;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameRoundTripTest {
  private final TestNodes nodes = new TestNodes();

  @AfterEach
  void closeNodes() {
    nodes.close();
  }

  /** The link {@code to} accepted from {@code from}, once it is up. */
  private static Link acceptedOn(TestNodes.Node to) {
    within(Duration.ofSeconds(5)).until(() -> !to.handler().ups().isEmpty());
    return to.handler().ups().getFirst();
  }

  @Test
  void send_everyFrameTypeAndReason_arrivesUnchangedAndInOrder() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    Link link = alpha.dial(beta);
    List<Frame> sent = SampleFrames.everyKind(alpha.id(), beta.id());

    for (Frame frame : sent) {
      assertThat(link.send(frame)).isTrue();
    }
    Link accepted = acceptedOn(beta);
    for (Frame frame : sent) {
      assertThat(accepted.send(frame)).isTrue();
    }

    within(Duration.ofSeconds(5))
        .until(
            () ->
                beta.handler().framesOn(accepted).size() == sent.size()
                    && alpha.handler().framesOn(link).size() == sent.size());
    assertThat(FrameText.of(beta.handler().framesOn(accepted)))
        .containsExactlyElementsOf(FrameText.of(sent));
    assertThat(FrameText.of(alpha.handler().framesOn(link)))
        .containsExactlyElementsOf(FrameText.of(sent));
  }

  @Test
  void send_aMillionSendFrames_arriveInOrderNoneLostOrDoubled() {
    int count = 1_000_000;
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    AtomicLong next = new AtomicLong();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    beta.handler()
        .onFrame(
            (l, frame) -> {
              long seq = ByteBuffer.wrap(((Frame.Send) frame).payload()).getLong();
              long expected = next.getAndIncrement();
              if (seq != expected && wrong.size() < 10) {
                wrong.add("got " + seq + ", expected " + expected);
              }
            });
    Link link = alpha.dial(beta);
    Pid from = Pid.of(alpha.id(), 1);
    Pid to = Pid.of(beta.id(), 1);

    long start = System.nanoTime();
    for (long i = 0; i < count; i++) {
      link.send(new Frame.Send(to, from, ByteBuffer.allocate(8).putLong(i).array()));
    }
    within(Duration.ofSeconds(60)).until(() -> next.get() >= count);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(wrong).isEmpty();
    assertThat(next.get()).isEqualTo(count);
    assertThat(took).isLessThan(TestNodes.scaled(Duration.ofSeconds(20)));
    System.out.println("1,000,000 frames in " + took.toMillis() + " ms");
  }

  @Test
  void send_a64MegabytePayload_arrivesIntactBeforeTheFramesSentAfterIt() {
    TestNodes.Node alpha = nodes.start("alpha");
    TestNodes.Node beta = nodes.start("beta");
    Link link = alpha.dial(beta);
    byte[] payload = new byte[64 * 1024 * 1024];
    new Random(64).nextBytes(payload);
    Pid to = Pid.of(beta.id(), 3);
    MonitorRef ref = MonitorRef.of(Pid.of(alpha.id(), 1), to, 1);

    assertThat(link.send(new Frame.Send(to, null, payload))).isTrue();
    assertThat(link.send(new Frame.Monitor(ref))).isTrue();
    assertThat(link.send(new Frame.Send(to, null, new byte[] {1}))).isTrue();

    Link accepted = acceptedOn(beta);
    within(Duration.ofSeconds(30)).until(() -> beta.handler().framesOn(accepted).size() == 3);
    List<Frame> got = beta.handler().framesOn(accepted);
    assertThat(got.get(0)).isInstanceOf(Frame.Send.class);
    assertThat(((Frame.Send) got.get(0)).payload()).isEqualTo(payload);
    assertThat(got.get(1)).isEqualTo(new Frame.Monitor(ref));
    assertThat(((Frame.Send) got.get(2)).payload()).containsExactly(1);
    assertThat(((GrpcLink) link).queuedBytes()).isZero();
  }

  @Test
  void send_slowReceiver_blocksTheSenderWithinTheBoundAndHeartbeatsStillFlow() {
    long bound = 1 << 20;
    TestNodes.Node alpha =
        nodes.start(
            "alpha",
            c -> c.heartbeat(Duration.ofMillis(100), Duration.ofMillis(800)),
            TransportSettings.defaults().withMaxQueuedBytes(bound));
    TestNodes.Node beta =
        nodes.start("beta", c -> c.heartbeat(Duration.ofMillis(100), Duration.ofMillis(800)));
    AtomicLong next = new AtomicLong();
    AtomicBoolean ordered = new AtomicBoolean(true);
    beta.handler()
        .blockingFrames()
        .onFrame(
            (l, frame) -> {
              long seq = ByteBuffer.wrap(((Frame.Send) frame).payload()).getLong();
              if (seq != next.getAndIncrement()) {
                ordered.set(false);
              }
            });
    GrpcLink link = (GrpcLink) alpha.dial(beta);
    Pid to = Pid.of(beta.id(), 1);
    int total = 60_000; // 60 MB: far more than the bound plus every window on the way
    AtomicLong sent = new AtomicLong();
    AtomicLong maxQueued = new AtomicLong();
    Thread sender =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; i < total; i++) {
                    byte[] payload = ByteBuffer.allocate(1024).putLong(i).array();
                    link.send(new Frame.Send(to, null, payload));
                    sent.incrementAndGet();
                    maxQueued.accumulateAndGet(link.queuedBytes(), Math::max);
                  }
                });

    // Every window on the way fills up, then the sender stays blocked for longer than the
    // heartbeat timeout, and neither side declares the other dead.
    AtomicLong lastSeen = new AtomicLong(-1);
    within(Duration.ofSeconds(15))
        .during(Duration.ofMillis(1500))
        .until(() -> sent.get() == lastSeen.getAndSet(sent.get()) && link.hasBlockedSenders());
    long blockedAt = sent.get();
    assertThat(link.queuedBytes()).isLessThanOrEqualTo(bound);
    assertThat(maxQueued.get()).isLessThanOrEqualTo(bound);
    assertThat(blockedAt).isLessThan(total);
    assertThat(alpha.handler().downs()).isEmpty();
    assertThat(beta.handler().downs()).isEmpty();

    beta.handler().releaseAll();
    within(Duration.ofSeconds(30)).until(() -> next.get() == total);
    assertThat(ordered).isTrue();
    assertThat(sender.isAlive()).isFalse();
  }

  @Test
  void send_blockedWhenTheLinkCloses_returnsFalseAndDropsTheFrame() throws Exception {
    long bound = 64 << 10;
    TestNodes.Node alpha =
        nodes.start("alpha", c -> c, TransportSettings.defaults().withMaxQueuedBytes(bound));
    TestNodes.Node beta = nodes.start("beta");
    beta.handler().blockingFrames();
    GrpcLink link = (GrpcLink) alpha.dial(beta);
    Pid to = Pid.of(beta.id(), 1);
    List<Boolean> results = new ArrayList<>();
    Thread sender =
        Thread.ofVirtual()
            .start(
                () -> {
                  boolean ok = true;
                  while (ok) {
                    ok = link.send(new Frame.Send(to, null, new byte[1024]));
                  }
                  results.add(ok);
                });
    within(Duration.ofSeconds(10)).until(link::hasBlockedSenders);

    link.close(NodeDownEvent.Cause.REMOVED, "removed by the test");

    sender.join(TestNodes.scaled(Duration.ofSeconds(5)));
    assertThat(sender.isAlive()).isFalse();
    assertThat(results).containsExactly(false);
    assertThat(link.send(new Frame.Send(to, null, new byte[1]))).isFalse();
    within(Duration.ofSeconds(5)).until(() -> alpha.handler().downOf(link).isPresent());
    assertThat(alpha.handler().downOf(link).orElseThrow().cause())
        .isEqualTo(NodeDownEvent.Cause.REMOVED);
  }
}
