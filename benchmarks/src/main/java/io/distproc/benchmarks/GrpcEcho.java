package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.percentile;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * W5's platform references: the round trip of a bare grpc-java bidirectional stream between this
 * JVM and another on 127.0.0.1, with the transport's own settings (Netty, its event loop calling
 * the handlers directly, plaintext), carrying W5's payload and no framing of distproc's. Two
 * echoes, each on one open stream:
 *
 * <ul>
 *   <li>{@code Loop}: the other JVM answers on its event loop, inside the handler: no thread is
 *       woken there, the least any gRPC runtime can do;
 *   <li>{@code Thread}: the other JVM hands each message to a bare virtual thread, which sends it
 *       back, as a process would: one wake-up of a virtual thread at each end, the least a runtime
 *       that gives each process a virtual thread can do over gRPC.
 * </ul>
 *
 * The caller is a virtual thread at this end in both, waiting with the mailbox's spin-then-park
 * ({@link Slot}). The other JVM is started with {@code grpc-echo} ({@link #serve}).
 */
final class GrpcEcho implements AutoCloseable {
  static final String LOOP = "Loop";
  static final String THREAD = "Thread";

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static MethodDescriptor<byte[], byte[]> method(String name) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("bench.Echo", name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  private final Peer peer;
  private final ManagedChannel channel;

  private GrpcEcho(Peer peer, ManagedChannel channel) {
    this.peer = peer;
    this.channel = channel;
  }

  /** Starts the other JVM and connects to it. */
  static GrpcEcho start() throws IOException {
    Peer peer =
        Peer.start(
            Path.of("target", "bench-logs", "grpc-echo.log"),
            DistprocWorkloads.class.getName(),
            "grpc-echo");
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", peer.port())
            .usePlaintext()
            .directExecutor()
            .build();
    return new GrpcEcho(peer, channel);
  }

  /**
   * Times {@code n} round trips of {@code payload} on one new stream of echo {@code name} ({@link
   * #LOOP} or {@link #THREAD}), from a virtual thread, and returns them in nanoseconds, sorted.
   */
  long[] roundTrips(String name, byte[] payload, int n) throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              Slot replies = new Slot();
              CompletableFuture<Void> ended = new CompletableFuture<>();
              StreamObserver<byte[]> requests =
                  ClientCalls.asyncBidiStreamingCall(
                      channel.newCall(method(name), CallOptions.DEFAULT),
                      observer(
                          replies::put,
                          t -> {
                            if (t == null) {
                              ended.complete(null);
                            } else {
                              ended.completeExceptionally(t);
                            }
                          }));
              try {
                long[] lat = new long[n];
                for (int i = 0; i < n; i++) {
                  long t = System.nanoTime();
                  requests.onNext(payload);
                  replies.take();
                  lat[i] = System.nanoTime() - t;
                }
                requests.onCompleted();
                ended.get(DistprocWorkloads.PATIENCE.toSeconds(), TimeUnit.SECONDS);
                Arrays.sort(lat);
                done.complete(lat);
              } catch (Throwable t) {
                requests.onError(t);
                done.completeExceptionally(t);
              }
            });
    return done.get(DistprocWorkloads.PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }

  /** The median of sorted round trips, in microseconds. */
  static double p50us(long[] sorted) {
    return percentile(sorted, 0.50) / 1e3;
  }

  /** The 99th percentile of sorted round trips, in microseconds. */
  static double p99us(long[] sorted) {
    return percentile(sorted, 0.99) / 1e3;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    peer.close();
  }

  /**
   * A stream's observer: each message to {@code onNext}, its end to {@code onEnd} (null if clean).
   */
  private static StreamObserver<byte[]> observer(
      Consumer<byte[]> onNext, Consumer<@Nullable Throwable> onEnd) {
    return new StreamObserver<>() {
      @Override
      public void onNext(byte[] value) {
        onNext.accept(value);
      }

      @Override
      public void onError(Throwable t) {
        onEnd.accept(t);
      }

      @Override
      public void onCompleted() {
        onEnd.accept(null);
      }
    };
  }

  /** The other JVM: serves both echoes on 127.0.0.1 until the parent lets go. */
  static void serve() throws IOException, InterruptedException {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .addService(
                ServerServiceDefinition.builder("bench.Echo")
                    .addMethod(
                        method(LOOP),
                        ServerCalls.asyncBidiStreamingCall(
                            replies ->
                                observer(
                                    replies::onNext,
                                    t -> {
                                      if (t == null) {
                                        replies.onCompleted();
                                      } else {
                                        replies.onError(t);
                                      }
                                    })))
                    .addMethod(
                        method(THREAD), ServerCalls.asyncBidiStreamingCall(GrpcEcho::threadEcho))
                    .build())
            .build()
            .start();
    Peer.readyThenAwaitParent(server.getPort());
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  /** The Thread echo of one stream: a bare virtual thread takes each message and sends it back. */
  private static StreamObserver<byte[]> threadEcho(StreamObserver<byte[]> replies) {
    Slot requests = new Slot();
    byte[] end = new byte[0]; // the stream's end; compared by identity, so no message is it
    Thread.ofVirtual()
        .start(
            () -> {
              for (Object m; (m = requests.take()) != end; ) {
                replies.onNext((byte[]) m);
              }
              replies.onCompleted();
            });
    return observer(requests::put, t -> requests.put(end));
  }
}
