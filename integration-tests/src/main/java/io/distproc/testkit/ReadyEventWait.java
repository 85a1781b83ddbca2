package io.distproc.testkit;

import java.util.List;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/**
 * Waits until a node container's own copy of its log has the node's ready event, read with the
 * node image's event format: once {@code start()} returns, {@link NodeContainer#nodeId()} has the
 * new incarnation.
 */
final class ReadyEventWait extends AbstractWaitStrategy {
  private final NodeContainer container;

  ReadyEventWait(NodeContainer container) {
    this.container = container;
  }

  @Override
  protected void waitUntilReady() {
    try {
      if (container.awaitReady(startupTimeout).isEmpty()) {
        List<String> log = container.linesFrom(container.startMark()).stream()
            .map(LogLine::text).toList();
        throw new ContainerLaunchException(
            "node " + container.nodeName() + " logged no ready event within "
                + startupTimeout.toMillis() + " ms; its log:\n  " + String.join("\n  ",
                log.subList(Math.max(0, log.size() - 30), log.size())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerLaunchException("interrupted while waiting for " + container.nodeName(), e);
    }
  }
}
