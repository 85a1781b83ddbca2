package io.distproc.testkit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import io.distproc.NodeId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;

/*
 * The faults of a cluster: kill, pause/unpause, partition/heal and restart, what of them is in
 * force, and when each node was last hit.
 *
 * Before a fault acts (and before an unpause or a heal, whose node-up lines may come at once), it
 * records a mark for the node it hits: where every container's log stood. An await for that node's
 * node-down or node-up reads each log from its mark, so an event of an earlier fault is never taken
 * for this one's, and measures from the mark's instant. A fault's instant is when its docker command
 * returned, the fault then in force: a command slowed by a busy daemon (a network disconnect has
 * taken over half a second) is not counted as detection time. The mark keeps how long the command
 * took. An unpause's or a heal's instant is when its command began: the node-up may come before
 * the command returns.
 *
 * `paused`, `killed`, `partitions` (each cut pair, and which of the two was disconnected from the
 * pair's network) and `marks` are guarded by `lock`, which is never held across a docker command.
 * Any thread may call in.
 */
final class ClusterFaults {
  private static final System.Logger LOG = System.getLogger("io.distproc.testkit");

  /**
   * Where the logs stood, by observer, as something last happened to a node; when it was in force;
   * and how long the docker command that made it took.
   */
  record Mark(Map<String, Long> logMarks, Instant at, Duration command) {
    static final Mark NONE = new Mark(Map.of(), Instant.EPOCH, Duration.ZERO);

    /** Where to read {@code observer}'s log from. */
    long of(String observer) {
      return logMarks.getOrDefault(observer, 0L);
    }
  }

  /** The faults in force: for recovering from them. */
  record InForce(List<String> paused, List<List<String>> partitions, List<String> killed) {}

  private final ClusterNodes nodes;
  private final ClusterNetworks networks;
  private final ReentrantLock lock = new ReentrantLock();
  // @GuardedBy("lock")
  private final Set<String> paused = new HashSet<>();
  // @GuardedBy("lock")
  private final Set<String> killed = new HashSet<>();
  // @GuardedBy("lock")
  private final Map<Set<String>, String> partitions = new LinkedHashMap<>();
  // @GuardedBy("lock")
  private final Map<String, Mark> marks = new LinkedHashMap<>();

  ClusterFaults(ClusterNodes nodes, ClusterNetworks networks) {
    this.nodes = nodes;
    this.networks = networks;
  }

  void kill(String node) {
    NodeContainer c = nodes.container(node);
    fault(
        "kill " + node,
        () -> docker().killContainerCmd(c.getContainerId()).withSignal("KILL").exec(),
        node);
    lock.lock();
    try {
      killed.add(node);
      paused.remove(node);
    } finally {
      lock.unlock();
    }
  }

  void pause(String node) {
    NodeContainer c = nodes.container(node);
    String id = c.getContainerId();
    fault(
        "pause " + node,
        () ->
            pauseRetrying(
                () -> docker().pauseContainerCmd(id).exec(),
                () ->
                    Boolean.TRUE.equals(
                        docker().inspectContainerCmd(id).exec().getState().getPaused())),
        node);
    lock.lock();
    try {
      paused.add(node);
    } finally {
      lock.unlock();
    }
  }

  /** How many times a pause is tried when the kernel could not freeze the container in time. */
  static final int PAUSE_ATTEMPTS = 5;

  /**
   * Runs {@code pause}, again when it failed because the container's processes could not all be
   * frozen in time ("unable to freeze": the cgroup freezer gave up, which a busy host makes happen
   * now and then, and the runtime thawed the container again). Any other failure, or the last
   * attempt's, is thrown; a failure after which the container is paused anyway counts as done.
   */
  static void pauseRetrying(Runnable pause, BooleanSupplier isPaused) {
    for (int attempt = 1; ; attempt++) {
      try {
        pause.run();
        return;
      } catch (InternalServerErrorException e) {
        String why = String.valueOf(e.getMessage());
        if (!why.contains("unable to freeze")) {
          throw e;
        }
        if (isPaused.getAsBoolean()) {
          return;
        }
        if (attempt == PAUSE_ATTEMPTS) {
          throw e;
        }
        LOG.log(System.Logger.Level.INFO, "pause failed ({0}), trying again", why.strip());
        try {
          Thread.sleep(50L * attempt); // a backoff, so that what held the freezer can finish
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  void unpause(String node) {
    NodeContainer c = nodes.container(node);
    mark(node); // before the thaw: the node-up lines it causes may come at once
    docker().unpauseContainerCmd(c.getContainerId()).exec();
    lock.lock();
    try {
      paused.remove(node);
    } finally {
      lock.unlock();
    }
  }

  void partition(String a, String b) {
    NodeContainer first = nodes.container(a);
    nodes.container(b);
    Network net = networks.pair(a, b);
    lock.lock();
    try {
      if (partitions.containsKey(Set.of(a, b))) {
        return;
      }
      partitions.put(Set.of(a, b), a);
    } finally {
      lock.unlock();
    }
    fault("partition " + a + " from " + b, () -> first.disconnect(net), a, b);
  }

  void heal(String a, String b) {
    nodes.container(a);
    nodes.container(b);
    Network net = networks.pair(a, b);
    String disconnected;
    lock.lock();
    try {
      disconnected = partitions.remove(Set.of(a, b));
    } finally {
      lock.unlock();
    }
    if (disconnected == null) {
      return;
    }
    mark(a);
    mark(b);
    nodes.container(disconnected).connect(net, List.of(disconnected));
  }

  /**
   * Replaces a node's container by a new one of the same configuration (killing the old one first
   * if it runs) and returns the new incarnation's id once it is ready.
   */
  NodeId restart(String node) {
    NodeContainer c = nodes.container(node);
    Optional<NodeId> old = c.nodeId();
    boolean running;
    lock.lock();
    try {
      running = !killed.contains(node);
      if (paused.remove(node)) {
        docker().unpauseContainerCmd(c.getContainerId()).exec();
      }
    } finally {
      lock.unlock();
    }
    if (running) {
      fault(
          "restart " + node,
          () -> docker().killContainerCmd(c.getContainerId()).withSignal("KILL").exec(),
          node);
    } else {
      mark(node);
    }
    c.stop(); // removes the old container
    c.start(); // returns once this container's log has the new incarnation's ready event
    lock.lock();
    try {
      killed.remove(node);
      // The new container joins every pair network: partitions cut on its side are gone.
      partitions.values().removeIf(node::equals);
    } finally {
      lock.unlock();
    }
    return c.nodeId()
        .filter(n -> !Optional.of(n).equals(old))
        .orElseThrow(
            () ->
                new IllegalStateException("node " + node + " restarted without a new incarnation"));
  }

  InForce inForce() {
    lock.lock();
    try {
      return new InForce(
          List.copyOf(paused),
          partitions.keySet().stream().map(p -> p.stream().sorted().toList()).toList(),
          List.copyOf(killed));
    } finally {
      lock.unlock();
    }
  }

  /** Forgets that a node is paused; returns whether it was. */
  boolean takePaused(String node) {
    lock.lock();
    try {
      return paused.remove(node);
    } finally {
      lock.unlock();
    }
  }

  /** The nodes neither killed nor paused, in declaration order. */
  List<String> live() {
    lock.lock();
    try {
      return nodes.names().stream()
          .filter(n -> !killed.contains(n) && !paused.contains(n))
          .toList();
    } finally {
      lock.unlock();
    }
  }

  /** The live nodes that should notice a fault on {@code node}: not it, not cut off from it. */
  List<String> survivorsOf(String node) {
    return live().stream().filter(n -> !n.equals(node) && !isPartitioned(n, node)).toList();
  }

  boolean isPartitioned(String a, String b) {
    lock.lock();
    try {
      return partitions.containsKey(Set.of(a, b));
    } finally {
      lock.unlock();
    }
  }

  /** The mark of the last fault on, unpause or heal of {@code node}. */
  Mark lastMark(String node) {
    lock.lock();
    try {
      return marks.getOrDefault(node, Mark.NONE);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs a fault's docker command, then records the mark of each node it hits: the logs as they
   * stood before the command, the instant it returned, and how long it took.
   */
  private void fault(String what, Runnable command, String... hit) {
    Map<String, Long> logs = nodes.logMarks();
    long began = System.nanoTime();
    command.run();
    Duration took = Duration.ofNanos(System.nanoTime() - began);
    Mark m = new Mark(logs, Instant.now(), took);
    for (String node : hit) {
      put(node, m);
    }
    LOG.log(
        System.Logger.Level.INFO,
        () -> "fault: " + what + " (the command took " + took.toMillis() + " ms)");
  }

  /**
   * Records a mark for an unpause, a heal or the restart of a killed {@code node}, about to begin.
   */
  private void mark(String node) {
    put(node, new Mark(nodes.logMarks(), Instant.now(), Duration.ZERO));
  }

  private void put(String node, Mark m) {
    lock.lock();
    try {
      marks.put(node, m);
    } finally {
      lock.unlock();
    }
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }
}
