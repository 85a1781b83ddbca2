package io.distproc;

/**
 * The body of a process: a plain method that runs on the process's own virtual thread.
 *
 * <p>What the seed writes with {@code return} and {@code >>=} is written here as statements, and
 * its {@code fail} and {@code catch} are {@code throw} and {@code try}. The process ends when the
 * body returns ({@link MonitorReason.Normal}) or throws ({@link MonitorReason.Crashed}, or {@link
 * MonitorReason.UnknownNode} for an {@link InvalidNodeException}); either way its monitors are
 * notified. Nothing a body throws can harm the node.
 *
 * <pre>{@code
 * Process<String> greeter = ctx -> {
 *   String name = ctx.receive(Matcher.on(String.class, s -> s));
 *   System.out.println("hello, " + name);
 * };
 * }</pre>
 *
 * @param <M> the node's message type
 * @since 0.1.0
 */
@FunctionalInterface
public interface Process<M> {
  /**
   * Runs the process.
   *
   * @param ctx the process's context: its pid, mailbox, and what it may do
   * @throws Exception anything; the process then ends as crashed
   */
  void run(ProcessContext<M> ctx) throws Exception;
}
