package io.distproc.otp;

import io.distproc.Pid;
import java.util.List;

/**
 * What a {@link SupervisorHandle}'s commands ask of their supervisor process: the calls of Erlang's
 * {@code supervisor} module, carried out on the supervisor's own thread (the handle queues a {@link
 * Command}, the process runs it against itself). The handle names only this interface, never the
 * process.
 *
 * <p>Not thread-safe: every method is called from the supervisor process's thread only, and throws
 * {@link SupervisorException} when the call cannot be done (no such child, a child that runs where
 * it must not).
 */
interface SupervisorCalls<M> {
  /** Adds {@code child} and starts it; its pid. */
  Pid startChild(ChildSpec<M> child);

  /** Stops the child {@code id} (a temporary one is then forgotten). */
  Void terminateChild(String id);

  /** Starts the stopped child {@code id} again; its new pid. */
  Pid restartChild(String id);

  /** Forgets the stopped child {@code id}. */
  Void deleteChild(String id);

  /** The children, in start order. */
  List<ChildInfo> whichChildren();

  /** Stops every child, last first, and then the supervisor. */
  Void stop();
}
