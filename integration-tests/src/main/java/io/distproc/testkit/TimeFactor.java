package io.distproc.testkit;

import java.time.Duration;

/**
 * Scales test deadlines for slow machines, as Pekko's {@code dilated} does: every deadline the
 * testkit waits for is multiplied by the system property {@code distproc.test.timefactor} (default
 * 1; the build passes {@code -Ddistproc.test.timefactor=N} through).
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1.0
 */
public final class TimeFactor {
  /** The system property that holds the factor. */
  public static final String PROPERTY = "distproc.test.timefactor";

  private TimeFactor() {}

  /**
   * Returns the factor: the system property {@value #PROPERTY}, or 1 when it is unset or not a
   * positive number.
   *
   * @return the factor, positive
   */
  public static double factor() {
    String value = System.getProperty(PROPERTY, "1");
    try {
      double f = Double.parseDouble(value.strip());
      return f > 0 && Double.isFinite(f) ? f : 1;
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /**
   * Returns a deadline scaled by the {@link #factor()}.
   *
   * @param duration the deadline on a fast machine
   * @return the deadline here
   * @throws NullPointerException if {@code duration} is null
   */
  public static Duration dilated(Duration duration) {
    return Duration.ofNanos((long) (duration.toNanos() * factor()));
  }
}
