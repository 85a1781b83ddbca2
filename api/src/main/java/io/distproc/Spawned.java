package io.distproc;

import java.util.Objects;

/**
 * What a monitored spawn returns: the new process and the monitor that was installed on it before
 * it ran its first line.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param pid the new process
 * @param monitor the monitor the spawning process holds on it
 * @since 0.1.0
 */
public record Spawned(Pid pid, MonitorRef monitor) {
  /**
   * Creates the value.
   *
   * @throws NullPointerException if any component is null
   */
  public Spawned {
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(monitor, "monitor");
  }
}
