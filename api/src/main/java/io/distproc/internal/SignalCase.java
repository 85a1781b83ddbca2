package io.distproc.internal;

import io.distproc.InternalApi;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * INTERNAL API: a matcher of one class of signal entry other than down notices: trapped exit
 * signals, node events or group changes.
 *
 * @param <M> the node's message type
 * @param <T> the class of the signal entries taken
 * @param <R> what the handler returns
 */
@InternalApi
public final class SignalCase<M, T, R> extends Case<M, R> {
  private final Class<T> type;
  private final Predicate<? super T> accepts;
  private final Function<? super T, ? extends R> handler;

  /**
   * A matcher of the signal entries of class {@code type} that {@code accepts} says yes to.
   *
   * @param type the class of the entries taken
   * @param accepts decides whether an entry is taken
   * @param handler handles a taken entry
   * @throws NullPointerException if an argument is null
   */
  public SignalCase(
      Class<T> type, Predicate<? super T> accepts, Function<? super T, ? extends R> handler) {
    this.type = Objects.requireNonNull(type, "type");
    this.accepts = Objects.requireNonNull(accepts, "accepts");
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
    return type.isInstance(signal) && accepts.test(type.cast(signal));
  }

  @Override
  public R handleMessage(Object message) {
    throw new IllegalStateException("a signal matcher does not take messages");
  }

  @Override
  public R handleSignal(Object signal) {
    return handler.apply(type.cast(signal));
  }
}
