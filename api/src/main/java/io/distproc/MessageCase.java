package io.distproc;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/** A matcher of messages: a predicate and a handler. */
final class MessageCase<M, R> implements Matcher<M, R> {
  private final Class<?> type;
  private final Predicate<? super M> accepts;
  private final Function<? super M, ? extends R> handler;

  /**
   * A matcher of the messages that are instances of {@code type} (Object.class: any) and that
   * {@code accepts} says yes to.
   */
  MessageCase(
      Class<?> type, Predicate<? super M> accepts, Function<? super M, ? extends R> handler) {
    this.type = type;
    this.accepts = accepts;
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  public Class<?> messageType() {
    return type;
  }

  @Override
  public boolean acceptsMessage(M message) {
    return accepts.test(message);
  }

  @Override
  public boolean acceptsDown(Down down) {
    return false;
  }

  @Override
  public R handleMessage(M message) {
    return handler.apply(message);
  }

  @Override
  public R handleDown(Down down) {
    throw new IllegalStateException("a message matcher does not take down notices");
  }

  @Override
  public boolean acceptsSignal(Object signal) {
    return false;
  }

  @Override
  public R handleSignal(Object signal) {
    throw new IllegalStateException("a message matcher does not take signals");
  }
}
