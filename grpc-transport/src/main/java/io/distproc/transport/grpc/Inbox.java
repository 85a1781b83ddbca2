package io.distproc.transport.grpc;

import io.distproc.NodeDownEvent;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.LinkHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;

/**
 * Calls the runtime's {@link LinkHandler} for one link, one call at a time and in order: {@code
 * linkUp} once, then {@code frame} for every frame in arrival order, then {@code linkDown} once,
 * after the last frame, if {@code linkUp} kept the link.
 *
 * <p>All calls run on the link's own virtual thread ({@code distproc-io-<node>-link-<n>}), so a
 * slow handler holds up only its link, never a gRPC thread. After each delivered gRPC message the
 * thread asks gRPC for the next one, so a slow handler slows the peer through flow control instead
 * of filling memory. Producers ({@link #linkUp}, {@link #deliver}, {@link #end}) may be called from
 * any thread; the events themselves stay in the order they were added.
 */
final class Inbox implements Runnable {
  private static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  private record Deliver(List<Frame> frames) {}

  private record End(NodeDownEvent.Cause cause, String detail) {}

  private static final Object LINK_UP = new Object();

  private final GrpcLink link;
  private final LinkHandler handler;
  private final GrpcTransport transport;
  private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final Thread thread;

  /** Set when the link ended by a local decision: frames not yet delivered are dropped. */
  private volatile boolean discard;

  Inbox(GrpcLink link, LinkHandler handler, GrpcTransport transport, ThreadFactory threads) {
    this.link = link;
    this.handler = handler;
    this.transport = transport;
    this.thread = threads.newThread(this);
  }

  void start() {
    thread.start();
  }

  /** Queues the {@code linkUp} call. */
  void linkUp() {
    events.add(LINK_UP);
  }

  /** Queues the frames of one gRPC message. */
  void deliver(List<Frame> frames) {
    events.add(new Deliver(frames));
  }

  /**
   * Queues the end of the link: {@code linkDown} with {@code cause} if the link was kept. Frames
   * queued before it are delivered first unless {@code dropUndelivered}.
   */
  void end(NodeDownEvent.Cause cause, String detail, boolean dropUndelivered) {
    if (dropUndelivered) {
      discard = true;
    }
    events.add(new End(cause, detail));
  }

  /** Tells whether the calling thread is this link's delivery thread. */
  boolean isDeliveryThread() {
    return Thread.currentThread() == thread;
  }

  /** Waits up to {@code timeout} for the last handler call to return. */
  boolean await(Duration timeout) throws InterruptedException {
    if (isDeliveryThread()) {
      return false;
    }
    return thread.join(timeout);
  }

  @Override
  public void run() {
    while (true) {
      Object event;
      try {
        event = events.take();
      } catch (InterruptedException e) {
        continue; // nobody interrupts this thread on purpose; the end event still comes
      }
      if (event == LINK_UP) {
        link.runLinkUp(handler);
      } else if (event instanceof Deliver d) {
        deliverAll(d.frames());
      } else if (event instanceof End e) {
        if (link.kept()) {
          try {
            handler.linkDown(link, e.cause(), e.detail());
          } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, link + ": the runtime's linkDown threw", t);
          }
        }
        link.deliveryEnded();
        return;
      }
    }
  }

  private void deliverAll(List<Frame> frames) {
    if (!link.kept()) {
      return;
    }
    for (Frame frame : frames) {
      if (discard) {
        return;
      }
      transport.awaitUnpaused();
      try {
        handler.frame(link, frame);
      } catch (Throwable t) {
        LOG.log(
            System.Logger.Level.ERROR,
            link + ": the runtime's frame handler threw on " + frame.getClass().getSimpleName(),
            t);
      }
    }
    link.requestMore();
  }
}
