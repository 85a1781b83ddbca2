package io.distproc.transport.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.distproc.NodeId;
import io.distproc.proto.v1.Hello;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.NodeLinkGrpc;
import io.distproc.proto.v1.NodeRef;
import io.distproc.proto.v1.Proof;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A misbehaving peer: a bare gRPC client of {@code NodeLink/Frames} that sends whatever bytes a
 * test gives it and records what comes back.
 */
final class RawPeer implements AutoCloseable {
  static final MethodDescriptor<byte[], byte[]> FRAMES =
      NodeLinkGrpc.getFramesMethod().toBuilder(Methods.RAW, Methods.RAW).build();

  private final ManagedChannel channel;
  private final StreamObserver<byte[]> out;
  private final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> ended = new CompletableFuture<>();

  RawPeer(int port) {
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .maxInboundMessageSize(8 << 20)
            .build();
    out =
        ClientCalls.asyncBidiStreamingCall(
            channel.newCall(FRAMES, CallOptions.DEFAULT),
            new StreamObserver<byte[]>() {
              @Override
              public void onNext(byte[] value) {
                received.add(value);
              }

              @Override
              public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                ended.complete(Status.OK);
              }
            });
  }

  /** A Hello with a fresh nonce. */
  static LinkFrame hello(String name, long incarnation, int version) {
    byte[] nonce = new byte[Handshake.NONCE_BYTES];
    new SecureRandom().nextBytes(nonce);
    return LinkFrame.newBuilder()
        .setHello(
            Hello.newBuilder()
                .setProtocolVersion(version)
                .setNode(NodeRef.newBuilder().setName(name).setIncarnation(incarnation))
                .setAdvertisedHost("127.0.0.1")
                .setAdvertisedPort(9)
                .setNonce(ByteString.copyFrom(nonce)))
        .build();
  }

  /**
   * Dials as a well-behaved node would, proving {@code cookie} when challenged (without checking
   * the server's proof), and returns the server's last answer: a Welcome, or a Reject.
   */
  LinkFrame join(String name, long incarnation, String cookie)
      throws InterruptedException, InvalidProtocolBufferException {
    LinkFrame hello = hello(name, incarnation, FrameCodec.PROTOCOL_VERSION);
    send(hello);
    LinkFrame answer = next();
    if (!answer.hasChallenge()) {
      return answer;
    }
    byte[] proof =
        Handshake.proof(
            cookie.getBytes(StandardCharsets.UTF_8),
            "distproc-v1-client",
            hello.getHello().getNonce().toByteArray(),
            answer.getChallenge().getNonce().toByteArray(),
            NodeId.of(name, incarnation));
    send(
        LinkFrame.newBuilder()
            .setProof(Proof.newBuilder().setProof(ByteString.copyFrom(proof)))
            .build());
    return next();
  }

  RawPeer send(byte[] bytes) {
    out.onNext(bytes);
    return this;
  }

  RawPeer send(LinkFrame frame) {
    return send(frame.toByteArray());
  }

  /** The next frame the server sent. */
  LinkFrame next() throws InterruptedException, InvalidProtocolBufferException {
    byte[] bytes =
        received.poll(TestNodes.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS);
    if (bytes == null) {
      throw new AssertionError("the server sent nothing");
    }
    return LinkFrame.parseFrom(bytes);
  }

  /** How the server ended the call. */
  Status awaitEnd() {
    return ended
        .orTimeout(TestNodes.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS)
        .join();
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
