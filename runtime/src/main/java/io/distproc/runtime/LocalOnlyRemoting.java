package io.distproc.runtime;

import io.distproc.InvalidNodeException;
import io.distproc.LocalOnlyModeException;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.internal.Frame;
import io.distproc.runtime.internal.Frame.ExitKind;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The seed's local-only mode: no other node exists. Stateless, so thread-safe. */
final class LocalOnlyRemoting<M> implements Remoting<M> {

  @Override
  public Optional<NodeId> node(String name) {
    Objects.requireNonNull(name, "name");
    return Optional.empty();
  }

  @Override
  public List<NodeId> nodes() {
    return List.of();
  }

  @Override
  public NodeId add(String host, int port, String name) {
    throw new LocalOnlyModeException("addRemoteNode");
  }

  @Override
  public void remove(NodeId node) {
    Objects.requireNonNull(node, "node");
    throw new LocalOnlyModeException("removeRemoteNode");
  }

  @Override
  public void send(@Nullable Pid from, Pid to, M message) {
    throw new InvalidNodeException(to.node());
  }

  @Override
  public void broadcast(@Nullable Pid from, NodeId node, M message) {
    throw new InvalidNodeException(node);
  }

  @Override
  public Pid spawn(
      @Nullable Pid spawner, NodeId node, String behaviour, M argument, long monitorId) {
    throw new InvalidNodeException(node);
  }

  @Override
  public Pid spawnLinked(Pid spawner, NodeId node, String behaviour, M argument) {
    throw new InvalidNodeException(node);
  }

  @Override
  public void sendNamed(@Nullable Pid from, NodeId node, String name, M message) {
    throw new InvalidNodeException(node);
  }

  @Override
  public void link(Pid from, Pid to) {
    throw new InvalidNodeException(to.node());
  }

  @Override
  public void unlink(Pid from, Pid to) {
    // Nothing can be linked on another node.
  }

  @Override
  public void sendExit(Pid from, Pid to, MonitorReason reason, ExitKind kind) {
    if (kind != ExitKind.LINK) {
      throw new InvalidNodeException(to.node());
    }
  }

  @Override
  public void sendGroups(NodeId peer, Frame frame) {
    // No peer exists.
  }

  @Override
  public void monitor(MonitorRef ref) {
    throw new InvalidNodeException(ref.target().node());
  }

  @Override
  public void demonitor(MonitorRef ref) {
    // Nothing can be held on another node.
  }

  @Override
  public void sendDown(MonitorRef ref, MonitorReason reason) {
    // No watcher can be on another node.
  }

  @Override
  public long linksDown() {
    return 0;
  }

  @Override
  public Optional<Duration> roundTrip(NodeId node) {
    Objects.requireNonNull(node, "node");
    return Optional.empty();
  }

  @Override
  public void close() {}
}
