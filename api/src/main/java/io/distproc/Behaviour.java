package io.distproc;

/**
 * Makes a process body from an argument message: what a remote spawn names (Erlang's M:F:A, Cloud
 * Haskell's remote table).
 *
 * <p>Called on the node where the process will run, on an internal thread, once for each spawn; it
 * should only build the body and return. It must be thread-safe.
 *
 * @param <M> the node's message type
 * @since 0.1.0
 */
@FunctionalInterface
public interface Behaviour<M> {
  /**
   * Builds a process body.
   *
   * @param argument the message the spawner passed
   * @return the body to run
   */
  Process<M> create(M argument);
}
