package io.distproc.testkit;

import io.distproc.node.events.NodeEvent;
import java.time.Instant;
import java.util.Optional;

/** One line of a container's output, with when the test JVM received it. */
record LogLine(long index, Instant received, String text) {
  /**
   * The node event on this line, if any.
   *
   * @throws IllegalArgumentException if the line is a malformed event line
   */
  Optional<NodeEvent> event() {
    return NodeEvent.parse(text);
  }
}
