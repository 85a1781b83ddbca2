package io.distproc;

import java.util.Objects;

/**
 * The notice a monitor delivers, once, when the process it watches is gone (the seed's termination
 * case, Erlang's {@code 'DOWN'} message).
 *
 * <p>It enters the watcher's mailbox as an ordinary entry, after every message the dead process
 * sent the watcher earlier, and is taken by a {@link Matcher#onDown} matcher. A notice whose
 * monitor was cancelled with {@link ProcessContext#unmonitor(MonitorRef)} is never received, even
 * if it was already queued.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param ref the monitor that fired
 * @param reason why the process is gone; {@code reason.pid()} is the process
 * @since 0.1.0
 */
public record Down(MonitorRef ref, MonitorReason reason) {
  /**
   * Creates a notice.
   *
   * @throws NullPointerException if any component is null
   */
  public Down {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Returns the process that is gone.
   *
   * @return the monitored process
   */
  public Pid pid() {
    return reason.pid();
  }
}
