package io.distproc.otp;

import static io.distproc.otp.OtpTestSupport.WAIT;
import static io.distproc.otp.OtpTestSupport.awaitRestart;
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
import org.junit.jupiter.api.Test;

/** A supervisor as the child of another: restarts inside it, its giving up, ordered stops. */
class NestedTest {
  private final Journal journal = new Journal();

  private SupervisorSpec<Object> inner(int intensity) {
    return SupervisorSpec.builder()
        .intensity(intensity, Duration.ofMinutes(1))
        .child(ChildSpec.worker("x", journal.worker("x")).build())
        .child(ChildSpec.worker("y", journal.worker("y")).build())
        .build();
  }

  private SupervisorRef<Object> startTree(Node<Object> node, int innerIntensity) {
    return Supervisor.start(
        node,
        SupervisorSpec.builder()
            .intensity(5, Duration.ofMinutes(1))
            .child(ChildSpec.worker("before", journal.worker("before")).build())
            .child(ChildSpec.supervisor("inner", inner(innerIntensity)).build())
            .child(ChildSpec.worker("after", journal.worker("after")).build())
            .build());
  }

  @Test
  void nested_start_startsTheInnerChildrenBeforeTheOuterChildAfterIt() throws Exception {
    try (Node<Object> node = localNode("nested")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> top = startTree(node, 1);

      Pid inner = ends.watch(pidOf(top, "inner").orElseThrow());
      Pid after = ends.watch(pidOf(top, "after").orElseThrow());
      journal.awaitEntry("start x");
      journal.awaitEntry("start y");
      // The inner supervisor answered its start once x and y were spawned, before "after" was.
      assertThat(inner.id()).isLessThan(after.id());
      assertThat(top.whichChildren(WAIT))
          .extracting(ChildInfo::type)
          .containsExactly(ChildType.WORKER, ChildType.SUPERVISOR, ChildType.WORKER);
    }
  }

  @Test
  void nested_innerChildCrashes_innerRestartsItAndTheOuterDoesNothing() throws Exception {
    try (Node<Object> node = localNode("nested")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> top = startTree(node, 1);
      Pid inner = ends.watch(pidOf(top, "inner").orElseThrow());
      journal.awaitEntry("start x");
      Pid x = ends.watch(journal.awaitPidOf(node, "x"));

      node.send(x, "crash");

      journal.awaitEntries("start x", 2);
      assertThat(pidOf(top, "inner")).contains(inner);
      assertThat(node.termination(inner)).isNotDone();
    }
  }

  @Test
  void nested_innerGivesUp_outerRestartsTheInnerSupervisor() throws Exception {
    try (Node<Object> node = localNode("nested")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> top = startTree(node, 0);
      Pid inner = ends.watch(pidOf(top, "inner").orElseThrow());
      Pid before = ends.watch(pidOf(top, "before").orElseThrow());
      Pid x = ends.watch(journal.awaitPidOf(node, "x"));

      node.send(x, "crash"); // intensity 0: the inner supervisor gives up at once

      assertThat(ends.of(inner)).isInstanceOf(MonitorReason.Shutdown.class);
      awaitRestart(top, "inner", inner);
      journal.awaitEntries("start x", 2);
      journal.awaitEntries("start y", 2);
      assertThat(pidOf(top, "before")).contains(before);
    }
  }

  @Test
  void nested_stop_stopsTheTreeDepthFirstInReverseOrder() throws Exception {
    try (Node<Object> node = localNode("nested")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> top = startTree(node, 1);
      Pid inner = ends.watch(pidOf(top, "inner").orElseThrow());
      journal.awaitEntry("start y");
      journal.awaitEntry("start after");

      top.stop(WAIT);

      assertThat(journal.entries("end"))
          .containsExactly("end after", "end y", "end x", "end before");
      MonitorReason innerEnd = ends.of(inner);
      assertThat(innerEnd).isInstanceOf(MonitorReason.Exited.class);
      assertThat(innerEnd.isAbnormal()).isFalse();
    }
  }

  @Test
  void nested_innerChildFailsToStart_failsTheOuterStart() throws Exception {
    try (Node<Object> node = localNode("nested")) {
      SupervisorSpec<Object> failing =
          SupervisorSpec.builder()
              .child(ChildSpec.worker("x", journal.worker("x")).build())
              .child(ChildSpec.<Object>remote("bad", NodeId.of("nowhere", 1), "w", "w").build())
              .build();
      SupervisorSpec<Object> outer =
          SupervisorSpec.builder()
              .child(ChildSpec.worker("before", journal.worker("before")).build())
              .child(ChildSpec.supervisor("inner", failing).build())
              .build();

      assertThatThrownBy(() -> Supervisor.start(node, outer))
          .isInstanceOf(SupervisorException.class)
          .hasMessageContaining("child 'inner' failed to start")
          .hasMessageContaining("child 'bad' failed to start");
      await().atMost(WAIT).until(() -> node.metrics().liveProcesses() == 0);
      assertThat(journal.entries("end")).endsWith("end before");
    }
  }

  @Test
  void nested_supervisorBodyAsBehaviour_runsAsAChildStartedByName() throws Exception {
    Behaviours<Object> behaviours =
        Behaviours.<Object>builder().add("inner", arg -> Supervisor.body(inner(1))).build();
    try (Node<Object> node = localNode("nested", behaviours)) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> top =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .child(
                      ChildSpec.<Object>remote("inner", node.id(), "inner", "arg")
                          .type(ChildType.SUPERVISOR)
                          .build())
                  .build());
      Pid inner = ends.watch(pidOf(top, "inner").orElseThrow());
      journal.awaitEntry("start x");
      journal.awaitEntry("start y");

      top.stop(WAIT);

      assertThat(journal.entries("end")).containsExactly("end y", "end x");
      assertThat(ends.of(inner).isAbnormal()).isFalse();
      await().atMost(WAIT).until(() -> node.termination(top.pid()).isDone());
    }
  }
}
