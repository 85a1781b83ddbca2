package io.distproc.internal;

import io.distproc.Down;
import io.distproc.InternalApi;
import io.distproc.MonitorRef;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * INTERNAL API: a matcher of down notices, of every monitor or of one.
 *
 * @param <M> the node's message type
 * @param <R> what the handler returns
 */
@InternalApi
public final class DownCase<M, R> extends Case<M, R> {
  private final @Nullable MonitorRef ref; // null: any monitor
  private final Function<? super Down, ? extends R> handler;

  /**
   * A matcher of the down notices of {@code ref}, or of every monitor if it is null.
   *
   * @param ref the monitor, or null for any
   * @param handler handles a taken notice
   * @throws NullPointerException if {@code handler} is null
   */
  public DownCase(@Nullable MonitorRef ref, Function<? super Down, ? extends R> handler) {
    this.ref = ref;
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  public @Nullable Class<?> messageType() {
    return null;
  }

  @Override
  public boolean acceptsMessage(Object message) {
    return false;
  }

  @Override
  public boolean acceptsSignal(Object signal) {
    return signal instanceof Down d && (ref == null || ref.equals(d.ref()));
  }

  @Override
  public R handleMessage(Object message) {
    throw new IllegalStateException("a down matcher does not take messages");
  }

  @Override
  public R handleSignal(Object signal) {
    if (!(signal instanceof Down d)) {
      throw new IllegalStateException("a down matcher takes down notices only");
    }
    return handler.apply(d);
  }
}
