package io.distproc.otp;

import static io.distproc.otp.OtpTestSupport.WAIT;
import static io.distproc.otp.OtpTestSupport.awaitRestart;
import static io.distproc.otp.OtpTestSupport.idsOf;
import static io.distproc.otp.OtpTestSupport.localNode;
import static io.distproc.otp.OtpTestSupport.pidOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.otp.OtpTestSupport.Ends;
import io.distproc.otp.OtpTestSupport.Journal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** start_child, terminate_child, restart_child, delete_child, which_children, and timeouts. */
class DynamicChildrenTest {
  private final Journal journal = new Journal();

  private SupervisorRef<Object> startWithA(Node<Object> node) {
    return Supervisor.start(
        node,
        SupervisorSpec.builder()
            .intensity(5, Duration.ofMinutes(1))
            .child(ChildSpec.worker("a", journal.worker("a")).build())
            .build());
  }

  @Test
  void startChild_newId_startsItAfterTheOthersAndSupervisesIt() throws Exception {
    try (Node<Object> node = localNode("dynamic")) {
      SupervisorRef<Object> sup = startWithA(node);

      Pid d = sup.startChild(ChildSpec.worker("d", journal.worker("d")).build(), WAIT);

      assertThat(idsOf(sup)).containsExactly("a", "d");
      assertThat(pidOf(sup, "d")).contains(d);
      node.send(d, "crash");
      awaitRestart(sup, "d", d);
    }
  }

  @Test
  void startChild_idTaken_throwsAndChangesNothing() throws Exception {
    try (Node<Object> node = localNode("dynamic")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startWithA(node);
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      ChildSpec<Object> again = ChildSpec.worker("a", journal.worker("a2")).build();

      assertThatThrownBy(() -> sup.startChild(again, WAIT))
          .isInstanceOf(SupervisorException.class)
          .hasMessageContaining("already has a child 'a', running as " + a);
      assertThat(sup.whichChildren(WAIT))
          .containsExactly(new ChildInfo("a", a, ChildType.WORKER, Restart.PERMANENT));
    }
  }

  @Test
  void startChild_failsToStart_throwsAndIsNotAdded() throws Exception {
    try (Node<Object> node = localNode("dynamic")) {
      SupervisorRef<Object> sup = startWithA(node);
      ChildSpec<Object> bad =
          ChildSpec.<Object>remote("bad", NodeId.of("nowhere", 1), "w", "w").build();

      assertThatThrownBy(() -> sup.startChild(bad, WAIT))
          .isInstanceOf(SupervisorException.class)
          .hasMessageContaining("child 'bad' failed to start");
      assertThat(idsOf(sup)).containsExactly("a");
    }
  }

  @Test
  void terminateChild_running_stopsItAndKeepsItsSpec() throws Exception {
    try (Node<Object> node = localNode("dynamic")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startWithA(node);
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());

      sup.terminateChild("a", WAIT);

      assertThat(node.termination(a)).isDone();
      assertThat(ends.of(a)).isInstanceOf(MonitorReason.Exited.class);
      assertThat(sup.whichChildren(WAIT))
          .containsExactly(new ChildInfo("a", null, ChildType.WORKER, Restart.PERMANENT));
    }
  }

  @Test
  void restartChild_terminated_startsItAgain() throws Exception {
    try (Node<Object> node = localNode("dynamic")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startWithA(node);
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      sup.terminateChild("a", WAIT);

      Pid a2 = sup.restartChild("a", WAIT);

      assertThat(a2).isNotEqualTo(a);
      assertThat(pidOf(sup, "a")).contains(a2);
    }
  }

  @Test
  void restartChild_running_throws() throws Exception {
    try (Node<Object> node = localNode("dynamic")) {
      SupervisorRef<Object> sup = startWithA(node);

      assertThatThrownBy(() -> sup.restartChild("a", WAIT))
          .isInstanceOf(SupervisorException.class)
          .hasMessageContaining("child 'a' is running");
    }
  }

  @Test
  void deleteChild_runningThenTerminated_throwsThenForgetsIt() throws Exception {
    try (Node<Object> node = localNode("dynamic")) {
      SupervisorRef<Object> sup = startWithA(node);

      assertThatThrownBy(() -> sup.deleteChild("a", WAIT))
          .isInstanceOf(SupervisorException.class)
          .hasMessageContaining("child 'a' is running");
      sup.terminateChild("a", WAIT);
      sup.deleteChild("a", WAIT);

      assertThat(sup.whichChildren(WAIT)).isEmpty();
    }
  }

  @Test
  void terminateChild_temporary_forgetsIt() throws Exception {
    try (Node<Object> node = localNode("dynamic")) {
      SupervisorRef<Object> sup = startWithA(node);
      sup.startChild(
          ChildSpec.worker("t", journal.worker("t")).restart(Restart.TEMPORARY).build(), WAIT);

      sup.terminateChild("t", WAIT);

      assertThat(idsOf(sup)).containsExactly("a");
    }
  }

  @Test
  void commands_unknownId_throwNamingTheCommand() throws Exception {
    try (Node<Object> node = localNode("dynamic")) {
      SupervisorRef<Object> sup = startWithA(node);

      assertThatThrownBy(() -> sup.terminateChild("zz", WAIT))
          .isInstanceOf(SupervisorException.class)
          .hasMessageContaining("terminate_child: supervisor " + sup.pid() + " has no child 'zz'");
      assertThatThrownBy(() -> sup.restartChild("zz", WAIT)).hasMessageContaining("restart_child");
      assertThatThrownBy(() -> sup.deleteChild("zz", WAIT)).hasMessageContaining("delete_child");
    }
  }

  @Test
  void commands_afterTheSupervisorStopped_throw() throws Exception {
    try (Node<Object> node = localNode("dynamic")) {
      SupervisorRef<Object> sup = startWithA(node);
      sup.stop(WAIT);

      assertThatThrownBy(() -> sup.whichChildren(WAIT))
          .isInstanceOf(SupervisorException.class)
          .hasMessageContaining("which_children: supervisor " + sup.pid() + " has stopped");
      assertThatThrownBy(() -> sup.stop(WAIT)).isInstanceOf(SupervisorException.class);
    }
  }

  @Test
  void command_supervisorBusyPastTheTimeout_isDroppedAndNeverCarriedOut() throws Exception {
    try (Node<Object> node = localNode("dynamic")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .child(
                      ChildSpec.worker("slow", journal.slowToStop("slow", WAIT))
                          .shutdown(ShutdownPolicy.infinity())
                          .build())
                  .build());
      Pid slow = ends.watch(pidOf(sup, "slow").orElseThrow());
      journal.awaitEntry("trapping slow");
      CompletableFuture<Void> terminating =
          CompletableFuture.runAsync(() -> sup.terminateChild("slow", WAIT));
      journal.awaitEntry("asked slow"); // the supervisor now waits for slow to end

      ChildSpec<Object> late = ChildSpec.worker("late", journal.worker("late")).build();
      assertThatThrownBy(() -> sup.startChild(late, Duration.ofMillis(50)))
          .isInstanceOf(SupervisorException.class)
          .hasMessageContaining("it will not be carried out");
      node.spawn(ctx -> ctx.kill(slow)); // slow would take WAIT to clean up
      terminating.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);

      assertThat(idsOf(sup)).containsExactly("slow");
      assertThat(journal.entries("start late")).isEmpty();
    }
  }
}
