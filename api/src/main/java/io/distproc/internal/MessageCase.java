package io.distproc.internal;

import io.distproc.InternalApi;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * INTERNAL API: a matcher of the messages that are instances of one class ({@code Object.class}:
 * any) and that a predicate accepts.
 *
 * @param <M> the node's message type
 * @param <R> what the handler returns
 */
@InternalApi
public final class MessageCase<M, R> extends Case<M, R> {
  private final Class<?> type;
  private final @Nullable Predicate<? super M> accepts; // null: every instance of type
  private final Function<? super M, ? extends R> handler;

  /**
   * A matcher of the messages that are instances of {@code type} and that {@code accepts} says yes
   * to. The predicate and the handler are given only instances of {@code type}.
   *
   * @param type the class of the messages taken; {@code Object.class} for any
   * @param accepts decides whether an instance is taken; null takes every instance
   * @param handler handles a taken message
   * @throws NullPointerException if {@code type} or {@code handler} is null
   */
  public MessageCase(
      Class<?> type,
      @Nullable Predicate<? super M> accepts,
      Function<? super M, ? extends R> handler) {
    this.type = Objects.requireNonNull(type, "type");
    this.accepts = accepts;
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  public Class<?> messageType() {
    return type;
  }

  @Override
  @SuppressWarnings("unchecked")
  public boolean acceptsMessage(Object message) {
    return type.isInstance(message) && (accepts == null || accepts.test((M) message));
  }

  @Override
  public boolean acceptsSignal(Object signal) {
    return false;
  }

  @Override
  @SuppressWarnings("unchecked")
  public R handleMessage(Object message) {
    return handler.apply((M) message);
  }

  @Override
  public R handleSignal(Object signal) {
    throw new IllegalStateException("a message matcher does not take signal entries");
  }
}
