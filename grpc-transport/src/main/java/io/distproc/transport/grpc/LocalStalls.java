package io.distproc.transport.grpc;

import java.util.ArrayDeque;

/**
 * The times this node itself was held up, as one heartbeat's timer runs see them: a run that comes
 * more than two intervals after the one before means the timer thread (and, as a rule, the whole
 * JVM: a GC pause, a machine starved of CPU) did not run for that long. The liveness check takes
 * that time out of a peer's silence: while this node is not running it hears nothing, and that is
 * not the peer's fault.
 *
 * <p>Every time is a {@link System#nanoTime()}. Not thread-safe: the heartbeat's timer thread alone
 * calls it.
 */
final class LocalStalls {
  private record Stall(long from, long to) {}

  private final long intervalNanos;
  private final long keepNanos;
  private final ArrayDeque<Stall> stalls = new ArrayDeque<>();
  private boolean started;
  private long lastRun;

  /**
   * @param intervalNanos how often the timer runs when nothing holds it up
   * @param keepNanos how far back {@link #within} is asked about: at least the heartbeat timeout
   */
  LocalStalls(long intervalNanos, long keepNanos) {
    this.intervalNanos = intervalNanos;
    this.keepNanos = keepNanos;
  }

  /**
   * The timer ran at {@code now}; the first call marks its start. A gap of more than two intervals
   * since the run before is a stall: all of it past the one interval the timer was due to wait.
   */
  void ran(long now) {
    if (started && now - lastRun > 2 * intervalNanos) {
      stalls.addLast(new Stall(lastRun + intervalNanos, now));
    }
    if (!started || now > lastRun) {
      lastRun = now;
    }
    started = true;
    while (!stalls.isEmpty() && stalls.getFirst().to() < now - keepNanos) {
      stalls.removeFirst();
    }
  }

  /** How long this node was held up between {@code from} and {@code to}, in nanoseconds. */
  long within(long from, long to) {
    long total = 0;
    for (Stall s : stalls) {
      long overlap = Math.min(to, s.to()) - Math.max(from, s.from());
      if (overlap > 0) {
        total += overlap;
      }
    }
    return total;
  }
}
