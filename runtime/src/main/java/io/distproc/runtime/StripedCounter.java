package io.distproc.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A count that many threads add to at once, such as the node's messages sent: each thread adds in
 * one of several cells, picked by the thread's id, each cell in a cache line of its own; the count
 * is their sum. {@link java.util.concurrent.atomic.LongAdder} picks its cell by a probe that every
 * virtual thread starts anew and moves on each collision, and has no more cells than cores, so the
 * senders of a fan-in kept taking each other's cache line on every send; a process's thread keeps
 * its id, and so its cell, for its whole life. Thread-safe; {@link #sum} is exact once the adds it
 * should see have returned.
 */
final class StripedCounter {
  /** Cells: a power of two, 8 for each core, so that the threads running at once rarely share. */
  private static final int CELLS =
      Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 8 - 1) << 1;

  /** Longs from one cell to the next: 128 bytes, past the adjacent-line prefetch. */
  private static final int SPACING = 16;

  private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

  // Cell k is at (k + 1) * SPACING: the array's header and whatever lies before it stay clear too.
  private final long[] cells = new long[(CELLS + 1) * SPACING];

  /** Adds one, in the calling thread's cell. */
  void increment() {
    long id = Thread.currentThread().threadId();
    int cell = (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & (CELLS - 1);
    CELL.getAndAdd(cells, (cell + 1) * SPACING, 1L);
  }

  /** The sum of the cells. */
  long sum() {
    long sum = 0;
    for (int k = 1; k <= CELLS; k++) {
      sum += (long) CELL.getVolatile(cells, k * SPACING);
    }
    return sum;
  }
}
