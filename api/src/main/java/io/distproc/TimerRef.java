package io.distproc;

/**
 * A message scheduled by {@link ProcessContext#sendAfter(java.time.Duration, Pid, Object)}, which
 * may still be cancelled (Erlang's timer reference).
 *
 * <p>This interface is thread-safe: any thread may cancel.
 *
 * @since 0.1.0
 */
@DoNotImplement
public interface TimerRef {
  /**
   * Cancels the timer. The answer to "was it cancelled before it was sent" is exact: {@code true}
   * means the message was not sent and never will be; {@code false} means it was already sent (or
   * is being sent at this instant, and will arrive), or the timer was cancelled before. Idempotent.
   *
   * @return {@code true} if this call stopped the message
   */
  boolean cancel();

  /**
   * Tells whether the message has been handed to {@code send}.
   *
   * @return {@code true} once it was sent
   */
  boolean isSent();
}
