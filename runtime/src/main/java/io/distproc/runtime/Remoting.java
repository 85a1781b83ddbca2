package io.distproc.runtime;

import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Frame.ExitKind;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a node does with anything addressed to another node. The runtime owns the semantics of every
 * remote operation; an implementation of this interface carries them over a transport. The
 * local-only implementation knows no other node.
 *
 * <p>Implementations are thread-safe.
 */
interface Remoting<M> extends AutoCloseable {

  /** The connected node of that name, if any. */
  Optional<NodeId> node(String name);

  /** The connected nodes, sorted by name. */
  List<NodeId> nodes();

  /** Connects to a node; a no-op returning its id if already connected. */
  NodeId add(String host, int port, String name);

  /** Disconnects from a node and tells it; a no-op if it is not connected. */
  void remove(NodeId node);

  /**
   * Sends a message to a process of another node.
   *
   * @param from the sending process, or null when sent from outside any process
   * @throws io.distproc.InvalidNodeException if the node is not connected
   */
  void send(@Nullable Pid from, Pid to, M message);

  /** Sends a message to every process of another node. */
  void broadcast(@Nullable Pid from, NodeId node, M message);

  /**
   * Spawns a behaviour on another node. If {@code monitorId} is not 0, the child's node installs
   * the monitor {@code MonitorRef.of(spawner, child, monitorId)} before the child runs.
   *
   * @param spawner the spawning process, or null when spawned from outside any process
   */
  Pid spawn(@Nullable Pid spawner, NodeId node, String behaviour, M argument, long monitorId);

  /**
   * Spawns a behaviour on another node, as {@link #spawn}, and links the child with {@code spawner}
   * before it runs: the link is in force on both nodes when this returns.
   */
  Pid spawnLinked(Pid spawner, NodeId node, String behaviour, M argument);

  /**
   * Sends a message to the process registered under {@code name} on another node.
   *
   * @throws io.distproc.InvalidNodeException if the node is not connected
   */
  void sendNamed(@Nullable Pid from, NodeId node, String name, M message);

  /**
   * Links {@code from}, a process here, with {@code to}, a process of another node, whose node is
   * told. {@code from}'s own side of the link is already in place. If {@code to}'s node is known
   * but down or of another incarnation, the exit signal comes back through {@code signals} at once.
   *
   * @throws io.distproc.InvalidNodeException if the node is not connected
   */
  void link(Pid from, Pid to);

  /** Removes a link between {@code from}, here, and {@code to}, on another node. */
  void unlink(Pid from, Pid to);

  /**
   * Sends an exit signal to a process of another node. A {@code LINK} signal is sent only while the
   * link is recorded with that node (each link fires at most once). Called for a dying process on
   * its own thread, after every message it sent, so the signal follows them on the link.
   *
   * @throws io.distproc.InvalidNodeException if the node is not connected (never for {@code LINK})
   */
  void sendExit(Pid from, Pid to, MonitorReason reason, ExitKind kind);

  /** Installs a monitor held here on a process of another node. */
  void monitor(MonitorRef ref);

  /** Removes a monitor held here on a process of another node. */
  void demonitor(MonitorRef ref);

  /**
   * Tells a watcher on another node that the process it monitored is gone. Called on the dying
   * process's thread, after every message it sent, so the notice follows them on the link.
   */
  void sendDown(MonitorRef ref, MonitorReason reason);

  /**
   * Sends process-group traffic ({@code GroupJoin}, {@code GroupLeave}, {@code GroupSync}) to a
   * connected peer; dropped if the peer is gone or cannot take it.
   */
  void sendGroups(NodeId peer, Frame frame);

  /** How many times a link to a peer went down. */
  long linksDown();

  /** The last heartbeat round trip to a connected node, if measured. */
  Optional<Duration> roundTrip(NodeId node);

  /** Closes every link, telling each peer. Idempotent. */
  @Override
  void close();
}
