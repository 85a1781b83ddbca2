package io.distproc.transport.grpc;

import static io.distproc.transport.grpc.TestNodes.scaled;
import static io.distproc.transport.grpc.TestNodes.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.internal.Frame;
import io.grpc.stub.ClientCallStreamObserver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outbox's end, on a stream that records what it is given. */
class OutboxTest {
  private static final Pid TO = Pid.of(NodeId.of("beta", 1), 1);
  private static final Duration WAIT = scaled(Duration.ofSeconds(10));

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /**
   * A link retired as a duplicate flushes what it accepted before its goodbye, while its senders
   * are still sending: each frame whose send returned true is written, none is dropped. A sender
   * that found the outbox accepting used to queue its frame after the writer's last look at the
   * queue, and the frame was dropped (one in 9,952 in a CI run of LinkLifecycleTest).
   */
  @Test
  void flushingFinish_whileSendersSend_writesEveryFrameWhoseSendReturnedTrue() throws Exception {
    for (int round = 0; round < 300; round++) {
      Recorder stream = new Recorder();
      CountDownLatch finished = new CountDownLatch(1);
      Outbox outbox =
          new Outbox("link", finished::countDown, executor, TransportSettings.defaults());
      outbox.attach(FrameStream.client(stream, FaultSeam.NONE));
      outbox.open(null);
      AtomicInteger started = new AtomicInteger();
      List<Future<Integer>> senders =
          List.of(
              executor.submit(() -> sendAll(outbox, started)),
              executor.submit(() -> sendAll(outbox, started)));
      within(Duration.ofSeconds(10)).until(() -> started.get() >= 200);

      outbox.stopAccepting();
      outbox.finish(Outbox.Finish.flushThen(null));

      int accepted = 0;
      for (Future<Integer> sender : senders) {
        accepted += sender.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(finished.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .as("the stream ended")
          .isTrue();
      assertThat(stream.completed).isTrue();
      assertThat(stream.frames.get()).as("frames written in round " + round).isEqualTo(accepted);
    }
  }

  private static int sendAll(Outbox outbox, AtomicInteger started) {
    int accepted = 0;
    while (outbox.send(new Frame.Send(TO, null, ByteBuffer.allocate(4).putInt(accepted).array()))) {
      accepted++;
      started.incrementAndGet();
    }
    return accepted;
  }

  /** A client call that decodes and counts the frames written to it. */
  private static final class Recorder extends ClientCallStreamObserver<byte[]> {
    private final FrameCodec codec = new FrameCodec();
    final AtomicInteger frames = new AtomicInteger();
    volatile boolean completed;

    @Override
    public void onNext(byte[] value) {
      List<Frame> batch = codec.decodeBatch(value);
      frames.addAndGet(batch == null ? 1 : batch.size());
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {
      completed = true;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setOnReadyHandler(Runnable onReadyHandler) {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void cancel(@Nullable String message, @Nullable Throwable cause) {}
  }
}
