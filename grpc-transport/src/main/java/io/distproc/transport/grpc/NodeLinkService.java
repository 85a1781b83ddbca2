package io.distproc.transport.grpc;

import io.distproc.proto.v1.HeartbeatFrame;
import io.distproc.proto.v1.NodeLinkGrpc;
import io.grpc.Grpc;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * The server side of NodeLink: a Frames call becomes an AcceptedLink; a Heartbeats call finds
 * the link its first message names by token and attaches to that link's Heartbeat. The service is
 * made before the server is bound and the links' context after (it carries the advertised port,
 * which may be the bound one), so `context` is volatile, published once by open(); a call that
 * comes in the moment between the bind and that write is refused as UNAVAILABLE, as if the node
 * were not up yet.
 */
/** The NodeLink service of one transport. Thread-safe. */
final class NodeLinkService {
  private static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  private final String nodeName;
  private final LinkTable table;
  private final BadLinkLog badLinks;

  /** Published once by {@link #open}, after the bind; read by every call. */
  private volatile @Nullable LinkContext context;

  NodeLinkService(String nodeName, LinkTable table, BadLinkLog badLinks) {
    this.nodeName = nodeName;
    this.table = table;
    this.badLinks = badLinks;
  }

  /** Starts taking calls, whose links get {@code context}. */
  void open(LinkContext context) {
    this.context = context;
  }

  ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(NodeLinkGrpc.SERVICE_NAME)
        .addMethod(
            Methods.SERVER_FRAMES,
            (call, headers) -> {
              String remote = describe(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
              SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
              CallEndTracer tracer = CallEndTracer.current();
              return ServerCalls.<byte[], byte[]>asyncBidiStreamingCall(
                      out -> accept((ServerCallStreamObserver<byte[]>) out, remote, tls, tracer))
                  .startCall(call, headers);
            })
        .addMethod(Methods.HEARTBEATS, ServerCalls.asyncBidiStreamingCall(this::acceptHeartbeats))
        .build();
  }

  private StreamObserver<byte[]> accept(
      ServerCallStreamObserver<byte[]> call,
      String remote,
      @Nullable SSLSession tls,
      @Nullable CallEndTracer tracer) {
    LinkContext ctx = context;
    if (ctx == null) {
      call.onError(Status.UNAVAILABLE.withDescription("node starting").asRuntimeException());
      return new StreamObserver<>() {
        @Override
        public void onNext(byte[] value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
    return AcceptedLink.accept(ctx, call, remote, tls, tracer);
  }

  private static String describe(@Nullable SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getHostString() + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  /** A dialler opened a heartbeat stream; its first message names the link. */
  private StreamObserver<HeartbeatFrame> acceptHeartbeats(StreamObserver<HeartbeatFrame> out) {
    ServerCallStreamObserver<HeartbeatFrame> call = (ServerCallStreamObserver<HeartbeatFrame>) out;
    call.setOnCancelHandler(() -> {}); // writes after a cancel are dropped, not thrown
    return new StreamObserver<>() {
      // Confined to this call's callbacks, which gRPC serializes.
      private @Nullable Heartbeat link;
      private boolean refused;

      @Override
      public void onNext(HeartbeatFrame frame) {
        if (refused) {
          return;
        }
        if (link == null) {
          Heartbeat found =
              frame.hasOpen() ? table.heartbeatOf(frame.getOpen().getLinkToken()) : null;
          if (found == null) {
            refused = true;
            // An unknown token is usually a link that closed before its heartbeats began.
            if (frame.hasOpen()) {
              LOG.log(
                  System.Logger.Level.DEBUG,
                  () -> "node " + nodeName + " refused a heartbeat stream: unknown link token");
            } else {
              badLinks.closing(
                  "node " + nodeName, "refused a heartbeat stream: no link token first");
            }
            call.onError(Status.NOT_FOUND.withDescription("no such link").asRuntimeException());
            return;
          }
          link = found;
          found.attachServer(call);
        } else if (frame.hasPing()) {
          link.onPing(frame.getPing());
        }
      }

      @Override
      public void onError(Throwable t) {
        if (link != null) {
          Heartbeat l = link;
          LOG.log(
              System.Logger.Level.DEBUG,
              () -> l + ": heartbeat stream ended: " + Status.fromThrowable(t));
        }
      }

      @Override
      public void onCompleted() {
        if (link != null) {
          Heartbeat l = link;
          LOG.log(System.Logger.Level.DEBUG, () -> l + ": heartbeat stream completed by the peer");
        }
      }
    };
  }
}
