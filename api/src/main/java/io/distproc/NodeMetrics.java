package io.distproc;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Live counters of a node, for dashboards, alerts and tests. Each read is a lock-free snapshot of
 * one value; bridge them to a metrics library with gauges and function counters, for example with
 * Micrometer:
 *
 * <pre>{@code
 * NodeMetrics m = node.metrics();
 * Gauge.builder("distproc.processes", m, NodeMetrics::liveProcesses).register(registry);
 * FunctionCounter.builder("distproc.messages.sent", m, NodeMetrics::messagesSent).register(registry);
 * Gauge.builder("distproc.mailbox.depth.max", m, NodeMetrics::maxMailboxDepth).register(registry);
 * }</pre>
 *
 * <p>This interface is thread-safe.
 *
 * @since 0.1.0
 */
@DoNotImplement
public interface NodeMetrics {
  /**
   * Returns how many processes are running now.
   *
   * @return the live process count
   */
  long liveProcesses();

  /**
   * Returns how many processes were started since the node started.
   *
   * @return the spawn count
   */
  long processesSpawned();

  /**
   * Returns how many messages were sent by processes and by the node since it started, counting
   * each destination of a broadcast.
   *
   * @return the sent count
   */
  long messagesSent();

  /**
   * Returns how many messages were dropped because their receiver had ended or never existed.
   *
   * @return the dead-letter count
   */
  long deadLetters();

  /**
   * Returns how many messages arrived from other nodes and were delivered to processes here,
   * counting each process a broadcast reached.
   *
   * @return the received count
   */
  long messagesReceived();

  /**
   * Returns how many messages were lost: dead letters, messages from other nodes that the codec
   * could not decode, and messages for another node that its link refused because it had just
   * closed (before the node-down that follows was handled).
   *
   * @return the dropped count
   */
  long messagesDropped();

  /**
   * Returns how many entries wait in a process's mailbox: unread ones and those earlier receives
   * left. Costs a walk of the unread entries; meant for scraping, not for hot paths.
   *
   * @param pid a process of this node
   * @return its mailbox depth, or empty if no such process is running here
   * @throws NullPointerException if {@code pid} is null
   */
  OptionalLong mailboxDepth(Pid pid);

  /**
   * Returns the deepest mailbox of any process here (see {@link #mailboxDepth(Pid)}); visits every
   * live process, so scrape it, do not poll it in a loop.
   *
   * @return the largest mailbox depth, 0 if there are no processes
   */
  long maxMailboxDepth();

  /**
   * Returns how many remote nodes are connected now.
   *
   * @return the live link count
   */
  long linksUp();

  /**
   * Returns how many times a link to a remote node went down since the node started (each node-down
   * event).
   *
   * @return the link-down count
   */
  long linksDown();

  /**
   * Returns the last measured heartbeat round trip to a connected node.
   *
   * @param node a connected node
   * @return the round trip, or empty if the node is not connected or nothing was measured yet
   * @throws NullPointerException if {@code node} is null
   */
  Optional<Duration> heartbeatRoundTrip(NodeId node);
}
