package io.distproc.transport.grpc;

import com.google.protobuf.ByteString;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.proto.v1.HeartbeatFrame;
import io.distproc.proto.v1.NodeLinkGrpc;
import io.distproc.runtime.internal.Link;
import io.distproc.runtime.internal.LinkHandler;
import io.distproc.runtime.internal.Transport;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSession;

/*
 * Design notes for maintainers.
 *
 * One node's gRPC transport: a Netty server on the bind address serving NodeLink, one
 * ManagedChannel per dialled link (so that closing a link closes its connection), and the links
 * themselves (see GrpcLink). Nothing is static but immutable constants: any number of nodes run
 * in one JVM, each with its own transport.
 *
 * Threads. gRPC's callbacks run directly on its Netty event loop (directExecutor): every callback
 * here only parses, checks and queues, and never runs user code. A batch of messages is queued,
 * still encoded, into the receivers' mailboxes right there (see Inbox; the receiving process
 * decodes), so a message costs no thread hand-off between the socket and its receiver. The rest
 * is on threads from IoThreads, named distproc-io-<node>-...: a virtual-thread-per-task executor
 * (`io`) runs the link writers; one platform timer thread runs heartbeats and deadlines; a link's
 * control frames, broadcasts, linkUp and linkDown run on virtual threads of the link, since the
 * runtime's handler may block or call user code for those. Nothing here blocks a gRPC or timer
 * thread; only Link.send (on its caller's thread) and the link's virtual threads (inside the
 * runtime's handler) may wait.
 *
 * Registry: `links` holds every link from creation until its last handler call (so close() can
 * reach and wait for them); `tokens` maps the Welcome's link token to an accepted link while it is
 * open, so the dialler's heartbeat stream finds its link.
 *
 * close(): stop accepting (new Hellos get Reject(SHUTTING_DOWN)); close every link with
 * LOCAL_SHUTDOWN (each says goodbye after flushing, within the close grace); wait, bounded, for
 * the linkDown calls and for the channels and the server to finish their calls; then cut what is
 * left and stop the threads. The timer stops last but one, because it ends heartbeat streams.
 */
/** The gRPC transport of one node. Thread-safe. */
final class GrpcTransport implements Transport {
  private static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  /** The size of a link token, in bytes. */
  static final int TOKEN_BYTES = 16;

  private final NodeConfig config;
  private final NodeId self;
  private final LinkHandler handler;
  private final TransportSettings settings;
  private final IoThreads threads;
  private final ExecutorService io;
  private final ScheduledThreadPoolExecutor timer;
  private final byte[] cookie;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong serials = new AtomicLong();
  private final ConcurrentHashMap<Long, GrpcLink> links = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ByteString, GrpcLink> tokens = new ConcurrentHashMap<>();
  private final Set<ManagedChannel> channels = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final BadLinkLog badLinks = new BadLinkLog(this);

  private final ReentrantLock pauseLock = new ReentrantLock();
  private final Condition unpaused = pauseLock.newCondition();
  private volatile boolean paused;

  /** Set once by {@link #start}, before any peer can reach the transport. */
  private Server server;

  private InetSocketAddress bound;
  private String advertisedHost;
  private int advertisedPort;

  private GrpcTransport(
      NodeConfig config, NodeId self, LinkHandler handler, TransportSettings settings) {
    this.config = config;
    this.self = self;
    this.handler = handler;
    this.settings = settings;
    this.threads = new IoThreads(self.name());
    this.io = Executors.newThreadPerTaskExecutor(threads.virtual("grpc"));
    this.timer = new ScheduledThreadPoolExecutor(1, threads.platform("timer"));
    this.timer.setRemoveOnCancelPolicy(true);
    this.timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.cookie = config.cookie().map(c -> c.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
  }

  /**
   * Binds the configured address and starts accepting links.
   *
   * @throws IllegalStateException if the address cannot be bound
   */
  static GrpcTransport start(
      NodeConfig config, NodeId self, LinkHandler handler, TransportSettings settings) {
    GrpcTransport t = new GrpcTransport(config, self, handler, settings);
    try {
      t.server =
          NettyServerBuilder.forAddress(
                  new InetSocketAddress(config.bindHost(), config.bindPort()),
                  Security.serverCredentials(config))
              .directExecutor()
              .maxInboundMessageSize(TransportSettings.MAX_INBOUND_GRPC_MESSAGE)
              .addStreamTracerFactory(CallEndTracer.FACTORY)
              .addService(t.service())
              .build()
              .start();
    } catch (IOException | RuntimeException e) {
      t.stopThreads();
      throw new IllegalStateException(
          "node "
              + self.name()
              + " cannot listen on "
              + config.bindHost()
              + ":"
              + config.bindPort()
              + ": "
              + e.getMessage(),
          e);
    }
    SocketAddress listening = t.server.getListenSockets().get(0);
    t.bound =
        listening instanceof InetSocketAddress inet
            ? inet
            : new InetSocketAddress(config.bindHost(), t.server.getPort());
    if (config.tls().isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          () ->
              "node "
                  + self.name()
                  + " links are plaintext, as configured: anyone who can reach "
                  + t.bound
                  + " can read them"
                  + (config.cookie().isPresent() ? "" : ", and no cookie keeps strangers out"));
    }
    t.advertisedHost = config.advertisedHost().orElseGet(() -> deriveHost(config.bindHost()));
    t.advertisedPort = config.advertisedPort().orElse(t.bound.getPort());
    LOG.log(
        System.Logger.Level.DEBUG,
        () ->
            "node "
                + self
                + " listening on "
                + t.bound
                + ", advertised as "
                + t.advertisedHost
                + ":"
                + t.advertisedPort);
    return t;
  }

  private static String deriveHost(String bindHost) {
    try {
      InetAddress address = InetAddress.getByName(bindHost);
      if (!address.isAnyLocalAddress()) {
        return bindHost;
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return bindHost;
    }
  }

  private ServerServiceDefinition service() {
    return ServerServiceDefinition.builder(NodeLinkGrpc.SERVICE_NAME)
        .addMethod(
            Methods.SERVER_FRAMES,
            (call, headers) -> {
              String remote = describe(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
              SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
              CallEndTracer tracer = CallEndTracer.current();
              return ServerCalls.<byte[], byte[]>asyncBidiStreamingCall(
                      out ->
                          GrpcLink.accept(
                              this, (ServerCallStreamObserver<byte[]>) out, remote, tls, tracer))
                  .startCall(call, headers);
            })
        .addMethod(Methods.HEARTBEATS, ServerCalls.asyncBidiStreamingCall(this::acceptHeartbeats))
        .build();
  }

  private static String describe(SocketAddress address) {
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
      private GrpcLink link;
      private boolean refused;

      @Override
      public void onNext(HeartbeatFrame frame) {
        if (refused) {
          return;
        }
        if (link == null) {
          GrpcLink found = frame.hasOpen() ? tokens.get(frame.getOpen().getLinkToken()) : null;
          if (found == null) {
            refused = true;
            // An unknown token is usually a link that closed before its heartbeats began.
            if (frame.hasOpen()) {
              LOG.log(
                  System.Logger.Level.DEBUG,
                  () -> "node " + self.name() + " refused a heartbeat stream: unknown link token");
            } else {
              badLinks.closing(
                  "node " + self.name(), "refused a heartbeat stream: no link token first");
            }
            call.onError(Status.NOT_FOUND.withDescription("no such link").asRuntimeException());
            return;
          }
          link = found;
          found.heartbeat().attachServer(call);
        } else if (frame.hasPing()) {
          link.heartbeat().onPing(frame.getPing());
        }
      }

      @Override
      public void onError(Throwable t) {
        if (link != null) {
          GrpcLink l = link;
          LOG.log(
              System.Logger.Level.DEBUG,
              () -> l + ": heartbeat stream ended: " + Status.fromThrowable(t));
        }
      }

      @Override
      public void onCompleted() {
        if (link != null) {
          GrpcLink l = link;
          LOG.log(System.Logger.Level.DEBUG, () -> l + ": heartbeat stream completed by the peer");
        }
      }
    };
  }

  // ---- Transport -------------------------------------------------------------------------------

  @Override
  public InetSocketAddress boundAddress() {
    return bound;
  }

  @Override
  public CompletableFuture<Link> connect(String host, int port, Optional<String> expectedName) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(expectedName, "expectedName");
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new HandshakeException("the transport of node " + self.name() + " is closed"));
    }
    if (port < 1 || port > 65535) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("port must be 1 to 65535, was " + port));
    }
    channels.removeIf(ManagedChannel::isTerminated);
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(
                host, port, Security.channelCredentials(config, expectedName.isPresent()))
            .directExecutor()
            .maxInboundMessageSize(TransportSettings.MAX_INBOUND_GRPC_MESSAGE)
            .disableRetry();
    if (config.tls().isPresent() && expectedName.isPresent()) {
      // The accepting node's certificate must name the node we expect, whatever host reached it.
      builder.overrideAuthority(expectedName.get());
    }
    ManagedChannel channel = builder.build();
    channels.add(channel);
    return GrpcLink.dial(this, channel, host + ":" + port, expectedName).connected();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + settings.closeGrace().plusSeconds(1).toNanos();
    List<GrpcLink> open = new ArrayList<>(links.values());
    for (GrpcLink link : open) {
      link.shutdown();
    }
    server.shutdown();
    boolean interrupted = false;
    try {
      for (GrpcLink link : open) {
        link.awaitDelivery(deadline);
      }
      for (ManagedChannel channel : channels) {
        channel.shutdown();
        if (!channel.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS)) {
          channel.shutdownNow();
        }
      }
      if (!server.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS)) {
        server.shutdownNow();
        server.awaitTermination(1, TimeUnit.SECONDS);
      }
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
      server.shutdownNow();
      channels.forEach(ManagedChannel::shutdownNow);
    }
    stopThreads();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    List<GrpcLink> stuck = links.values().stream().filter(l -> !l.isDeliveryEnded()).toList();
    if (!stuck.isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          () ->
              "node "
                  + self.name()
                  + ": closed while the runtime still handled frames of "
                  + stuck);
    }
  }

  private void stopThreads() {
    timer.shutdownNow();
    io.shutdown();
    try {
      if (!io.awaitTermination(1, TimeUnit.SECONDS)) {
        io.shutdownNow();
      }
    } catch (InterruptedException e) {
      io.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  // ---- for links -------------------------------------------------------------------------------

  NodeConfig config() {
    return config;
  }

  /** The log of links closed for their peer's fault. */
  BadLinkLog badLinks() {
    return badLinks;
  }

  NodeId self() {
    return self;
  }

  LinkHandler handler() {
    return handler;
  }

  TransportSettings settings() {
    return settings;
  }

  IoThreads threads() {
    return threads;
  }

  ExecutorService io() {
    return io;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  String advertisedHost() {
    return advertisedHost;
  }

  int advertisedPort() {
    return advertisedPort;
  }

  byte[] cookie() {
    return cookie.clone();
  }

  boolean isClosed() {
    return closed.get();
  }

  long nextSerial() {
    return serials.incrementAndGet();
  }

  /** A fresh handshake nonce. Any thread. */
  byte[] newNonce() {
    byte[] nonce = new byte[Handshake.NONCE_BYTES];
    random.nextBytes(nonce);
    return nonce;
  }

  byte[] newToken() {
    byte[] token = new byte[TOKEN_BYTES];
    random.nextBytes(token);
    return token;
  }

  void registerToken(byte[] token, GrpcLink link) {
    tokens.put(ByteString.copyFrom(token), link);
  }

  void forgetToken(byte[] token) {
    tokens.remove(ByteString.copyFrom(token));
  }

  void register(GrpcLink link) {
    links.put(link.serial(), link);
    if (closed.get()) {
      link.shutdown(); // raced with close(), which may not have seen it
    }
  }

  void deregister(GrpcLink link) {
    links.remove(link.serial(), link);
  }

  /** Runs a task on the timer thread; dropped once the transport has stopped. */
  void onTimer(Runnable task) {
    try {
      timer.execute(guard(task));
    } catch (RejectedExecutionException e) {
      // stopped
    }
  }

  /** Runs a task on the timer thread after a delay; dropped once the transport has stopped. */
  void schedule(Runnable task, Duration delay) {
    try {
      timer.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // stopped
    }
  }

  /**
   * Runs a task on the timer thread after a delay, and returns its handle so that the caller can
   * cancel it (a cancelled task leaves the timer's queue at once); a cancelled handle once the
   * transport has stopped.
   */
  Future<?> scheduleCancellable(Runnable task, Duration delay) {
    try {
      return timer.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      CompletableFuture<Void> stopped = new CompletableFuture<>();
      stopped.cancel(false);
      return stopped;
    }
  }

  private Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "node " + self.name() + ": timer task failed", e);
      }
    };
  }

  // ---- test hooks ------------------------------------------------------------------------------

  /**
   * Simulates a hung process (tests only): while paused, this transport sends no heartbeats, checks
   * no liveness, and delivers no frames (so it reads none either).
   */
  void pauseForTest(boolean pause) {
    pauseLock.lock();
    try {
      paused = pause;
      if (!pause) {
        unpaused.signalAll();
      }
    } finally {
      pauseLock.unlock();
    }
  }

  boolean paused() {
    return paused;
  }

  /** Blocks a delivery thread while the transport is paused. */
  void awaitUnpaused() {
    if (!paused) {
      return;
    }
    pauseLock.lock();
    try {
      while (paused) {
        unpaused.awaitUninterruptibly();
      }
    } finally {
      pauseLock.unlock();
    }
  }

  /** Simulates a crash (tests only): cuts every connection at once, without goodbye. */
  void killForTest() {
    server.shutdownNow();
    channels.forEach(ManagedChannel::shutdownNow);
  }

  /** How many links the runtime kept and that have not ended: open frame streams. For tests. */
  long openLinks() {
    return links.values().stream().filter(l -> l.kept() && !l.isEnded()).count();
  }

  /** The links that are up or coming up (tests and metrics). */
  List<GrpcLink> links() {
    return List.copyOf(links.values());
  }
}
