package io.distproc.transport.grpc;

import io.distproc.NodeDownEvent;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.runtime.internal.Link;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * A link this node dialled: a channel of its own (closing the link closes the connection), the
 * connect future the runtime waits on, and the heartbeat stream it opens once the handshake agrees.
 * See {@link GrpcLink} for what both sides share.
 *
 * <p>This class is thread-safe: its own fields are final; the future is thread-safe, and the call
 * is set once, before the Hello is written.
 */
final class DialledLink extends GrpcLink {
  private final ManagedChannel channel;
  private final CompletableFuture<Link> connected = new CompletableFuture<>();
  private final DiallerHandshake handshake;

  private DialledLink(
      LinkContext ctx,
      ManagedChannel channel,
      String remote,
      DiallerHandshake handshake,
      FrameCodec codec) {
    super(ctx, remote, handshake, codec);
    this.channel = channel;
    this.handshake = handshake;
  }

  /** Dials: starts the frames call on {@code channel} and writes the Hello. */
  static DialledLink dial(
      LinkContext ctx, ManagedChannel channel, String remote, Optional<String> expectedName) {
    FrameCodec codec = new FrameCodec();
    AtomicReference<ClientCall<byte[], byte[]>> call = new AtomicReference<>();
    DiallerHandshake handshake =
        new DiallerHandshake(
            ctx.identity(), remote, expectedName, ctx.tls(), () -> sessionOf(call.get()), codec);
    DialledLink link = new DialledLink(ctx, channel, remote, handshake, codec);
    link.connected.whenComplete(
        (l, error) -> {
          if (link.connected.isCancelled() && !link.isOpen()) {
            link.end(
                NodeDownEvent.Cause.CONNECTION_LOST,
                "connect cancelled",
                Outbox.Finish.abort(Status.CANCELLED),
                true);
          }
        });
    link.register();
    try {
      call.set(channel.newCall(Methods.CLIENT_FRAMES, CallOptions.DEFAULT));
      ClientCalls.asyncBidiStreamingCall(call.get(), link.new ClientInbound());
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
    link.outbox.handshake(handshake.hello());
    link.startHandshakeDeadline();
    return link;
  }

  /** A dialled call's TLS session, or null (plaintext, or no call yet). */
  private static @Nullable SSLSession sessionOf(@Nullable ClientCall<byte[], byte[]> call) {
    return call == null ? null : call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
  }

  /** Completes with the link once the runtime kept it; fails if it never comes up. */
  CompletableFuture<Link> connected() {
    return connected;
  }

  @Override
  public boolean outbound() {
    return true;
  }

  @Override
  void agreed(HandshakeStep.Agreed agreed) {
    heartbeat.openClient(channel, agreed.token());
  }

  @Override
  boolean beforeLinkUp() {
    if (connected.isCancelled()) {
      refuse(HandshakeStep.Refusal.cancelled());
      return false;
    }
    return true;
  }

  @Override
  @Nullable LinkFrame opening() {
    return null;
  }

  @Override
  void opened() {
    connected.complete(this);
  }

  @Override
  void connectFailed(Throwable cause) {
    connected.completeExceptionally(cause);
  }

  @Override
  void ended(String detail) {
    connected.completeExceptionally(new HandshakeException(remote + ": " + detail));
    channel.shutdown(); // lets the frames call finish its goodbye; refuses new calls
    ctx.timer().schedule(channel::shutdownNow, ctx.limits().closeGrace().plusMillis(500));
  }

  /** The dialler's inbound side of the frames call. */
  private final class ClientInbound extends Inbound
      implements ClientResponseObserver<byte[], byte[]> {
    @Override
    public void beforeStart(ClientCallStreamObserver<byte[]> call) {
      call.disableAutoRequestWithInitial(1);
      call.setOnReadyHandler(outbox::signal);
      FrameStream stream = FrameStream.client(call, ctx.faults());
      frames = stream;
      outbox.attach(stream);
    }
  }
}
