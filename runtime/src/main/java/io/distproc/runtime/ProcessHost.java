package io.distproc.runtime;

import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.Spawned;
import io.distproc.TimerRef;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What a process asks of the node it runs on: the node's side of {@link Context}'s calls, and the
 * end of the process. {@link NodeImpl} is the one implementation; a process, its context and the
 * {@link Spawner} that makes it hold this, never the node, so the node's table of processes is the
 * only way between the two that runs both ways.
 *
 * <p>Thread-safe: each process calls it from its own thread. Arguments are checked by the callers
 * ({@link Context} checks the user's); the exceptions are those the matching {@code ProcessContext}
 * methods document.
 */
interface ProcessHost<M> {
  /** This node. */
  NodeId id();

  /** Logs on the runtime's logger, if {@code level} is on. */
  void log(System.Logger.Level level, Supplier<String> message);

  Pid spawnLocal(Process<M> body);

  Spawned spawnLocalMonitored(Process<M> body, ProcessImpl<M> watcher);

  Pid spawnLocalLinked(Process<M> body, ProcessImpl<M> parent);

  Pid spawnBehaviour(NodeId where, String name, M argument);

  Spawned spawnBehaviourMonitored(NodeId where, String name, M argument, ProcessImpl<M> watcher);

  Pid spawnBehaviourLinked(NodeId where, String name, M argument, ProcessImpl<M> parent);

  void send(@Nullable Pid from, Pid to, M message);

  void sendNamed(@Nullable Pid from, NodeId where, String name, M message);

  TimerRef sendAfter(Pid from, Duration delay, Pid to, M message);

  void broadcast(@Nullable Pid from, NodeId where, M message);

  Optional<Pid> whereis(String name);

  MonitorRef monitor(ProcessImpl<M> watcher, Pid target);

  void demonitor(MonitorRef ref);

  /** Sets whether {@code p} gets node-up and node-down messages. */
  void watchNodes(ProcessImpl<M> p, boolean watch);

  /** The links and exit signals of this node's processes. */
  ExitSignals<M> signals();

  /** The names registered on this node. */
  NameRegistry<M> names();

  /** This node's process groups. */
  ProcessGroups<M> groups();

  Optional<NodeId> remoteNode(String name);

  List<NodeId> remoteNodes();

  NodeId addRemoteNode(String host, int port, String name);

  void removeRemoteNode(NodeId node);

  /** {@code p} has ended with {@code reason}: its names, links and monitors are settled. */
  void exit(ProcessImpl<M> p, MonitorReason reason);
}
