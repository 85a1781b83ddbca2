package io.distproc.benchmarks;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One token at a time, from one thread to another, with the mailbox's spin-then-park wait: the
 * hand-off of the platform references (W2's two bare virtual threads, W5's bare gRPC stream). A
 * slot holds one token; {@code put} on a full slot replaces its token, so each side waits for the
 * other's answer before it puts again. Thread-safe for one putter and one taker.
 */
final class Slot {
  private final AtomicReference<@Nullable Object> item = new AtomicReference<>();
  private volatile @Nullable Thread waiter;

  void put(Object token) {
    item.set(token);
    Thread t = waiter;
    if (t != null) {
      waiter = null;
      LockSupport.unpark(t);
    }
  }

  Object take() {
    for (; ; ) {
      for (int i = 0; i < 2048; i++) {
        Object o = item.getAndSet(null);
        if (o != null) {
          return o;
        }
        Thread.onSpinWait();
      }
      waiter = Thread.currentThread();
      Object o = item.getAndSet(null);
      if (o != null) {
        waiter = null;
        return o;
      }
      LockSupport.park(this);
      waiter = null;
    }
  }
}
