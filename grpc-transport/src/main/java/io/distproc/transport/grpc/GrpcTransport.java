package io.distproc.transport.grpc;

import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.runtime.internal.Link;
import io.distproc.runtime.internal.LinkHandler;
import io.distproc.runtime.internal.Transport;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/*
 * Design notes for maintainers.
 *
 * One node's gRPC transport: a Netty server on the bind address serving NodeLink (see
 * NodeLinkService), one ManagedChannel per dialled link (so that closing a link closes its
 * connection), and the links themselves (see GrpcLink), which get a LinkContext, never this
 * class. Nothing is static but immutable constants: any number of nodes run in one JVM, each with
 * its own transport. Every field is final: start() binds the server and makes the parts before
 * the transport exists.
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
 * Registry: the LinkTable holds every link from creation until its last handler call (so close()
 * can reach and wait for them), and the heartbeats of open accepted links by their Welcome's
 * token, so the dialler's heartbeat stream finds its link.
 *
 * close(): stop accepting (new Hellos get Reject(SHUTTING_DOWN)); close every link with
 * LOCAL_SHUTDOWN (each says goodbye after flushing, within the close grace); wait, bounded, for
 * the linkDown calls and for the channels and the server to finish their calls; then cut what is
 * left and stop the threads. The timer stops last but one, because it ends heartbeat streams.
 */
/** The gRPC transport of one node. Thread-safe. */
final class GrpcTransport implements Transport {
  private static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  private final NodeConfig config;
  private final LinkContext context;
  private final Server server;
  private final InetSocketAddress bound;
  private final ExecutorService io;
  private final Set<ManagedChannel> channels = ConcurrentHashMap.newKeySet();

  private GrpcTransport(
      NodeConfig config,
      LinkContext context,
      Server server,
      InetSocketAddress bound,
      ExecutorService io) {
    this.config = config;
    this.context = context;
    this.server = server;
    this.bound = bound;
    this.io = io;
  }

  /**
   * Binds the configured address and starts accepting links; {@code faults} is {@link
   * FaultSeam#NONE} but in tests.
   *
   * @throws IllegalStateException if the address cannot be bound
   */
  static GrpcTransport start(
      NodeConfig config,
      NodeId self,
      LinkHandler handler,
      TransportSettings settings,
      FaultSeam faults) {
    IoThreads threads = new IoThreads(self.name());
    ExecutorService io = Executors.newThreadPerTaskExecutor(threads.virtual("grpc"));
    TimerThread timer = new TimerThread(self.name(), threads.platform("timer"));
    LinkTable table = new LinkTable();
    BadLinkLog badLinks = new BadLinkLog(self.name(), timer);
    NodeLinkService service = new NodeLinkService(self.name(), table, badLinks);
    Server server;
    try {
      server =
          NettyServerBuilder.forAddress(
                  new InetSocketAddress(config.bindHost(), config.bindPort()),
                  Security.serverCredentials(config))
              .directExecutor()
              .maxInboundMessageSize(TransportSettings.MAX_INBOUND_GRPC_MESSAGE)
              .addStreamTracerFactory(CallEndTracer.FACTORY)
              .addService(service.definition())
              .build()
              .start();
    } catch (IOException | RuntimeException e) {
      stopThreads(timer, io);
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
    SocketAddress listening = server.getListenSockets().get(0);
    InetSocketAddress bound =
        listening instanceof InetSocketAddress inet
            ? inet
            : new InetSocketAddress(config.bindHost(), server.getPort());
    if (config.tls().isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          () ->
              "node "
                  + self.name()
                  + " links are plaintext, as configured: anyone who can reach "
                  + bound
                  + " can read them"
                  + (config.cookie().isPresent() ? "" : ", and no cookie keeps strangers out"));
    }
    String advertisedHost = config.advertisedHost().orElseGet(() -> deriveHost(config.bindHost()));
    int advertisedPort = config.advertisedPort().orElse(bound.getPort());
    LOG.log(
        System.Logger.Level.DEBUG,
        () ->
            "node "
                + self
                + " listening on "
                + bound
                + ", advertised as "
                + advertisedHost
                + ":"
                + advertisedPort);
    byte[] cookie =
        config.cookie().map(c -> c.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    LinkContext context =
        new LinkContext(
            new Identity(self, advertisedHost, advertisedPort, cookie),
            handler,
            settings,
            config.heartbeatInterval(),
            config.heartbeatTimeout(),
            config.requestTimeout(),
            config.tls().isPresent(),
            io,
            threads,
            timer,
            badLinks,
            table,
            faults);
    service.open(context);
    GrpcTransport transport = new GrpcTransport(config, context, server, bound, io);
    faults.started(transport::cutConnections);
    return transport;
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

  // ---- Transport -------------------------------------------------------------------------------

  @Override
  public InetSocketAddress boundAddress() {
    return bound;
  }

  @Override
  public CompletableFuture<Link> connect(String host, int port, Optional<String> expectedName) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(expectedName, "expectedName");
    if (context.table().isClosed()) {
      return CompletableFuture.failedFuture(
          new HandshakeException("the transport of node " + context.nodeName() + " is closed"));
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
    return DialledLink.dial(context, channel, host + ":" + port, expectedName).connected();
  }

  @Override
  public void close() {
    if (!context.table().close()) {
      return;
    }
    long deadline = System.nanoTime() + context.limits().closeGrace().plusSeconds(1).toNanos();
    List<GrpcLink> open = context.table().links();
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
    stopThreads(context.timer(), io);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    List<GrpcLink> stuck =
        context.table().links().stream().filter(l -> !l.isDeliveryEnded()).toList();
    if (!stuck.isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          () ->
              "node "
                  + context.nodeName()
                  + ": closed while the runtime still handled frames of "
                  + stuck);
    }
  }

  private static void stopThreads(TimerThread timer, ExecutorService io) {
    timer.stop();
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

  /** Cuts every connection at once, without goodbye: what a crash of the node looks like. */
  private void cutConnections() {
    server.shutdownNow();
    channels.forEach(ManagedChannel::shutdownNow);
  }

  // ---- for tests and metrics -------------------------------------------------------------------

  /** Who this node is in a handshake. */
  Identity identity() {
    return context.identity();
  }

  /** How many links the runtime kept and that have not ended: open frame streams. For tests. */
  long openLinks() {
    return context.table().links().stream().filter(l -> l.kept() && !l.isEnded()).count();
  }

  /** The timer thread (tests hold it up to stand for a pause of this node). */
  TimerThread timer() {
    return context.timer();
  }

  /** The links that are up or coming up (tests and metrics). */
  List<GrpcLink> links() {
    return context.table().links();
  }
}
