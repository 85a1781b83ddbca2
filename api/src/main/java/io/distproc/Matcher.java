package io.distproc;

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
 * oldest entry that any of them accepts, and the first matcher in the list that accepts it
 * handles it. Entries no matcher accepts stay in the mailbox, in arrival order.
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
public sealed interface Matcher<M, R> permits MessageCase, DownCase, SignalCase {

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
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    return new MessageCase<M, R>(type, type::isInstance, m -> handler.apply(type.cast(m)));
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
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(accepts, "accepts");
    Objects.requireNonNull(handler, "handler");
    return new MessageCase<M, R>(
        type,
        m -> type.isInstance(m) && accepts.test(type.cast(m)),
        m -> handler.apply(type.cast(m)));
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
    return new MessageCase<>(Object.class, m -> true, handler);
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
   * Accepts the node-down events of a process that {@linkplain
   * ProcessContext#monitorNodes(boolean) monitors nodes} (Erlang's {@code {nodedown, Node}}).
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
   * The class that every message this matcher may take is an instance of: the {@code type} given
   * to {@link #on(Class, Function)} or {@link #on(Class, Predicate, Function)}, {@code
   * Object.class} for a matcher that may take any message, and null for a matcher of down
   * notices, exit signals or node events, which takes no message. The runtime uses it to pass over waiting messages that
   * cannot match without asking the matcher; user code has no need to call it.
   *
   * @return that class, or null for a matcher of down notices, exit signals or node events
   * @since 0.1.0
   */
  Class<?> messageType();

  /**
   * Tells whether this matcher takes a message. Called by the runtime on the receiving process's
   * thread; user code has no need to call it.
   *
   * @param message a message from the mailbox
   * @return whether this matcher takes it
   */
  boolean acceptsMessage(M message);

  /**
   * Tells whether this matcher takes a down notice. Called by the runtime on the receiving
   * process's thread; user code has no need to call it.
   *
   * @param down a notice from the mailbox
   * @return whether this matcher takes it
   */
  boolean acceptsDown(Down down);

  /**
   * Tells whether this matcher takes a signal entry other than a down notice: an {@link Exit}, a
   * {@link NodeUpEvent}, a {@link NodeDownEvent} or a {@link GroupChange}. Called by the runtime on the receiving
   * process's thread; user code has no need to call it.
   *
   * @param signal a signal entry from the mailbox
   * @return whether this matcher takes it
   * @since 0.1.0
   */
  boolean acceptsSignal(Object signal);

  /**
   * Handles a message this matcher accepted. Called by the runtime on the receiving process's
   * thread.
   *
   * @param message the message
   * @return the handler's result
   * @throws IllegalStateException if this matcher does not take messages
   */
  R handleMessage(M message);

  /**
   * Handles a down notice this matcher accepted. Called by the runtime on the receiving process's
   * thread.
   *
   * @param down the notice
   * @return the handler's result
   * @throws IllegalStateException if this matcher does not take down notices
   */
  R handleDown(Down down);

  /**
   * Handles a signal entry this matcher accepted (see {@link #acceptsSignal(Object)}). Called by
   * the runtime on the receiving process's thread.
   *
   * @param signal the signal entry
   * @return the handler's result
   * @throws IllegalStateException if this matcher does not take signals
   * @since 0.1.0
   */
  R handleSignal(Object signal);
}
