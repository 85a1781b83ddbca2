package io.distproc.transport.grpc;

import io.distproc.NodeDownEvent;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.RejectReason;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * A link a peer dialled and this node's server accepted: its Welcome, and the link token that names
 * it to the dialler's heartbeat stream. See {@link GrpcLink} for what both sides share.
 *
 * <p>This class is thread-safe: the token is volatile, written by the link-up task before the
 * Welcome names it and read by the end decision on any thread.
 */
final class AcceptedLink extends GrpcLink {
  private volatile byte @Nullable [] token;

  private AcceptedLink(LinkContext ctx, String remote, @Nullable SSLSession tls, FrameCodec codec) {
    super(
        ctx,
        remote,
        new AcceptorHandshake(ctx.identity(), codec, tls, ctx.table()::isClosed),
        codec);
  }

  /**
   * Accepts: binds a new link to a frames call the server received; {@code tls} is the call's TLS
   * session, or null on plaintext; {@code tracer} learns why gRPC ended the call, if it did (null
   * when the call has none).
   */
  static StreamObserver<byte[]> accept(
      LinkContext ctx,
      ServerCallStreamObserver<byte[]> call,
      String remote,
      @Nullable SSLSession tls,
      @Nullable CallEndTracer tracer) {
    AcceptedLink link = new AcceptedLink(ctx, remote, tls, new FrameCodec());
    FrameStream stream = FrameStream.server(call, ctx.faults());
    call.disableAutoRequest();
    call.setOnReadyHandler(link.outbox::signal);
    Status cancelled = Status.CANCELLED.withDescription("call cancelled");
    call.setOnCancelHandler(
        () -> link.onStreamEnd(tracer == null ? cancelled : tracer.closedOr(cancelled)));
    link.frames = stream;
    link.outbox.attach(stream);
    link.register();
    stream.request(1);
    link.startHandshakeDeadline();
    return link.new Inbound();
  }

  @Override
  public boolean outbound() {
    return false;
  }

  @Override
  void agreed(HandshakeStep.Agreed agreed) {}

  @Override
  boolean beforeLinkUp() {
    byte[] t = ctx.identity().newToken();
    token = t;
    ctx.table().bindToken(t, heartbeat); // before the Welcome names it
    return true;
  }

  /** The Welcome, naming the token that {@link #beforeLinkUp()} bound just before. */
  @Override
  LinkFrame opening() {
    byte[] t = token;
    if (t == null) {
      throw new IllegalStateException(this + ": opening before the link token was made");
    }
    return Handshake.welcome(ctx.identity(), t, minorVersion());
  }

  @Override
  void opened() {}

  @Override
  void connectFailed(Throwable cause) {}

  @Override
  void ended(String detail) {
    byte[] t = token;
    if (t != null) {
      ctx.table().forgetToken(t);
    }
  }

  @Override
  void shutdown() {
    if (isOpen() && !kept()) {
      // The runtime is still deciding (linkUp): the dialler is owed a Reject, not a Goodbye.
      String why = "node " + ctx.nodeName() + " is shutting down";
      LinkFrame reject = Handshake.reject(RejectReason.REJECT_REASON_SHUTTING_DOWN, why);
      end(NodeDownEvent.Cause.LOCAL_SHUTDOWN, why, Outbox.Finish.now(reject), true);
    } else {
      super.shutdown();
    }
  }
}
