package io.distproc.testkit;

import static io.distproc.node.NodeProtocol.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.node.NodeProtocol;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A distproc-otp supervisor on one container keeping a worker alive on another: the image's {@code
 * supervisor} behaviour runs on alpha a one-for-one supervisor whose one permanent child is a
 * {@code crasher} started by name on beta, and answers {@code children} with the child's pid.
 *
 * <p>A crash is survived. A kill of beta is not, today: the child's link reports {@code NodeDown},
 * and the restart on beta fails at once because beta is not known; the supervisor retries at once,
 * in a loop that neither waits nor reads its mailbox, each failed start counting toward its
 * intensity, so it gives up within milliseconds, long before beta can be back. A larger intensity
 * only makes the loop longer (hundreds of thousands of failed starts a minute, a warning each, and
 * no answer to {@code children} meanwhile), and it could not succeed: a remote child spec names
 * the node with its incarnation ({@code ChildSpec.remote(id, NodeId, ...)}), and a restarted node
 * is a new incarnation, so every retry after the restart still names the old one. The third test,
 * disabled, is what a supervisor should do once distproc-otp waits for a child's node (or retries
 * with a delay) and starts the child on the node's current incarnation.
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
    assertThat(remote.pings(s.child(), "first", Remote.PATIENCE)).as("the first child answers").isTrue();
    MonitorRef watched = remote.monitor(s.supervisor());

    remote.node.send(s.child(), message("crash", "on-purpose"));

    Pid restarted = awaitChildOtherThan(s, s.child());
    assertThat(restarted.node()).as("the restarted child's node").isEqualTo(beta);
    assertThat(remote.pings(restarted, "second", Remote.PATIENCE)).as("the restarted child answers").isTrue();
    assertThat(remote.pings(s.child(), "anyone?", QUIET)).as("the crashed child answers").isFalse();
    remote.probe.expectNoDown(Duration.ZERO, d -> d.ref().equals(watched)); // the supervisor lives
    stop(s);
  }

  @Test
  @DisplayName("gives up at once when its worker's node is killed: every restart fails on the unknown node and counts toward the intensity")
  void killOfTheWorkersNodeToday() {
    NodeId oldBeta = cluster.nodeId("beta");
    Supervised s = startSupervisor(3, Duration.ofSeconds(60));
    MonitorRef watchedSupervisor = remote.monitor(s.supervisor());
    MonitorRef watchedFront = remote.monitor(s.front());
    long alphaMark = cluster.container("alpha").logMark();

    long t0 = System.nanoTime();
    cluster.kill("beta");

    Down gaveUp = remote.probe.expectDown(AWAIT, d -> d.ref().equals(watchedSupervisor));
    System.out.println("the supervisor's end reached the test JVM "
        + (System.nanoTime() - t0) / 1_000_000 + " ms after beta was killed");
    assertThat(gaveUp.reason()).isInstanceOf(MonitorReason.Shutdown.class);
    assertThat(((MonitorReason.Shutdown) gaveUp.reason()).detail())
        .isEqualTo("reached the restart intensity: more than 3 restarts in 60000 ms");
    assertThat(remote.probe.expectDown(AWAIT, d -> d.ref().equals(watchedFront)).reason())
        .as("the behaviour's process, linked to the supervisor").isInstanceOf(MonitorReason.Exited.class);

    // Alpha's log, in its own clock: the child's end, three failed starts, the giving up.
    String me = "supervisor " + s.supervisor();
    List<String> log =
        cluster.container("alpha").linesFrom(alphaMark).stream()
            .map(LogLine::text)
            .filter(l -> l.contains(me))
            .toList();
    assertThat(log).as("alpha's log of the supervisor").anyMatch(
        l -> l.contains(me + ": child 'child' ended: ") && l.contains("NodeDown"));
    List<String> failedStarts =
        log.stream().filter(l -> l.contains(me + ": child 'child' failed to start: ")).toList();
    assertThat(failedStarts).as("the failed restarts").hasSize(3)
        .allMatch(l -> l.contains("unknown node " + oldBeta));
    String last = log.stream().filter(l -> l.contains(me + " reached the restart intensity")).findFirst()
        .orElseThrow(() -> new AssertionError("no giving up in " + log));
    Duration retrying = Duration.between(clock(failedStarts.getFirst()), clock(last));
    System.out.println("the supervisor retried for " + retrying.toMillis() + " ms");
    assertThat(retrying).as("from the first failed restart to the giving up, with no wait for beta")
        .isLessThan(TimeFactor.dilated(Duration.ofMillis(500)));
  }

  @Test
  @Disabled("distproc-otp gives up at once while a child's node is down, and a remote child spec"
      + " names the node's incarnation, which a restarted node does not have: see the class comment")
  @DisplayName("restarts its worker on the new incarnation of the worker's node once it is back after a kill")
  void killAndRestartOfTheWorkersNode() {
    NodeId oldBeta = cluster.nodeId("beta");
    Supervised s = startSupervisor(100, Duration.ofSeconds(60));
    MonitorRef watched = remote.monitor(s.supervisor());

    cluster.kill("beta");
    cluster.awaitNodeDown("alpha", "beta", AWAIT);
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

  /** The time of day a line of the node's log begins with ({@code HH:mm:ss.SSS}). */
  private static LocalTime clock(String line) {
    return LocalTime.parse(line.substring(0, "HH:mm:ss.SSS".length()));
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
