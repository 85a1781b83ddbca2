package io.distproc;

import java.io.Serial;

/**
 * Thrown when a {@link Node.Builder} is asked to start a node a second time (the seed's {@code
 * Init_more_than_once}): a builder bootstraps exactly one node.
 *
 * <p>Any number of nodes may run in one JVM; each needs its own builder (or a call to {@link
 * Node#start(NodeConfig, Codec)}).
 *
 * @since 0.1.0
 */
public class InitMoreThanOnceException extends DistprocException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param nodeName the name of the node whose builder was reused, for the message
   */
  public InitMoreThanOnceException(String nodeName) {
    super("node '" + nodeName + "' was already started from this builder");
  }
}
