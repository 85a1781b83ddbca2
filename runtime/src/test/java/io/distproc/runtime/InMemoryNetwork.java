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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network in memory: transports that link nodes of one JVM without sockets, with the seam's
 * contract (handshake with cookie and expected name, linkUp on the acceptor first, frames in order
 * per link, linkDown once after the last frame) and fault injection ({@link #crash}, {@link
 * #blackhole}, {@link #hold}).
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

  /**
   * Drops every link of the node abruptly, as a killed process would: both sides see
   * CONNECTION_LOST.
   */
  void crash(NodeId node) {
    for (MemTransport t : byPort.values()) {
      if (t.self.equals(node)) {
        for (MemLink link : t.links) {
          link.abort();
        }
      }
    }
  }

  /** One step of {@link #cross}: the acceptor's or the dialler's linkUp of one of the two links. */
  enum Step {
    /** The first node's dial: its acceptor (the second node) calls linkUp. */
    FIRST_ACCEPTED,
    /** The first node's dial: the first node, its dialler, calls linkUp. */
    FIRST_DIALLED,
    /** The second node's dial: its acceptor (the first node) calls linkUp. */
    SECOND_ACCEPTED,
    /** The second node's dial: the second node, its dialler, calls linkUp. */
    SECOND_DIALLED
  }

  /**
   * Two nodes dial each other at once, without knowing the other's name (as with a DNS seed), and
   * the four linkUp calls of the two links happen in {@code order}: each link's acceptor before its
   * dialler, as the seam promises. A link refused by its acceptor never reaches its dialler; one
   * refused by its dialler ends at its acceptor as a goodbye would.
   *
   * @return the two links, to fail one of them afterwards
   */
  Crossing cross(int firstPort, int secondPort, List<Step> order) {
    Crossing crossing = new Crossing(byPort.get(firstPort), byPort.get(secondPort));
    order.forEach(crossing::step);
    return crossing;
  }

  /** The two links of {@link #cross}, to take further steps on or fail one of them afterwards. */
  final class Crossing {
    private final MemTransport first;
    private final MemTransport second;
    private final MemLink[] firstDial;
    private final MemLink[] secondDial;
    private final boolean[] acceptedKept = new boolean[2];

    private Crossing(MemTransport first, MemTransport second) {
      this.first = first;
      this.second = second;
      this.firstDial = pair(first, second);
      this.secondDial = pair(second, first);
    }

    /** Takes one more step; each link's acceptor step must come before its dialler's. */
    void step(Step step) {
      int which = step == Step.FIRST_ACCEPTED || step == Step.FIRST_DIALLED ? 0 : 1;
      MemLink[] dial = which == 0 ? firstDial : secondDial;
      MemTransport dialler = which == 0 ? first : second;
      MemTransport acceptor = which == 0 ? second : first;
      if (step == Step.FIRST_ACCEPTED || step == Step.SECOND_ACCEPTED) {
        if (acceptor.handler.linkUp(dial[1])) {
          acceptedKept[which] = true;
          dial[1].up();
        }
      } else if (acceptedKept[which]) {
        if (dialler.handler.linkUp(dial[0])) {
          dial[0].up();
        } else {
          dial[0].refusedByDialler();
        }
      }
    }

    /** Breaks the first node's dial, as a lost connection would. */
    void abortFirst() {
      firstDial[0].abort();
    }
  }

  /** A dialled link's two ends, not yet up anywhere: the dialler's, then the acceptor's. */
  private static MemLink[] pair(MemTransport dialler, MemTransport acceptor) {
    MemLink mine = new MemLink(dialler, acceptor.self, true, acceptor.port);
    MemLink theirs = new MemLink(acceptor, dialler.self, false, dialler.port);
    mine.other = theirs;
    theirs.other = mine;
    return new MemLink[] {mine, theirs};
  }

  /** The links of the node on {@code port} that are up and not closed. */
  long openLinks(int port) {
    return byPort.get(port).links.stream().filter(l -> !l.closed.get()).count();
  }

  /**
   * Closes the node's links to {@code peer} without telling either runtime yet: they refuse frames,
   * as a link does between its end and the runtime's linkDown.
   */
  void closeUnnoticed(int port, NodeId peer) {
    byPort.get(port).links.stream()
        .filter(l -> l.peer.equals(peer))
        .forEach(l -> l.closed.set(true));
  }

  /** Makes the node deaf: frames sent to it are dropped, as to a hung process. */
  void blackhole(NodeId node) {
    deaf.add(node);
  }

  /** Lets a deaf node hear again. */
  void unblackhole(NodeId node) {
    deaf.remove(node);
  }

  /** How many frames the node on {@code port} has handed to its links. */
  long framesSent(int port) {
    return byPort.get(port).sent.get();
  }

  private final Set<NodeId> deaf = ConcurrentHashMap.newKeySet();

  /** Frames dropped because their receiver was deaf. */
  final AtomicInteger dropped = new AtomicInteger();

  /**
   * Makes the node slow to hear: frames sent to it wait, in order, until {@link #release}, as
   * behind a stalled peer. Links stay up, so a request to it is pending, not failed.
   */
  void hold(NodeId node) {
    gates.putIfAbsent(node, new CountDownLatch(1));
  }

  /** Lets the frames {@link #hold} stopped reach the node, in the order they were sent. */
  void release(NodeId node) {
    CountDownLatch gate = gates.remove(node);
    if (gate != null) {
      gate.countDown();
    }
  }

  /** Releases every held node (a test's cleanup, so that closing its nodes is not held up). */
  void releaseAll() {
    gates.keySet().forEach(this::release);
  }

  private final ConcurrentHashMap<NodeId, CountDownLatch> gates = new ConcurrentHashMap<>();

  /** Frames that reached a held node and waited there for {@link #release}. */
  final AtomicInteger held = new AtomicInteger();

  private void awaitRelease(NodeId node) throws InterruptedException {
    CountDownLatch gate = gates.get(node);
    if (gate != null) {
      held.incrementAndGet();
      gate.await();
    }
  }

  private final class MemTransport implements Transport {
    final NodeConfig config;
    final NodeId self;
    final LinkHandler handler;
    final int port;
    final List<MemLink> links = new CopyOnWriteArrayList<>();
    final AtomicLong sent = new AtomicLong();
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
    public CompletableFuture<Link> connect(
        String host, int peerPort, Optional<String> expectedName) {
      MemTransport target = byPort.get(peerPort);
      if (closed || target == null || target.closed) {
        return CompletableFuture.failedFuture(
            new ConnectException("nothing at " + host + ":" + peerPort));
      }
      if (!MessageDigest.isEqual(cookie(config), cookie(target.config))) {
        return CompletableFuture.failedFuture(new SecurityException("cookie mismatch"));
      }
      if (expectedName.isPresent() && !expectedName.get().equals(target.self.name())) {
        return CompletableFuture.failedFuture(
            new ConnectException(
                "expected " + expectedName.get() + ", found " + target.self.name()));
      }
      MemLink[] pair = pair(this, target);
      MemLink mine = pair[0];
      MemLink theirs = pair[1];
      if (!target.handler.linkUp(theirs)) { // the acceptor decides first
        return CompletableFuture.failedFuture(
            new LinkRefusedException("link refused by " + target.self));
      }
      theirs.up();
      if (!handler.linkUp(mine)) {
        mine.refusedByDialler();
        return CompletableFuture.failedFuture(new ConnectException("refused by " + self));
      }
      mine.up();
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

  static final class MemLink implements Link {
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

    /** Its owner's runtime kept it: it joins the owner's links and starts delivering. */
    void up() {
      owner.links.add(this);
      startDrainer();
    }

    /**
     * This end's runtime, the dialler's, refused the link its acceptor kept: both ends close, and
     * the acceptor sees the peer leave, as with a goodbye.
     */
    void refusedByDialler() {
      closed.set(true);
      other.closed.set(true);
      other.enqueueDown(NodeDownEvent.Cause.PEER_LEFT, "dialler refused the link");
    }

    private void startDrainer() {
      Thread.ofVirtual()
          .name("mem-link-" + owner.self.name() + "-" + peer.name())
          .start(this::drain);
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
          owner.network().awaitRelease(owner.self);
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
      } else {
        other.inbox.add(frame);
      }
      owner.sent.incrementAndGet(); // after the frame is queued there: a test may act on it
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
