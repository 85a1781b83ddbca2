package io.distproc.transport.grpc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The one platform timer thread of a transport: heartbeats, handshake and close deadlines, the
 * bad-link log's periods. Its clock is {@link System#nanoTime()}, which is what the executor reads,
 * so every deadline here is in that clock. Tasks given after {@link #stop()} are dropped.
 *
 * <p>This class is thread-safe.
 */
final class TimerThread {
  private static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  private final String nodeName;
  private final ScheduledThreadPoolExecutor executor;

  TimerThread(String nodeName, ThreadFactory thread) {
    this.nodeName = nodeName;
    this.executor = new ScheduledThreadPoolExecutor(1, thread);
    this.executor.setRemoveOnCancelPolicy(true);
    this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** The executor itself, for the heartbeat's own periodic and rearmed tasks. */
  ScheduledExecutorService executor() {
    return executor;
  }

  /** Runs a task on the timer thread; dropped once the timer has stopped. */
  void execute(Runnable task) {
    try {
      executor.execute(guard(task));
    } catch (RejectedExecutionException e) {
      // stopped
    }
  }

  /** Runs a task on the timer thread after a delay; dropped once the timer has stopped. */
  void schedule(Runnable task, Duration delay) {
    scheduleCancellable(task, delay);
  }

  /**
   * Runs a task on the timer thread after a delay, and returns its handle so that the caller can
   * cancel it (a cancelled task leaves the timer's queue at once); a cancelled handle once the
   * timer has stopped.
   */
  Future<?> scheduleCancellable(Runnable task, Duration delay) {
    try {
      return executor.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      CompletableFuture<Void> stopped = new CompletableFuture<>();
      stopped.cancel(false);
      return stopped;
    }
  }

  /** Stops the thread; queued tasks are dropped. */
  void stop() {
    executor.shutdownNow();
  }

  private Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "node " + nodeName + ": timer task failed", e);
      }
    };
  }
}
