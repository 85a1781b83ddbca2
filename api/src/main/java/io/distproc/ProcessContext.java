package io.distproc;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/*
 * Size: over the 500 lines the style reviews, on purpose. About 70 of its lines are code; the
 * rest is the contract of each call (delivery order, threading, what it throws, Erlang's name for
 * it), which users read here, in the one interface a process body is given. Splitting the
 * interface to shorten the file would make users look for a process's calls in several places.
 */

/**
 * What a running process is and may do: its identity, spawning, sending, selective receive,
 * monitors, links and exit signals, names, timers and calls, and the cluster's nodes. A process
 * body gets its own context as its argument.
 *
 * <p><b>Threading.</b> The receive methods, {@link #monitor(Pid)}, {@link #unmonitor(MonitorRef)},
 * the {@code spawnMonitored} and {@code spawnLinked} methods, {@link #link(Pid)}, {@link
 * #unlink(Pid)}, {@link #trapExits(boolean)}, {@link #monitorNodes(boolean)}, {@link
 * #joinGroup(String)}, {@link #leaveGroup(String)}, {@link #monitorGroup(String)}, {@link
 * #demonitorGroup(String)}, {@link #register(String)}, {@link #unregister()} and {@link #call} act
 * on the calling process's own mailbox, monitors, links or name: they must be called from the
 * owning process's thread only, and throw {@link IllegalStateException} otherwise. The other
 * methods are thread-safe.
 *
 * <p><b>Exit signals.</b> A process that an untrapped exit signal has ended (see {@link #link(Pid)}
 * and {@link #kill(Pid)}) is interrupted if it waits, and every call into its context from then on
 * throws {@link ProcessExitException}; it ends with the signal's reason whatever its body does. A
 * process that computes for long without calling its context ends at its next call.
 *
 * <p><b>Delivery guarantees</b> of {@link #send(Pid, Object)} and receive:
 *
 * <ul>
 *   <li>Sending is asynchronous and never waits for the receiving process. A send to another node
 *       may wait while the link to that node has its outbound limit of message bytes queued (64 MiB
 *       by default): back-pressure from a slow network or peer, so that a sender's memory stays
 *       bounded. If the link goes down meanwhile, the message is dropped.
 *   <li>A message to another node must fit in one transport message once encoded (128 MiB by
 *       default with the gRPC transport): a larger one is refused at once with {@link
 *       IllegalArgumentException}, and nothing is sent.
 *   <li>Messages from one process to another arrive in the order they were sent, at most once.
 *   <li>A {@link Down} notice arrives after every message the dead process sent the watcher.
 *   <li>Receive takes the oldest entry that any matcher accepts; among matchers, the first in the
 *       list that accepts it handles it.
 *   <li>Entries no matcher accepts stay in the mailbox in arrival order, ahead of newer ones.
 *   <li>A send to a process that has ended, or never existed, on a known node is dropped silently
 *       (and counted as a dead letter).
 *   <li>A timeout bounds only the wait for a match: a matched message is never lost to it.
 * </ul>
 *
 * <p><b>Fairness.</b> Processes run on virtual threads, which the JDK never preempts. So that a
 * process which sends and receives without ever waiting (to itself, from a mailbox that is never
 * empty) cannot keep a carrier thread from the node's other processes, it gives its carrier up for
 * a moment after every few thousand sends and receives, as Erlang processes do after their
 * reductions. A process that computes for long without sending or receiving keeps its carrier:
 * split such work, or run it outside the node's processes.
 *
 * <p>DO NOT MOCK: the runtime provides the only implementation; test process bodies on a local node
 * ({@code Node.start(NodeConfig.local("test"), codec)}), which starts in microseconds.
 *
 * @param <M> the node's message type
 * @since 0.1.0
 */
@DoNotImplement
public interface ProcessContext<M> {

  /**
   * Returns this process's id (the seed's {@code get_self_pid}).
   *
   * @return the pid
   */
  Pid self();

  /**
   * Returns the id of the node that runs this process (the seed's {@code get_self_node}).
   *
   * @return the node id
   */
  NodeId node();

  /**
   * Starts a process on this node. Returns once the child is registered, so a message sent to the
   * returned pid right away is delivered.
   *
   * @param body the child's body
   * @return the child's pid
   * @throws NullPointerException if {@code body} is null
   * @throws IllegalStateException if the node is shutting down
   */
  Pid spawn(Process<M> body);

  /**
   * Starts a process on this node with a monitor on it that exists before the child runs its first
   * line, so its end is always reported. Must be called from the owning process's thread only.
   *
   * @param body the child's body
   * @return the child's pid and the monitor
   * @throws NullPointerException if {@code body} is null
   * @throws IllegalStateException if the node is shutting down, or if called from another thread
   */
  Spawned spawnMonitored(Process<M> body);

  /**
   * Starts, on {@code node}, the behaviour registered there under {@code behaviour} with {@code
   * argument} (the seed's {@code spawn}). {@code node} may be this node. If the name is not
   * registered there, the returned pid names no process: a monitor on it reports {@link
   * MonitorReason.NoProcess}.
   *
   * @param node where to start the process
   * @param behaviour the registered name
   * @param argument given to the behaviour
   * @return the child's pid
   * @throws NullPointerException if an argument is null
   * @throws InvalidNodeException if {@code node} is not known, or goes down before it answers
   * @throws DistprocException if {@code node} does not answer within the request timeout ({@link
   *     NodeConfig#requestTimeout()})
   * @throws IllegalArgumentException if the encoded {@code argument} must cross to another node and
   *     is larger than the transport carries in one message (128 MiB by default); nothing is sent
   * @throws IllegalStateException if the node is shutting down
   */
  Pid spawn(NodeId node, String behaviour, M argument);

  /**
   * Like {@link #spawn(NodeId, String, Object)}, with a monitor that exists before the child runs
   * its first line. Must be called from the owning process's thread only.
   *
   * @param node where to start the process
   * @param behaviour the registered name
   * @param argument given to the behaviour
   * @return the child's pid and the monitor
   * @throws NullPointerException if an argument is null
   * @throws InvalidNodeException if {@code node} is not known, or goes down before it answers
   * @throws DistprocException if {@code node} does not answer within the request timeout ({@link
   *     NodeConfig#requestTimeout()})
   * @throws IllegalArgumentException if the encoded {@code argument} must cross to another node and
   *     is larger than the transport carries in one message (128 MiB by default); nothing is sent
   * @throws IllegalStateException if the node is shutting down, or if called from another thread
   */
  Spawned spawnMonitored(NodeId node, String behaviour, M argument);

  /**
   * Sends a message, asynchronously (the seed's {@code send} and {@code >!}). See the delivery
   * guarantees above.
   *
   * @param to the receiver
   * @param message the message; handed over by reference on the same node, so keep it immutable
   * @throws NullPointerException if an argument is null
   * @throws InvalidNodeException if {@code to} is on a node that is not known
   * @throws IllegalArgumentException if the encoded {@code message} must cross to another node and
   *     is larger than the transport carries in one message (128 MiB by default); nothing is sent
   */
  void send(Pid to, M message);

  /**
   * Sends a message to every process on {@code node} except the sender.
   *
   * @param node the node, which may be this one
   * @param message the message
   * @throws NullPointerException if an argument is null
   * @throws InvalidNodeException if {@code node} is not known
   * @throws IllegalArgumentException if the encoded {@code message} must cross to another node and
   *     is larger than the transport carries in one message (128 MiB by default); nothing is sent
   */
  void broadcast(NodeId node, M message);

  /**
   * Waits, without a time limit, for an entry the matcher accepts, takes it and returns the
   * handler's result. Must be called from the owning process's thread only.
   *
   * @param matcher what to take
   * @param <R> the handler's result type
   * @return the handler's result (null if the handler returned null)
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  <R> R receive(Matcher<? super M, ? extends R> matcher);

  /**
   * Like {@link #receive(Matcher)} with two matchers; the first that accepts an entry handles it.
   *
   * @param first tried first
   * @param second tried second
   * @param <R> the handlers' result type
   * @return the handler's result
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  <R> R receive(Matcher<? super M, ? extends R> first, Matcher<? super M, ? extends R> second);

  /**
   * Like {@link #receive(Matcher)} with three matchers; the first that accepts an entry handles it.
   *
   * @param first tried first
   * @param second tried second
   * @param third tried third
   * @param <R> the handlers' result type
   * @return the handler's result
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  <R> R receive(
      Matcher<? super M, ? extends R> first,
      Matcher<? super M, ? extends R> second,
      Matcher<? super M, ? extends R> third);

  /**
   * Like {@link #receive(Matcher)} with any number of matchers, tried in list order.
   *
   * @param matchers what to take, at least one
   * @param <R> the handlers' result type
   * @return the handler's result
   * @throws EmptyMatchersException if {@code matchers} is empty
   * @throws NullPointerException if an argument, or one of the matchers, is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  <R> R receive(List<? extends Matcher<? super M, ? extends R>> matchers);

  /**
   * Waits at most {@code timeout} for an entry the matcher accepts, takes it and returns the
   * handler's result (the seed's {@code receive ~timeout}). Entries already queued are examined
   * even with a zero timeout. Must be called from the owning process's thread only.
   *
   * @param timeout how long to wait for a match; zero or negative means do not wait
   * @param matcher what to take
   * @param <R> the handler's result type
   * @return the handler's result, or empty if nothing matched in time (or the handler returned
   *     null)
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  <R> Optional<R> receive(Duration timeout, Matcher<? super M, ? extends R> matcher);

  /**
   * Like {@link #receive(Duration, Matcher)} with two matchers.
   *
   * @param timeout how long to wait for a match
   * @param first tried first
   * @param second tried second
   * @param <R> the handlers' result type
   * @return the handler's result, or empty if nothing matched in time
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  <R> Optional<R> receive(
      Duration timeout,
      Matcher<? super M, ? extends R> first,
      Matcher<? super M, ? extends R> second);

  /**
   * Like {@link #receive(Duration, Matcher)} with three matchers.
   *
   * @param timeout how long to wait for a match
   * @param first tried first
   * @param second tried second
   * @param third tried third
   * @param <R> the handlers' result type
   * @return the handler's result, or empty if nothing matched in time
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  <R> Optional<R> receive(
      Duration timeout,
      Matcher<? super M, ? extends R> first,
      Matcher<? super M, ? extends R> second,
      Matcher<? super M, ? extends R> third);

  /**
   * Like {@link #receive(Duration, Matcher)} with any number of matchers, tried in list order.
   *
   * @param timeout how long to wait for a match
   * @param matchers what to take, at least one
   * @param <R> the handlers' result type
   * @return the handler's result, or empty if nothing matched in time
   * @throws EmptyMatchersException if {@code matchers} is empty
   * @throws NullPointerException if an argument, or one of the matchers, is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  <R> Optional<R> receive(
      Duration timeout, List<? extends Matcher<? super M, ? extends R>> matchers);

  /**
   * Marks the present end of this process's mailbox, for a receive that needs only what arrives
   * from now on, such as the reply to a request about to be sent. A receive given the mark skips
   * every entry that arrived before it, so its cost does not grow with the number of messages
   * waiting in the mailbox (Erlang applies the same optimisation to receives after {@code
   * make_ref()}; here it is explicit). The entries before the mark stay where they are, in order,
   * for later receives. Must be called from the owning process's thread only.
   *
   * <p>A receive without a mark whose matchers each take one class of message (made with {@code
   * Matcher.on(Class, ...)}) or only down notices already passes over the waiting messages of other
   * classes at no cost; the mark is for the reply awaited among many of its own class.
   *
   * <pre>{@code
   * ReceiveMark mark = ctx.mark();
   * ctx.send(server, new Request(ctx.self(), id));
   * Optional<Reply> reply =
   *     ctx.receive(mark, Duration.ofSeconds(1), on(Reply.class, r -> r.id() == id, r -> r));
   * }</pre>
   *
   * @return the mark, valid for this process's life
   * @throws IllegalStateException if called from another thread
   */
  ReceiveMark mark();

  /**
   * Like {@link #receive(Matcher)}, considering only the entries that arrived after {@code after}.
   * Must be called from the owning process's thread only.
   *
   * @param after a mark this process took with {@link #mark()}
   * @param matcher what to take
   * @param <R> the handler's result type
   * @return the handler's result
   * @throws IllegalArgumentException if the mark is another process's
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  <R> R receive(ReceiveMark after, Matcher<? super M, ? extends R> matcher);

  /**
   * Like {@link #receive(Duration, Matcher)}, considering only the entries that arrived after
   * {@code after}. Must be called from the owning process's thread only.
   *
   * @param after a mark this process took with {@link #mark()}
   * @param timeout how long to wait for a match
   * @param matcher what to take
   * @param <R> the handler's result type
   * @return the handler's result, or empty if nothing matched in time
   * @throws IllegalArgumentException if the mark is another process's
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  <R> Optional<R> receive(
      ReceiveMark after, Duration timeout, Matcher<? super M, ? extends R> matcher);

  /**
   * Receives again and again until a handler returns {@code false} (the seed's {@code
   * receive_loop}). A handler's {@code null} counts as {@code false}. Must be called from the
   * owning process's thread only.
   *
   * @param matcher what to take
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  void receiveLoop(Matcher<? super M, ? extends Boolean> matcher);

  /**
   * Like {@link #receiveLoop(Matcher)} with two matchers.
   *
   * @param first tried first
   * @param second tried second
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  void receiveLoop(
      Matcher<? super M, ? extends Boolean> first, Matcher<? super M, ? extends Boolean> second);

  /**
   * Like {@link #receiveLoop(Matcher)} with any number of matchers.
   *
   * @param matchers what to take, at least one
   * @throws EmptyMatchersException if {@code matchers} is empty
   * @throws NullPointerException if an argument, or one of the matchers, is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  void receiveLoop(List<? extends Matcher<? super M, ? extends Boolean>> matchers);

  /**
   * Receives again and again until a handler returns {@code false} or one wait for a match lasts
   * longer than {@code timeout}. Must be called from the owning process's thread only.
   *
   * @param timeout the limit of each wait
   * @param matcher what to take
   * @return {@code true} if a handler ended the loop, {@code false} if a wait timed out
   * @throws NullPointerException if an argument is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  boolean receiveLoop(Duration timeout, Matcher<? super M, ? extends Boolean> matcher);

  /**
   * Like {@link #receiveLoop(Duration, Matcher)} with any number of matchers.
   *
   * @param timeout the limit of each wait
   * @param matchers what to take, at least one
   * @return {@code true} if a handler ended the loop, {@code false} if a wait timed out
   * @throws EmptyMatchersException if {@code matchers} is empty
   * @throws NullPointerException if an argument, or one of the matchers, is null
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   */
  boolean receiveLoop(
      Duration timeout, List<? extends Matcher<? super M, ? extends Boolean>> matchers);

  /**
   * Watches a process: when it ends, crashes, or its node goes down, exactly one {@link Down}
   * notice with this ref arrives in this process's mailbox. Several monitors on one process each
   * fire. If the process has already ended or never existed, the notice, with {@link
   * MonitorReason.NoProcess}, is queued at once. Must be called from the owning process's thread
   * only.
   *
   * @param pid the process to watch
   * @return the monitor
   * @throws NullPointerException if {@code pid} is null
   * @throws InvalidNodeException if {@code pid} is on a node that is not known
   * @throws IllegalStateException if called from another thread
   */
  MonitorRef monitor(Pid pid);

  /**
   * Cancels a monitor this process holds: its notice will not be received, even if it is already
   * queued. A ref this process does not hold (another process's, or one that already fired) is
   * ignored. Must be called from the owning process's thread only.
   *
   * @param ref the monitor
   * @throws NullPointerException if {@code ref} is null
   * @throws IllegalStateException if called from another thread
   */
  void unmonitor(MonitorRef ref);

  // ---- links and exit signals (Erlang's fault model) ------------------------------------------

  /**
   * Links this process with {@code pid} (Erlang's {@code link/1}): from now on, when either of the
   * two ends, the other gets an exit signal. Links are bidirectional and idempotent: there is at
   * most one link between two processes, however often either calls this. Linking to itself does
   * nothing. Must be called from the owning process's thread only.
   *
   * <ul>
   *   <li>A linked process that ends abnormally (it threw, was killed, its node went down or was
   *       removed) sends each process linked to it one exit signal. A process that does not
   *       {@linkplain #trapExits(boolean) trap exits} then ends too, with {@link
   *       MonitorReason.Exited} naming the linked process and its cause; one that traps gets an
   *       {@link Exit} entry in its mailbox instead.
   *   <li>A linked process that ends normally kills nobody: only a trapping process sees its {@link
   *       Exit} (with {@link MonitorReason.Normal}).
   *   <li>If {@code pid} does not exist or has ended, this process gets an exit signal with {@link
   *       MonitorReason.NoProcess} at once.
   * </ul>
   *
   * @param pid the process to link with
   * @throws NullPointerException if {@code pid} is null
   * @throws InvalidNodeException if {@code pid} is on a node that is not known
   * @throws IllegalStateException if called from another thread
   * @since 0.1.0
   */
  void link(Pid pid);

  /**
   * Removes the link between this process and {@code pid}, if there is one (Erlang's {@code
   * unlink/1}): neither end's exit will signal the other. An {@link Exit} already in this process's
   * mailbox stays there. Must be called from the owning process's thread only.
   *
   * @param pid the linked process
   * @throws NullPointerException if {@code pid} is null
   * @throws IllegalStateException if called from another thread
   * @since 0.1.0
   */
  void unlink(Pid pid);

  /**
   * Starts a process on this node, linked to this one before it runs its first line (Erlang's
   * {@code spawn_link/1}), so that neither can end abnormally without the other hearing of it. Must
   * be called from the owning process's thread only.
   *
   * @param body the child's body
   * @return the child's pid
   * @throws NullPointerException if {@code body} is null
   * @throws IllegalStateException if the node is shutting down, or if called from another thread
   * @since 0.1.0
   */
  Pid spawnLinked(Process<M> body);

  /**
   * Starts, on {@code node}, the behaviour registered there under {@code behaviour}, linked to this
   * process before it runs its first line (Erlang's {@code spawn_link/4}). If the name is not
   * registered there, this process gets an exit signal with {@link MonitorReason.NoProcess}, in
   * force by the time this returns (an untrapping process ends: this throws {@link
   * ProcessExitException}). Must be called from the owning process's thread only.
   *
   * @param node where to start the process
   * @param behaviour the registered name
   * @param argument given to the behaviour
   * @return the child's pid
   * @throws NullPointerException if an argument is null
   * @throws InvalidNodeException if {@code node} is not known, or goes down before it answers
   * @throws DistprocException if {@code node} does not answer within the request timeout
   * @throws IllegalArgumentException if the encoded {@code argument} is larger than the transport
   *     carries in one message; nothing is sent
   * @throws IllegalStateException if the node is shutting down, or if called from another thread
   * @since 0.1.0
   */
  Pid spawnLinked(NodeId node, String behaviour, M argument);

  /**
   * Turns the trapping of exit signals on or off (Erlang's {@code process_flag(trap_exit, ...)}).
   * While it is on, an exit signal does not end this process but enters its mailbox as an {@link
   * Exit}, after every message its sender sent before it, taken by {@link Matcher#onExit}. A signal
   * from {@link #kill(Pid)} cannot be trapped. Off when a process starts. Must be called from the
   * owning process's thread only.
   *
   * @param trap whether to trap exit signals from now on
   * @return whether it trapped them before this call
   * @throws IllegalStateException if called from another thread
   * @since 0.1.0
   */
  boolean trapExits(boolean trap);

  /**
   * Sends {@code pid} an exit signal asking it to stop (Erlang's {@code exit(Pid, shutdown)}), with
   * the reason {@link MonitorReason.Shutdown} of this process and {@code reason}. A process that
   * does not trap exits ends with {@link MonitorReason.Exited}; one that traps gets an {@link
   * Exit}. Asynchronous, like a send: a signal to a process that has ended is dropped.
   *
   * @param pid the process
   * @param reason why, for people; may be empty
   * @throws NullPointerException if an argument is null
   * @throws InvalidNodeException if {@code pid} is on a node that is not known
   * @since 0.1.0
   */
  void exit(Pid pid, String reason);

  /**
   * Sends {@code pid} an exit signal that cannot be trapped (Erlang's {@code exit(Pid, kill)}): it
   * ends with {@link MonitorReason.Killed} at its next call into its context, or at once if it is
   * waiting in one; a body that catches the resulting {@link ProcessExitException} still ends with
   * that reason. Processes linked to it get a trappable signal with {@code Killed}. Asynchronous.
   *
   * @param pid the process
   * @throws NullPointerException if {@code pid} is null
   * @throws InvalidNodeException if {@code pid} is on a node that is not known
   * @since 0.1.0
   */
  void kill(Pid pid);

  /**
   * Subscribes this process to the node-up and node-down events of its node, or ends the
   * subscription (Erlang's {@code net_kernel:monitor_nodes/1}). While subscribed, a {@link
   * NodeUpEvent} enters its mailbox each time a remote node connects (a restarted node is a new
   * incarnation, reported up again), and a {@link NodeDownEvent} each time one is lost; they are
   * taken by {@link Matcher#onNodeUp} and {@link Matcher#onNodeDown}. Events already queued stay.
   * To watch one node, match on its {@link NodeId#name()}. Must be called from the owning process's
   * thread only.
   *
   * @param watch whether to receive node events from now on
   * @throws IllegalStateException if called from another thread
   * @since 0.1.0
   */
  void monitorNodes(boolean watch);

  // ---- process groups (Erlang's pg) -----------------------------------------------------------

  /**
   * Adds this process to the process group {@code group} (Erlang's {@code pg:join/2}). Groups span
   * the cluster without a global lock: each node owns its own members and tells every connected
   * node of each change, and a node that connects is told every member at once, so the views
   * converge. A process leaves its groups when it ends; joining a group it is in does nothing. Must
   * be called from the owning process's thread only.
   *
   * @param group 1 to 255 characters
   * @throws NullPointerException if {@code group} is null
   * @throws IllegalArgumentException if {@code group} is empty or longer than 255 characters
   * @throws IllegalStateException if called from another thread
   * @since 0.1.0
   */
  void joinGroup(String group);

  /**
   * Removes this process from {@code group} (Erlang's {@code pg:leave/2}). Must be called from the
   * owning process's thread only.
   *
   * @param group the group
   * @return whether this process was a member
   * @throws NullPointerException if {@code group} is null
   * @throws IllegalArgumentException if {@code group} is malformed
   * @throws IllegalStateException if called from another thread
   * @since 0.1.0
   */
  boolean leaveGroup(String group);

  /**
   * Returns the members of {@code group} on every node this node knows (Erlang's {@code
   * pg:get_members/1}): its own, and what each connected node has told it so far. A member of a
   * node that went down is gone from the list once the node-down is handled.
   *
   * @param group the group
   * @return a snapshot, in no particular order; empty if the group has no members
   * @throws NullPointerException if {@code group} is null
   * @since 0.1.0
   */
  List<Pid> groupMembers(String group);

  /**
   * Returns the members of {@code group} on this node (Erlang's {@code pg:get_local_members/1}).
   *
   * @param group the group
   * @return a snapshot, in no particular order
   * @throws NullPointerException if {@code group} is null
   * @since 0.1.0
   */
  List<Pid> localGroupMembers(String group);

  /**
   * Watches {@code group} (Erlang's {@code pg:monitor/1}): returns its members now, and from then
   * on each change enters this process's mailbox as a {@link GroupChange}, taken by {@link
   * Matcher#onGroupChange}; the snapshot and the changes fit together with no change lost or
   * counted twice. Watching a group already watched does nothing more. Must be called from the
   * owning process's thread only.
   *
   * @param group the group
   * @return the members at the moment the watch began
   * @throws NullPointerException if {@code group} is null
   * @throws IllegalArgumentException if {@code group} is malformed
   * @throws IllegalStateException if called from another thread
   * @since 0.1.0
   */
  List<Pid> monitorGroup(String group);

  /**
   * Stops watching {@code group}; changes already queued stay. Must be called from the owning
   * process's thread only.
   *
   * @param group the group
   * @throws NullPointerException if {@code group} is null
   * @throws IllegalStateException if called from another thread
   * @since 0.1.0
   */
  void demonitorGroup(String group);

  // ---- names, timers, calls -------------------------------------------------------------------

  /**
   * Registers this process under {@code name} on its node (Erlang's {@code register/2}), so that
   * {@link #sendNamed(String, Object)} and {@link #sendNamed(NodeId, String, Object)} reach it. The
   * name is released when the process ends, or by {@link #unregister()}. A process has at most one
   * name. Must be called from the owning process's thread only.
   *
   * @param name 1 to 255 characters
   * @throws NameTakenException if a live process of this node holds the name
   * @throws IllegalStateException if this process already has a name, or if called from another
   *     thread
   * @throws IllegalArgumentException if {@code name} is empty or longer than 255 characters
   * @throws NullPointerException if {@code name} is null
   * @since 0.1.0
   */
  void register(String name);

  /**
   * Releases this process's name, if it has one (Erlang's {@code unregister/1}). Must be called
   * from the owning process's thread only.
   *
   * @return whether it had a name
   * @throws IllegalStateException if called from another thread
   * @since 0.1.0
   */
  boolean unregister();

  /**
   * Looks up a process registered under {@code name} on this node (Erlang's {@code whereis/1}).
   *
   * @param name the name
   * @return the process, or empty if no live process holds the name
   * @throws NullPointerException if {@code name} is null
   * @since 0.1.0
   */
  Optional<Pid> whereis(String name);

  /**
   * Sends a message to the process registered under {@code name} on this node (Erlang's {@code Name
   * ! Msg}), with the delivery guarantees of {@link #send(Pid, Object)}. If no process holds the
   * name, the message is counted as a dead letter and dropped; nothing is thrown.
   *
   * @param name the name
   * @param message the message
   * @throws NullPointerException if an argument is null
   * @since 0.1.0
   */
  void sendNamed(String name, M message);

  /**
   * Sends a message to the process registered under {@code name} on {@code node}, which may be this
   * one (Erlang's {@code {Name, Node} ! Msg}). The name is looked up on that node when the message
   * arrives; one that no process holds there makes the message a dead letter there. Messages from
   * one process to one name on one node arrive in send order.
   *
   * @param node the node
   * @param name the name
   * @param message the message
   * @throws NullPointerException if an argument is null
   * @throws InvalidNodeException if {@code node} is not known
   * @throws IllegalArgumentException if the encoded {@code message} is larger than the transport
   *     carries in one message; nothing is sent
   * @since 0.1.0
   */
  void sendNamed(NodeId node, String name, M message);

  /**
   * Sends {@code message} to {@code to} once {@code delay} has passed (Erlang's {@code
   * erlang:send_after/3}), unless the returned timer is cancelled first. The message is sent as if
   * by this process, on the node's timer thread. Pending timers are dropped when the node shuts
   * down.
   *
   * @param delay how long to wait; zero or negative sends at once (still asynchronously)
   * @param to the receiver
   * @param message the message
   * @return the timer, to cancel it
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the node is shutting down
   * @since 0.1.0
   */
  TimerRef sendAfter(Duration delay, Pid to, M message);

  /**
   * Sends {@code request} to {@code server} and waits for the reply {@code reply} accepts (Erlang's
   * {@code gen_server:call/3}). The call monitors the server for its duration, so it fails at once,
   * not at the deadline, when the server ends or its node goes down; and it considers only what
   * arrives after the request, so its cost does not grow with the messages waiting in the mailbox.
   * Must be called from the owning process's thread only.
   *
   * <p>The request should carry {@link #self()} and something that names this call (a counter), and
   * {@code reply} should accept only the answer that carries it back. A reply that arrives after
   * the deadline stays in the mailbox, as with Erlang.
   *
   * @param server the process that answers
   * @param request the request
   * @param reply what to take as the answer, and what to make of it
   * @param timeout how long to wait for the reply
   * @param <R> the handler's result type
   * @return the reply handler's result (null if it returned null)
   * @throws CallException if the server ended, or its node went down, before it replied
   * @throws CallTimeoutException if no reply came within {@code timeout}
   * @throws NullPointerException if an argument is null
   * @throws InvalidNodeException if {@code server} is on a node that is not known
   * @throws ProcessInterruptedException if the process is interrupted while waiting
   * @throws IllegalStateException if called from another thread
   * @since 0.1.0
   */
  <R> R call(Pid server, M request, Matcher<? super M, ? extends R> reply, Duration timeout);

  /**
   * Looks up a connected remote node by name (the seed's {@code get_remote_node}).
   *
   * @param name the node's name
   * @return the node, or empty if none of that name is connected (always empty in local-only mode)
   * @throws NullPointerException if {@code name} is null
   */
  Optional<NodeId> remoteNode(String name);

  /**
   * Returns the connected remote nodes (the seed's {@code get_remote_nodes}).
   *
   * @return a snapshot, sorted by name; empty in local-only mode
   */
  List<NodeId> remoteNodes();

  /**
   * Connects to a node and returns its id (the seed's {@code add_remote_node}). Adding a node that
   * is already connected returns its id and does nothing else.
   *
   * @param host the node's host name or address (DNS names and container aliases are fine)
   * @param port the node's port
   * @param name the node's name, checked against the name the node gives in its handshake
   * @return the connected node
   * @throws LocalOnlyModeException in local-only mode
   * @throws NullPointerException if {@code host} or {@code name} is null
   * @throws IllegalArgumentException if an argument is malformed: a blank host, a port outside 1 to
   *     65535, a malformed name
   * @throws DistprocException if the node cannot be reached within the request timeout
   */
  NodeId addRemoteNode(String host, int port, String name);

  /**
   * Disconnects from a node and tells it, so it does the same (the seed's {@code
   * remove_remote_node}). Monitors on its processes fire with {@link MonitorReason.NodeDown}.
   * Removing a node that is not connected does nothing.
   *
   * @param node the node
   * @throws LocalOnlyModeException in local-only mode
   * @throws NullPointerException if {@code node} is null
   */
  void removeRemoteNode(NodeId node);
}
