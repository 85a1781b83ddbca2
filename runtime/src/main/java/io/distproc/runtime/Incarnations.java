package io.distproc.runtime;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The incarnation clock: each node start in this JVM gets a new, larger incarnation. */
final class Incarnations {
  private Incarnations() {}

  /**
   * The last incarnation given out in this JVM: the runtime's one static field that changes. It is
   * a clock, not node state: it only ever grows, no node reads another node's anything through it,
   * and a node keeps no reference to it after taking its incarnation; closing a node leaves it
   * alone. It exists because {@link io.distproc.NodeId#incarnation()} promises a different and
   * larger number each time a node of a name starts, which the wall clock alone cannot keep within
   * one JVM (where tests restart a node of the same name): two starts can read the same
   * microsecond, and the clock can step back while the JVM runs. A per-node derivation cannot see
   * the previous node of the name, so it could not keep the promise; peers rely on the order (a
   * link from an older incarnation of a connected name is refused). Across JVMs the wall clock in
   * microseconds carries the order. Thread-safe: updated with one atomic accumulate.
   */
  private static final AtomicLong LAST = new AtomicLong();

  /** A new incarnation: the start time in microseconds, larger than any given out before. */
  static long next() {
    long now = Math.max(1, ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
    return LAST.accumulateAndGet(now, (last, clock) -> Math.max(last + 1, clock));
  }
}
