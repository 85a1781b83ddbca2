package io.distproc.otp;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.onExit;
import static io.distproc.otp.OtpTestSupport.WAIT;
import static io.distproc.otp.OtpTestSupport.awaitRestart;
import static io.distproc.otp.OtpTestSupport.get;
import static io.distproc.otp.OtpTestSupport.localNode;
import static io.distproc.otp.OtpTestSupport.pidOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.distproc.Behaviours;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.otp.OtpTestSupport.Ends;
import io.distproc.otp.OtpTestSupport.Journal;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Starting: a child that fails to start fails the supervisor's start, and children started by
 * behaviour name (here on the supervisor's own node, since a local-only node knows no other).
 */
class StartTest {
  /** A node no local-only node knows: spawning there fails at once. */
  private static final NodeId NOWHERE = NodeId.of("nowhere", 1);

  private final Journal journal = new Journal();

  private SupervisorSpec<Object> failingSecondChild() {
    return SupervisorSpec.builder()
        .child(ChildSpec.worker("a", journal.worker("a")).build())
        .child(ChildSpec.<Object>remote("b", NOWHERE, "worker", "b").build())
        .child(ChildSpec.worker("c", journal.worker("c")).build())
        .build();
  }

  @Test
  void start_childFailsToStart_throwsAndStopsTheChildrenStartedBefore() throws Exception {
    try (Node<Object> node = localNode("start")) {
      assertThatThrownBy(() -> Supervisor.start(node, failingSecondChild()))
          .isInstanceOf(SupervisorException.class)
          .hasMessageContaining("failed to start")
          .hasMessageContaining("child 'b'");

      await().atMost(WAIT).until(() -> node.metrics().liveProcesses() == 0);
      assertThat(journal.entries("start c")).isEmpty();
    }
  }

  @Test
  void startLink_childFailsToStart_throwsAndLeavesTheCallerAliveAndUnlinked() throws Exception {
    try (Node<Object> node = localNode("start")) {
      CompletableFuture<String> failure = new CompletableFuture<>();
      CompletableFuture<Optional<Object>> afterwards = new CompletableFuture<>();
      node.spawn(
          ctx -> {
            ctx.trapExits(true); // so that an exit signal, if one came, would be seen
            try {
              Supervisor.startLink(ctx, failingSecondChild());
              failure.complete("no exception");
            } catch (SupervisorException e) {
              failure.complete(e.getMessage());
            }
            ctx.send(ctx.self(), "marker");
            afterwards.complete(ctx.receive(WAIT, onExit(exit -> (Object) exit), any(m -> m)));
          });

      assertThat(get(failure)).contains("child 'b' failed to start");
      assertThat(get(afterwards)).as("the first entry after the failure").contains("marker");
      // The supervisor and the child it had started are gone; only the caller was left to end.
      await().atMost(WAIT).until(() -> node.metrics().liveProcesses() == 0);
    }
  }

  @Test
  void start_remoteSpecOnOwnNode_startsTheBehaviourAndRestartsIt() throws Exception {
    Journal remote = journal;
    Behaviours<Object> behaviours =
        Behaviours.<Object>builder().add("worker", arg -> remote.worker((String) arg)).build();
    try (Node<Object> node = localNode("start", behaviours)) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .child(ChildSpec.<Object>remote("r", node.id(), "worker", "r").build())
                  .build());
      Pid r = ends.watch(pidOf(sup, "r").orElseThrow());
      journal.awaitEntry("start r");

      node.send(r, "crash");

      awaitRestart(sup, "r", r);
      assertThat(ends.of(r)).isInstanceOf(MonitorReason.Crashed.class);
    }
  }

  @Test
  void start_remoteSpecWithUnknownBehaviour_failsToStart() throws Exception {
    try (Node<Object> node = localNode("start")) {
      SupervisorSpec<Object> spec =
          SupervisorSpec.builder()
              .intensity(0, Duration.ofSeconds(1))
              .child(ChildSpec.<Object>remote("r", node.id(), "no-such-behaviour", "r").build())
              .build();

      assertThatThrownBy(() -> Supervisor.start(node, spec))
          .isInstanceOf(SupervisorException.class)
          .hasMessageContaining("child 'r' failed to start");
    }
  }

  @Test
  void start_nodeShuttingDown_throwsIllegalState() {
    Node<Object> node = localNode("start");
    node.shutdown();
    SupervisorSpec<Object> spec = SupervisorSpec.builder().build();

    assertThatThrownBy(() -> Supervisor.start(node, spec))
        .isInstanceOf(IllegalStateException.class);
    node.close();
  }
}
