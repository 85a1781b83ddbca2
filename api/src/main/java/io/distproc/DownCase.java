package io.distproc;

import java.util.Objects;
import java.util.function.Function;

/** A matcher of down notices, of every monitor or of one. */
final class DownCase<M, R> implements Matcher<M, R> {
  private final MonitorRef ref; // null: any monitor
  private final Function<? super Down, ? extends R> handler;

  DownCase(MonitorRef ref, Function<? super Down, ? extends R> handler) {
    this.ref = ref;
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
    return ref == null || ref.equals(down.ref());
  }

  @Override
  public R handleMessage(M message) {
    throw new IllegalStateException("a down matcher does not take messages");
  }

  @Override
  public R handleDown(Down down) {
    return handler.apply(down);
  }

  @Override
  public boolean acceptsSignal(Object signal) {
    return false;
  }

  @Override
  public R handleSignal(Object signal) {
    throw new IllegalStateException("a down matcher does not take signals");
  }
}
