package io.distproc;

import java.util.Objects;
import java.util.function.Function;

/** A matcher of exit signals that the receiving process traps, from any process or from one. */
final class ExitCase<M, R> implements Matcher<M, R> {
  private final Pid from; // null: from any process
  private final Function<? super Exit, ? extends R> handler;

  ExitCase(Pid from, Function<? super Exit, ? extends R> handler) {
    this.from = from;
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
  public boolean acceptsExit(Exit exit) {
    return from == null || from.equals(exit.from());
  }

  @Override
  public R handleMessage(M message) {
    throw new IllegalStateException("an exit matcher does not take messages");
  }

  @Override
  public R handleDown(Down down) {
    throw new IllegalStateException("an exit matcher does not take down notices");
  }

  @Override
  public R handleExit(Exit exit) {
    return handler.apply(exit);
  }
}
