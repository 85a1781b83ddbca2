package io.distproc.transport.grpc;

import io.distproc.NodeDownEvent;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Link;
import io.distproc.runtime.internal.LinkHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * A fake runtime: records every {@link LinkHandler} call and checks the call contract (linkUp once,
 * then frames one at a time, then linkDown once for kept links, nothing after). What it records is
 * safe to read from the test thread.
 */
final class RecordingHandler implements LinkHandler {

  /** One linkDown call, and when it came ({@link System#nanoTime()}). */
  record Down(Link link, NodeDownEvent.Cause cause, String detail, long atNanos) {}

  /** One frame delivered on a link. */
  record Received(Link link, Frame frame) {}

  private final String name;
  private final List<Link> ups = new CopyOnWriteArrayList<>();
  private final List<Down> downs = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Received> frames = new ConcurrentLinkedQueue<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Map<Link, Boolean> inCall = new ConcurrentHashMap<>();
  private final Map<Link, Boolean> down = new ConcurrentHashMap<>();
  private final CountDownLatch release = new CountDownLatch(1);

  private volatile Predicate<Link> accept = link -> true;
  private volatile BiConsumer<Link, Frame> onFrame = null;
  private volatile boolean record = true;
  private volatile boolean blockFrames;

  RecordingHandler(String name) {
    this.name = name;
  }

  /** Decides what linkUp answers. */
  RecordingHandler accepting(Predicate<Link> decision) {
    this.accept = decision;
    return this;
  }

  /** Runs {@code consumer} for each frame instead of recording it. */
  RecordingHandler onFrame(BiConsumer<Link, Frame> consumer) {
    this.onFrame = consumer;
    this.record = false;
    return this;
  }

  /** Makes every frame call block until {@link #releaseAll()}: a slow receiver. */
  RecordingHandler blockingFrames() {
    this.blockFrames = true;
    return this;
  }

  /** Lets blocked frame calls return; called by {@link TestNodes#close()} too. */
  void releaseAll() {
    release.countDown();
  }

  @Override
  public boolean linkUp(Link link) {
    if (ups.contains(link)) {
      violations.add(name + ": linkUp twice for " + link);
    }
    ups.add(link);
    return accept.test(link);
  }

  @Override
  public void frame(Link link, Frame frame) {
    if (inCall.put(link, Boolean.TRUE) != null) {
      violations.add(name + ": concurrent frame calls on " + link);
    }
    try {
      if (!ups.contains(link)) {
        violations.add(name + ": frame before linkUp on " + link);
      }
      if (down.containsKey(link)) {
        violations.add(name + ": frame after linkDown on " + link);
      }
      if (blockFrames) {
        release.await();
      }
      BiConsumer<Link, Frame> consumer = onFrame;
      if (consumer != null) {
        consumer.accept(link, frame);
      }
      if (record) {
        frames.add(new Received(link, frame));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inCall.remove(link);
    }
  }

  @Override
  public void linkDown(Link link, NodeDownEvent.Cause cause, String detail) {
    if (!ups.contains(link)) {
      violations.add(name + ": linkDown without linkUp on " + link);
    }
    if (down.put(link, Boolean.TRUE) != null) {
      violations.add(name + ": linkDown twice on " + link);
    }
    if (inCall.containsKey(link)) {
      violations.add(name + ": linkDown during a frame call on " + link);
    }
    downs.add(new Down(link, cause, detail, System.nanoTime()));
  }

  List<Link> ups() {
    return List.copyOf(ups);
  }

  List<Down> downs() {
    return List.copyOf(downs);
  }

  Optional<Down> downOf(Link link) {
    return downs.stream().filter(d -> d.link() == link).findFirst();
  }

  List<Frame> framesOn(Link link) {
    return frames.stream().filter(r -> r.link() == link).map(Received::frame).toList();
  }

  List<String> violations() {
    return List.copyOf(violations);
  }
}
