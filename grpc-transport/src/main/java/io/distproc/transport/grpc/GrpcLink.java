package io.distproc.transport.grpc;

import io.distproc.DistprocException;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.proto.v1.Goodbye;
import io.distproc.proto.v1.GoodbyeReason;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.Reject;
import io.distproc.proto.v1.RejectReason;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Link;
import io.distproc.runtime.internal.LinkHandler;
import io.distproc.runtime.internal.LinkRefusedException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSession;

/*
 * Design notes for maintainers.
 *
 * One link to one peer: one `NodeLink/Frames` call (this node is the client if it dialled, the
 * server if it accepted) plus one `NodeLink/Heartbeats` call on the same connection. Three roles
 * touch it, each with its own confinement:
 *
 *   - the READER: gRPC's inbound callbacks of the frames call (`onWire`, `onStreamEnd`), which
 *     gRPC serializes per call. It owns the handshake decision, the Reassembler and `inCodec`.
 *   - the WRITER: the Outbox's drain (see Outbox), the only code that writes to the frames call.
 *   - the DELIVERER: whoever drains the Inbox (the reader itself for batches of envelopes, else
 *     a virtual thread of the link), the only code that calls the LinkHandler.
 *   The timer thread runs heartbeats (see Heartbeat) and the handshake and close deadlines.
 *
 * PHASES. HANDSHAKE: the dialler has written its Hello and waits for Welcome/Reject; the acceptor
 * waits for a Hello. Nothing but the handshake is read or written. When the acceptor has a valid
 * Hello it sets `peer` and moves to OPEN, but asks gRPC for no further message and writes no
 * Welcome until the runtime has answered linkUp (on the deliverer): the runtime registers the link
 * before the dialler can learn that it exists, which is how the runtime settles duplicate links
 * without a false node-down. linkUp true: Welcome, then whatever the runtime queued meanwhile;
 * false: Reject(REFUSED). The dialler moves to OPEN on the Welcome, calls linkUp, and on false
 * leaves with Goodbye(REFUSED); either way it is only then that its connect future completes.
 *
 * END. Exactly one decision ends a link (`ended`, first wins), and it says three things: the
 * cause reported to linkDown (none for a link the runtime never kept), how the stream ends (an
 * Outbox.Finish) and whether frames not yet delivered are dropped (only when the runtime asked:
 * Link.close, Transport.close). Remote ends (Goodbye: PEER_LEFT; error or EOF without Goodbye:
 * CONNECTION_LOST) deliver every frame received before them first, and so do heartbeat timeouts
 * and protocol errors (reported as CONNECTION_LOST with the reason; both abort the stream
 * without a goodbye). Link.close flushes what is queued, then says goodbye, within the close
 * grace. Whatever the decision, the Inbox reports linkDown after the last frame it delivers, once,
 * and only for a link that linkUp kept. Heartbeats go on until the writer has ended the stream.
 */
/** One link: the frames stream, the handshake, its end, and the runtime's view of it. */
final class GrpcLink implements Link {
  private static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  private enum Phase {
    HANDSHAKE,
    OPEN
  }

  private final GrpcTransport transport;
  private final long serial;
  private final boolean outbound;
  private final String remote; // the dialled host:port, or the accepted socket's address
  private final Outbox outbox;
  private final Inbox inbox;
  private final Heartbeat heartbeat;

  // Dialler only (null or empty on an accepted link).
  private final ManagedChannel channel;
  private final Optional<String> expectedName;
  private final CompletableFuture<Link> connected;

  // Reader-confined.
  private final Reassembler reassembler;
  private final WireCodec inCodec = new WireCodec();
  private final EnvelopeCodec inEnvelopes = new EnvelopeCodec();

  /** Set once by the reader in the handshake, before the link reaches the runtime. */
  private volatile NodeId peer;

  private volatile String peerAddress = "";
  private volatile byte[] token;
  private volatile Phase phase = Phase.HANDSHAKE;

  /** Set by the deliverer when linkUp returns true. */
  private volatile boolean kept;

  /**
   * The link's minor version of the protocol (see link.proto): written by the reader at the end of
   * the handshake, before the runtime hears of the link, so every sender reads it set.
   */
  private volatile int minorVersion;

  /** Set by the reader when a Goodbye arrives. */
  private volatile boolean goodbyeReceived;

  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean deliveryEnded;
  private volatile FrameStream frames;
  private volatile long lastHeard = System.nanoTime();

  /** An accepted link's TLS session: null on plaintext and for dialled links. Set before reads. */
  private SSLSession tlsSession;

  /** A dialled link's call, whose TLS session the Welcome's check reads. Set before reads. */
  private volatile ClientCall<byte[], byte[]> dialCall;

  /** A dialled link's Hello nonce. Set before the Hello is sent. */
  private byte[] helloNonce;

  /** Reader-confined: the acceptor's challenged Hello, awaiting its Proof. */
  private Handshake.Pending pending;

  /** Reader-confined: the dialler answered the acceptor's Challenge. */
  private boolean challengeAnswered;

  /**
   * The handshake deadline, cancelled when the handshake completes or the link ends, so that a
   * flood of short-lived streams does not keep their links reachable from the timer's queue.
   */
  private volatile Future<?> handshakeDeadline = CompletableFuture.completedFuture(null);

  private GrpcLink(
      GrpcTransport transport,
      boolean outbound,
      String remote,
      ManagedChannel channel,
      Optional<String> expectedName) {
    this.transport = transport;
    this.serial = transport.nextSerial();
    this.outbound = outbound;
    this.remote = remote;
    this.channel = channel;
    this.expectedName = expectedName;
    this.connected = outbound ? new CompletableFuture<>() : null;
    this.outbox = new Outbox(this, transport.io(), transport.settings());
    this.inbox =
        new Inbox(this, transport.handler(), transport, transport.threads().virtual("link"));
    this.heartbeat =
        new Heartbeat(
            this,
            transport,
            transport.config().heartbeatInterval(),
            transport.config().heartbeatTimeout());
    this.reassembler = new Reassembler(transport.settings().maxMessageBytes());
  }

  // ---- creation --------------------------------------------------------------------------------

  /**
   * For a link dialled under TLS without an expected name (a seed known by address only), why
   * the accepting node's certificate does not name the node {@code answered}; empty when it
   * does, when a name was expected (the handshake checked it), and on plaintext.
   */
  private Optional<String> acceptorMismatch(String answered) {
    if (expectedName.isPresent() || transport.config().tls().isEmpty()) {
      return Optional.empty();
    }
    ClientCall<byte[], byte[]> call = dialCall;
    SSLSession tls = call == null ? null : call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    return tls == null
        ? Optional.of("the link's TLS session is unknown: cannot check the accepting node's name")
        : Security.acceptorMismatch(tls, answered);
  }

  /** Dials: starts the frames call on {@code channel} and writes the Hello. */
  static GrpcLink dial(
      GrpcTransport transport,
      ManagedChannel channel,
      String remote,
      Optional<String> expectedName) {
    GrpcLink link = new GrpcLink(transport, true, remote, channel, expectedName);
    link.connected.whenComplete(
        (l, error) -> {
          if (link.connected.isCancelled() && link.phase == Phase.HANDSHAKE) {
            link.end(
                NodeDownEvent.Cause.CONNECTION_LOST,
                "connect cancelled",
                Outbox.Finish.abort(Status.CANCELLED),
                true);
          }
        });
    transport.register(link);
    try {
      link.dialCall = channel.newCall(Methods.CLIENT_FRAMES, CallOptions.DEFAULT);
      ClientCalls.asyncBidiStreamingCall(link.dialCall, link.new ClientInbound());
    } catch (RuntimeException e) {
      link.connected.completeExceptionally(
          new HandshakeException("cannot start a call to " + remote + ": " + e, e));
      link.end(
          NodeDownEvent.Cause.CONNECTION_LOST,
          "call not started",
          Outbox.Finish.abort(Status.UNAVAILABLE),
          true);
      return link;
    }
    link.helloNonce = transport.newNonce();
    link.outbox.handshake(Handshake.hello(transport, expectedName, link.helloNonce));
    link.startHandshakeDeadline();
    return link;
  }

  /**
   * Accepts: binds a new link to a frames call the server received; {@code tls} is the call's
   * TLS session, or null on plaintext; {@code tracer} learns why gRPC ended the call, if it did
   * (null when the call has none).
   */
  static StreamObserver<byte[]> accept(
      GrpcTransport transport,
      ServerCallStreamObserver<byte[]> call,
      String remote,
      SSLSession tls,
      CallEndTracer tracer) {
    GrpcLink link = new GrpcLink(transport, false, remote, null, Optional.empty());
    link.tlsSession = tls;
    FrameStream stream = FrameStream.server(call);
    call.disableAutoRequest();
    call.setOnReadyHandler(link.outbox::signal);
    Status cancelled = Status.CANCELLED.withDescription("call cancelled");
    call.setOnCancelHandler(
        () -> link.onStreamEnd(tracer == null ? cancelled : tracer.closedOr(cancelled)));
    link.frames = stream;
    link.outbox.attach(stream);
    transport.register(link);
    stream.request(1);
    link.startHandshakeDeadline();
    return link.new ServerInbound();
  }

  private void startHandshakeDeadline() {
    Duration timeout = transport.config().requestTimeout();
    handshakeDeadline = transport.scheduleCancellable(
        () -> {
          if (phase != Phase.HANDSHAKE || ended.get()) {
            return;
          }
          String why =
              "no "
                  + (outbound ? "answer to the hello" : "hello")
                  + " within "
                  + timeout.toMillis()
                  + " ms";
          LOG.log(System.Logger.Level.DEBUG, () -> this + ": " + why);
          end(
              NodeDownEvent.Cause.CONNECTION_LOST,
              why,
              Outbox.Finish.abort(Status.DEADLINE_EXCEEDED.withDescription(why)),
              true);
        },
        timeout);
    if (ended.get()) {
      handshakeDeadline.cancel(false);
    }
  }

  long serial() {
    return serial;
  }

  CompletableFuture<Link> connected() {
    return connected;
  }

  // ---- Link ------------------------------------------------------------------------------------

  @Override
  public NodeId peer() {
    return peer;
  }

  @Override
  public boolean outbound() {
    return outbound;
  }

  @Override
  public String peerAddress() {
    return peerAddress;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the frame's payload or argument is larger than the
   *     transport's message limit ({@value TransportSettings#MAX_MESSAGE_BYTES_PROPERTY})
   */
  @Override
  public boolean send(Frame frame) {
    Objects.requireNonNull(frame, "frame");
    long size =
        switch (frame) {
          case Frame.Send s -> s.payload().length;
          case Frame.Broadcast b -> b.payload().length;
          case Frame.SpawnRequest r -> r.argument().length;
          default -> 0;
        };
    long limit = transport.settings().maxMessageBytes() - 4096L; // room for the frame's fields
    if (size > limit) {
      throw new IllegalArgumentException(
          "a message of "
              + size
              + " bytes exceeds the transport's limit of "
              + limit
              + " bytes (system property "
              + TransportSettings.MAX_MESSAGE_BYTES_PROPERTY
              + ")");
    }
    if (WireCodec.minorVersionOf(frame) > minorVersion) {
      frame = forOlderPeer(frame);
    }
    if (ended.get()) {
      return false;
    }
    return outbox.send(frame);
  }

  /**
   * A frame of a newer minor version than this link's, as the peer can take it: a down notice's
   * new reason travels as a crash that names it; anything else is refused, since the peer could not
   * act on it.
   */
  private Frame forOlderPeer(Frame frame) {
    if (frame instanceof Frame.DownNotice d) {
      io.distproc.MonitorReason r = d.reason();
      return new Frame.DownNotice(
          d.ref(),
          new io.distproc.MonitorReason.Crashed(
              r.pid(), io.distproc.ProcessExitException.class.getName(), r.toString(), ""));
    }
    throw new DistprocException(
        "node " + peer + " speaks minor version " + minorVersion + " of the distproc wire protocol,"
            + " which has no links, exit signals or registered names");
  }

  @Override
  public void close(NodeDownEvent.Cause cause, String detail) {
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

  @Override
  public void retire(String detail) {
    Objects.requireNonNull(detail, "detail");
    leave(NodeDownEvent.Cause.REMOVED, detail, GoodbyeReason.GOODBYE_REASON_REMOVED, false);
  }

  /** Flushes what is queued, then says goodbye, within the close grace. */
  private void leave(
      NodeDownEvent.Cause cause, String detail, GoodbyeReason reason, boolean dropUndelivered) {
    LinkFrame goodbye = Handshake.goodbye(reason, detail);
    if (end(cause, detail, Outbox.Finish.flushThen(goodbye), dropUndelivered)) {
      transport.schedule(
          () -> outbox.abortIfNotDone(Status.CANCELLED.withDescription("close grace expired")),
          transport.settings().closeGrace());
    }
  }

  /** Closes the link as part of {@link GrpcTransport#close()}. */
  void shutdown() {
    String why = "node " + transport.self().name() + " is shutting down";
    if (phase == Phase.HANDSHAKE) {
      end(
          NodeDownEvent.Cause.LOCAL_SHUTDOWN,
          why,
          Outbox.Finish.abort(Status.UNAVAILABLE.withDescription(why)),
          true);
    } else if (!outbound && !kept) {
      // The runtime is still deciding (linkUp): the dialler is owed a Reject, not a Goodbye.
      LinkFrame reject = Handshake.reject(RejectReason.REJECT_REASON_SHUTTING_DOWN, why);
      end(NodeDownEvent.Cause.LOCAL_SHUTDOWN, why, Outbox.Finish.now(reject), true);
    } else {
      close(NodeDownEvent.Cause.LOCAL_SHUTDOWN, why);
    }
  }

  // ---- inbound ---------------------------------------------------------------------------------

  /** A gRPC message arrived on the frames stream. Reader. */
  private void onWire(byte[] bytes) {
    touch(System.nanoTime());
    if (ended.get() || goodbyeReceived) {
      return;
    }
    try {
      if (phase == Phase.OPEN && !reassembler.inProgress()) {
        List<Frame> batch = inEnvelopes.decodeBatch(bytes); // the common frame, by hand
        if (batch != null) {
          inbox.deliver(batch);
          return;
        }
      }
      LinkFrame frame = WireCodec.parse(bytes);
      if (phase == Phase.OPEN) {
        onFrame(frame);
      } else if (outbound) {
        onAnswer(frame);
      } else {
        onHello(frame);
      }
    } catch (ProtocolException e) {
      protocolError(e.getMessage());
    }
  }

  /** The acceptor's half of the handshake: a Hello, then a Proof. Reader. */
  private void onHello(LinkFrame frame) {
    Handshake.Verdict verdict =
        pending == null
            ? Handshake.checkHello(frame, inCodec, tlsSession, transport.newNonce())
            : Handshake.checkProof(frame, transport, pending);
    switch (verdict) {
      case Handshake.Pending p -> {
        pending = p;
        outbox.handshake(Handshake.challenge(transport, p));
        requestMore();
      }
      case Handshake.Refuse r -> {
        transport
            .badLinks()
            .closing(
                this,
                "refused at the handshake"
                    + (r.claimed() == null ? "" : " (the peer claimed to be " + r.claimed() + ")")
                    + ": "
                    + r.reason()
                    + " ("
                    + r.detail()
                    + ")");
        end(
            NodeDownEvent.Cause.CONNECTION_LOST,
            r.detail(),
            Outbox.Finish.now(Handshake.reject(r.reason(), r.detail())),
            true);
      }
      case Handshake.Accept a -> {
        peer = a.peer();
        peerAddress = a.address();
        minorVersion = a.minorVersion();
        phase = Phase.OPEN;
        handshakeDeadline.cancel(false);
        inbox.linkUp(); // no further message is requested before the runtime answers
      }
    }
  }

  /** The dialler's half of the handshake. Reader. */
  private void onAnswer(LinkFrame frame) throws ProtocolException {
    switch (frame.getKindCase()) {
      case CHALLENGE -> {
        if (challengeAnswered) {
          throw new ProtocolException("a second challenge");
        }
        challengeAnswered = true;
        Optional<LinkFrame> proof = Handshake.answer(frame.getChallenge(), transport, helloNonce);
        if (proof.isEmpty()) {
          String why = "node at " + remote + " does not know the cluster cookie";
          LOG.log(System.Logger.Level.WARNING, () -> this + ": refusing the link: " + why);
          connected.completeExceptionally(new HandshakeException(why));
          LinkFrame goodbye = Handshake.goodbye(GoodbyeReason.GOODBYE_REASON_REFUSED, why);
          end(NodeDownEvent.Cause.CONNECTION_LOST, why, Outbox.Finish.now(goodbye), true);
          return;
        }
        outbox.handshake(proof.get());
        requestMore();
      }
      case WELCOME -> {
        if (!challengeAnswered) {
          throw new ProtocolException("a welcome without a challenge first");
        }
        Handshake.Welcomed welcome = Handshake.check(frame.getWelcome(), inCodec);
        String name = welcome.peer().name();
        if (expectedName.isPresent() && !expectedName.get().equals(name)) {
          String why = remote + " answered as '" + name + "', not '" + expectedName.get() + "'";
          LOG.log(System.Logger.Level.WARNING, () -> this + ": refusing the link: " + why);
          connected.completeExceptionally(new HandshakeException(why));
          LinkFrame goodbye = Handshake.goodbye(GoodbyeReason.GOODBYE_REASON_REFUSED, why);
          end(NodeDownEvent.Cause.CONNECTION_LOST, why, Outbox.Finish.now(goodbye), true);
          return;
        }
        Optional<String> unnamed = acceptorMismatch(name);
        if (unnamed.isPresent()) {
          String why = remote + ": " + unnamed.get();
          LOG.log(System.Logger.Level.WARNING, () -> this + ": refusing the link: " + why);
          connected.completeExceptionally(new HandshakeException(why));
          LinkFrame goodbye = Handshake.goodbye(GoodbyeReason.GOODBYE_REASON_REFUSED, why);
          end(NodeDownEvent.Cause.CONNECTION_LOST, why, Outbox.Finish.now(goodbye), true);
          return;
        }
        peer = welcome.peer();
        peerAddress = welcome.address();
        minorVersion = welcome.minorVersion();
        token = welcome.token();
        phase = Phase.OPEN;
        handshakeDeadline.cancel(false);
        heartbeat.openClient(channel, welcome.token());
        inbox.linkUp();
      }
      case REJECT -> {
        Reject reject = frame.getReject();
        String why =
            "node at "
                + remote
                + " refused the link: "
                + reject.getReason()
                + " ("
                + reject.getDetail()
                + ")";
        LOG.log(System.Logger.Level.DEBUG, () -> this + ": " + why);
        // REFUSED means the peer's runtime declined the link (a duplicate of a link that is up or
        // coming up): the runtime waits for that other link instead of reporting a failure.
        connected.completeExceptionally(
            reject.getReason() == RejectReason.REJECT_REASON_REFUSED
                ? new LinkRefusedException(why)
                : new HandshakeException(why));
        end(NodeDownEvent.Cause.CONNECTION_LOST, why, Outbox.Finish.now(null), true);
      }
      default ->
          throw new ProtocolException("expected a welcome or reject, got " + frame.getKindCase());
    }
  }

  /** A frame after the handshake. Reader. */
  private void onFrame(LinkFrame frame) throws ProtocolException {
    LinkFrame.KindCase kind = frame.getKindCase();
    if (reassembler.inProgress() && kind != LinkFrame.KindCase.CHUNK) {
      throw new ProtocolException(
          kind + " frame inside a chunk run, at " + reassembler.filled() + " bytes");
    }
    switch (kind) {
      case CHUNK -> {
        byte[] whole = reassembler.accept(frame.getChunk());
        if (whole == null) {
          requestMore();
          return;
        }
        List<Frame> batch = inEnvelopes.decodeBatch(whole);
        if (batch != null) {
          inbox.deliver(batch);
          return;
        }
        LinkFrame inner = WireCodec.parse(whole);
        switch (inner.getKindCase()) {
          case CHUNK, HELLO, WELCOME, REJECT, GOODBYE, CHALLENGE, PROOF ->
              throw new ProtocolException(
                  "a chunk run carried a " + inner.getKindCase() + " frame");
          default -> inbox.deliver(inCodec.frames(inner));
        }
      }
      case GOODBYE -> {
        goodbyeReceived = true;
        Goodbye goodbye = frame.getGoodbye();
        String detail =
            "peer left: "
                + goodbye.getReason()
                + (goodbye.getDetail().isEmpty() ? "" : " (" + goodbye.getDetail() + ")");
        end(NodeDownEvent.Cause.PEER_LEFT, detail, Outbox.Finish.now(null), false);
      }
      default -> inbox.deliver(inCodec.frames(frame));
    }
  }

  /** The frames call ended from the gRPC side; {@code status} is null for a normal end. Reader. */
  private void onStreamEnd(Status status) {
    if (goodbyeReceived || ended.get()) {
      return;
    }
    String detail =
        status == null
            ? "stream ended without goodbye"
            : "stream failed: "
                + status.getCode()
                + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")")
                + rootCause(status.getCause());
    boolean refusedByGrpc =
        status != null
            && (status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                || status.getCode() == Status.Code.INTERNAL);
    if (refusedByGrpc) {
      transport.badLinks().closing(this, detail);
    } else {
      LOG.log(System.Logger.Level.DEBUG, () -> this + ": " + detail);
    }
    if (outbound && phase == Phase.HANDSHAKE) {
      connected.completeExceptionally(
          new HandshakeException(
              "cannot link to " + remote + ": " + detail,
              status == null ? null : status.asRuntimeException()));
    }
    end(
        NodeDownEvent.Cause.CONNECTION_LOST,
        detail,
        status == null ? Outbox.Finish.now(null) : Outbox.Finish.gone(),
        false);
  }

  /**
   * The innermost cause of a failed call, which says why (an untrusted certificate, a missing
   * client certificate), where the status only says UNAVAILABLE; empty if there is none.
   */
  private static String rootCause(Throwable cause) {
    if (cause == null) {
      return "";
    }
    Throwable root = cause;
    for (int depth = 0; root.getCause() != null && depth < 16; depth++) {
      root = root.getCause();
    }
    return ", because " + root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /** The peer broke the contract: close the link, never the node. */
  private void protocolError(String why) {
    transport.badLinks().closing(this, "protocol error: " + why);
    end(
        NodeDownEvent.Cause.CONNECTION_LOST,
        "protocol error: " + why,
        Outbox.Finish.abort(Status.INVALID_ARGUMENT.withDescription(why)),
        false);
  }

  // ---- linkUp (deliverer) ----------------------------------------------------------------------

  /** Asks the runtime whether to keep the link, and completes the handshake. Deliverer. */
  void runLinkUp(LinkHandler handler) {
    if (ended.get()) {
      return;
    }
    if (outbound && connected.isCancelled()) {
      LinkFrame goodbye =
          Handshake.goodbye(GoodbyeReason.GOODBYE_REASON_REFUSED, "connect cancelled");
      end(
          NodeDownEvent.Cause.CONNECTION_LOST,
          "connect cancelled",
          Outbox.Finish.now(goodbye),
          true);
      return;
    }
    if (!outbound) {
      token = transport.newToken();
      transport.registerToken(token, this); // before the Welcome names it
    }
    boolean keep;
    try {
      keep = handler.linkUp(this);
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.ERROR, this + ": the runtime's linkUp threw; refusing", t);
      keep = false;
    }
    if (!keep) {
      String why = "refused by node " + transport.self().name() + " (a duplicate, or itself)";
      LOG.log(System.Logger.Level.DEBUG, () -> this + ": " + why);
      if (outbound) {
        connected.completeExceptionally(new HandshakeException("link to " + peer + " " + why));
        LinkFrame goodbye = Handshake.goodbye(GoodbyeReason.GOODBYE_REASON_REFUSED, why);
        end(NodeDownEvent.Cause.CONNECTION_LOST, why, Outbox.Finish.now(goodbye), true);
      } else {
        LinkFrame reject = Handshake.reject(RejectReason.REJECT_REASON_REFUSED, why);
        end(NodeDownEvent.Cause.CONNECTION_LOST, why, Outbox.Finish.now(reject), true);
      }
      return;
    }
    kept = true;
    outbox.open(outbound ? null : Handshake.welcome(transport, token, minorVersion));
    touch(System.nanoTime());
    heartbeat.start();
    FrameStream f = frames;
    if (f != null && !ended.get()) {
      request(f, transport.settings().inboundWindow());
    }
    if (outbound) {
      connected.complete(this);
    }
  }

  boolean kept() {
    return kept;
  }

  /** Asks gRPC for the next frame after one was delivered. Deliverer or reader. */
  void requestMore() {
    FrameStream f = frames;
    if (f != null && !ended.get()) {
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

  /** The deliverer made its last call. */
  void deliveryEnded() {
    deliveryEnded = true;
    transport.deregister(this);
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
  private boolean end(
      NodeDownEvent.Cause cause, String detail, Outbox.Finish how, boolean dropUndelivered) {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    handshakeDeadline.cancel(false);
    outbox.stopAccepting();
    outbox.finish(how);
    inbox.end(cause, detail, dropUndelivered);
    byte[] t = token;
    if (t != null && !outbound) {
      transport.forgetToken(t);
    }
    if (outbound) {
      connected.completeExceptionally(new HandshakeException(remote + ": " + detail));
      channel.shutdown(); // lets the frames call finish its goodbye; refuses new calls
      transport.schedule(channel::shutdownNow, transport.settings().closeGrace().plusMillis(500));
    }
    return true;
  }

  /**
   * The writer has ended this side of the frames stream (or found it gone). Heartbeats stop only
   * now, so that a peer waiting for a slow flush and goodbye does not declare this node dead.
   */
  void streamFinished() {
    heartbeat.stop();
  }

  /** The timer found the peer silent for longer than the heartbeat timeout. */
  void heartbeatTimedOut(Duration silent, Duration timeout) {
    String why =
        "no heartbeat or frame for "
            + silent.toMillis()
            + " ms (timeout "
            + timeout.toMillis()
            + " ms)";
    Status status = Status.UNAVAILABLE.withDescription("heartbeat timeout: " + why);
    if (end(NodeDownEvent.Cause.HEARTBEAT_TIMEOUT, why, Outbox.Finish.abort(status), false)) {
      LOG.log(System.Logger.Level.WARNING, () -> this + ": " + why + "; closing the link");
    }
  }

  /** Records that something arrived from the peer. */
  void touch(long nanos) {
    lastHeard = nanos;
  }

  long lastHeard() {
    return lastHeard;
  }

  boolean isEnded() {
    return ended.get();
  }

  boolean isDeliveryEnded() {
    return deliveryEnded;
  }

  /** Waits for the last handler call, up to the deadline; never for the calling thread itself. */
  void awaitDelivery(long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) {
      inbox.await(Duration.ofNanos(left));
    }
  }

  Heartbeat heartbeat() {
    return heartbeat;
  }

  /** Payload bytes queued for the peer and not yet handed to gRPC. For tests and metrics. */
  long queuedBytes() {
    return outbox.queuedBytes();
  }

  /** How many gRPC messages this link has written on its frames stream. For tests. */
  long messagesWritten() {
    FrameStream f = frames;
    return f == null ? 0 : f.messagesWritten();
  }

  /** Tells whether a sender is blocked on this link's bound. For tests. */
  boolean hasBlockedSenders() {
    return outbox.hasBlockedSenders();
  }

  /** The last heartbeat round trip measured on this link, if any. For metrics. */
  @Override
  public Optional<Duration> roundTrip() {
    return heartbeatRoundTrip();
  }

  Optional<Duration> heartbeatRoundTrip() {
    return heartbeat.roundTrip();
  }

  /** Names the link for logs: {@code node alpha: link #3 to beta#17 (dialled 10.0.0.2:7001)}. */
  @Override
  public String toString() {
    NodeId p = peer;
    return "node "
        + transport.self().name()
        + ": link #"
        + serial
        + " "
        + (p == null ? "with " + remote : "to " + p)
        + " ("
        + (outbound ? "dialled " : "accepted from ")
        + remote
        + ")";
  }

  // ---- gRPC observers --------------------------------------------------------------------------

  /** The dialler's inbound side of the frames call. */
  private final class ClientInbound implements ClientResponseObserver<byte[], byte[]> {
    @Override
    public void beforeStart(ClientCallStreamObserver<byte[]> call) {
      call.disableAutoRequestWithInitial(1);
      call.setOnReadyHandler(outbox::signal);
      FrameStream stream = FrameStream.client(call);
      frames = stream;
      outbox.attach(stream);
    }

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

  /** The acceptor's inbound side of the frames call. */
  private final class ServerInbound implements StreamObserver<byte[]> {
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
