/**
 * Erlang/OTP behaviours on distproc, written against the public API alone: supervisors.
 *
 * <p>A supervisor ({@link io.distproc.otp.Supervisor}) is an ordinary process that traps exits and
 * keeps its children alive, as Erlang's {@code supervisor} does:
 *
 * <ul>
 *   <li><b>Strategies</b> ({@link io.distproc.otp.Strategy}): {@code one_for_one}, {@code
 *       one_for_all}, {@code rest_for_one}.
 *   <li><b>Restart types</b> ({@link io.distproc.otp.Restart}): {@code permanent}, {@code
 *       transient} (restarted only after an abnormal end), {@code temporary} (never).
 *   <li><b>Restart intensity</b>: at most {@code intensity} restarts in {@code period}; past it,
 *       the supervisor stops its children and ends, and the tree above it decides.
 *   <li><b>Order</b>: children start in order, each linked to the supervisor, and a child that
 *       fails to start fails the supervisor's start; they stop in reverse order, each by its {@link
 *       io.distproc.otp.ShutdownPolicy} ({@code brutal_kill}, a deadline, {@code infinity}).
 *   <li><b>Kinds of child</b> ({@link io.distproc.otp.ChildSpec}): a local process body, a
 *       behaviour started by name on any node of the cluster, or a nested supervisor.
 *   <li><b>Dynamic children</b> ({@link io.distproc.otp.SupervisorRef}): {@code start_child},
 *       {@code terminate_child}, {@code restart_child}, {@code delete_child}, {@code
 *       which_children}.
 * </ul>
 *
 * <p>Not provided: {@code simple_one_for_one}, {@code auto_shutdown} and significant children, and
 * {@code count_children} (use {@link io.distproc.otp.SupervisorRef#whichChildren}).
 */
package io.distproc.otp;
