package io.distproc;

import java.util.Objects;

/**
 * An exit signal as a mailbox entry (Erlang's {@code {'EXIT', From, Reason}} message): what a
 * process that {@linkplain ProcessContext#trapExits(boolean) traps exits} receives instead of
 * ending when a linked process ends, or when another process calls {@link ProcessContext#exit(Pid,
 * String)} on it.
 *
 * <p>It enters the mailbox as an ordinary entry, after every message {@code from} sent this process
 * before the signal, and is taken by a {@link Matcher#onExit} matcher. A linked process that ends
 * normally sends an {@code Exit} with {@link MonitorReason.Normal}, which only a trapping process
 * sees.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param from the process that sent the signal: the linked process that ended, or the caller of
 *     {@code exit}
 * @param reason why {@code from} ended ({@code reason.pid()} is {@code from}), or what it asked for
 * @since 0.1.0
 */
public record Exit(Pid from, MonitorReason reason) {
  /**
   * Creates the entry.
   *
   * @throws NullPointerException if any component is null
   */
  public Exit {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(reason, "reason");
  }
}
