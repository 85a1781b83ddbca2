package io.distproc;

import io.distproc.internal.Case;
import io.distproc.internal.DownCase;
import io.distproc.internal.MessageCase;
import io.distproc.internal.SignalCase;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Chooses which mailbox entry a {@code receive} takes, and what to do with it (the seed's {@code
 * case} and {@code termination_case}).
 *
 * <p>A matcher accepts one kind of entry: messages (made by the {@code on} and {@link #any}
 * factories), {@link Down} notices (made by {@code onDown}), trapped exit signals, {@link Exit}
 * (made by {@code onExit}), or node events, {@link NodeUpEvent} and {@link NodeDownEvent} (made by
 * {@code onNodeUp} and {@code onNodeDown}). Given several matchers, {@code receive} takes the
 * oldest entry that any of them accepts, and the first matcher in the list that accepts it handles
 * it. Entries no matcher accepts stay in the mailbox, in arrival order.
 *
 * <pre>{@code
 * import static io.distproc.Matcher.on;
 * import static io.distproc.Matcher.onDown;
 *
 * Optional<Integer> n = ctx.receive(Duration.ofSeconds(1),
 *     on(Pong.class, Pong::n),
 *     onDown(down -> -1));
 * }</pre>
 *
 * <p>Matchers are immutable and may be shared between processes and reused across receives.
 * Predicates and handlers run on the receiving process's thread. A predicate should be fast and
 * free of side effects: it may run more than once for the same message. A predicate that throws
 * makes {@code receive} rethrow it with the message left in the mailbox; a handler that throws has
 * already taken its message.
 *
 * @param <M> the node's message type
 * @param <R> what the handler returns
 * @since 0.1.0
 */
@DoNotImplement
public sealed interface Matcher<M, R> permits Case {

  /**
   * Accepts the messages that {@code accepts} says yes to (the seed's {@code case}).
   *
   * @param accepts decides whether a message is taken
   * @param handler handles a taken message
   * @param <M> the node's message type
   * @param <R> what the handler returns
   * @return the matcher
   * @throws NullPointerException if an argument is null
   */
  static <M, R> Matcher<M, R> on(
      Predicate<? super M> accepts, Function<? super M, ? extends R> handler) {
    return new MessageCase<>(Object.class, Objects.requireNonNull(accepts, "accepts"), handler);
  }

  /**
   * Accepts the messages that are instances of {@code type}.
   *
   * @param type the class of message to take
   * @param handler handles a taken message
   * @param <M> the node's message type
   * @param <T> the class of message taken
   * @param <R> what the handler returns
   * @return the matcher
   * @throws NullPointerException if an argument is null
   */
  static <M, T extends M, R> Matcher<M, R> on(
      Class<T> type, Function<? super T, ? extends R> handler) {
    return new MessageCase<M, R>(type, null, eraseApply(handler));
  }

  /**
   * Accepts the messages that are instances of {@code type} and that {@code accepts} says yes to.
   *
   * @param type the class of message to take
   * @param accepts decides whether a message of that class is taken
   * @param handler handles a taken message
   * @param <M> the node's message type
   * @param <T> the class of message taken
   * @param <R> what the handler returns
   * @return the matcher
   * @throws NullPointerException if an argument is null
   */
  static <M, T extends M, R> Matcher<M, R> on(
      Class<T> type, Predicate<? super T> accepts, Function<? super T, ? extends R> handler) {
    Objects.requireNonNull(accepts, "accepts");
    return new MessageCase<M, R>(type, eraseTest(accepts), eraseApply(handler));
  }

  /**
   * Accepts every message (but no {@link Down} notice).
   *
   * @param handler handles a taken message
   * @param <M> the node's message type
   * @param <R> what the handler returns
   * @return the matcher
   * @throws NullPointerException if {@code handler} is null
   */
  static <M, R> Matcher<M, R> any(Function<? super M, ? extends R> handler) {
    return new MessageCase<>(Object.class, null, handler);
  }

  /**
   * Accepts every {@link Down} notice (the seed's {@code termination_case}).
   *
   * @param handler handles a taken notice
   * @param <M> the node's message type
   * @param <R> what the handler returns
   * @return the matcher
   * @throws NullPointerException if {@code handler} is null
   */
  static <M, R> Matcher<M, R> onDown(Function<? super Down, ? extends R> handler) {
    return new DownCase<>(null, handler);
  }

  /**
   * Accepts the {@link Down} notice of one monitor.
   *
   * @param ref the monitor whose notice to take
   * @param handler handles the notice
   * @param <M> the node's message type
   * @param <R> what the handler returns
   * @return the matcher
   * @throws NullPointerException if an argument is null
   */
  static <M, R> Matcher<M, R> onDown(MonitorRef ref, Function<? super Down, ? extends R> handler) {
    return new DownCase<>(Objects.requireNonNull(ref, "ref"), handler);
  }

  /**
   * Accepts every trapped exit signal (Erlang's {@code {'EXIT', From, Reason}} message): what a
   * process that {@linkplain ProcessContext#trapExits(boolean) traps exits} gets when a linked
   * process ends or another process calls {@link ProcessContext#exit(Pid, String)} on it.
   *
   * @param handler handles a taken exit signal
   * @param <M> the node's message type
   * @param <R> what the handler returns
   * @return the matcher
   * @throws NullPointerException if {@code handler} is null
   * @since 0.1.0
   */
  static <M, R> Matcher<M, R> onExit(Function<? super Exit, ? extends R> handler) {
    return new SignalCase<M, Exit, R>(Exit.class, e -> true, handler);
  }

  /**
   * Accepts the trapped exit signals from one process.
   *
   * @param from the process whose signals to take
   * @param handler handles a taken exit signal
   * @param <M> the node's message type
   * @param <R> what the handler returns
   * @return the matcher
   * @throws NullPointerException if an argument is null
   * @since 0.1.0
   */
  static <M, R> Matcher<M, R> onExit(Pid from, Function<? super Exit, ? extends R> handler) {
    Objects.requireNonNull(from, "from");
    return new SignalCase<M, Exit, R>(Exit.class, e -> e.from().equals(from), handler);
  }

  /**
   * Accepts the node-up events of a process that {@linkplain ProcessContext#monitorNodes(boolean)
   * monitors nodes} (Erlang's {@code {nodeup, Node}}).
   *
   * @param handler handles a taken event
   * @param <M> the node's message type
   * @param <R> what the handler returns
   * @return the matcher
   * @throws NullPointerException if {@code handler} is null
   * @since 0.1.0
   */
  static <M, R> Matcher<M, R> onNodeUp(Function<? super NodeUpEvent, ? extends R> handler) {
    return new SignalCase<M, NodeUpEvent, R>(NodeUpEvent.class, e -> true, handler);
  }

  /**
   * Accepts the node-down events of a process that {@linkplain ProcessContext#monitorNodes(boolean)
   * monitors nodes} (Erlang's {@code {nodedown, Node}}).
   *
   * @param handler handles a taken event
   * @param <M> the node's message type
   * @param <R> what the handler returns
   * @return the matcher
   * @throws NullPointerException if {@code handler} is null
   * @since 0.1.0
   */
  static <M, R> Matcher<M, R> onNodeDown(Function<? super NodeDownEvent, ? extends R> handler) {
    return new SignalCase<M, NodeDownEvent, R>(NodeDownEvent.class, e -> true, handler);
  }

  /**
   * Accepts the changes of the process groups this process {@linkplain
   * ProcessContext#monitorGroup(String) monitors}.
   *
   * @param handler handles a taken change
   * @param <M> the node's message type
   * @param <R> what the handler returns
   * @return the matcher
   * @throws NullPointerException if {@code handler} is null
   * @since 0.1.0
   */
  static <M, R> Matcher<M, R> onGroupChange(Function<? super GroupChange, ? extends R> handler) {
    return new SignalCase<M, GroupChange, R>(GroupChange.class, e -> true, handler);
  }

  /**
   * A predicate on instances of {@code T} as one on messages: the case calls it only with messages
   * of its type, so the cast holds.
   */
  @SuppressWarnings("unchecked")
  private static <M> Predicate<? super M> eraseTest(Predicate<?> accepts) {
    return (Predicate<? super M>) accepts;
  }

  /**
   * A handler of instances of {@code T} as one of messages, as for {@link #eraseTest(Predicate)}.
   */
  @SuppressWarnings("unchecked")
  private static <M, R> Function<? super M, ? extends R> eraseApply(
      Function<?, ? extends R> handler) {
    return (Function<? super M, ? extends R>) handler;
  }
}
