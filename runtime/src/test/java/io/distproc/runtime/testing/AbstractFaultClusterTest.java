package io.distproc.runtime.testing;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;
import static io.distproc.Matcher.onExit;
import static io.distproc.Matcher.onGroupChange;
import static io.distproc.Matcher.onNodeDown;
import static io.distproc.Matcher.onNodeUp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.CallException;
import io.distproc.Exit;
import io.distproc.GroupChange;
import io.distproc.InvalidNodeException;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.NodeUpEvent;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fault layer's rules across nodes (DESIGN.md section 8: links, exit signals, names, calls),
 * checked against any transport, on top of the rules of {@link AbstractClusterTest}.
 *
 * <p>To prove that a signal did NOT cross, a test waits until the process that would have sent it
 * has ended on its node (its termination completes after its links fired, so a signal would be on
 * the link by then), then has another process of that node send a marker over the same link: the
 * marker arrives after anything sent before it.
 */
public abstract class AbstractFaultClusterTest extends AbstractClusterTest {
  private static final String MARKER = "marker";

  private static <T> T result(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Everything in this process's mailbox up to {@link #MARKER}, waiting for the marker. */
  private static List<Object> untilMarker(ProcessContext<String> ctx) {
    List<Object> queued = new ArrayList<>();
    for (; ; ) {
      Object entry = ctx.receive(any(x -> x), onDown(d -> d), onExit(e -> e));
      if (MARKER.equals(entry)) {
        return queued;
      }
      queued.add(entry);
    }
  }

  /** Spawns an echo on {@code where} from a process of {@code from}, unlinked. */
  private static Pid echoOn(Node<String> from, NodeId where) throws Exception {
    return inProcess(from, ctx -> ctx.spawn(where, "echo", "-"));
  }

  @Test
  @DisplayName(
      "a process spawned linked on another node crashes, and its trapping parent gets the crash")
  void spawnLinked_remoteChildCrashes_trappingParentGetsExitWithTheRemoteCrash() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    NodeId beta = connect(a, b);

    Exit exit =
        inProcess(
            a,
            ctx -> {
              ctx.trapExits(true);
              Pid child = ctx.spawnLinked(beta, "echo", "-");
              ctx.send(child, "crash over the wire");
              return ctx.receive(WAIT, onExit(child, e -> e)).orElseThrow();
            });

    assertThat(exit.from().node()).isEqualTo(b.id());
    assertThat(exit.reason()).isInstanceOf(MonitorReason.Crashed.class);
    assertThat(((MonitorReason.Crashed) exit.reason()).message()).isEqualTo("over the wire");
  }

  @Test
  @DisplayName("a crash here kills the untrapped process linked with it on another node")
  void link_localCrash_killsTheLinkedRemoteProcessWithExited() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    Pid echo = echoOn(b, b.id()); // on beta, spawned there
    CompletableFuture<MonitorReason> echoEnd = b.termination(echo);
    CountDownLatch linked = new CountDownLatch(1);
    CountDownLatch crash = new CountDownLatch(1);
    Pid crasher =
        a.spawn(
            ctx -> {
              ctx.link(echo);
              linked.countDown();
              crash.await();
              throw new IllegalStateException("the first cause");
            });
    assertThat(linked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    // The link is in force on beta once its LinkRequest has crossed: a round trip proves it.
    String pong =
        inProcess(
            a,
            ctx -> {
              ctx.send(echo, pidText(ctx.self()) + " ping");
              return ctx.receive(WAIT, on(String.class, (String s) -> s)).orElseThrow();
            });
    assertThat(pong).isEqualTo("ping");

    crash.countDown();

    MonitorReason reason = result(echoEnd);
    assertThat(reason).isInstanceOf(MonitorReason.Exited.class);
    MonitorReason.Exited exited = (MonitorReason.Exited) reason;
    assertThat(exited.from()).isEqualTo(crasher);
    assertThat(((MonitorReason.Crashed) exited.cause()).message()).isEqualTo("the first cause");
  }

  @Test
  @DisplayName("a link to a process that does not exist on another node signals NoProcess")
  void link_remotePidThatNeverExisted_signalsNoProcess() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    Pid never = Pid.of(b.id(), 999_999);

    Exit exit =
        inProcess(
            a,
            ctx -> {
              ctx.trapExits(true);
              ctx.link(never);
              return ctx.receive(WAIT, onExit(never, e -> e)).orElseThrow();
            });

    assertThat(exit.reason()).isEqualTo(new MonitorReason.NoProcess(never));
  }

  @Test
  @DisplayName("a linked spawn of a behaviour another node does not have signals NoProcess")
  void spawnLinked_unknownRemoteBehaviour_signalsNoProcess() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    NodeId beta = connect(a, b);

    Exit exit =
        inProcess(
            a,
            ctx -> {
              ctx.trapExits(true);
              Pid none = ctx.spawnLinked(beta, "no-such-behaviour", "-");
              // Queued by the time spawnLinked returns: no wait needed.
              return ctx.receive(Duration.ZERO, onExit(none, e -> e)).orElseThrow();
            });

    assertThat(exit.reason()).isInstanceOf(MonitorReason.NoProcess.class);
    MonitorReason down =
        inProcess(
            a,
            ctx ->
                ctx.receive(
                        Duration.ZERO, // queued by the time spawnMonitored returns
                        onDown(
                            ctx.spawnMonitored(beta, "no-such-behaviour", "-").monitor(),
                            d -> d.reason()))
                    .orElseThrow());
    assertThat(down).isInstanceOf(MonitorReason.NoProcess.class);
    CountDownLatch go = new CountDownLatch(1);
    Pid untrapped =
        a.spawn(
            ctx -> {
              go.await();
              ctx.spawnLinked(beta, "no-such-behaviour", "-");
            });
    CompletableFuture<MonitorReason> end = a.termination(untrapped); // before it can end
    go.countDown();
    assertThat(result(end))
        .isInstanceOfSatisfying(
            MonitorReason.Exited.class,
            e -> assertThat(e.cause()).isInstanceOf(MonitorReason.NoProcess.class));
  }

  @Test
  @DisplayName("a crashed node fires every link across it once, with NodeDown")
  void link_peerCrashes_everyLinkFiresOnceWithNodeDown() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    NodeId beta = connect(a, b);
    CountDownLatch linked = new CountDownLatch(1);
    CompletableFuture<List<Object>> seen = new CompletableFuture<>();
    a.spawn(
        ctx -> {
          ctx.trapExits(true);
          Pid first = ctx.spawnLinked(beta, "echo", "-");
          Pid second = ctx.spawn(beta, "echo", "-");
          ctx.link(second);
          ctx.link(second); // idempotent: still one link
          linked.countDown();
          List<Object> got = new ArrayList<>();
          got.add(ctx.receive(onExit(first, e -> e)));
          got.add(ctx.receive(onExit(second, e -> e)));
          ctx.send(ctx.self(), MARKER);
          got.addAll(untilMarker(ctx));
          seen.complete(got);
        });
    assertThat(linked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    crash(b);

    List<Object> got = result(seen);
    assertThat(got).hasSize(2);
    assertThat(got)
        .allSatisfy(
            e -> assertThat(((Exit) e).reason()).isInstanceOf(MonitorReason.NodeDown.class));
  }

  @Test
  @DisplayName("removing a node fires the links across it on both sides")
  void removeRemoteNode_linkedProcesses_bothSidesGetNodeDown() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    Pid echo = echoOn(b, b.id());
    CompletableFuture<MonitorReason> echoEnd = b.termination(echo);
    CompletableFuture<Exit> here = new CompletableFuture<>();
    CountDownLatch linked = new CountDownLatch(1);
    a.spawn(
        ctx -> {
          ctx.trapExits(true);
          ctx.link(echo);
          ctx.send(echo, pidText(ctx.self()) + " linked"); // after the LinkRequest, same link
          ctx.receive(on(String.class, s -> s));
          linked.countDown();
          here.complete(ctx.receive(onExit(echo, e -> e)));
        });
    assertThat(linked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    a.removeRemoteNode(b.id());

    assertThat(result(here).reason()).isEqualTo(new MonitorReason.NodeDown(echo, b.id()));
    MonitorReason there = result(echoEnd);
    assertThat(there).isInstanceOf(MonitorReason.Exited.class);
    assertThat(((MonitorReason.Exited) there).cause()).isInstanceOf(MonitorReason.NodeDown.class);
  }

  @Test
  @DisplayName("after an unlink across nodes, a crash there signals nothing here")
  void unlink_remote_thenCrash_noSignalCrosses() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    Pid victim = echoOn(b, b.id());
    Pid witness = echoOn(b, b.id());
    CompletableFuture<MonitorReason> victimEnd = b.termination(victim);
    CompletableFuture<List<Object>> seen = new CompletableFuture<>();
    a.spawn(
        ctx -> {
          ctx.trapExits(true);
          ctx.link(victim);
          ctx.unlink(victim);
          ctx.send(victim, "crash unlinked"); // after the UnlinkRequest, on the same link
          try {
            result(victimEnd);
          } catch (Exception e) {
            seen.completeExceptionally(e);
            return;
          }
          ctx.send(witness, pidText(ctx.self()) + " " + MARKER); // behind any signal from beta
          seen.complete(untilMarker(ctx));
        });

    assertThat(result(seen)).isEmpty();
    assertThat(result(victimEnd)).isInstanceOf(MonitorReason.Crashed.class);
  }

  @Test
  @DisplayName("exit and kill reach processes of another node")
  void exitAndKill_remoteTargets_endWithShutdownAndKilled() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    Pid asked = echoOn(b, b.id());
    Pid killed = echoOn(b, b.id());
    CompletableFuture<MonitorReason> askedEnd = b.termination(asked);
    CompletableFuture<MonitorReason> killedEnd = b.termination(killed);

    Pid sender =
        inProcess(
            a,
            ctx -> {
              ctx.exit(asked, "please leave");
              ctx.kill(killed);
              return ctx.self();
            });

    assertThat(result(askedEnd))
        .isEqualTo(
            new MonitorReason.Exited(
                asked, sender, new MonitorReason.Shutdown(sender, "please leave")));
    assertThat(result(killedEnd)).isEqualTo(new MonitorReason.Killed(killed));
  }

  @Test
  @DisplayName(
      "a message to a name registered on another node reaches it; an unknown name is a dead letter there")
  void sendNamed_remoteName_arrivesAndAnUnknownNameIsADeadLetterThere() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    NodeId beta = connect(a, b);
    inProcess(a, ctx -> ctx.spawn(beta, "registrar", "service"));
    await().atMost(WAIT).until(() -> b.whereis("service").isPresent());
    long deadBefore = b.metrics().deadLetters();

    String reply =
        inProcess(
            a,
            ctx -> {
              ctx.sendNamed(beta, "service", pidText(ctx.self()) + " by name");
              ctx.sendNamed(beta, "nobody", "lost");
              return ctx.receive(WAIT, on(String.class, s -> s)).orElseThrow();
            });

    assertThat(reply).isEqualTo("by name");
    await().atMost(WAIT).until(() -> b.metrics().deadLetters() == deadBefore + 1);
  }

  @Test
  @DisplayName("a call fails at once when its server's node crashes")
  void call_serversNodeCrashes_failsFastWithNodeDown() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    NodeId beta = connect(a, b);
    CompletableFuture<String> requestArrived = new CompletableFuture<>();
    Pid notified = a.spawn(ctx -> requestArrived.complete(ctx.receive(on(String.class, s -> s))));
    Pid server = inProcess(a, ctx -> ctx.spawn(beta, "silent", pidText(notified)));
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    a.spawn(
        ctx -> {
          try {
            ctx.call(server, "a request", on(String.class, s -> s), Duration.ofDays(1));
            failure.complete(null);
          } catch (RuntimeException e) {
            failure.complete(e);
          }
        });
    assertThat(result(requestArrived)).isEqualTo("got a request");

    crash(b);

    Throwable t = result(failure); // far before the day-long deadline
    assertThat(t).isInstanceOf(CallException.class);
    assertThat(((CallException) t).serverReason()).get().isInstanceOf(MonitorReason.NodeDown.class);
  }

  @Test
  @DisplayName("a process of a restarted node's old incarnation is never linked")
  void link_pidOfAnOldIncarnation_signalsNoProcessAndNeverLinksTheNewOne() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    Pid old = echoOn(b, b.id());
    b.close();
    await().atMost(WAIT).until(() -> a.remoteNode("beta").isEmpty());
    Node<String> b2 = node("beta");
    connect(a, b2);

    Exit exit =
        inProcess(
            a,
            ctx -> {
              ctx.trapExits(true);
              ctx.link(old);
              return ctx.receive(WAIT, onExit(old, e -> e)).orElseThrow();
            });

    assertThat(exit.reason()).isEqualTo(new MonitorReason.NoProcess(old));
    assertThat(b2.metrics().liveProcesses()).isZero(); // nothing there was spawned or linked
  }

  @Test
  @DisplayName("a link to a node that is not known throws InvalidNodeException")
  void link_unknownNode_throwsInvalidNode() throws Exception {
    Node<String> a = node("alpha");
    Pid elsewhere = Pid.of(NodeId.of("nowhere", 1), 1);
    Object thrown =
        inProcess(
            a,
            ctx -> {
              try {
                ctx.link(elsewhere);
                return "linked";
              } catch (InvalidNodeException e) {
                return e;
              }
            });
    assertThat(thrown).isInstanceOf(InvalidNodeException.class);
  }

  @Test
  @DisplayName(
      "a process that monitors nodes gets node-up and node-down entries, a restart as a new up")
  void monitorNodes_peerComesUpGoesDownAndRestarts_entriesInOrder() throws Exception {
    Node<String> a = node("alpha");
    CountDownLatch watching = new CountDownLatch(1);
    CompletableFuture<List<Object>> seen = new CompletableFuture<>();
    a.spawn(
        ctx -> {
          ctx.monitorNodes(true);
          watching.countDown();
          List<Object> got = new ArrayList<>();
          while (got.size() < 3) {
            got.add(ctx.receive(onNodeUp(e -> e), onNodeDown(e -> e)));
          }
          ctx.monitorNodes(false);
          seen.complete(got);
        });
    assertThat(watching.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    Node<String> b = node("beta");
    connect(a, b);
    NodeId first = b.id();
    crash(b);
    await().atMost(WAIT).until(() -> a.remoteNode("beta").isEmpty());
    Node<String> b2 = node("beta");
    connect(a, b2);

    List<Object> got = result(seen);
    assertThat(got.get(0)).isEqualTo(new NodeUpEvent(first));
    assertThat(got.get(1))
        .isInstanceOfSatisfying(NodeDownEvent.class, d -> assertThat(d.node()).isEqualTo(first));
    assertThat(got.get(2)).isEqualTo(new NodeUpEvent(b2.id()));
  }

  /** Spawns a process on {@code node} that joins {@code group}, then echoes. */
  private static Pid groupMember(Node<String> node, String group) throws Exception {
    CountDownLatch joined = new CountDownLatch(1);
    Pid pid =
        node.spawn(
            ctx -> {
              ctx.joinGroup(group);
              joined.countDown();
              ctx.receive(any(x -> x));
            });
    assertThat(joined.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    return pid;
  }

  @Test
  @DisplayName(
      "process groups converge across nodes after a join, and lose a node's members when it goes down")
  void joinGroup_acrossNodes_convergesAndLosesTheMembersOfANodeThatGoesDown() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    Node<String> c = node("gamma");
    Pid onA = groupMember(a, "workers"); // before any link: sent in the sync
    connect(a, b);
    connect(a, c);
    connect(b, c);
    Pid onB = groupMember(b, "workers"); // after: sent as a join
    Pid onC = groupMember(c, "workers");

    for (Node<String> n : List.of(a, b, c)) {
      await().atMost(WAIT).until(() -> n.groupMembers("workers").size() == 3);
      assertThat(n.groupMembers("workers")).containsExactlyInAnyOrder(onA, onB, onC);
    }

    crash(c);

    await().atMost(WAIT).until(() -> a.groupMembers("workers").size() == 2);
    assertThat(a.groupMembers("workers")).containsExactlyInAnyOrder(onA, onB);
    await().atMost(WAIT).until(() -> b.groupMembers("workers").size() == 2);
  }

  @Test
  @DisplayName("a watch of a group reports a remote join, a remote end, and a node going down")
  void monitorGroup_remoteChanges_arriveAsGroupChanges() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    CountDownLatch watching = new CountDownLatch(1);
    CompletableFuture<List<Object>> seen = new CompletableFuture<>();
    a.spawn(
        ctx -> {
          List<Object> got = new ArrayList<>();
          got.add(ctx.monitorGroup("g"));
          watching.countDown();
          for (int i = 0; i < 4; i++) {
            got.add(ctx.receive(onGroupChange(ch -> ch)));
          }
          seen.complete(got);
        });
    assertThat(watching.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    Pid first = groupMember(b, "g");
    CompletableFuture<MonitorReason> firstEnd = b.termination(first);
    b.send(first, "end");
    result(firstEnd);
    Pid second = groupMember(b, "g");
    crash(b);

    List<Object> got = result(seen);
    assertThat(got.get(0)).isEqualTo(List.of());
    assertThat(got.get(1)).isEqualTo(new GroupChange("g", List.of(first), List.of()));
    assertThat(got.get(2)).isEqualTo(new GroupChange("g", List.of(), List.of(first)));
    assertThat(got.get(3)).isEqualTo(new GroupChange("g", List.of(second), List.of()));
    assertThat(got.get(4)).isEqualTo(new GroupChange("g", List.of(), List.of(second)));
  }

  @Test
  @DisplayName("a trapped exit from another node arrives after every message its sender sent first")
  void trapExits_remoteLinkedEndsNormally_exitFollowsItsMessages() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    NodeId beta = connect(a, b);

    List<Object> got =
        inProcess(
            a,
            ctx -> {
              ctx.trapExits(true);
              Pid emitter = ctx.spawnLinked(beta, "emitter", pidText(ctx.self()) + " 50");
              List<Object> all = new ArrayList<>();
              while (all.isEmpty() || !(all.getLast() instanceof Exit)) {
                all.add(ctx.receive(WAIT, any(x -> (Object) x), onExit(e -> e)).orElseThrow());
              }
              all.add(emitter);
              return all;
            });

    Pid emitter = (Pid) got.removeLast();
    assertThat(got).hasSize(51);
    for (int i = 0; i < 50; i++) {
      assertThat(got.get(i)).isEqualTo("m" + (i + 1));
    }
    assertThat(got.get(50)).isEqualTo(new Exit(emitter, new MonitorReason.Normal(emitter)));
  }

  @Test
  @DisplayName(
      "a timer's message reaches a process on another node, and a cancelled one never does")
  void sendAfter_remoteTarget_arrivesAndACancelledOneDoesNot() throws Exception {
    Node<String> a = node("alpha");
    Node<String> b = node("beta");
    connect(a, b);
    CompletableFuture<List<String>> seen = new CompletableFuture<>();
    CountDownLatch ready = new CountDownLatch(1);
    Pid target =
        b.spawn(
            ctx -> {
              ready.countDown();
              List<String> got = new ArrayList<>();
              while (got.isEmpty() || !got.getLast().equals("late")) {
                got.add(ctx.receive(on(String.class, s -> s)));
              }
              seen.complete(got);
            });
    assertThat(ready.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    boolean cancelled =
        inProcess(
            a,
            ctx -> {
              // Long enough that the cancel right after always comes first; "late" fires after it.
              boolean c =
                  ctx.sendAfter(Duration.ofMillis(200L * TIME_FACTOR), target, "cancelled")
                      .cancel();
              ctx.sendAfter(Duration.ofMillis(400L * TIME_FACTOR), target, "late");
              return c;
            });

    assertThat(cancelled).isTrue();
    assertThat(result(seen)).containsExactly("late");
  }
}
