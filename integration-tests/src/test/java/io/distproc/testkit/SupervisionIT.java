package io.distproc.testkit;

import static io.distproc.node.NodeProtocol.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.node.NodeProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A distproc-otp supervisor on one container keeping a worker alive on another: the image's {@code
 * supervisor} behaviour runs on alpha a one-for-one supervisor whose one permanent child is a
 * {@code crasher} started by name on beta, and answers {@code children} with the child's pid.
 * Across a crash the child is restarted on beta; across a kill of beta it waits for beta without
 * spending the supervisor's restart intensity, and is started on beta's new incarnation.
 */
@DistprocClusterTest(
    nodes = {"alpha", "beta"},
    heartbeatIntervalMillis = 200,
    heartbeatTimeoutMillis = 1000)
@DisplayName("A supervisor on one container with its worker on another")
class SupervisionIT {
  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final Duration QUIET = Duration.ofMillis(700);

  private static DistprocCluster cluster;
  private static Remote remote;

  /** The supervisor behaviour's process on alpha, its supervisor and the child it started. */
  private record Supervised(Pid front, Pid supervisor, Pid child) {}

  @BeforeAll
  static void join(DistprocCluster c) {
    cluster = c;
    remote = new Remote(c, "probe");
  }

  @AfterEach
  void everyNodeBackAndLinked() {
    cluster.recover(AWAIT);
  }

  @Test
  @DisplayName("restarts its worker in a new process on the same node when the worker crashes")
  void crashOfTheWorker() {
    NodeId beta = cluster.nodeId("beta");
    Supervised s = startSupervisor(3, Duration.ofSeconds(60));
    assertThat(s.child().node()).as("the first child's node").isEqualTo(beta);
    assertThat(remote.pings(s.child(), "first", Remote.PATIENCE))
        .as("the first child answers")
        .isTrue();
    MonitorRef watched = remote.monitor(s.supervisor());

    remote.node.send(s.child(), message("crash", "on-purpose"));

    Pid restarted = awaitChildOtherThan(s, s.child());
    assertThat(restarted.node()).as("the restarted child's node").isEqualTo(beta);
    assertThat(remote.pings(restarted, "second", Remote.PATIENCE))
        .as("the restarted child answers")
        .isTrue();
    assertThat(remote.pings(s.child(), "anyone?", QUIET)).as("the crashed child answers").isFalse();
    remote.probe.expectNoDown(Duration.ZERO, d -> d.ref().equals(watched)); // the supervisor lives
    stop(s);
  }

  @Test
  @DisplayName(
      "keeps its worker's place while the worker's node is killed, and restarts it on the node's new incarnation once it is back")
  void killAndRestartOfTheWorkersNode() {
    NodeId oldBeta = cluster.nodeId("beta");
    Supervised s = startSupervisor(3, Duration.ofSeconds(60)); // fewer restarts than tries
    MonitorRef watched = remote.monitor(s.supervisor());

    cluster.kill("beta");
    cluster.awaitNodeDown("alpha", "beta", AWAIT);
    // While beta is away the child waits for it, and the supervisor still answers.
    DistprocCluster.awaitCond(
        () -> childNow(s).isEmpty(), AWAIT, () -> "the child waiting for its node");
    NodeId newBeta = cluster.restart("beta");
    cluster.awaitNodeUp("alpha", "beta", AWAIT);

    Pid restarted = awaitChildOtherThan(s, s.child());
    assertThat(restarted.node()).as("the restarted child's node").isEqualTo(newBeta);
    assertThat(newBeta.incarnation()).isGreaterThan(oldBeta.incarnation());
    assertThat(remote.pings(restarted, "welcome back", Remote.PATIENCE)).isTrue();
    remote.probe.expectNoDown(Duration.ZERO, d -> d.ref().equals(watched)); // the supervisor lives
    stop(s);
  }

  // ---- the supervisor behaviour's protocol ---------------------------------------------------

  /** Starts the supervisor behaviour on alpha with a crasher on beta as its child. */
  private static Supervised startSupervisor(int intensity, Duration period) {
    Pid front =
        remote.spawn(
            "alpha",
            NodeProtocol.SUPERVISOR,
            message(remote.me(), intensity, period.toMillis(), "beta", NodeProtocol.CRASHER));
    List<String> started =
        NodeProtocol.words(remote.expect("supervising " + NodeProtocol.pid(front) + " "), 4);
    Pid child = child(started.get(3)).orElseThrow(() -> new AssertionError("no child: " + started));
    return new Supervised(front, NodeProtocol.parsePid(started.get(2)), child);
  }

  /** The child's pid as {@code children} reports it now, empty while it is not running. */
  private static Optional<Pid> childNow(Supervised s) {
    return child(remote.ask(s.front(), "children", "children", remote.me()).get(2));
  }

  private static Optional<Pid> child(String entry) {
    assertThat(entry).startsWith("child=");
    String pid = entry.substring("child=".length());
    return pid.equals("undefined") ? Optional.empty() : Optional.of(NodeProtocol.parsePid(pid));
  }

  /** Waits until the supervisor reports a running child other than {@code old}. */
  private static Pid awaitChildOtherThan(Supervised s, Pid old) {
    AtomicReference<Optional<Pid>> seen = new AtomicReference<>(Optional.empty());
    DistprocCluster.awaitCond(
        () -> {
          seen.set(childNow(s));
          return seen.get().filter(p -> !p.equals(old)).isPresent();
        },
        AWAIT,
        () -> "a child other than " + old + "; the supervisor reports " + seen.get());
    return seen.get().orElseThrow();
  }

  /** Stops the supervisor, which stops its child. */
  private static void stop(Supervised s) {
    MonitorRef front = remote.monitor(s.front());
    remote.node.send(s.front(), "stop");
    assertThat(remote.probe.expectDown(AWAIT, d -> d.ref().equals(front)).reason())
        .isInstanceOf(MonitorReason.Normal.class);
  }
}
