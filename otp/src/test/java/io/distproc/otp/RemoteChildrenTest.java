package io.distproc.otp;

import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onExit;
import static io.distproc.otp.OtpTestSupport.TIME_FACTOR;
import static io.distproc.otp.OtpTestSupport.WAIT;
import static io.distproc.otp.OtpTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.Process;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Children started by behaviour name on another node: two nodes in this JVM, linked over gRPC on
 * the loopback.
 */
class RemoteChildrenTest {
  private final List<Node<String>> nodes = new ArrayList<>();
  private final List<String> journal = new CopyOnWriteArrayList<>();

  /** A worker that journals its start and end; "crash" makes it throw. */
  private Process<String> worker(String id) {
    return ctx -> {
      journal.add("start " + id);
      try {
        ctx.receiveLoop(
            on(
                String.class,
                s -> {
                  if (s.equals("crash")) {
                    throw new IllegalStateException(id + " was told to crash");
                  }
                  return true;
                }));
      } finally {
        journal.add("end " + id);
      }
    };
  }

  /** Traps exits and ignores them. */
  private Process<String> stubborn(String id) {
    return ctx -> {
      ctx.trapExits(true);
      journal.add("trapping " + id);
      try {
        ctx.receiveLoop(
            onExit(
                e -> {
                  journal.add("asked " + id);
                  return true;
                }));
      } finally {
        journal.add("end " + id);
      }
    };
  }

  private Behaviours<String> behaviours() {
    return Behaviours.<String>builder()
        .add("worker", this::worker)
        .add("stubborn", this::stubborn)
        .add(
            "inner",
            arg ->
                Supervisor.body(
                    SupervisorSpec.<String>builder()
                        .child(ChildSpec.worker("x", worker("x")).build())
                        .child(ChildSpec.worker("y", worker("y")).build())
                        .build()))
        .build();
  }

  private Node<String> node(String name) {
    Node<String> node =
        Node.builder(NodeConfig.remote(name).bind("127.0.0.1", 0).plaintext().build(), Codec.utf8())
            .behaviours(behaviours())
            .start();
    nodes.add(node);
    return node;
  }

  private static NodeId connect(Node<String> from, Node<String> to) {
    return from.addRemoteNode(
        to.boundAddress().orElseThrow().getHostString(),
        to.boundAddress().orElseThrow().getPort(),
        to.id().name());
  }

  private static Optional<Pid> pidOf(SupervisorRef<String> sup, String id) {
    return sup.whichChildren(WAIT).stream()
        .filter(c -> c.id().equals(id))
        .findFirst()
        .flatMap(ChildInfo::pid);
  }

  @AfterEach
  void closeNodes() {
    nodes.forEach(Node::close);
  }

  @Test
  @DisplayName("a child on another node that crashes is started again there")
  void remoteChild_crashes_isRestartedOnItsNode() throws Exception {
    Node<String> alpha = node("alpha");
    Node<String> beta = node("beta");
    NodeId b = connect(alpha, beta);
    SupervisorRef<String> sup =
        Supervisor.start(
            alpha,
            SupervisorSpec.<String>builder()
                .child(ChildSpec.<String>remote("r", b, "worker", "r").build())
                .build());
    Pid r = pidOf(sup, "r").orElseThrow();
    assertThat(r.node()).isEqualTo(beta.id());
    CompletableFuture<MonitorReason> end = beta.termination(r);

    alpha.send(r, "crash");

    assertThat(get(end)).isInstanceOf(MonitorReason.Crashed.class);
    Pid r2 =
        await()
            .atMost(WAIT)
            .until(() -> pidOf(sup, "r").filter(p -> !p.equals(r)), Optional::isPresent)
            .orElseThrow();
    assertThat(r2.node()).isEqualTo(beta.id());
  }

  @Test
  @DisplayName("a supervisor stops a child on another node, killing it after its deadline")
  void stop_remoteChildIgnoresShutdown_isKilledAfterItsDeadline() throws Exception {
    Node<String> alpha = node("alpha");
    Node<String> beta = node("beta");
    NodeId b = connect(alpha, beta);
    Duration deadline = Duration.ofMillis(300L * TIME_FACTOR);
    SupervisorRef<String> sup =
        Supervisor.start(
            alpha,
            SupervisorSpec.<String>builder()
                .child(ChildSpec.<String>remote("w", b, "worker", "w").build())
                .child(
                    ChildSpec.<String>remote("s", b, "stubborn", "s")
                        .shutdown(ShutdownPolicy.timeout(deadline))
                        .build())
                .build());
    Pid w = pidOf(sup, "w").orElseThrow();
    Pid s = pidOf(sup, "s").orElseThrow();
    CompletableFuture<MonitorReason> wEnd = beta.termination(w);
    CompletableFuture<MonitorReason> sEnd = beta.termination(s);
    await().atMost(WAIT).until(() -> journal.contains("trapping s") && journal.contains("start w"));

    sup.stop(WAIT);

    assertThat(get(sEnd)).isEqualTo(new MonitorReason.Killed(s));
    assertThat(get(wEnd)).isInstanceOf(MonitorReason.Exited.class);
    assertThat(journal.stream().filter(e -> e.startsWith("end")).toList())
        .containsExactly("end s", "end w");
    assertThat(journal).contains("asked s");
  }

  @Test
  @DisplayName("a child whose node goes down waits for it, and starts on its new incarnation")
  void remoteChild_nodeGoesDownAndComesBack_isStartedOnItsNewIncarnation() throws Exception {
    Node<String> alpha = node("alpha");
    Node<String> beta = node("beta");
    NodeId b = connect(alpha, beta);
    SupervisorRef<String> sup =
        Supervisor.start(
            alpha,
            SupervisorSpec.<String>builder()
                .intensity(2, Duration.ofMinutes(1)) // fewer than the tries while beta is away
                .child(ChildSpec.worker("local", worker("local")).build())
                .child(ChildSpec.<String>remote("r", b, "worker", "r").build())
                .build());
    CompletableFuture<MonitorReason> supEnd = alpha.termination(sup.pid());
    Pid local = pidOf(sup, "local").orElseThrow();

    beta.close();
    await().atMost(WAIT).until(() -> pidOf(sup, "r").isEmpty()); // waits for its node
    // Several tries while beta is away, more than the intensity allows restarts.
    await().atMost(WAIT).until(() -> alpha.remoteNode("beta").isEmpty());
    Node<String> beta2 = node("beta");
    connect(alpha, beta2);

    Pid r = await().atMost(WAIT).until(() -> pidOf(sup, "r"), Optional::isPresent).orElseThrow();
    assertThat(r.node()).isEqualTo(beta2.id());
    assertThat(supEnd).isNotDone();
    assertThat(pidOf(sup, "local")).contains(local); // one_for_one: the local child was left alone
  }

  @Test
  @DisplayName("a behaviour that the other node does not have never leaves a supervisor running")
  void start_unknownBehaviourOnAnotherNode_failsOrGivesUpAtOnce() {
    Node<String> alpha = node("alpha");
    Node<String> beta = node("beta");
    NodeId b = connect(alpha, beta);
    SupervisorSpec<String> spec =
        SupervisorSpec.<String>builder()
            .intensity(1, Duration.ofMinutes(1))
            .child(ChildSpec.<String>remote("r", b, "no-such-behaviour", "r").build())
            .build();

    try {
      SupervisorRef<String> sup = Supervisor.start(alpha, spec);
      // The other node's NoProcess exit signal came after the spawn had returned: the supervisor
      // took it for the child's end, and its restarts, each answered the same way, exhaust the
      // intensity. (Had it come before, the start would have failed, as on one node.)
      await().atMost(WAIT).until(() -> alpha.termination(sup.pid()).isDone());
    } catch (SupervisorException e) {
      assertThat(e).hasMessageContaining("child 'r' failed to start");
    }
  }

  @Test
  @DisplayName("a supervisor on another node, started by behaviour name, is stopped with its tree")
  void nestedRemoteSupervisor_stop_stopsItsChildrenOnTheirNode() throws Exception {
    Node<String> alpha = node("alpha");
    Node<String> beta = node("beta");
    NodeId b = connect(alpha, beta);
    SupervisorRef<String> sup =
        Supervisor.start(
            alpha,
            SupervisorSpec.<String>builder()
                .child(
                    ChildSpec.<String>remote("inner", b, "inner", "-")
                        .type(ChildType.SUPERVISOR)
                        .build())
                .build());
    Pid inner = pidOf(sup, "inner").orElseThrow();
    CompletableFuture<MonitorReason> innerEnd = beta.termination(inner);
    await().atMost(WAIT).until(() -> journal.contains("start x") && journal.contains("start y"));

    sup.stop(WAIT);

    assertThat(get(innerEnd).isAbnormal()).isFalse();
    assertThat(journal.stream().filter(e -> e.startsWith("end")).toList())
        .containsExactly("end y", "end x");
  }
}
