package io.distproc.testkit;

import io.distproc.NodeId;
import io.distproc.node.events.NodeEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/*
 * The awaits of a cluster. They read the events the nodes log (NodeEvent's format, which the node
 * image writes): an await for node-down or node-up of a node reads each observer's log from the
 * mark of the last fault on that node (ClusterFaults), and measures from its instant (zero for an
 * event logged before it); "formed" compares each node's view of its peers, as its events tell it,
 * with the incarnations they announced in their ready events. Deadlines are scaled by TimeFactor.
 * Stateless beyond what it reads; any thread may call in.
 */
final class ClusterAwaits {
  private static final Duration POLL = Duration.ofMillis(20);

  private final ClusterNodes nodes;
  private final ClusterFaults faults;

  ClusterAwaits(ClusterNodes nodes, ClusterFaults faults) {
    this.nodes = nodes;
    this.faults = faults;
  }

  Duration nodeDown(String node, Duration within) {
    Duration longest = Duration.ZERO;
    for (String observer : faults.survivorsOf(node)) {
      Duration d = nodeDown(observer, node, within);
      longest = d.compareTo(longest) > 0 ? d : longest;
    }
    return longest;
  }

  Duration nodeDown(String observer, String node, Duration within) {
    return event(observer, node, NodeEvent.PeerDown.class, within);
  }

  Duration nodeUp(String observer, String node, Duration within) {
    return event(observer, node, NodeEvent.PeerUp.class, within);
  }

  private Duration event(
      String observer, String node, Class<? extends NodeEvent> kind, Duration within) {
    NodeContainer c = nodes.container(observer);
    nodes.container(node);
    ClusterFaults.Mark since = faults.lastMark(node);
    long mark = since.of(observer);
    Duration deadline = TimeFactor.dilated(within);
    String what = kindOf(kind) + " event of " + node;
    try {
      Optional<LogLine> line =
          c.awaitLine(
              mark,
              t ->
                  NodeEvent.parse(t)
                      .filter(kind::isInstance)
                      .filter(e -> e.node().name().equals(node))
                      .isPresent(),
              deadline);
      if (line.isEmpty()) {
        throw new AssertionError(
            observer
                + " did not log a "
                + what
                + " within "
                + deadline.toMillis()
                + " ms; its"
                + " log since then:\n  "
                + String.join("\n  ", tail(c, mark)));
      }
      // A kill's node-down often comes before docker returns (connections reset at once, the
      // command then waits for the container to end): seen by the time the fault was in force.
      Duration d = Duration.between(since.at(), line.get().received());
      return d.isNegative() ? Duration.ZERO : d;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a " + what, e);
    }
  }

  private static String kindOf(Class<? extends NodeEvent> kind) {
    return kind == NodeEvent.PeerDown.class ? NodeEvent.PeerDown.KIND : NodeEvent.PeerUp.KIND;
  }

  private static List<String> tail(NodeContainer c, long mark) {
    List<String> lines = c.linesFrom(mark).stream().map(LogLine::text).toList();
    return lines.subList(Math.max(0, lines.size() - 30), lines.size());
  }

  void clusterFormed(Duration within) {
    cond(this::formed, within, () -> "cluster formed; views: " + views());
  }

  private boolean formed() {
    List<String> live = faults.live();
    for (String n : live) {
      Map<String, Long> view = nodes.container(n).peerView();
      for (String other : live) {
        if (other.equals(n) || faults.isPartitioned(n, other)) {
          continue;
        }
        Optional<NodeId> id = nodes.container(other).nodeId();
        if (id.isEmpty() || !Long.valueOf(id.get().incarnation()).equals(view.get(other))) {
          return false;
        }
      }
    }
    return true;
  }

  Map<String, Map<String, Long>> views() {
    Map<String, Map<String, Long>> views = new LinkedHashMap<>();
    for (String n : nodes.names()) {
      views.put(n, nodes.container(n).peerView());
    }
    return views;
  }

  static void cond(BooleanSupplier condition, Duration within, Supplier<String> what) {
    long deadline = System.nanoTime() + TimeFactor.dilated(within).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not within " + TimeFactor.dilated(within).toMillis() + " ms: " + what.get());
      }
      try {
        Thread.sleep(POLL.toMillis()); // polling is what awaitCond means
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what.get(), e);
      }
    }
  }
}
