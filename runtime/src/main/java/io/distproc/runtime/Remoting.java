package io.distproc.runtime;

import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a node does with anything addressed to another node. The runtime owns the semantics of
 * every remote operation; an implementation of this interface carries them over a transport. The
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
  void send(Pid from, Pid to, M message);

  /** Sends a message to every process of another node. */
  void broadcast(Pid from, NodeId node, M message);

  /**
   * Spawns a behaviour on another node. If {@code monitorId} is not 0, the child's node installs
   * the monitor {@code MonitorRef.of(spawner, child, monitorId)} before the child runs.
   *
   * @param spawner the spawning process, or null when spawned from outside any process
   */
  Pid spawn(Pid spawner, NodeId node, String behaviour, M argument, long monitorId);

  /** Installs a monitor held here on a process of another node. */
  void monitor(MonitorRef ref);

  /** Removes a monitor held here on a process of another node. */
  void demonitor(MonitorRef ref);

  /**
   * Tells a watcher on another node that the process it monitored is gone. Called on the dying
   * process's thread, after every message it sent, so the notice follows them on the link.
   */
  void sendDown(MonitorRef ref, MonitorReason reason);

  /** How many times a link to a peer went down. */
  long linksDown();

  /** The last heartbeat round trip to a connected node, if measured. */
  Optional<Duration> roundTrip(NodeId node);

  /** Closes every link, telling each peer. Idempotent. */
  @Override
  void close();
}
