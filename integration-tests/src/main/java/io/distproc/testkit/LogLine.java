package io.distproc.testkit;

import java.time.Instant;

/** One line of a container's output, with when the test JVM received it. */
record LogLine(long index, Instant received, String text) {}
