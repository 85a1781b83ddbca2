package io.distproc.transport.grpc;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fault seam the tests give a transport: pause it (a hung process), kill it (a crash) and count
 * the gRPC messages it writes on its frames streams. Thread-safe.
 */
final class TestFaults implements FaultSeam {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition unpaused = lock.newCondition();
  private final AtomicLong writes = new AtomicLong();
  private volatile boolean paused;
  private volatile Runnable crash = () -> {};

  /**
   * Simulates a hung process: while paused, the transport sends no heartbeats, checks no liveness,
   * and delivers no frames (so it reads none either).
   */
  void pause(boolean pause) {
    lock.lock();
    try {
      paused = pause;
      if (!pause) {
        unpaused.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Simulates a crash: cuts every connection at once, without goodbye. */
  void kill() {
    crash.run();
  }

  /** The gRPC messages written on the transport's frames streams so far. */
  long writes() {
    return writes.get();
  }

  @Override
  public boolean paused() {
    return paused;
  }

  @Override
  public void awaitUnpaused() {
    if (!paused) {
      return;
    }
    lock.lock();
    try {
      while (paused) {
        unpaused.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void wrote() {
    writes.incrementAndGet();
  }

  @Override
  public void started(Runnable crash) {
    this.crash = crash;
  }
}
