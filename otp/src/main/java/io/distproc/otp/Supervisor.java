package io.distproc.otp;

import io.distproc.Behaviours;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.ProcessContext;
import io.distproc.ProcessInterruptedException;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Starts supervisors (Erlang's {@code supervisor}): ordinary processes that trap exits and keep
 * their children alive.
 *
 * <p>A supervisor starts its children in the order of its {@link SupervisorSpec}, each linked to it
 * ({@link ProcessContext#spawnLinked}); if one fails to start, it stops those already started, in
 * reverse order, and its own start fails. Running, it handles each child's end by the child's
 * {@link Restart} type and its {@link Strategy}, within its restart intensity. It stops its
 * children in reverse start order, each by its {@link ShutdownPolicy}, when it is asked to stop and
 * when it gives up.
 *
 * <ul>
 *   <li><b>Giving up.</b> A restart past the intensity ({@link SupervisorSpec#intensity()} within
 *       {@link SupervisorSpec#period()}) stops the children and ends the supervisor with {@link
 *       MonitorReason.Shutdown}, which its own supervisor, if any, handles as any child's end.
 *   <li><b>Exit signals from others.</b> An exit signal from a process that is not one of its
 *       children (its parent ending, or {@link ProcessContext#exit} called on it) stops the
 *       children and ends the supervisor as the signal would have ended a process that does not
 *       trap exits ({@link MonitorReason.Exited}); a normal end of a linked process that is not a
 *       child is ignored. Erlang stops a supervisor only for its parent's signals; this one cannot
 *       know its parent when another node started it by behaviour name, so it treats every linked
 *       process alike. A supervisor is therefore stopped by {@code ctx.exit(sup, "shutdown")}, by
 *       {@link SupervisorRef#stop}, or by its parent's abnormal end.
 *   <li><b>Killed.</b> {@link ProcessContext#kill} cannot be trapped: a killed supervisor ends at
 *       once, and its links end the children that do not trap exits.
 *   <li><b>Other messages.</b> Messages of the node's type sent to a supervisor are taken and
 *       logged, so they do not pile up in its mailbox.
 * </ul>
 *
 * <pre>{@code
 * SupervisorRef<Msg> sup = Supervisor.startLink(ctx, SupervisorSpec.<Msg>builder()
 *     .strategy(Strategy.REST_FOR_ONE)
 *     .child(ChildSpec.worker("db", db).build())
 *     .child(ChildSpec.worker("web", web).restart(Restart.TRANSIENT).build())
 *     .build());
 * }</pre>
 *
 * <p>The methods of this class are thread-safe.
 *
 * @since 0.1.0
 */
public final class Supervisor {
  private Supervisor() {}

  /**
   * Starts a supervisor on {@code node}, linked to no process, and returns once its children have
   * started (Erlang's {@code supervisor:start/2}).
   *
   * @param node where the supervisor and its local children run
   * @param spec the supervisor
   * @param <M> the node's message type
   * @return the running supervisor
   * @throws SupervisorException if a child failed to start; the supervisor has then stopped the
   *     children it had started and ended
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the node is shutting down
   * @throws ProcessInterruptedException if the calling thread is interrupted while it waits
   */
  public static <M> SupervisorRef<M> start(Node<M> node, SupervisorSpec<M> spec) {
    return start(node, spec, System::nanoTime);
  }

  static <M> SupervisorRef<M> start(Node<M> node, SupervisorSpec<M> spec, LongSupplier ticker) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(spec, "spec");
    SupervisorHandle<M> handle = new SupervisorHandle<>();
    Pid pid = node.spawn(new SupervisorProcess<>(spec, handle, null, ticker)::run);
    // Should the body never run (the node shutting down at this instant), this still ends the wait.
    node.termination(pid).thenAccept(reason -> handle.close(pid + " ended: " + reason));
    handle.awaitStart();
    return handle;
  }

  /**
   * Starts a supervisor linked to the calling process and returns once its children have started
   * (Erlang's {@code supervisor:start_link/2}). If a child fails to start, the supervisor stops
   * those it had started, removes the link and ends, so the caller gets the exception and no exit
   * signal. Once running, the link works both ways: the caller's end stops the supervisor, and the
   * supervisor's giving up ends a caller that does not trap exits. Must be called from the owning
   * process's thread only.
   *
   * @param ctx the calling process's context
   * @param spec the supervisor
   * @param <M> the node's message type
   * @return the running supervisor
   * @throws SupervisorException if a child failed to start
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the node is shutting down, or if called from another thread
   * @throws ProcessInterruptedException if the calling process is interrupted while it waits
   */
  public static <M> SupervisorRef<M> startLink(ProcessContext<M> ctx, SupervisorSpec<M> spec) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(spec, "spec");
    SupervisorHandle<M> handle = new SupervisorHandle<>();
    ctx.spawnLinked(new SupervisorProcess<>(spec, handle, ctx.self(), System::nanoTime)::run);
    handle.awaitStart();
    return handle;
  }

  /**
   * Returns a process body that runs a supervisor, for a behaviour that other nodes start by name
   * ({@link Behaviours.Builder#add}), so that a supervisor on one node can have a supervisor on
   * another as its child ({@link ChildSpec#remote(String, NodeId, String, Object)} with {@link
   * ChildType#SUPERVISOR}). Nothing outside the process can send it commands; if one of its
   * children fails to start, it ends with {@link MonitorReason.Shutdown}.
   *
   * <pre>{@code
   * Behaviours<Msg> behaviours = Behaviours.<Msg>builder()
   *     .add("workers", arg -> Supervisor.body(workersSpec))
   *     .build();
   * }</pre>
   *
   * @param spec the supervisor
   * @param <M> the node's message type
   * @return a body that runs a new supervisor each time it runs
   * @throws NullPointerException if {@code spec} is null
   */
  public static <M> Process<M> body(SupervisorSpec<M> spec) {
    Objects.requireNonNull(spec, "spec");
    return ctx ->
        new SupervisorProcess<>(spec, new SupervisorHandle<>(), null, System::nanoTime).run(ctx);
  }
}
