package io.distproc.transport.grpc;

import io.distproc.proto.v1.HeartbeatFrame;
import io.distproc.proto.v1.NodeLinkGrpc;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The gRPC method descriptors the transport uses: the generated ones of {@code NodeLink}, with the
 * frame stream carried as raw bytes both ways. The transport parses each frame itself, so it can
 * say precisely why a malformed one closes the link (gRPC would only cancel the call), and encodes
 * each itself, so the common frame, a batch of envelopes, is written without protobuf's builders
 * (see FrameCodec). The bytes are {@code LinkFrame}s either way. Immutable constants.
 */
final class Methods {

  /** Passes bytes through unchanged. */
  static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new Bytes(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try (stream) {
            if (stream instanceof KnownLength) {
              int n = stream.available(); // exact for gRPC's known-length message streams
              byte[] bytes = stream.readNBytes(n);
              if (stream.read() < 0) {
                return bytes;
              }
              throw new IOException("message longer than the " + n + " bytes announced");
            }
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /** A message's bytes, which gRPC can size and copy out in one go. */
  private static final class Bytes extends ByteArrayInputStream implements KnownLength, Drainable {
    Bytes(byte[] bytes) {
      super(bytes);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }

  /** {@code NodeLink/Frames} as the dialler sees it: LinkFrame bytes both ways. */
  static final MethodDescriptor<byte[], byte[]> CLIENT_FRAMES =
      NodeLinkGrpc.getFramesMethod().toBuilder(RAW, RAW).build();

  /** {@code NodeLink/Frames} as the acceptor sees it: LinkFrame bytes both ways. */
  static final MethodDescriptor<byte[], byte[]> SERVER_FRAMES = CLIENT_FRAMES;

  /** {@code NodeLink/Heartbeats}, as generated. */
  static final MethodDescriptor<HeartbeatFrame, HeartbeatFrame> HEARTBEATS =
      NodeLinkGrpc.getHeartbeatsMethod();

  private Methods() {}
}
