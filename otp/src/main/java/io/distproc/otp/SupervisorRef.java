package io.distproc.otp;

import io.distproc.DoNotImplement;
import io.distproc.Pid;
import io.distproc.ProcessInterruptedException;
import java.time.Duration;
import java.util.List;

/**
 * A running supervisor, as {@link Supervisor#start} and {@link Supervisor#startLink} return it: its
 * pid, and the commands that change its children at run time (Erlang's {@code start_child}, {@code
 * terminate_child}, {@code restart_child}, {@code delete_child}, {@code which_children}).
 *
 * <p>Each command is carried out by the supervisor process itself, between the exits it handles, so
 * it never races a restart, and after the exits that reached the supervisor before it was sent: a
 * child that has ended is seen as ended (and restarted, if it is to be). The calling thread waits
 * for the answer at most {@code timeout}. If the time runs out before the supervisor took the
 * command up, it is dropped and never carried out; if the supervisor was already carrying it out
 * (stopping a slow child, say), it may still take effect, and the exception says which of the two
 * happened.
 *
 * <p><b>Design note.</b> The node's message type is the user's, so a supervisor cannot count on
 * receiving commands of its own as messages: that would take an adapter to and from every cluster's
 * message type, and a codec could still not carry a child spec that holds a local process body. A
 * command is therefore a Java object, put in this handle's queue; the supervisor is woken by the
 * one kind of entry it always receives, an exit signal: a short-lived process links to it and ends
 * normally, which ends nobody, and the supervisor carries out one queued command for each such
 * exit. The exit takes its place in the mailbox like any entry, which gives the ordering above. The
 * cost is one short-lived process per command, and the reach is the JVM that started the
 * supervisor: a supervisor started on another node by behaviour name ({@link Supervisor#body}) has
 * no handle.
 *
 * <p>This interface is thread-safe: any thread, inside a process or not, may send commands. A
 * command must not be sent from one of the supervisor's own children while the supervisor waits for
 * that child to stop, since neither would then go on until the timeout.
 *
 * <p>DO NOT MOCK: start a supervisor on a local node instead, which takes microseconds.
 *
 * @param <M> the node's message type
 * @since 0.1.0
 */
@DoNotImplement
public interface SupervisorRef<M> {

  /**
   * Returns the supervisor's process: monitor it, link to it, or stop it with {@link
   * io.distproc.ProcessContext#exit(Pid, String)}.
   *
   * @return the pid
   */
  Pid pid();

  /**
   * Adds a child after the existing ones and starts it (Erlang's {@code start_child}).
   *
   * @param child the child; its id must not be one of the supervisor's children's
   * @param timeout how long to wait for the supervisor's answer
   * @return the new child's pid
   * @throws SupervisorException if the id is taken, the child failed to start (it is then not
   *     added), the supervisor has ended, or it did not answer within {@code timeout}
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the calling thread is interrupted while it waits
   */
  Pid startChild(ChildSpec<M> child, Duration timeout);

  /**
   * Stops a child, by its {@link ShutdownPolicy}, and keeps its spec for {@link #restartChild} or
   * {@link #deleteChild}; a {@link Restart#TEMPORARY} child's spec is dropped (Erlang's {@code
   * terminate_child}). A child that is not running is left as it is.
   *
   * @param id the child's id
   * @param timeout how long to wait for the supervisor's answer
   * @throws SupervisorException if no child has that id, the supervisor has ended, or it did not
   *     answer within {@code timeout}
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the calling thread is interrupted while it waits
   */
  void terminateChild(String id, Duration timeout);

  /**
   * Starts again a child that is not running: one stopped by {@link #terminateChild}, or a {@link
   * Restart#TRANSIENT} child that ended normally (Erlang's {@code restart_child}). This does not
   * count towards the restart intensity. A remote child that waits for its node to come back (see
   * {@link ChildSpec#remote}) is tried at once: if its node is still away, this throws and the
   * supervisor goes on waiting for the node, as before the call.
   *
   * @param id the child's id
   * @param timeout how long to wait for the supervisor's answer
   * @return the child's new pid
   * @throws SupervisorException if no child has that id, it is running, it failed to start (its
   *     spec is kept), the supervisor has ended, or it did not answer within {@code timeout}
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the calling thread is interrupted while it waits
   */
  Pid restartChild(String id, Duration timeout);

  /**
   * Forgets the spec of a child that is not running (Erlang's {@code delete_child}).
   *
   * @param id the child's id
   * @param timeout how long to wait for the supervisor's answer
   * @throws SupervisorException if no child has that id, it is running, the supervisor has ended,
   *     or it did not answer within {@code timeout}
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the calling thread is interrupted while it waits
   */
  void deleteChild(String id, Duration timeout);

  /**
   * Lists the children in start order (Erlang's {@code which_children}).
   *
   * @param timeout how long to wait for the supervisor's answer
   * @return a snapshot, one entry per child spec the supervisor holds
   * @throws SupervisorException if the supervisor has ended, or did not answer within {@code
   *     timeout}
   * @throws NullPointerException if {@code timeout} is null
   * @throws ProcessInterruptedException if the calling thread is interrupted while it waits
   */
  List<ChildInfo> whichChildren(Duration timeout);

  /**
   * Stops the supervisor: it stops its children in reverse start order, each by its {@link
   * ShutdownPolicy}, and ends normally, so that no process linked to it is ended by its going.
   * Returns once every child has ended.
   *
   * @param timeout how long to wait for the supervisor's answer
   * @throws SupervisorException if the supervisor has already ended, or did not finish within
   *     {@code timeout}
   * @throws NullPointerException if {@code timeout} is null
   * @throws ProcessInterruptedException if the calling thread is interrupted while it waits
   */
  void stop(Duration timeout);
}
