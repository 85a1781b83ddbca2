package io.distproc.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.Codec;
import io.distproc.Matcher;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.Pid;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviours on one local node; the container suite runs them across nodes. */
class BuiltInBehavioursTest {
  private static final long PATIENCE_MS = 5_000;

  private Node<String> node;
  private final NodeEvents events = new NodeEvents();
  private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
  private final java.util.List<String> skipped = new java.util.ArrayList<>();
  private Pid probe;

  @BeforeEach
  void startNode() {
    node =
        Node.builder(NodeConfig.local("test").build(), Codec.utf8())
            .behaviours(BuiltInBehaviours.create(BuiltInBehaviours.NAMES, events))
            .start();
    probe = node.spawn(ctx -> ctx.receiveLoop(Matcher.any(m -> inbox.add(m))));
  }

  @AfterEach
  void stopNode() {
    node.close();
  }

  private Pid spawn(String behaviour, String argument) {
    return node.spawn(BuiltInBehaviours.behaviour(behaviour, events).create(argument));
  }

  /** Takes the oldest message that matches; the others stay for later expectations. */
  private String expect(Predicate<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
    while (true) {
      for (java.util.Iterator<String> it = skipped.iterator(); it.hasNext(); ) {
        String m = it.next();
        if (what.test(m)) {
          it.remove();
          return m;
        }
      }
      String m = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertThat(m).as("a matching message before the deadline; others: " + skipped).isNotNull();
      skipped.add(m);
    }
  }

  private String p(Pid pid) {
    return NodeProtocol.pid(pid);
  }

  @Test
  void echo_ping_answersPongWithTheText() throws Exception {
    Pid echo = spawn("echo", "");

    node.send(echo, "ping " + p(probe) + " hello there");

    assertThat(expect(m -> true)).isEqualTo("pong " + p(echo) + " hello there");
  }

  @Test
  void emitterAndSink_stop_reportEverySequenceNumberOnceInOrder() throws Exception {
    Pid sink = spawn("sink", p(probe));
    Pid emitter = spawn("emitter", p(sink) + " 1 " + p(probe));
    node.send(emitter, "mark");
    String mark = expect(m -> m.startsWith("mark "));
    long marked = Long.parseLong(NodeProtocol.words(mark, 3).get(2));

    node.send(emitter, "stop");
    String emitted = expect(m -> m.startsWith("emitted "));
    String sunk = expect(m -> m.startsWith("sunk "));

    long last = Long.parseLong(emitted.replaceAll(".* last=(\\d+) .*", "$1"));
    assertThat(last).isGreaterThanOrEqualTo(marked);
    assertThat(emitted).endsWith("failed=-");
    assertThat(sunk)
        .isEqualTo(
            "sunk " + p(sink) + " received=" + last + " duplicates=0 reordered=0 ranges=1-" + last);
  }

  @Test
  void emitter_burst_sendsThatManyPerIntervalAndMarksWholeBursts() throws Exception {
    Pid sink = spawn("sink", p(probe));
    Pid emitter = spawn("emitter", p(sink) + " 1 " + p(probe) + " 50");
    node.send(emitter, "mark");
    long marked = Long.parseLong(NodeProtocol.words(expect(m -> m.startsWith("mark ")), 3).get(2));

    node.send(emitter, "stop");
    String emitted = expect(m -> m.startsWith("emitted "));
    String sunk = expect(m -> m.startsWith("sunk "));

    long last = Long.parseLong(emitted.replaceAll(".* last=(\\d+) .*", "$1"));
    assertThat(marked % 50).as("a mark falls between bursts").isZero();
    assertThat(last % 50).isZero();
    assertThat(sunk)
        .isEqualTo(
            "sunk " + p(sink) + " received=" + last + " duplicates=0 reordered=0 ranges=1-" + last);
  }

  @Test
  void emitter_badBurst_isRefused() {
    assertThatThrownBy(() -> BuiltInBehaviours.emitter(p(probe) + " 1 " + p(probe) + " 0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("burst must be at least 1");
  }

  @Test
  void agent_monitorOfACrash_forwardsOneDownWithTheException() throws Exception {
    Pid agent = spawn("agent", "");
    Pid crasher = spawn("crasher", "");

    node.send(agent, "monitor " + p(probe) + " " + p(crasher));
    String monitoring = expect(m -> m.startsWith("monitoring "));
    node.send(crasher, "crash on purpose");

    String ref = NodeProtocol.words(monitoring, 4).get(2);
    assertThat(expect(m -> m.startsWith("down ")))
        .isEqualTo(
            "down "
                + ref
                + " "
                + p(crasher)
                + " Crashed java.lang.IllegalStateException: on purpose");
    node.send(agent, "ping " + p(probe) + " after");
    assertThat(expect(m -> true))
        .as("no second down notice")
        .isEqualTo("pong " + p(agent) + " after");
  }

  @Test
  void agent_spawnMonitoredOnItsOwnNode_repliesAndReportsTheNormalEnd() throws Exception {
    Pid agent = spawn("agent", "");

    node.send(agent, "spawn-monitored " + p(probe) + " test echo");
    String spawned = expect(m -> m.startsWith("spawned "));
    Pid echo = NodeProtocol.parsePid(NodeProtocol.words(spawned, 3).get(1));
    node.send(echo, "stop");

    assertThat(expect(m -> m.startsWith("down ")))
        .matches("down \\d+@" + p(agent) + " " + p(echo) + " Normal -");
  }

  @Test
  void agent_broadcastOnItsNode_reachesEveryForwarder() throws Exception {
    Pid agent = spawn("agent", "");
    Pid f1 = spawn("forward", p(probe));
    Pid f2 = spawn("forward", p(probe));

    node.send(agent, "broadcast test hello all");

    assertThat(
            java.util.List.of(expect(m -> m.startsWith("got ")), expect(m -> m.startsWith("got "))))
        .containsExactlyInAnyOrder("got " + p(f1) + " hello all", "got " + p(f2) + " hello all");
  }

  @Test
  void agent_unknownNode_repliesWithAnError() throws Exception {
    Pid agent = spawn("agent", "");

    node.send(agent, "spawn " + p(probe) + " nowhere echo");

    assertThat(expect(m -> true)).startsWith("error spawn ").contains("nowhere is not connected");
  }

  @Test
  void crasher_exit_endsNormally() throws Exception {
    Pid crasher = spawn("crasher", "");
    var ended = node.termination(crasher);

    node.send(crasher, "exit");

    assertThat(ended.get(PATIENCE_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(io.distproc.MonitorReason.Normal.class);
  }

  @Test
  void crasher_ping_answersPongAndStillCrashesOnCommand() throws Exception {
    Pid crasher = spawn("crasher", "");
    var ended = node.termination(crasher);

    node.send(crasher, "ping " + p(probe) + " alive");
    node.send(crasher, "crash on purpose");

    assertThat(expect(m -> true)).isEqualTo("pong " + p(crasher) + " alive");
    assertThat(ended.get(PATIENCE_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(io.distproc.MonitorReason.Crashed.class);
  }

  @Test
  void supervisor_childCrashes_isRestartedInANewProcessAndReportedByChildren() throws Exception {
    Pid front = spawn("supervisor", p(probe) + " 3 5000 test crasher");
    java.util.List<String> started =
        NodeProtocol.words(expect(m -> m.startsWith("supervising ")), 4);
    assertThat(started.get(1)).isEqualTo(p(front));
    Pid first = NodeProtocol.parsePid(started.get(3).substring("child=".length()));
    var firstEnded = node.termination(first);

    node.send(first, "crash on purpose");
    assertThat(firstEnded.get(PATIENCE_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(io.distproc.MonitorReason.Crashed.class);
    String restarted = null;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
    while (restarted == null && System.nanoTime() < deadline) {
      node.send(front, "children " + p(probe));
      String children = expect(m -> m.startsWith("children "));
      String child = NodeProtocol.words(children, 3).get(2);
      if (!child.equals("child=" + p(first)) && !child.equals("child=undefined")) {
        restarted = child;
      }
    }

    assertThat(restarted).as("a new child within the patience").isNotNull().startsWith("child=");
    Pid second = NodeProtocol.parsePid(restarted.substring("child=".length()));
    node.send(second, "ping " + p(probe) + " again");
    assertThat(expect(m -> m.startsWith("pong "))).isEqualTo("pong " + p(second) + " again");
  }

  @Test
  void supervisor_stop_stopsTheChildAndEndsNormally() throws Exception {
    Pid front = spawn("supervisor", p(probe) + " 1 5000 test crasher");
    String started = expect(m -> m.startsWith("supervising "));
    Pid child =
        NodeProtocol.parsePid(NodeProtocol.words(started, 4).get(3).substring("child=".length()));
    Pid sup = NodeProtocol.parsePid(NodeProtocol.words(started, 4).get(2));
    var childEnded = node.termination(child);
    var supEnded = node.termination(sup);
    var frontEnded = node.termination(front);

    node.send(front, "stop");

    assertThat(childEnded.get(PATIENCE_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(io.distproc.MonitorReason.Exited.class);
    assertThat(supEnded.get(PATIENCE_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(io.distproc.MonitorReason.Normal.class);
    assertThat(frontEnded.get(PATIENCE_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(io.distproc.MonitorReason.Normal.class);
  }

  @Test
  void supervisor_unknownNode_repliesWithAnErrorAndEnds() throws Exception {
    Pid front = spawn("supervisor", p(probe) + " 1 5000 nowhere crasher");
    var ended = node.termination(front);

    assertThat(expect(m -> true))
        .startsWith("error supervisor ")
        .contains("nowhere is not connected");
    // NoProcess: it had ended normally before termination() was asked.
    assertThat(ended.get(PATIENCE_MS, TimeUnit.MILLISECONDS))
        .isInstanceOfAny(
            io.distproc.MonitorReason.Normal.class, io.distproc.MonitorReason.NoProcess.class);
  }

  @Test
  void supervisor_malformedArgument_isRefused() {
    assertThatThrownBy(() -> BuiltInBehaviours.behaviour("supervisor", events).create("x 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("<replyTo> <intensity> <periodMs> <node> <behaviour>");
  }
}
