package io.distproc.transport.grpc;

import io.distproc.proto.v1.LinkFrame;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * The outbound half of a link's frame stream, the same for the dialler (gRPC client) and the
 * acceptor (gRPC server).
 *
 * <p>Every method but {@link #request(int)} and {@link #isReady()} is called by the link's single
 * writer only ({@link Outbox}); gRPC allows {@code request} from any thread.
 */
abstract class FrameStream {
  private final FaultSeam faults;

  private FrameStream(FaultSeam faults) {
    this.faults = faults;
  }

  /** Writes an encoded frame (one gRPC message); gRPC buffers it if the stream is not ready. */
  final void write(byte[] frame) {
    send(frame);
    faults.wrote();
  }

  /** Writes a frame; gRPC buffers it if the stream is not ready. */
  final void write(LinkFrame frame) {
    write(frame.toByteArray());
  }

  /** Hands one gRPC message to the call. */
  abstract void send(byte[] frame);

  /** Tells whether gRPC flow control lets the writer write without buffering. */
  abstract boolean isReady();

  /** Ends this side of the stream normally: half-close (client) or end the call (server). */
  abstract void complete();

  /** Ends the stream with an error: cancel (client) or close with the status (server). */
  abstract void abort(Status status);

  /** Asks gRPC for {@code n} more inbound messages. Any thread. */
  abstract void request(int n);

  /** The dialler's stream; {@code faults} counts what it writes. */
  static FrameStream client(ClientCallStreamObserver<byte[]> call, FaultSeam faults) {
    return new FrameStream(faults) {
      @Override
      void send(byte[] frame) {
        call.onNext(frame);
      }

      @Override
      boolean isReady() {
        return call.isReady();
      }

      @Override
      void complete() {
        call.onCompleted();
      }

      @Override
      void abort(Status status) {
        call.cancel(status.getDescription(), status.getCause());
      }

      @Override
      void request(int n) {
        call.request(n);
      }
    };
  }

  /** The acceptor's stream; {@code faults} counts what it writes. */
  static FrameStream server(ServerCallStreamObserver<byte[]> call, FaultSeam faults) {
    return new FrameStream(faults) {
      @Override
      void send(byte[] frame) {
        call.onNext(frame);
      }

      @Override
      boolean isReady() {
        return call.isReady();
      }

      @Override
      void complete() {
        call.onCompleted();
      }

      @Override
      void abort(Status status) {
        call.onError(status.asRuntimeException());
      }

      @Override
      void request(int n) {
        call.request(n);
      }
    };
  }
}
