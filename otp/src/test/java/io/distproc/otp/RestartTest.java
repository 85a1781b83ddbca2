package io.distproc.otp;

import static io.distproc.otp.OtpTestSupport.WAIT;
import static io.distproc.otp.OtpTestSupport.awaitRestart;
import static io.distproc.otp.OtpTestSupport.localNode;
import static io.distproc.otp.OtpTestSupport.pidOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.Pid;
import io.distproc.otp.OtpTestSupport.Ends;
import io.distproc.otp.OtpTestSupport.Journal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Restart types (permanent, transient, temporary) and the restart intensity. */
class RestartTest {
  private final Journal journal = new Journal();

  private SupervisorRef<Object> startOne(Node<Object> node, Restart restart) {
    return Supervisor.start(
        node,
        SupervisorSpec.builder()
            .intensity(5, Duration.ofMinutes(1))
            .child(ChildSpec.worker("w", journal.worker("w")).restart(restart).build())
            .build());
  }

  @Test
  void permanent_endsNormally_isRestarted() throws Exception {
    try (Node<Object> node = localNode("restart")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startOne(node, Restart.PERMANENT);
      Pid w = ends.watch(pidOf(sup, "w").orElseThrow());

      node.send(w, "normal");

      awaitRestart(sup, "w", w);
      assertThat(ends.of(w)).isEqualTo(new MonitorReason.Normal(w));
    }
  }

  @Test
  void transient_crashes_isRestarted() throws Exception {
    try (Node<Object> node = localNode("restart")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startOne(node, Restart.TRANSIENT);
      Pid w = ends.watch(pidOf(sup, "w").orElseThrow());

      node.send(w, "crash");

      awaitRestart(sup, "w", w);
    }
  }

  @Test
  void transient_endsNormally_isNotRestartedButKept() throws Exception {
    try (Node<Object> node = localNode("restart")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startOne(node, Restart.TRANSIENT);
      Pid w = ends.watch(pidOf(sup, "w").orElseThrow());

      node.send(w, "normal");

      // The supervisor handles an exit in one step: once it reports no pid, it did not restart.
      await().atMost(WAIT).until(() -> pidOf(sup, "w").isEmpty());
      assertThat(sup.whichChildren(WAIT))
          .containsExactly(new ChildInfo("w", null, ChildType.WORKER, Restart.TRANSIENT));
      assertThat(journal.entries("start")).containsExactly("start w");
    }
  }

  @Test
  void transient_endsWithShutdown_isNotRestarted() throws Exception {
    try (Node<Object> node = localNode("restart")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startOne(node, Restart.TRANSIENT);
      Pid w = ends.watch(pidOf(sup, "w").orElseThrow());

      node.send(w, "shutdown");

      await().atMost(WAIT).until(() -> pidOf(sup, "w").isEmpty());
      assertThat(ends.of(w)).isInstanceOf(MonitorReason.Shutdown.class);
    }
  }

  @Test
  void temporary_crashes_isNotRestartedAndForgotten() throws Exception {
    try (Node<Object> node = localNode("restart")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startOne(node, Restart.TEMPORARY);
      Pid w = ends.watch(pidOf(sup, "w").orElseThrow());

      node.send(w, "crash");

      await().atMost(WAIT).until(() -> sup.whichChildren(WAIT).isEmpty());
      assertThat(ends.of(w)).isInstanceOf(MonitorReason.Crashed.class);
      assertThat(node.termination(sup.pid())).isNotDone();
    }
  }

  @Test
  void intensity_exceeded_stopsTheChildrenAndEndsTheSupervisorWithShutdown() throws Exception {
    try (Node<Object> node = localNode("restart")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .intensity(2, Duration.ofMinutes(1))
                  .child(ChildSpec.worker("a", journal.worker("a")).build())
                  .child(ChildSpec.worker("b", journal.worker("b")).build())
                  .build());
      ends.watch(sup.pid());
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      Pid b = ends.watch(pidOf(sup, "b").orElseThrow());
      node.send(b, "crash");
      Pid b2 = ends.watch(awaitRestart(sup, "b", b));
      node.send(b2, "crash");
      Pid b3 = ends.watch(awaitRestart(sup, "b", b2));

      node.send(b3, "crash"); // the third restart within a minute is one too many

      MonitorReason end = ends.of(sup.pid());
      assertThat(end).isInstanceOf(MonitorReason.Shutdown.class);
      assertThat(((MonitorReason.Shutdown) end).detail())
          .isEqualTo("reached the restart intensity: more than 2 restarts in 60000 ms");
      assertThat(ends.of(a)).isInstanceOf(MonitorReason.Exited.class);
      assertThat(journal.entries("start b")).hasSize(3);
    }
  }

  @Test
  void intensity_zero_firstCrashEndsTheSupervisor() throws Exception {
    try (Node<Object> node = localNode("restart")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .intensity(0, Duration.ofMinutes(1))
                  .child(ChildSpec.worker("w", journal.worker("w")).build())
                  .build());
      Pid w = ends.watch(pidOf(sup, "w").orElseThrow());
      ends.watch(sup.pid());

      node.send(w, "crash");

      assertThat(ends.of(sup.pid())).isInstanceOf(MonitorReason.Shutdown.class);
      assertThat(journal.entries("start")).containsExactly("start w");
    }
  }

  @Test
  void intensity_restartsSpreadOverMoreThanThePeriod_keepTheSupervisorAlive() throws Exception {
    AtomicLong now = new AtomicLong();
    try (Node<Object> node = localNode("restart")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .intensity(1, Duration.ofSeconds(10))
                  .child(ChildSpec.worker("w", journal.worker("w")).build())
                  .build(),
              now::get);
      ends.watch(sup.pid());
      Pid w = ends.watch(pidOf(sup, "w").orElseThrow());
      node.send(w, "crash");
      Pid w2 = ends.watch(awaitRestart(sup, "w", w));
      now.addAndGet(Duration.ofSeconds(11).toNanos());

      node.send(w2, "crash");

      Pid w3 = ends.watch(awaitRestart(sup, "w", w2));
      node.send(w3, "crash"); // a second restart within 10 s of the last
      assertThat(ends.of(sup.pid())).isInstanceOf(MonitorReason.Shutdown.class);
    }
  }
}
