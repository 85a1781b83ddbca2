package io.distproc.transport.grpc;

import io.distproc.proto.v1.LinkFrame;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbound half of a link's frame stream, the same for the dialler (gRPC client) and the
 * acceptor (gRPC server).
 *
 * <p>Every method but {@link #request(int)} and {@link #isReady()} is called by the link's single
 * writer only ({@link Outbox}); gRPC allows {@code request} from any thread.
 */
abstract class FrameStream {
  /** gRPC messages written so far; written by the single writer, read by tests. */
  private final AtomicLong messages = new AtomicLong();

  /** Writes an encoded frame (one gRPC message); gRPC buffers it if the stream is not ready. */
  final void write(byte[] frame) {
    send(frame);
    messages.lazySet(messages.get() + 1);
  }

  /** Writes a frame; gRPC buffers it if the stream is not ready. */
  final void write(LinkFrame frame) {
    write(frame.toByteArray());
  }

  /** How many gRPC messages this stream has written (tests: batching). Any thread. */
  final long messagesWritten() {
    return messages.get();
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

  static FrameStream client(ClientCallStreamObserver<byte[]> call) {
    return new FrameStream() {
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

  static FrameStream server(ServerCallStreamObserver<byte[]> call) {
    return new FrameStream() {
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
