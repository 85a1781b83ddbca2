package io.distproc.otp;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * Counts a supervisor's restarts in a sliding window (Erlang's {@code intensity} within {@code
 * period}). Confined to the supervisor's thread.
 */
final class RestartIntensity {
  private final int intensity;
  private final long periodNanos;
  private final LongSupplier ticker;
  private final ArrayDeque<Long> restarts = new ArrayDeque<>();

  RestartIntensity(int intensity, Duration period, LongSupplier ticker) {
    this.intensity = intensity;
    this.periodNanos = period.toNanos();
    this.ticker = ticker;
  }

  /**
   * Records a restart about to happen.
   *
   * @return whether it is within the intensity; {@code false} means the supervisor gives up
   */
  boolean tryRestart() {
    long now = ticker.getAsLong();
    while (!restarts.isEmpty() && now - restarts.peekFirst() >= periodNanos) {
      restarts.pollFirst();
    }
    restarts.addLast(now);
    return restarts.size() <= intensity;
  }
}
