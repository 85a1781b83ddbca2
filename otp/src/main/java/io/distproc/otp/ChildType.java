package io.distproc.otp;

/**
 * Whether a child is a worker or itself a supervisor (Erlang's {@code type}). It sets the default
 * {@link ShutdownPolicy}: a supervisor child is given all the time it needs to stop its own
 * children.
 *
 * @since 0.1.0
 */
public enum ChildType {
  /** An ordinary process; stopped with {@link ShutdownPolicy#DEFAULT_WORKER_TIMEOUT} by default. */
  WORKER,

  /** A supervisor; stopped with {@link ShutdownPolicy#infinity()} by default. */
  SUPERVISOR
}
