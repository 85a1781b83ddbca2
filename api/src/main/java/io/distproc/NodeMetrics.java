package io.distproc;

/**
 * Live counters of a node, for dashboards and tests. Read them as often as you like; each read is
 * a cheap, lock-free snapshot of one counter.
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
}
