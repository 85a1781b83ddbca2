package io.distproc.transport.grpc;

import io.distproc.NodeDownEvent;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Link;
import io.distproc.runtime.internal.LinkHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * A serializing executor for one link's handler calls, with a fast path. Events (linkUp, the
 * frames of one gRPC message, the end) go into one queue; `wip` counts the requests to drain it,
 * and whoever raises `wip` from 0 becomes the DRAINER until `wip` falls back to 0, so exactly one
 * thread calls the handler at a time, in queue order (happens-before through `wip`).
 *
 * Which thread drains: the messages that make up the bulk of the traffic (batches of Send frames)
 * are only queued, still encoded, into mailboxes, when the handler says so (the runtime's does:
 * LinkHandler.deliversSendsWithoutBlocking), so the gRPC reader that received them, Netty's event
 * loop, delivers them itself when nothing is queued ahead: no thread hand-off between the socket
 * and the mailbox. Everything that may take longer or wait (linkUp and linkDown, which reach user
 * listeners; broadcasts, which the runtime decodes; spawn, monitor and the other control frames;
 * any delivery to a handler that makes no promise; any delivery while the fault seam pauses the
 * node for a test) is handed, with the rest of the queue, to a virtual thread of the link
 * (`distproc-io-<node>-link-<n>`), which drains until the queue is empty. A reader that finds a
 * drain under way only queues its message. So a slow handler holds up only its link, and the
 * event loop never waits.
 *
 * Flow control: after each delivered gRPC message the drainer asks gRPC for the next one, so a
 * slow handler slows the peer through flow control instead of filling memory.
 */
/**
 * Calls the runtime's {@link LinkHandler} for one link, one call at a time and in order: the
 * link-up task once (which asks the runtime and, if it keeps the link, calls {@link #keep()}), then
 * {@code frame} for every frame in arrival order, then {@code linkDown} once, after the last frame,
 * if the link was kept. Producers ({@link #linkUp}, {@link #deliver}, {@link #end}) may be called
 * from any thread.
 */
final class Inbox {
  private static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  /** The frames of one gRPC message; {@code inline} if the reader may deliver them itself. */
  private record Deliver(List<Frame> frames, boolean inline) {}

  private record End(NodeDownEvent.Cause cause, String detail) {}

  /** A task of the link's own, run in order with the frames (the link-up decision). */
  private record Task(Runnable run) {}

  private final Link link; // what the handler is told the frames came on; names it in logs
  private final LinkHandler handler;
  private final FaultSeam faults;
  private final ThreadFactory threads;
  private final Runnable requestMore;
  private final Runnable onFinished;
  private final ConcurrentLinkedQueue<Object> events = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();
  private final CountDownLatch finished = new CountDownLatch(1);

  /** The thread draining right now, or null. Written by the drainer. */
  private volatile @Nullable Thread drainer;

  /** Set when the link ended by a local decision: frames not yet delivered are dropped. */
  private volatile boolean discard;

  /** Set by the drainer after the end event: nothing is delivered any more. Drainer only. */
  private boolean ended;

  /** Set by the link-up task (a drainer) when the runtime kept the link; read by any thread. */
  private volatile boolean kept;

  /**
   * @param link the link, as the handler is given it
   * @param threads makes the link's delivering virtual threads
   * @param requestMore run (by the deliverer) after each delivered gRPC message, to read the next
   * @param onFinished run (by the deliverer) once the last handler call has returned
   */
  Inbox(
      Link link,
      LinkHandler handler,
      FaultSeam faults,
      ThreadFactory threads,
      Runnable requestMore,
      Runnable onFinished) {
    this.link = link;
    this.handler = handler;
    this.faults = faults;
    this.threads = threads;
    this.requestMore = requestMore;
    this.onFinished = onFinished;
  }

  /**
   * Queues the link-up task, run by the deliverer before any frame: it asks the runtime about the
   * link and, if the runtime keeps it, calls {@link #keep()}.
   */
  void linkUp(Runnable task) {
    submit(new Task(task), false);
  }

  /** The runtime kept the link: frames are delivered and linkDown will be called. Deliverer. */
  void keep() {
    kept = true;
  }

  /** Tells whether the runtime kept the link. Any thread. */
  boolean kept() {
    return kept;
  }

  /** Tells whether the last handler call has returned. Any thread. */
  boolean isFinished() {
    return finished.getCount() == 0;
  }

  /**
   * Queues the frames of one gRPC message, and delivers them on the calling thread if they are all
   * Send frames, the handler may take those on an I/O thread, and nothing is queued ahead of them.
   * Called by the link's reader.
   */
  void deliver(List<Frame> frames) {
    boolean inline = handler.deliversSendsWithoutBlocking();
    for (int i = 0; inline && i < frames.size(); i++) {
      inline = frames.get(i) instanceof Frame.Send;
    }
    submit(new Deliver(frames, inline), inline);
  }

  /**
   * Queues the end of the link: {@code linkDown} with {@code cause} if the link was kept. Frames
   * queued before it are delivered first unless {@code dropUndelivered}.
   */
  void end(NodeDownEvent.Cause cause, String detail, boolean dropUndelivered) {
    if (dropUndelivered) {
      discard = true;
    }
    submit(new End(cause, detail), false);
  }

  /** Waits up to {@code timeout} for the last handler call to return; never on the drainer. */
  boolean await(Duration timeout) throws InterruptedException {
    if (Thread.currentThread() == drainer) {
      return false;
    }
    return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void submit(Object event, boolean mayRunHere) {
    events.add(event);
    if (wip.getAndIncrement() == 0) {
      if (mayRunHere) {
        drain(1, true);
      } else {
        handOver(1);
      }
    }
  }

  /** Continues the drain on a virtual thread of the link, with {@code missed} requests seen. */
  private void handOver(int missed) {
    threads.newThread(() -> drain(missed, false)).start();
  }

  /**
   * Runs queued events until none is left and no request is outstanding. On the reader ({@code
   * inline}), stops at the first event that must not run there and hands the rest over.
   */
  private void drain(int missed, boolean inline) {
    drainer = Thread.currentThread();
    try {
      while (true) {
        for (Object event; (event = events.peek()) != null; ) {
          if (inline && !(event instanceof Deliver d && d.inline() && !faults.paused())) {
            drainer = null;
            handOver(missed);
            return;
          }
          events.poll();
          run(event);
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    } finally {
      if (drainer == Thread.currentThread()) {
        drainer = null;
      }
    }
  }

  private void run(Object event) {
    if (ended) {
      return;
    }
    if (event instanceof Task t) {
      t.run().run();
    } else if (event instanceof Deliver d) {
      deliverAll(d.frames());
    } else if (event instanceof End e) {
      ended = true;
      if (kept) {
        try {
          handler.linkDown(link, e.cause(), e.detail());
        } catch (Throwable t) {
          LOG.log(System.Logger.Level.ERROR, link + ": the runtime's linkDown threw", t);
        }
      }
      onFinished.run();
      finished.countDown();
    }
  }

  private void deliverAll(List<Frame> frames) {
    if (!kept) {
      return;
    }
    for (Frame frame : frames) {
      if (discard) {
        return;
      }
      faults.awaitUnpaused();
      try {
        handler.frame(link, frame);
      } catch (Throwable t) {
        LOG.log(
            System.Logger.Level.ERROR,
            link + ": the runtime's frame handler threw on " + frame.getClass().getSimpleName(),
            t);
      }
    }
    requestMore.run();
  }
}
