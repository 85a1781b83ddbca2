package io.distproc.transport.grpc;

import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.proto.v1.GoodbyeReason;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Link;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * One link to one peer: one `NodeLink/Frames` call (this node is the client if it dialled, the
 * server if it accepted) plus one `NodeLink/Heartbeats` call on the same connection. This class
 * is what both sides share; DialledLink and AcceptedLink add what only one side does (the
 * dialler's channel and connect future; the acceptor's link token and Welcome). A link has parts,
 * each given a narrow view (a Runnable, a small interface, the runtime's Link) and none the link
 * itself: the Outbox (writer), the Inbox (deliverer), the Heartbeat (timer), the WireReader and
 * the side's handshake state machine (reader). What it needs of the transport is its LinkContext;
 * it never sees the transport. Three roles touch it, each with its own confinement:
 *
 *   - the READER: gRPC's inbound callbacks of the frames call (`onWire`, `onStreamEnd`), which
 *     gRPC serializes per call. It owns the WireReader and, through it, the handshake machine.
 *   - the WRITER: the Outbox's drain (see Outbox), the only code that writes to the frames call.
 *   - the DELIVERER: whoever drains the Inbox (the reader itself for batches of envelopes, else
 *     a virtual thread of the link), the only code that calls the LinkHandler.
 *   The timer thread runs heartbeats (see Heartbeat) and the handshake and close deadlines.
 *
 * PHASES. HANDSHAKE: the dialler has written its Hello and waits for Welcome/Reject; the acceptor
 * waits for a Hello. Nothing but the handshake is read or written: each frame goes to the side's
 * state machine, and the link acts on the step it returns (a reply to write, a refusal, or
 * agreement); `refuse` is the one place a refusal is carried out. On agreement the link moves to
 * OPEN, but asks gRPC for no further message (and the acceptor writes no Welcome) until the
 * runtime has answered linkUp (the link-up task, on the deliverer): the runtime registers the
 * link before the dialler can learn that it exists, which is how the runtime settles duplicate
 * links without a false node-down. linkUp true: the acceptor's Welcome, then whatever the runtime
 * queued meanwhile; false: Reject(REFUSED) from the acceptor, Goodbye(REFUSED) from the dialler;
 * either way it is only then that a dialler's connect future completes.
 *
 * END. Exactly one decision ends a link (`ended`, first wins), and it says three things: the
 * cause reported to linkDown (none for a link the runtime never kept), how the stream ends (an
 * Outbox.Finish) and whether frames not yet delivered are dropped (only when the runtime asked:
 * Link.close, Transport.close). Remote ends (Goodbye: PEER_LEFT; error or EOF without Goodbye:
 * CONNECTION_LOST) deliver every frame received before them first, and so do heartbeat timeouts
 * and protocol errors (reported as CONNECTION_LOST with the reason; both abort the stream
 * without a goodbye). Link.close flushes what is queued, then says goodbye, within the close
 * grace. Link.retire (a duplicate) does too, but goes on reading and delivering, with the stream
 * held open, until the peer, told by the goodbye's REMOVED, has flushed and closed its side (or
 * the grace runs out): only then does the Inbox end, so nothing the peer sent before it learnt
 * of the retirement is lost. Whatever the decision, the Inbox reports linkDown after the last frame it delivers, once,
 * and only for a link that linkUp kept. Heartbeats go on until the writer has ended the stream.
 *
 * ORDERING. Fields set in the constructors are final. The handshake's results (`peer`,
 * `peerAddress`, `minorVersion`, then `phase`) are volatile, written by the reader before the
 * link-up task is queued, so the runtime and every sender read them set; `goodbyeReceived` is
 * volatile, written by the reader. `frames` is volatile, set once when the call starts (before
 * the first read); `handshakeDeadline` is volatile, set once after the first frame is queued.
 *
 * SIZE. This class is over the 500 lines the style reviews (this note is a tenth of it, and
 * google-java-format's one argument a line a good part of the rest). What is left here is the phases and the END decision, which every cause of an end reaches
 * (reader, deliverer, timer, senders, the transport): they stay in one class so that the
 * one-decision rule reads in one place. What one side alone does is in DialledLink and
 * AcceptedLink, the handshake's rules in the two state machines, the reading in WireReader.
 */
/** One link: the frames stream, the handshake, its end, and the runtime's view of it. */
abstract sealed class GrpcLink implements Link permits DialledLink, AcceptedLink {
  static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  final LinkContext ctx;
  final String remote; // the dialled host:port, or the accepted socket's address
  final Outbox outbox;
  final Inbox inbox;
  final Heartbeat heartbeat;
  private final long serial;

  /** Reader-confined: the inbound messages, and the side's handshake machine behind them. */
  private final WireReader wire;

  /** Set once by the reader in the handshake, before the link reaches the runtime. */
  private volatile @Nullable NodeId peer;

  private volatile String peerAddress = "";
  private volatile boolean open;

  /**
   * The link's minor version of the protocol (see link.proto): written by the reader at the end of
   * the handshake, before the runtime hears of the link, so every sender reads it set.
   */
  private volatile int minorVersion;

  private volatile boolean goodbyeReceived;

  /**
   * Set by {@link #retire}, just before it ends the link: frames are still read and delivered, and
   * the stream kept open after the goodbye, until the peer closes its side (or the close grace runs
   * out); then {@link #drained} ends both ({@code drainEnded}).
   */
  private volatile boolean draining;

  private volatile String drainDetail = "";
  private final AtomicBoolean drainEnded = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  volatile @Nullable FrameStream frames;

  /**
   * The handshake deadline, cancelled when the handshake completes or the link ends, so that a
   * flood of short-lived streams does not keep their links reachable from the timer's queue.
   */
  private volatile Future<?> handshakeDeadline = CompletableFuture.completedFuture(null);

  /**
   * @param handshake the side's handshake state machine
   * @param codec the reader's codec, which the machine shares
   */
  GrpcLink(LinkContext ctx, String remote, WireReader.Handshaking handshake, FrameCodec codec) {
    this.ctx = ctx;
    this.serial = ctx.table().nextSerial();
    this.remote = remote;
    this.wire = new WireReader(handshake, codec, ctx.limits().maxMessageBytes());
    this.outbox = new Outbox(this, this::streamFinished, ctx.writers(), ctx.limits());
    this.inbox =
        new Inbox(
            this,
            ctx.handler(),
            ctx.faults(),
            ctx.threads().virtual("link"),
            this::requestMore,
            () -> ctx.table().remove(this));
    this.heartbeat =
        new Heartbeat(
            this,
            ctx.timer(),
            ctx.faults(),
            ctx.heartbeatInterval(),
            ctx.heartbeatTimeout(),
            this::heartbeatTimedOut);
  }

  // ---- what one side does that the other does not ----------------------------------------------

  /** The handshake agreed (reader), before the link-up task is queued. */
  abstract void agreed(HandshakeStep.Agreed agreed);

  /**
   * The link-up task's first step, before the runtime is asked (deliverer).
   *
   * @return false if the link was refused instead
   */
  abstract boolean beforeLinkUp();

  /** The handshake frame that opens the link once the runtime kept it, or null for none. */
  abstract @Nullable LinkFrame opening();

  /** The runtime kept the link and it is open (deliverer). */
  abstract void opened();

  /** The link failed before the runtime kept it; a dialler's connect fails with {@code cause}. */
  abstract void connectFailed(Throwable cause);

  /** The link has just ended (the end decision's thread). */
  abstract void ended(String detail);

  // ---- creation --------------------------------------------------------------------------------

  /** Adds the link to the transport's table, or shuts it down if the transport closed. */
  final void register() {
    if (!ctx.table().add(this)) {
      shutdown(); // raced with close(), which may not have seen it
    }
  }

  /** Ends the link unless its handshake is done within the handshake timeout. */
  final void startHandshakeDeadline() {
    handshakeDeadline =
        ctx.timer().scheduleCancellable(this::handshakeExpired, ctx.handshakeTimeout());
    if (ended.get()) {
      handshakeDeadline.cancel(false);
    }
  }

  private void handshakeExpired() {
    if (open || ended.get()) {
      return;
    }
    String why =
        "no "
            + (outbound() ? "answer to the hello" : "hello")
            + " within "
            + ctx.handshakeTimeout().toMillis()
            + " ms";
    LOG.log(System.Logger.Level.DEBUG, () -> this + ": " + why);
    end(
        NodeDownEvent.Cause.CONNECTION_LOST,
        why,
        Outbox.Finish.abort(Status.DEADLINE_EXCEEDED.withDescription(why)),
        true);
  }

  final long serial() {
    return serial;
  }

  /** Tells whether the handshake has agreed. */
  final boolean isOpen() {
    return open;
  }

  /** The link's minor version of the protocol, once the handshake has agreed. */
  final int minorVersion() {
    return minorVersion;
  }

  // ---- Link ------------------------------------------------------------------------------------

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException before the handshake has agreed (the runtime never has the link
   *     then)
   */
  @Override
  public final NodeId peer() {
    NodeId p = peer;
    if (p == null) {
      throw new IllegalStateException(this + ": the handshake has not named the peer yet");
    }
    return p;
  }

  @Override
  public final String peerAddress() {
    return peerAddress;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the frame's payload or argument is larger than the
   *     transport's message limit ({@value TransportSettings#MAX_MESSAGE_BYTES_PROPERTY})
   */
  @Override
  public final boolean send(Frame frame) {
    Objects.requireNonNull(frame, "frame");
    FrameCodec.checkSize(frame, ctx.limits().maxMessageBytes());
    int minor = minorVersion;
    if (FrameCodec.minorVersionOf(frame) > minor) {
      frame = FrameCodec.forOlderPeer(frame, minor, peer());
    }
    return !ended.get() && outbox.send(frame);
  }

  @Override
  public final void close(NodeDownEvent.Cause cause, String detail) {
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(detail, "detail");
    GoodbyeReason reason =
        switch (cause) {
          case LOCAL_SHUTDOWN -> GoodbyeReason.GOODBYE_REASON_SHUTDOWN;
          case REMOVED -> GoodbyeReason.GOODBYE_REASON_REMOVED;
          default -> GoodbyeReason.GOODBYE_REASON_CLOSED;
        };
    leave(cause, detail, reason, true);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here the link also goes on reading until the peer has closed its side (it does once it reads
   * the goodbye), or the close grace runs out, and delivers what it reads: the frames the peer sent
   * on it before it learnt that this side retired it are not lost.
   */
  @Override
  public final void retire(String detail) {
    Objects.requireNonNull(detail, "detail");
    LinkFrame goodbye = Handshake.goodbye(GoodbyeReason.GOODBYE_REASON_REMOVED, detail);
    drainDetail = detail;
    draining = true; // before the end: a reader that sees the link ended sees it draining
    if (stop(Outbox.Finish.flushThenHold(goodbye), detail)) {
      ctx.timer()
          .schedule(
              () -> {
                outbox.abortIfNotDone(Status.CANCELLED.withDescription("close grace expired"));
                drained(false);
              },
              ctx.limits().closeGrace());
    }
  }

  /**
   * A retired link has read its last frame (or stopped waiting for it): its stream ends ({@code
   * gone} if gRPC has ended the call already), then linkDown follows the frames read.
   */
  private void drained(boolean gone) {
    if (draining && drainEnded.compareAndSet(false, true)) {
      outbox.release(gone);
      inbox.end(NodeDownEvent.Cause.REMOVED, drainDetail, false);
    }
  }

  /** Tells whether frames read now are delivered: the link is up, or retired and draining. */
  private boolean reading() {
    return !ended.get() || (draining && !drainEnded.get());
  }

  /** Flushes what is queued, then says goodbye, within the close grace. */
  private void leave(
      NodeDownEvent.Cause cause, String detail, GoodbyeReason reason, boolean dropUndelivered) {
    LinkFrame goodbye = Handshake.goodbye(reason, detail);
    if (end(cause, detail, Outbox.Finish.flushThen(goodbye), dropUndelivered)) {
      ctx.timer()
          .schedule(
              () -> outbox.abortIfNotDone(Status.CANCELLED.withDescription("close grace expired")),
              ctx.limits().closeGrace());
    }
  }

  /** Closes the link as part of {@link GrpcTransport#close()}. */
  void shutdown() {
    String why = "node " + ctx.nodeName() + " is shutting down";
    if (!open) {
      end(
          NodeDownEvent.Cause.LOCAL_SHUTDOWN,
          why,
          Outbox.Finish.abort(Status.UNAVAILABLE.withDescription(why)),
          true);
    } else {
      close(NodeDownEvent.Cause.LOCAL_SHUTDOWN, why);
    }
  }

  // ---- inbound (reader) ------------------------------------------------------------------------

  /** A gRPC message arrived on the frames stream. Reader. */
  final void onWire(byte[] bytes) {
    heartbeat.heard(System.nanoTime());
    if (!reading() || goodbyeReceived) {
      return;
    }
    try {
      switch (wire.read(bytes, open)) {
        case WireReader.Deliver d -> inbox.deliver(d.frames());
        case WireReader.Partial p -> requestMore();
        case WireReader.Left l -> {
          goodbyeReceived = true;
          if (draining) {
            drained(false); // both sides retired this link at once
          } else if (l.peerReads()) {
            // The peer retired a duplicate and reads until this side ends: flush what is queued.
            if (end(
                NodeDownEvent.Cause.PEER_LEFT, l.detail(), Outbox.Finish.flushThen(null), false)) {
              ctx.timer()
                  .schedule(
                      () ->
                          outbox.abortIfNotDone(
                              Status.CANCELLED.withDescription("close grace expired")),
                      ctx.limits().closeGrace());
            }
          } else {
            end(NodeDownEvent.Cause.PEER_LEFT, l.detail(), Outbox.Finish.now(null), false);
          }
        }
        case WireReader.Step s -> onHandshake(s.step());
      }
    } catch (ProtocolException e) {
      protocolError(e.getMessage());
    }
  }

  /** Acts on what the handshake machine decided about the last frame. Reader. */
  private void onHandshake(HandshakeStep step) {
    switch (step) {
      case HandshakeStep.Reply r -> {
        outbox.handshake(r.frame());
        requestMore();
      }
      case HandshakeStep.Refusal r -> refuse(r);
      case HandshakeStep.Agreed a -> {
        peer = a.peer();
        peerAddress = a.address();
        minorVersion = a.minorVersion();
        open = true;
        handshakeDeadline.cancel(false);
        agreed(a);
        inbox.linkUp(this::linkUp); // no further message is requested before the runtime answers
      }
    }
  }

  /** Carries out a refusal of the link before the runtime has it: the one place that does. */
  final void refuse(HandshakeStep.Refusal r) {
    switch (r.log()) {
      case PEERS_FAULT -> ctx.badLinks().closing(this, r.line());
      case WARNING -> LOG.log(System.Logger.Level.WARNING, () -> this + ": " + r.line());
      case DEBUG -> LOG.log(System.Logger.Level.DEBUG, () -> this + ": " + r.line());
      case NONE -> {}
    }
    if (r.failure() != null) {
      connectFailed(r.failure());
    }
    end(NodeDownEvent.Cause.CONNECTION_LOST, r.detail(), Outbox.Finish.now(r.last()), true);
  }

  /** The frames call ended from the gRPC side; {@code status} is null for a normal end. Reader. */
  final void onStreamEnd(@Nullable Status status) {
    if (draining) {
      drained(status != null); // the peer closed its side of a retired link: nothing more comes
      return;
    }
    if (goodbyeReceived || ended.get()) {
      return;
    }
    String detail = CallEndTracer.describe(status);
    boolean refusedByGrpc =
        status != null
            && (status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                || status.getCode() == Status.Code.INTERNAL);
    if (refusedByGrpc) {
      ctx.badLinks().closing(this, detail);
    } else {
      LOG.log(System.Logger.Level.DEBUG, () -> this + ": " + detail);
    }
    if (!open) {
      String why = "cannot link to " + remote + ": " + detail;
      connectFailed(
          status == null
              ? new HandshakeException(why)
              : new HandshakeException(why, status.asRuntimeException()));
    }
    end(
        NodeDownEvent.Cause.CONNECTION_LOST,
        detail,
        status == null ? Outbox.Finish.now(null) : Outbox.Finish.gone(),
        false);
  }

  /** The peer broke the contract: close the link, never the node. */
  private void protocolError(String why) {
    ctx.badLinks().closing(this, "protocol error: " + why);
    if (draining) {
      outbox.abortIfNotDone(Status.INVALID_ARGUMENT.withDescription(why));
      drained(false);
      return;
    }
    end(
        NodeDownEvent.Cause.CONNECTION_LOST,
        "protocol error: " + why,
        Outbox.Finish.abort(Status.INVALID_ARGUMENT.withDescription(why)),
        false);
  }

  // ---- linkUp (deliverer) ----------------------------------------------------------------------

  /** The link-up task: asks the runtime whether to keep the link, and opens it. Deliverer. */
  private void linkUp() {
    if (ended.get() || !beforeLinkUp()) {
      return;
    }
    boolean keep;
    try {
      keep = ctx.handler().linkUp(this);
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.ERROR, this + ": the runtime's linkUp threw; refusing", t);
      keep = false;
    }
    if (!keep) {
      refuse(
          HandshakeStep.Refusal.byRuntime(
              outbound(),
              peer(),
              "refused by node " + ctx.nodeName() + " (a duplicate, or itself)"));
      return;
    }
    inbox.keep();
    outbox.open(opening());
    heartbeat.heard(System.nanoTime());
    heartbeat.start();
    FrameStream f = frames;
    if (f != null && !ended.get()) {
      request(f, ctx.limits().inboundWindow());
    }
    opened();
  }

  /** Tells whether the runtime kept the link. */
  final boolean kept() {
    return inbox.kept();
  }

  /** Asks gRPC for the next frame after one was delivered. Deliverer or reader. */
  private void requestMore() {
    FrameStream f = frames;
    if (f != null && reading()) {
      request(f, 1);
    }
  }

  private void request(FrameStream f, int n) {
    try {
      f.request(n);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> this + ": request failed: " + e);
    }
  }

  // ---- end -------------------------------------------------------------------------------------

  /**
   * Ends the link; the first call wins.
   *
   * @param cause reported to linkDown if the runtime kept (or, racing with this, keeps) the link
   * @param how how the frame stream ends
   * @param dropUndelivered whether frames received and not yet delivered are dropped
   * @return whether this call ended it
   */
  final boolean end(
      NodeDownEvent.Cause cause, String detail, Outbox.Finish how, boolean dropUndelivered) {
    if (!stop(how, detail)) {
      return false;
    }
    inbox.end(cause, detail, dropUndelivered);
    return true;
  }

  /** The end decision, without the inbox's end (which a retired link defers): first call wins. */
  private boolean stop(Outbox.Finish how, String detail) {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    heartbeat.linkEnded();
    handshakeDeadline.cancel(false);
    outbox.stopAccepting();
    outbox.finish(how);
    ended(detail);
    return true;
  }

  /**
   * The writer has ended this side of the frames stream (or found it gone). Heartbeats stop only
   * now, so that a peer waiting for a slow flush and goodbye does not declare this node dead.
   */
  private void streamFinished() {
    heartbeat.stop();
  }

  /** The timer found the peer silent for longer than the heartbeat timeout. */
  private void heartbeatTimedOut(Duration silent, Duration held, Duration timeout) {
    String why =
        "no heartbeat or frame for "
            + silent.toMillis()
            + " ms (timeout "
            + timeout.toMillis()
            + " ms"
            + (held.isZero() ? "" : "; this node was held up for " + held.toMillis() + " ms of it")
            + ")";
    Status status = Status.UNAVAILABLE.withDescription("heartbeat timeout: " + why);
    if (end(NodeDownEvent.Cause.HEARTBEAT_TIMEOUT, why, Outbox.Finish.abort(status), false)) {
      LOG.log(System.Logger.Level.WARNING, () -> this + ": " + why + "; closing the link");
    }
  }

  // ---- state, for the transport, tests and metrics ---------------------------------------------

  /** When anything last arrived from the peer ({@link System#nanoTime()}). */
  final long lastHeard() {
    return heartbeat.lastHeard();
  }

  final boolean isEnded() {
    return ended.get();
  }

  /** Tells whether the link's last handler call has returned. */
  final boolean isDeliveryEnded() {
    return inbox.isFinished();
  }

  /** Waits for the last handler call, up to the deadline; never for the calling thread itself. */
  final void awaitDelivery(long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) {
      inbox.await(Duration.ofNanos(left));
    }
  }

  /** Payload bytes queued for the peer and not yet handed to gRPC. For tests and metrics. */
  final long queuedBytes() {
    return outbox.queuedBytes();
  }

  /** Tells whether a sender is blocked on this link's bound. For tests. */
  final boolean hasBlockedSenders() {
    return outbox.hasBlockedSenders();
  }

  /** The last heartbeat round trip measured on this link, if any. For metrics. */
  @Override
  public final Optional<Duration> roundTrip() {
    return heartbeatRoundTrip();
  }

  final Optional<Duration> heartbeatRoundTrip() {
    return heartbeat.roundTrip();
  }

  /** Names the link for logs: {@code node alpha: link #3 to beta#17 (dialled 10.0.0.2:7001)}. */
  @Override
  public final String toString() {
    NodeId p = peer;
    return "node "
        + ctx.nodeName()
        + ": link #"
        + serial
        + " "
        + (p == null ? "with " + remote : "to " + p)
        + " ("
        + (outbound() ? "dialled " : "accepted from ")
        + remote
        + ")";
  }

  /** The inbound side of the frames call, for either side. */
  class Inbound implements StreamObserver<byte[]> {
    @Override
    public void onNext(byte[] bytes) {
      onWire(bytes);
    }

    @Override
    public void onError(Throwable t) {
      onStreamEnd(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      onStreamEnd(null);
    }
  }
}
