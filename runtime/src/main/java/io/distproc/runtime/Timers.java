package io.distproc.runtime;

import io.distproc.TimerRef;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * The timers of one node (erlang:send_after): one scheduled executor with one platform daemon
 * thread, made on first use (most nodes never set a timer, and a thread per node would cost every
 * test node one), closed with the node. A timer's state goes PENDING -> SENT when it fires, or
 * PENDING -> CANCELLED when cancelled, by one compare-and-set each, so exactly one of the two
 * happens and cancel() answers exactly whether the message was stopped.
 */
final class Timers implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("io.distproc.runtime");

  private final String nodeName;
  private final ReentrantLock lock = new ReentrantLock();

  /** Guarded by lock; null until the first timer, and after close. */
  private @Nullable ScheduledThreadPoolExecutor executor;

  /** Guarded by lock. */
  private boolean closed;

  Timers(String nodeName) {
    this.nodeName = nodeName;
  }

  /**
   * Runs {@code send} once {@code delay} has passed, unless cancelled first. {@code send} runs on
   * the timer thread and must not block for long.
   *
   * @throws IllegalStateException if the timers are closed (the node is shutting down)
   */
  TimerRef schedule(Duration delay, Runnable send) {
    Timer timer = new Timer(send);
    long nanos = Math.max(0, delay.isNegative() ? 0 : saturatedNanos(delay));
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("node " + nodeName + " is shut down: no new timers");
      }
      if (executor == null) {
        executor = new ScheduledThreadPoolExecutor(1, Threads.timerThreads(nodeName));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      }
      timer.future = executor.schedule(timer, nanos, TimeUnit.NANOSECONDS);
    } finally {
      lock.unlock();
    }
    return timer;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  /** Drops every pending timer and stops the thread. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      if (executor != null) {
        executor.shutdownNow();
        executor = null;
      }
    } finally {
      lock.unlock();
    }
  }

  private static final int PENDING = 0;
  private static final int SENT = 1;
  private static final int CANCELLED = 2;

  /** One timer. Thread-safe. */
  private static final class Timer implements TimerRef, Runnable {
    private final AtomicInteger state = new AtomicInteger(PENDING);
    private final Runnable send;

    /** Written once by schedule, before any cancel can see this timer. */
    private volatile @Nullable Future<?> future;

    Timer(Runnable send) {
      this.send = send;
    }

    @Override
    public void run() {
      if (state.compareAndSet(PENDING, SENT)) {
        try {
          send.run();
        } catch (RuntimeException e) { // an unknown node by now, say: like a send, it is lost
          LOG.log(System.Logger.Level.DEBUG, () -> "timer message not sent: " + e);
        }
      }
    }

    @Override
    public boolean cancel() {
      if (!state.compareAndSet(PENDING, CANCELLED)) {
        return false;
      }
      Future<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
      return true;
    }

    @Override
    public boolean isSent() {
      return state.get() == SENT;
    }

    @Override
    public String toString() {
      return "TimerRef["
          + (state.get() == PENDING ? "pending" : state.get() == SENT ? "sent" : "cancelled")
          + "]";
    }
  }
}
