package io.distproc.transport.grpc;

import io.distproc.proto.v1.HeartbeatFrame;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.NodeLinkGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The gRPC method descriptors the transport uses: the generated ones of {@code NodeLink}, with the
 * inbound side of the frame stream read as raw bytes, so that the transport parses each frame
 * itself and can say precisely why a malformed one closes the link (gRPC would only cancel the
 * call). Immutable constants.
 */
final class Methods {

  /** Passes bytes through unchanged. */
  static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try (stream) {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor.Marshaller<LinkFrame> PROTO =
      ProtoUtils.marshaller(LinkFrame.getDefaultInstance());

  /** The dialler's view of {@code NodeLink/Frames}: writes frames, reads bytes. */
  static final MethodDescriptor<LinkFrame, byte[]> CLIENT_FRAMES =
      NodeLinkGrpc.getFramesMethod().toBuilder(PROTO, RAW).build();

  /** The acceptor's view of {@code NodeLink/Frames}: reads bytes, writes frames. */
  static final MethodDescriptor<byte[], LinkFrame> SERVER_FRAMES =
      NodeLinkGrpc.getFramesMethod().toBuilder(RAW, PROTO).build();

  /** {@code NodeLink/Heartbeats}, as generated. */
  static final MethodDescriptor<HeartbeatFrame, HeartbeatFrame> HEARTBEATS =
      NodeLinkGrpc.getHeartbeatsMethod();

  private Methods() {}
}
