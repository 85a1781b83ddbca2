package io.distproc.runtime;

import io.distproc.DistprocException;
import io.distproc.NodeId;
import io.distproc.ProcessInterruptedException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's lifecycle: RUNNING -> SHUTDOWN (no new processes) -> STOPPING (every process
 * interrupted). The node has terminated when it is shut down and no process is registered; the
 * latch is counted down once, by whichever thread observes that first, which then closes the node's
 * timers and remoting (after a graceful shutdown, the links go when the last process ends).
 * Thread-safe.
 */
final class Lifecycle {
  private static final System.Logger LOG = System.getLogger("io.distproc.runtime");
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final int RUNNING = 0;
  private static final int SHUTDOWN = 1;
  private static final int STOPPING = 2;

  private final NodeId id;
  private final ProcessTable<?> processes;
  private final Timers timers;
  private final Remoting<?> remoting;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final CountDownLatch terminated = new CountDownLatch(1);

  Lifecycle(NodeId id, ProcessTable<?> processes, Timers timers, Remoting<?> remoting) {
    this.id = id;
    this.processes = processes;
    this.timers = timers;
    this.remoting = remoting;
  }

  /** Whether new processes may start. */
  boolean running() {
    return state.get() == RUNNING;
  }

  /**
   * Throws unless new processes may start.
   *
   * @throws IllegalStateException once the node is shut down
   */
  void checkRunning() {
    if (state.get() != RUNNING) {
      throw shutDown();
    }
  }

  /** What a spawn on a node that is shut down throws. */
  IllegalStateException shutDown() {
    return new IllegalStateException("node " + id + " is shut down: no new processes");
  }

  /** No new processes; the node terminates when the last one ends. */
  void shutdown() {
    if (state.compareAndSet(RUNNING, SHUTDOWN)) {
      LOG.log(System.Logger.Level.DEBUG, () -> "node " + id + " shutting down");
    }
    checkTerminated();
  }

  /** Stops the timers and the links, and interrupts every process. */
  void shutdownNow() {
    int before = state.getAndSet(STOPPING);
    if (before != STOPPING) {
      LOG.log(System.Logger.Level.DEBUG, () -> "node " + id + " stopping its processes");
      timers.close();
      remoting.close();
    }
    processes.forEach(ProcessImpl::kill);
    checkTerminated();
  }

  /** Terminates the node if it is shut down and no process is left. Any thread. */
  void checkTerminated() {
    if (state.get() != RUNNING && processes.isEmpty() && terminated.getCount() > 0) {
      timers.close();
      remoting.close();
      terminated.countDown();
      LOG.log(System.Logger.Level.DEBUG, () -> "node " + id + " terminated");
    }
  }

  boolean awaitTermination(Duration timeout) {
    try {
      return terminated.await(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException(e);
    }
  }

  boolean isShutdown() {
    return state.get() != RUNNING;
  }

  boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  /**
   * Stops the node and waits for it to terminate.
   *
   * @throws DistprocException if processes did not end within the close timeout
   */
  void close() {
    shutdownNow();
    if (!awaitTermination(CLOSE_TIMEOUT)) {
      throw new DistprocException(
          "node "
              + id
              + ": "
              + processes.size()
              + " process(es) did not end within "
              + CLOSE_TIMEOUT.toSeconds()
              + " s of being interrupted");
    }
  }
}
