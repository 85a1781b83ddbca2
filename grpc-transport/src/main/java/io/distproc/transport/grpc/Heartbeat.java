package io.distproc.transport.grpc;

import com.google.protobuf.ByteString;
import io.distproc.proto.v1.HeartbeatFrame;
import io.distproc.proto.v1.HeartbeatOpen;
import io.distproc.proto.v1.Ping;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * One link's heartbeats, on the link's own `Heartbeats` stream so that they never queue behind
 * bulk frames (gRPC flow control is per stream, and grpc-netty refills the connection window
 * as data arrives, so a stalled frame stream does not stall this one).
 *
 * Everything that writes to the heartbeat stream (open, pings, the end) runs on the transport's
 * timer thread: one thread, so one writer, with no lock. The inbound side (pings from the peer) is
 * called by gRPC and only stores volatile values.
 *
 * Every interval, `tick` sends a ping if the stream is ready (a peer that does not read its pings
 * gets none queued up). Liveness is checked apart from the pings, at the exact deadline: one
 * timer task is armed for `lastHeard + timeout`; when it runs and something (ping or frame)
 * arrived meanwhile, it re-arms itself for the new `lastHeard + timeout`, otherwise it declares
 * the link dead. Arrivals only store a volatile time, so a busy link costs one timer task per
 * `timeout - interval` or so, never one per ping or frame. A hung peer is thus noticed `timeout`
 * after it last spoke, late only by the timer's scheduling delay (milliseconds).
 *
 * Time this node itself was held up does not count against the peer (LocalStalls): when the
 * timer's own runs (ticks and checks) come more than two intervals apart, this JVM was paused or
 * starved (GC, CPU), heard nothing meanwhile, and would otherwise take its own pause for the
 * peer's silence (a flood on a loaded 2-core machine did exactly that). The peer is declared
 * down once it has been silent for `timeout` of the time this node was running; a long pause of
 * this node thus delays the verdict by that pause, never more. The same holds on the peer's side
 * for its own pauses, so a pause of either node alone takes no link down: only silence longer
 * than the timeout while the observer runs does. While the
 * fault seam says the node is paused (tests), the check re-arms every interval and declares
 * nothing. A link that is closing keeps pinging until its frame stream has ended, so that the
 * peer, still reading the flushed frames, does not take the flush for a hang; its liveness check
 * stops, since the link has ended already (linkEnded).
 *
 * The heartbeat knows its link only as a name for logs and a Silence to tell; `lastHeard` is its
 * own (the link's reader stores arrivals in it).
 *
 * Round trip without replies: each ping echoes the send time of the latest ping received from the
 * peer and how long it was held here; the peer subtracts both from its clock.
 */
/** The heartbeat stream, liveness check and round-trip measurement of one link. */
final class Heartbeat {
  private static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  private record Echo(long peerSentNanos, long receivedAtNanos) {}

  /** Told when the peer has been silent for longer than the timeout. */
  interface Silence {
    /**
     * The peer said nothing for {@code silent}, of which this node was held up for {@code held}
     * (not counted), and the rest is longer than {@code timeout}. Timer thread.
     */
    void timedOut(Duration silent, Duration held, Duration timeout);
  }

  private final Object link; // names the link in logs (its toString)
  private final TimerThread timer;
  private final FaultSeam faults;
  private final Silence silence;
  private final long intervalNanos;
  private final long timeoutNanos;

  // Timer-thread-confined.
  private @Nullable CallStreamObserver<HeartbeatFrame> out;
  private boolean outIsClient;
  private long sequence;
  private @Nullable ScheduledFuture<?> ticks;
  private @Nullable ScheduledFuture<?> check;
  private boolean stopped;
  private final LocalStalls stalls;
  private final Runnable checkTask = this::checkSilence;

  // Written by gRPC's inbound callbacks, read by the timer thread.
  private volatile @Nullable Echo lastPing;
  private volatile long roundTripNanos = -1;

  /** When anything (ping or frame) last arrived; written by gRPC's callbacks, read by the timer. */
  private volatile long lastHeard = System.nanoTime();

  /** Set once by the link when it has ended: the liveness check then has nothing to declare. */
  private volatile boolean linkEnded;

  /**
   * @param link names the link in logs (its toString)
   * @param silence told once the peer has been silent for longer than {@code timeout}
   */
  Heartbeat(
      Object link,
      TimerThread timer,
      FaultSeam faults,
      Duration interval,
      Duration timeout,
      Silence silence) {
    this.link = link;
    this.timer = timer;
    this.faults = faults;
    this.silence = silence;
    this.intervalNanos = interval.toNanos();
    this.timeoutNanos = timeout.toNanos();
    this.stalls = new LocalStalls(intervalNanos, 2 * timeoutNanos);
  }

  /** Records that something arrived from the peer at {@code nanos}. Any thread. */
  void heard(long nanos) {
    lastHeard = nanos;
  }

  /** When anything last arrived from the peer ({@link System#nanoTime()}). */
  long lastHeard() {
    return lastHeard;
  }

  /**
   * The link has ended: no liveness verdict is wanted any more. Pings go on until {@link #stop}.
   */
  void linkEnded() {
    linkEnded = true;
  }

  /** Starts the periodic ping and the liveness check. Once, when the link is up. */
  void start() {
    timer.execute(
        () -> {
          if (!stopped && ticks == null) {
            stalls.ran(System.nanoTime());
            ticks =
                timer
                    .executor()
                    .scheduleAtFixedRate(
                        this::tick, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
            armCheck(lastHeard + timeoutNanos);
          }
        });
  }

  /** Arms the liveness check for the given {@link System#nanoTime()}. Timer thread. */
  private void armCheck(long atNanos) {
    check = timer.executor().schedule(checkTask, atNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  /** The liveness check: runs at the deadline of the last thing heard. Timer thread. */
  private void checkSilence() {
    if (stopped || linkEnded) {
      return;
    }
    long now = System.nanoTime();
    stalls.ran(now);
    try {
      if (faults.paused()) {
        armCheck(now + intervalNanos);
        return;
      }
      long heard = lastHeard;
      long silent = now - heard;
      long held = stalls.within(heard, now);
      long peerSilent = silent - held;
      if (peerSilent >= timeoutNanos) {
        silence.timedOut(
            Duration.ofNanos(silent), Duration.ofNanos(held), Duration.ofNanos(timeoutNanos));
        return;
      }
      armCheck(now + timeoutNanos - peerSilent);
    } catch (RejectedExecutionException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> link + ": liveness check ended: timer stopped");
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, link + ": liveness check failed", e);
    }
  }

  /** The dialler opens the stream on the link's channel and names the link by its token. */
  void openClient(ManagedChannel channel, byte[] token) {
    timer.execute(
        () -> {
          if (stopped) {
            return;
          }
          ClientResponseObserver<HeartbeatFrame, HeartbeatFrame> inbound = new ClientInbound();
          StreamObserver<HeartbeatFrame> call =
              ClientCalls.asyncBidiStreamingCall(
                  channel.newCall(Methods.HEARTBEATS, CallOptions.DEFAULT), inbound);
          out = (ClientCallStreamObserver<HeartbeatFrame>) call;
          outIsClient = true;
          call.onNext(
              HeartbeatFrame.newBuilder()
                  .setOpen(HeartbeatOpen.newBuilder().setLinkToken(ByteString.copyFrom(token)))
                  .build());
        });
  }

  /** The acceptor attaches the stream the dialler opened for this link. */
  void attachServer(CallStreamObserver<HeartbeatFrame> stream) {
    timer.execute(
        () -> {
          if (stopped || out != null) {
            stream.onError(
                Status.FAILED_PRECONDITION
                    .withDescription(stopped ? "link closed" : "heartbeat stream already open")
                    .asRuntimeException());
            return;
          }
          out = stream;
          outIsClient = false;
        });
  }

  /** A ping arrived from the peer. Called by gRPC. */
  void onPing(Ping ping) {
    long now = System.nanoTime();
    lastHeard = now;
    if (ping.getEchoSentNanos() != 0) {
      long rtt = now - ping.getEchoSentNanos() - ping.getEchoHoldNanos();
      if (rtt >= 0) {
        roundTripNanos = rtt;
      }
    }
    lastPing = new Echo(ping.getSentNanos(), now);
  }

  /** The last measured round trip, if any. */
  Optional<Duration> roundTrip() {
    long rtt = roundTripNanos;
    return rtt < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(rtt));
  }

  /** Stops pinging and ends the heartbeat stream. Idempotent. */
  void stop() {
    timer.execute(
        () -> {
          if (stopped) {
            return;
          }
          stopped = true;
          if (ticks != null) {
            ticks.cancel(false);
          }
          if (check != null) {
            check.cancel(false);
          }
          CallStreamObserver<HeartbeatFrame> o = out;
          out = null;
          if (o != null) {
            try {
              if (outIsClient) {
                ((ClientCallStreamObserver<HeartbeatFrame>) o).cancel("link closed", null);
              } else {
                o.onCompleted();
              }
            } catch (RuntimeException e) {
              LOG.log(System.Logger.Level.DEBUG, () -> link + ": heartbeat stream end: " + e);
            }
          }
        });
  }

  /** Names the link, for logs. */
  @Override
  public String toString() {
    return String.valueOf(link);
  }

  private void tick() {
    long now = System.nanoTime();
    stalls.ran(now);
    if (stopped || faults.paused()) {
      return;
    }
    CallStreamObserver<HeartbeatFrame> o = out;
    if (o == null || !o.isReady()) {
      return;
    }
    Ping.Builder ping = Ping.newBuilder().setSequence(++sequence).setSentNanos(now);
    Echo echo = lastPing;
    if (echo != null) {
      ping.setEchoSentNanos(echo.peerSentNanos()).setEchoHoldNanos(now - echo.receivedAtNanos());
    }
    try {
      o.onNext(HeartbeatFrame.newBuilder().setPing(ping).build());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> link + ": heartbeat not sent: " + e);
      out = null;
    }
  }

  /** The dialler's inbound side of the heartbeat stream. */
  private final class ClientInbound
      implements ClientResponseObserver<HeartbeatFrame, HeartbeatFrame> {
    @Override
    public void beforeStart(ClientCallStreamObserver<HeartbeatFrame> requestStream) {}

    @Override
    public void onNext(HeartbeatFrame frame) {
      if (frame.hasPing()) {
        onPing(frame.getPing());
      }
    }

    @Override
    public void onError(Throwable t) {
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> link + ": heartbeat stream ended: " + Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      LOG.log(System.Logger.Level.DEBUG, () -> link + ": heartbeat stream completed by the peer");
    }
  }
}
