package io.distproc.testkit;

import static io.distproc.node.NodeProtocol.message;

import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.node.NodeProtocol;
import java.time.Duration;
import java.util.List;

/**
 * The suite's side of the node image's protocol: a test-JVM node, its probe, and commands to the
 * built-in behaviours on the containers ({@link NodeProtocol}).
 */
final class Remote {
  static final Duration PATIENCE = Duration.ofSeconds(10);

  final DistprocCluster cluster;
  final Node<String> node;
  final TestProbe<String> probe;

  Remote(DistprocCluster cluster, String name) {
    this.cluster = cluster;
    this.node = cluster.startLocalNode(name);
    this.probe = TestProbe.spawn(node);
  }

  /** The node of that name as the test JVM knows it now. */
  NodeId nodeId(String name) {
    return node.remoteNode(name)
        .orElseThrow(() -> new AssertionError(name + " is not linked to " + node.id()));
  }

  Pid spawn(String on, String behaviour, String argument) {
    return probe.spawn(nodeId(on), behaviour, argument);
  }

  Pid agent(String on) {
    return spawn(on, NodeProtocol.AGENT, "");
  }

  String me() {
    return NodeProtocol.pid(probe.pid());
  }

  /** Sends a command to an agent and takes its reply, which starts with {@code replyVerb}. */
  List<String> ask(Pid agent, String replyVerb, Object... command) {
    node.send(agent, message(command));
    return NodeProtocol.words(expect(replyVerb + " "), Integer.MAX_VALUE);
  }

  String expect(String prefix) {
    return probe.expectMessage(PATIENCE, m -> m.startsWith(prefix));
  }

  /** Asks {@code agent} to monitor {@code target}; returns the monitor's ref id. */
  String monitorFrom(Pid agent, Pid target) {
    return ask(agent, "monitoring", "monitor", me(), target).get(2);
  }

  /** Waits for the down notice of monitor {@code ref}, then checks none other comes for it. */
  List<String> expectDownOnce(String ref, Pid target, Duration quiet) {
    String down =
        probe.expectMessage(
            PATIENCE, m -> m.startsWith("down " + ref + " " + NodeProtocol.pid(target) + " "));
    probe.expectNoMessage(quiet, m -> m.startsWith("down " + ref + " "));
    return NodeProtocol.words(down, 5);
  }

  MonitorRef monitor(Pid target) {
    return probe.monitor(target);
  }

  /** A pong from {@code echo} to a ping with a fresh text, within the patience. */
  boolean pings(Pid echo, String text, Duration within) {
    node.send(echo, message("ping", probe.pid(), text));
    try {
      probe.expectMessage(within, m -> m.equals(message("pong", echo, text)));
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }
}
