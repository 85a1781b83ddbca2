package io.distproc;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A matcher of one class of signal entry other than down notices: trapped exit signals ({@link
 * Exit}) or node events ({@link NodeUpEvent}, {@link NodeDownEvent}).
 */
final class SignalCase<M, T, R> implements Matcher<M, R> {
  private final Class<T> type;
  private final Predicate<? super T> accepts;
  private final Function<? super T, ? extends R> handler;

  SignalCase(Class<T> type, Predicate<? super T> accepts, Function<? super T, ? extends R> handler) {
    this.type = type;
    this.accepts = accepts;
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  public Class<?> messageType() {
    return null;
  }

  @Override
  public boolean acceptsMessage(M message) {
    return false;
  }

  @Override
  public boolean acceptsDown(Down down) {
    return false;
  }

  @Override
  public boolean acceptsSignal(Object signal) {
    return type.isInstance(signal) && accepts.test(type.cast(signal));
  }

  @Override
  public R handleMessage(M message) {
    throw new IllegalStateException("a signal matcher does not take messages");
  }

  @Override
  public R handleDown(Down down) {
    throw new IllegalStateException("a signal matcher does not take down notices");
  }

  @Override
  public R handleSignal(Object signal) {
    return handler.apply(type.cast(signal));
  }
}
