package io.distproc.runtime.testing;

/**
 * The one place the runtime's tests, and the tests that share this test-jar (grpc-transport's),
 * read {@code -Ddistproc.test.timefactor}: the whole number every wait of theirs is multiplied by,
 * 1 when the property is unset or not a whole number. Raise it on slow machines.
 */
public final class TestTimeFactor {
  /** The system property that holds the factor. */
  public static final String PROPERTY = "distproc.test.timefactor";

  /** The factor. */
  public static final int FACTOR = Integer.getInteger(PROPERTY, 1);

  private TestTimeFactor() {}
}
