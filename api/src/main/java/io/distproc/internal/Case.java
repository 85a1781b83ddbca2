package io.distproc.internal;

import io.distproc.InternalApi;
import io.distproc.Matcher;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * INTERNAL API: what the runtime asks of a {@link Matcher}. Every matcher is a case (the interface
 * is sealed to this class), so the runtime turns one into the other with a cast, and user code sees
 * none of these methods.
 *
 * <p>A case takes messages or signal entries (down notices, trapped exit signals, node events,
 * group changes), never both. Immutable; its methods run on the receiving process's thread.
 *
 * @param <M> the node's message type
 * @param <R> what the handler returns
 */
@InternalApi
public abstract sealed class Case<M, R> implements Matcher<M, R>
    permits MessageCase, DownCase, SignalCase {

  Case() {}

  /**
   * The runtime's view of a matcher.
   *
   * @param matcher a matcher
   * @param <M> the node's message type
   * @param <R> what the handler returns
   * @return the same object, as a case
   * @throws NullPointerException if {@code matcher} is null
   */
  public static <M, R> Case<M, R> of(Matcher<M, R> matcher) {
    return (Case<M, R>) Objects.requireNonNull(matcher, "matcher");
  }

  /**
   * The class every message this case may take is an instance of: {@code Object.class} when it may
   * take any message, null when it takes signal entries only. The runtime uses it to pass over
   * waiting messages that cannot match without asking.
   *
   * @return that class, or null
   */
  public abstract @Nullable Class<?> messageType();

  /**
   * Tells whether this case takes a message.
   *
   * @param message a message from the mailbox
   * @return whether this case takes it
   */
  public abstract boolean acceptsMessage(Object message);

  /**
   * Tells whether this case takes a signal entry: a {@code Down}, an {@code Exit}, a node event or
   * a group change.
   *
   * @param signal a signal entry from the mailbox
   * @return whether this case takes it
   */
  public abstract boolean acceptsSignal(Object signal);

  /**
   * Handles a message this case accepted.
   *
   * @param message the message
   * @return the handler's result
   * @throws IllegalStateException if this case takes no messages
   */
  public abstract R handleMessage(Object message);

  /**
   * Handles a signal entry this case accepted.
   *
   * @param signal the signal entry
   * @return the handler's result
   * @throws IllegalStateException if this case takes no signal entries
   */
  public abstract R handleSignal(Object signal);
}
