package io.distproc.otp;

import static io.distproc.otp.OtpTestSupport.WAIT;
import static io.distproc.otp.OtpTestSupport.awaitRestart;
import static io.distproc.otp.OtpTestSupport.localNode;
import static io.distproc.otp.OtpTestSupport.pidOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.Pid;
import io.distproc.otp.OtpTestSupport.Ends;
import io.distproc.otp.OtpTestSupport.Journal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The three strategies: which children a crash restarts, in which order they stop and start. */
class StrategyTest {
  private final Journal journal = new Journal();

  private SupervisorRef<Object> startAbc(Node<Object> node, Strategy strategy) {
    return Supervisor.start(
        node,
        SupervisorSpec.builder()
            .strategy(strategy)
            .intensity(5, Duration.ofMinutes(1))
            .child(ChildSpec.worker("a", journal.worker("a")).build())
            .child(ChildSpec.worker("b", journal.worker("b")).build())
            .child(ChildSpec.worker("c", journal.worker("c")).build())
            .build());
  }

  @Test
  void start_threeChildren_startsThemInOrder() throws Exception {
    try (Node<Object> node = localNode("strategy")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startAbc(node, Strategy.ONE_FOR_ONE);

      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      Pid b = ends.watch(pidOf(sup, "b").orElseThrow());
      Pid c = ends.watch(pidOf(sup, "c").orElseThrow());
      assertThat(OtpTestSupport.idsOf(sup)).containsExactly("a", "b", "c");
      // A node numbers its pids in spawn order.
      assertThat(a.id()).isLessThan(b.id());
      assertThat(b.id()).isLessThan(c.id());
    }
  }

  @Test
  void oneForOne_childCrashes_restartsOnlyThatChild() throws Exception {
    try (Node<Object> node = localNode("strategy")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startAbc(node, Strategy.ONE_FOR_ONE);
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      Pid b = ends.watch(pidOf(sup, "b").orElseThrow());
      Pid c = ends.watch(pidOf(sup, "c").orElseThrow());

      node.send(b, "crash");

      Pid b2 = ends.watch(awaitRestart(sup, "b", b));
      assertThat(ends.of(b)).isInstanceOf(MonitorReason.Crashed.class);
      assertThat(pidOf(sup, "a")).contains(a);
      assertThat(pidOf(sup, "c")).contains(c);
      assertThat(node.termination(a)).isNotDone();
      assertThat(node.termination(c)).isNotDone();
      assertThat(b2).isNotEqualTo(b);
      assertThat(journal.entries("end")).containsExactly("end b");
    }
  }

  @Test
  void oneForAll_childCrashes_stopsTheOthersInReverseOrderAndRestartsAllInOrder() throws Exception {
    try (Node<Object> node = localNode("strategy")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startAbc(node, Strategy.ONE_FOR_ALL);
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      Pid b = ends.watch(pidOf(sup, "b").orElseThrow());
      Pid c = ends.watch(pidOf(sup, "c").orElseThrow());
      journal.awaitEntry("start c");

      node.send(b, "crash");

      Pid c2 = ends.watch(awaitRestart(sup, "c", c));
      Pid a2 = ends.watch(pidOf(sup, "a").orElseThrow());
      Pid b2 = ends.watch(pidOf(sup, "b").orElseThrow());
      assertThat(a2).isNotEqualTo(a);
      assertThat(b2).isNotEqualTo(b);
      assertThat(a2.id()).isLessThan(b2.id());
      assertThat(b2.id()).isLessThan(c2.id());
      Pid self = sup.pid();
      MonitorReason asked = new MonitorReason.Shutdown(self, SupervisorProcess.SHUTDOWN);
      assertThat(ends.of(a)).isEqualTo(new MonitorReason.Exited(a, self, asked));
      assertThat(ends.of(c)).isEqualTo(new MonitorReason.Exited(c, self, asked));
      assertThat(journal.entries("end")).containsExactly("end b", "end c", "end a");
    }
  }

  @Test
  void restForOne_childCrashes_restartsItAndTheChildrenAfterIt() throws Exception {
    try (Node<Object> node = localNode("strategy")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startAbc(node, Strategy.REST_FOR_ONE);
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      Pid b = ends.watch(pidOf(sup, "b").orElseThrow());
      Pid c = ends.watch(pidOf(sup, "c").orElseThrow());
      journal.awaitEntry("start c");

      node.send(b, "crash");

      Pid c2 = ends.watch(awaitRestart(sup, "c", c));
      Pid b2 = ends.watch(pidOf(sup, "b").orElseThrow());
      assertThat(b2).isNotEqualTo(b);
      assertThat(b2.id()).isLessThan(c2.id());
      assertThat(pidOf(sup, "a")).contains(a);
      assertThat(node.termination(a)).isNotDone();
      assertThat(journal.entries("end")).containsExactly("end b", "end c");
    }
  }

  @Test
  void restForOne_lastChildCrashes_restartsOnlyIt() throws Exception {
    try (Node<Object> node = localNode("strategy")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup = startAbc(node, Strategy.REST_FOR_ONE);
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      Pid b = ends.watch(pidOf(sup, "b").orElseThrow());
      Pid c = ends.watch(pidOf(sup, "c").orElseThrow());

      node.send(c, "crash");

      awaitRestart(sup, "c", c);
      assertThat(pidOf(sup, "a")).contains(a);
      assertThat(pidOf(sup, "b")).contains(b);
    }
  }

  @Test
  void oneForAll_temporarySibling_isStoppedAndNotStartedAgain() throws Exception {
    try (Node<Object> node = localNode("strategy")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .strategy(Strategy.ONE_FOR_ALL)
                  .intensity(5, Duration.ofMinutes(1))
                  .child(ChildSpec.worker("a", journal.worker("a")).build())
                  .child(
                      ChildSpec.worker("t", journal.worker("t")).restart(Restart.TEMPORARY).build())
                  .build());
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      Pid t = ends.watch(pidOf(sup, "t").orElseThrow());

      node.send(a, "crash");

      awaitRestart(sup, "a", a);
      assertThat(ends.of(t)).isInstanceOf(MonitorReason.Exited.class);
      assertThat(OtpTestSupport.idsOf(sup)).containsExactly("a");
      assertThat(sup.whichChildren(WAIT)).hasSize(1);
    }
  }
}
