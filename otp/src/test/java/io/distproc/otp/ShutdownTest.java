package io.distproc.otp;

import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onExit;
import static io.distproc.otp.OtpTestSupport.TIME_FACTOR;
import static io.distproc.otp.OtpTestSupport.WAIT;
import static io.distproc.otp.OtpTestSupport.get;
import static io.distproc.otp.OtpTestSupport.localNode;
import static io.distproc.otp.OtpTestSupport.pidOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.Exit;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.otp.OtpTestSupport.Ends;
import io.distproc.otp.OtpTestSupport.Journal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * How a supervisor stops its children (reverse order, each by its shutdown policy) and how it ends:
 * stopped, asked by an exit signal, its parent's end, or killed.
 */
class ShutdownTest {
  private static final Duration DEADLINE = Duration.ofMillis(500L * TIME_FACTOR);

  private final Journal journal = new Journal();

  @Test
  void stop_childIgnoresShutdown_isKilledAfterItsDeadlineAndTheRestStopInReverseOrder()
      throws Exception {
    try (Node<Object> node = localNode("shutdown")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .child(ChildSpec.worker("a", journal.worker("a")).build())
                  .child(
                      ChildSpec.worker("b", journal.stubborn("b"))
                          .shutdown(ShutdownPolicy.timeout(DEADLINE))
                          .build())
                  .child(ChildSpec.worker("c", journal.worker("c")).build())
                  .build());
      ends.watch(sup.pid());
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      Pid b = ends.watch(pidOf(sup, "b").orElseThrow());
      journal.awaitEntry("trapping b");
      journal.awaitEntry("start c");

      long began = System.nanoTime();
      sup.stop(WAIT);
      Duration took = Duration.ofNanos(System.nanoTime() - began);

      assertThat(ends.of(b)).isEqualTo(new MonitorReason.Killed(b));
      assertThat(took).isGreaterThanOrEqualTo(DEADLINE);
      assertThat(journal.entries()).containsSubsequence("end c", "asked b", "end b", "end a");
      assertThat(journal.entries("end")).containsExactly("end c", "end b", "end a");
      assertThat(ends.of(a))
          .isEqualTo(
              new MonitorReason.Exited(
                  a, sup.pid(), new MonitorReason.Shutdown(sup.pid(), "shutdown")));
      assertThat(ends.of(sup.pid())).isEqualTo(new MonitorReason.Normal(sup.pid()));
    }
  }

  @Test
  void stop_childThatTrapsAndCleansUpInTime_endsNormallyWithoutAKill() throws Exception {
    try (Node<Object> node = localNode("shutdown")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .child(
                      ChildSpec.worker("slow", journal.slowToStop("slow", Duration.ofMillis(50)))
                          .shutdown(ShutdownPolicy.timeout(WAIT))
                          .build())
                  .build());
      Pid slow = ends.watch(pidOf(sup, "slow").orElseThrow());
      journal.awaitEntry("trapping slow");

      sup.stop(WAIT);

      assertThat(ends.of(slow)).isEqualTo(new MonitorReason.Normal(slow));
      assertThat(journal.entries()).containsSubsequence("asked slow", "end slow");
    }
  }

  @Test
  void stop_infinityChildTakesLongerThanADeadlineWould_isWaitedForAndNotKilled() throws Exception {
    try (Node<Object> node = localNode("shutdown")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .child(
                      ChildSpec.worker("slow", journal.slowToStop("slow", DEADLINE))
                          .shutdown(ShutdownPolicy.infinity())
                          .build())
                  .build());
      Pid slow = ends.watch(pidOf(sup, "slow").orElseThrow());
      journal.awaitEntry("trapping slow");

      sup.stop(WAIT);

      assertThat(ends.of(slow)).isEqualTo(new MonitorReason.Normal(slow));
    }
  }

  @Test
  void stop_sameSlowChildWithAShorterDeadline_isKilled() throws Exception {
    try (Node<Object> node = localNode("shutdown")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .child(
                      ChildSpec.worker("slow", journal.slowToStop("slow", WAIT))
                          .shutdown(ShutdownPolicy.timeout(Duration.ofMillis(50)))
                          .build())
                  .build());
      Pid slow = ends.watch(pidOf(sup, "slow").orElseThrow());
      journal.awaitEntry("trapping slow");

      sup.stop(WAIT);

      assertThat(ends.of(slow)).isEqualTo(new MonitorReason.Killed(slow));
    }
  }

  @Test
  void stop_brutalKill_killsAChildThatTrapsWithoutAskingIt() throws Exception {
    try (Node<Object> node = localNode("shutdown")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .child(
                      ChildSpec.worker("s", journal.stubborn("s"))
                          .shutdown(ShutdownPolicy.brutalKill())
                          .build())
                  .build());
      Pid s = ends.watch(pidOf(sup, "s").orElseThrow());
      journal.awaitEntry("trapping s");

      sup.stop(WAIT);

      assertThat(ends.of(s)).isEqualTo(new MonitorReason.Killed(s));
      assertThat(journal.entries("asked")).isEmpty();
    }
  }

  @Test
  void exitSignal_fromAProcessThatIsNotAChild_stopsTheChildrenAndEndsAsUntrapped()
      throws Exception {
    try (Node<Object> node = localNode("shutdown")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .child(ChildSpec.worker("a", journal.worker("a")).build())
                  .child(ChildSpec.worker("b", journal.worker("b")).build())
                  .build());
      ends.watch(sup.pid());
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      Pid b = ends.watch(pidOf(sup, "b").orElseThrow());
      journal.awaitEntry("start a");
      journal.awaitEntry("start b");
      CompletableFuture<Pid> asker = new CompletableFuture<>();

      node.spawn(
          ctx -> {
            asker.complete(ctx.self());
            ctx.exit(sup.pid(), "go away");
          });

      Pid from = get(asker);
      assertThat(ends.of(sup.pid()))
          .isEqualTo(
              new MonitorReason.Exited(
                  sup.pid(), from, new MonitorReason.Shutdown(from, "go away")));
      assertThat(journal.entries("end")).containsExactly("end b", "end a");
      assertThat(ends.of(a)).isInstanceOf(MonitorReason.Exited.class);
      assertThat(ends.of(b)).isInstanceOf(MonitorReason.Exited.class);
    }
  }

  @Test
  void kill_supervisor_endsKilledAndItsLinksEndTheChildren() throws Exception {
    try (Node<Object> node = localNode("shutdown")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .child(ChildSpec.worker("a", journal.worker("a")).build())
                  .child(ChildSpec.worker("b", journal.worker("b")).build())
                  .build());
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());
      Pid b = ends.watch(pidOf(sup, "b").orElseThrow());
      Pid supPid = ends.watch(sup.pid());

      node.spawn(ctx -> ctx.kill(supPid));

      assertThat(ends.of(supPid)).isEqualTo(new MonitorReason.Killed(supPid));
      MonitorReason killed = new MonitorReason.Killed(supPid);
      assertThat(ends.of(a)).isEqualTo(new MonitorReason.Exited(a, supPid, killed));
      assertThat(ends.of(b)).isEqualTo(new MonitorReason.Exited(b, supPid, killed));
      assertThatThrownBy(() -> sup.whichChildren(WAIT))
          .isInstanceOf(SupervisorException.class)
          .hasMessageContaining("which_children");
    }
  }

  @Test
  void kill_supervisorWhileItWaitsForAChildToStop_theLinkStillReachesThatChild() throws Exception {
    Process<Object> child =
        ctx -> {
          ctx.trapExits(true);
          journal.add("trapping c");
          ctx.receive(onExit(e -> e)); // asked to stop: it takes its time
          journal.add("asked c");
          Exit next = ctx.receive(onExit(e -> e)); // the supervisor's end, through the link
          journal.add("then " + next.reason());
        };
    try (Node<Object> node = localNode("shutdown")) {
      Ends ends = new Ends(node);
      SupervisorRef<Object> sup =
          Supervisor.start(
              node,
              SupervisorSpec.builder()
                  .child(
                      ChildSpec.worker("c", child).shutdown(ShutdownPolicy.timeout(WAIT)).build())
                  .build());
      Pid supPid = ends.watch(sup.pid());
      Pid c = ends.watch(pidOf(sup, "c").orElseThrow());
      journal.awaitEntry("trapping c");
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> sup.stop(WAIT));
      journal.awaitEntry("asked c");

      node.spawn(ctx -> ctx.kill(supPid));

      assertThat(ends.of(supPid)).isEqualTo(new MonitorReason.Killed(supPid));
      assertThat(ends.of(c)).isEqualTo(new MonitorReason.Normal(c));
      assertThat(journal.entries()).contains("then " + new MonitorReason.Killed(supPid));
      assertThatThrownBy(() -> get(stopping))
          .hasCauseInstanceOf(SupervisorException.class)
          .hasMessageContaining("ended while carrying out stop");
    }
  }

  @Test
  void startLink_parentCrashes_supervisorStopsItsChildrenAndEnds() throws Exception {
    try (Node<Object> node = localNode("shutdown")) {
      Ends ends = new Ends(node);
      CompletableFuture<SupervisorRef<Object>> started = new CompletableFuture<>();
      Pid parent =
          ends.watch(
              node.spawn(
                  ctx -> {
                    started.complete(
                        Supervisor.startLink(
                            ctx,
                            SupervisorSpec.builder()
                                .child(ChildSpec.worker("a", journal.worker("a")).build())
                                .build()));
                    ctx.receive(on(String.class, s -> s));
                    throw new IllegalStateException("parent was told to crash");
                  }));
      SupervisorRef<Object> sup = get(started);
      ends.watch(sup.pid());
      Pid a = ends.watch(pidOf(sup, "a").orElseThrow());

      node.send(parent, "crash");

      MonitorReason end = ends.of(sup.pid());
      assertThat(end).isInstanceOf(MonitorReason.Exited.class);
      assertThat(((MonitorReason.Exited) end).from()).isEqualTo(parent);
      assertThat(((MonitorReason.Exited) end).cause()).isInstanceOf(MonitorReason.Crashed.class);
      assertThat(ends.of(a)).isInstanceOf(MonitorReason.Exited.class);
      assertThat(journal.entries("end")).containsExactly("end a");
    }
  }

  @Test
  void startLink_parentEndsNormally_supervisorKeepsRunning() throws Exception {
    try (Node<Object> node = localNode("shutdown")) {
      Ends ends = new Ends(node);
      CompletableFuture<SupervisorRef<Object>> started = new CompletableFuture<>();
      Pid parent =
          ends.watch(
              node.spawn(
                  ctx -> {
                    started.complete(
                        Supervisor.startLink(
                            ctx,
                            SupervisorSpec.builder()
                                .child(ChildSpec.worker("a", journal.worker("a")).build())
                                .build()));
                    ctx.receive(on(String.class, s -> s));
                  }));
      SupervisorRef<Object> sup = get(started);
      ends.watch(sup.pid());

      node.send(parent, "end now");

      assertThat(ends.of(parent)).isEqualTo(new MonitorReason.Normal(parent));
      // A command is carried out after the exits that reached the supervisor before it.
      assertThat(pidOf(sup, "a")).isPresent();
      assertThat(ends.ended(sup.pid())).isFalse();
    }
  }
}
