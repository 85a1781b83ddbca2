package io.distproc.runtime;

import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Link;
import io.distproc.runtime.internal.LinkHandler;
import io.distproc.runtime.internal.LinkRefusedException;
import io.distproc.runtime.internal.Transport;
import io.distproc.runtime.internal.TransportFactory;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network in memory: transports that link nodes of one JVM without sockets, with the seam's
 * contract (handshake with cookie and expected name, linkUp on the acceptor first, frames in order
 * per link, linkDown once after the last frame) and fault injection ({@link #crash}).
 *
 * <p>Thread-safe. Each network is its own world: nodes on different networks never meet.
 */
final class InMemoryNetwork {
  static final String HOST = "127.0.0.1";

  private final ConcurrentHashMap<Integer, MemTransport> byPort = new ConcurrentHashMap<>();
  private final AtomicInteger nextPort = new AtomicInteger(40_000);

  TransportFactory factory() {
    return MemTransport::new;
  }

  /** Drops every link of the node abruptly, as a killed process would: both sides see CONNECTION_LOST. */
  void crash(NodeId node) {
    for (MemTransport t : byPort.values()) {
      if (t.self.equals(node)) {
        for (MemLink link : t.links) {
          link.abort();
        }
      }
    }
  }

  /** Makes the node deaf: frames sent to it are dropped, as to a hung process. */
  void blackhole(NodeId node) {
    deaf.add(node);
  }

  private final Set<NodeId> deaf = ConcurrentHashMap.newKeySet();

  /** Frames dropped because their receiver was deaf. */
  final AtomicInteger dropped = new AtomicInteger();

  private final class MemTransport implements Transport {
    final NodeConfig config;
    final NodeId self;
    final LinkHandler handler;
    final int port;
    final List<MemLink> links = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    InMemoryNetwork network() {
      return InMemoryNetwork.this;
    }

    MemTransport(NodeConfig config, NodeId self, LinkHandler handler) {
      this.config = config;
      this.self = self;
      this.handler = handler;
      int p = config.bindPort() != 0 ? config.bindPort() : nextPort.incrementAndGet();
      if (byPort.putIfAbsent(p, this) != null) {
        throw new IllegalStateException("port " + p + " is in use");
      }
      this.port = p;
    }

    @Override
    public InetSocketAddress boundAddress() {
      return new InetSocketAddress(HOST, port);
    }

    @Override
    public CompletableFuture<Link> connect(String host, int peerPort, Optional<String> expectedName) {
      MemTransport target = byPort.get(peerPort);
      if (closed || target == null || target.closed) {
        return CompletableFuture.failedFuture(new ConnectException("nothing at " + host + ":" + peerPort));
      }
      if (!MessageDigest.isEqual(cookie(config), cookie(target.config))) {
        return CompletableFuture.failedFuture(new SecurityException("cookie mismatch"));
      }
      if (expectedName.isPresent() && !expectedName.get().equals(target.self.name())) {
        return CompletableFuture.failedFuture(
            new ConnectException("expected " + expectedName.get() + ", found " + target.self.name()));
      }
      MemLink mine = new MemLink(this, target.self, true, target.port);
      MemLink theirs = new MemLink(target, self, false, port);
      mine.other = theirs;
      theirs.other = mine;
      if (!target.handler.linkUp(theirs)) { // the acceptor decides first
        return CompletableFuture.failedFuture(
            new LinkRefusedException("link refused by " + target.self));
      }
      target.links.add(theirs);
      theirs.startDrainer();
      if (!handler.linkUp(mine)) {
        theirs.enqueueDown(NodeDownEvent.Cause.PEER_LEFT, "dialler refused the link");
        return CompletableFuture.failedFuture(new ConnectException("refused by " + self));
      }
      links.add(mine);
      mine.startDrainer();
      return CompletableFuture.completedFuture(mine);
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      for (MemLink link : links) {
        link.close(NodeDownEvent.Cause.LOCAL_SHUTDOWN, "transport closed");
      }
      byPort.remove(port, this);
    }
  }

  private static byte[] cookie(NodeConfig config) {
    return config.cookie().orElse("").getBytes(StandardCharsets.UTF_8);
  }

  private record Down(NodeDownEvent.Cause cause, String detail) {}

  private static final class MemLink implements Link {
    final MemTransport owner;
    final NodeId peer;
    final boolean outbound;
    final int peerPort;
    final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    final AtomicBoolean closed = new AtomicBoolean();
    volatile MemLink other;

    MemLink(MemTransport owner, NodeId peer, boolean outbound, int peerPort) {
      this.owner = owner;
      this.peer = peer;
      this.outbound = outbound;
      this.peerPort = peerPort;
    }

    void startDrainer() {
      Thread.ofVirtual().name("mem-link-" + owner.self.name() + "-" + peer.name()).start(this::drain);
    }

    private void drain() {
      try {
        for (; ; ) {
          Object item = inbox.take();
          if (item instanceof Down down) {
            owner.links.remove(this);
            owner.handler.linkDown(this, down.cause(), down.detail());
            return;
          }
          owner.handler.frame(this, (Frame) item);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void enqueueDown(NodeDownEvent.Cause cause, String detail) {
      inbox.add(new Down(cause, detail));
    }

    @Override
    public NodeId peer() {
      return peer;
    }

    @Override
    public boolean outbound() {
      return outbound;
    }

    @Override
    public String peerAddress() {
      return HOST + ":" + peerPort;
    }

    @Override
    public boolean send(Frame frame) {
      if (closed.get() || other.closed.get()) {
        return false;
      }
      if (owner.network().deaf.contains(peer)) {
        owner.network().dropped.incrementAndGet();
        return true; // lost on the way
      }
      other.inbox.add(frame);
      return true;
    }

    @Override
    public void close(NodeDownEvent.Cause cause, String detail) {
      if (closed.compareAndSet(false, true)) {
        enqueueDown(cause, detail);
        if (other.closed.compareAndSet(false, true)) {
          other.enqueueDown(NodeDownEvent.Cause.PEER_LEFT, "peer closed the link: " + detail);
        }
      }
    }

    void abort() {
      if (closed.compareAndSet(false, true)) {
        enqueueDown(NodeDownEvent.Cause.CONNECTION_LOST, "connection aborted");
      }
      if (other.closed.compareAndSet(false, true)) {
        other.enqueueDown(NodeDownEvent.Cause.CONNECTION_LOST, "connection aborted");
      }
    }
  }
}
