package io.distproc.testkit;

import static io.distproc.node.NodeProtocol.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Pid;
import io.distproc.node.NodeProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DistprocClusterTest(
    nodes = {"alpha", "beta", "gamma"},
    heartbeatIntervalMillis = 200,
    heartbeatTimeoutMillis = 1000)
@DisplayName("A stream of messages between containers")
class StreamAcrossFaultIT {
  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final Pattern SUNK =
      Pattern.compile("sunk \\S+ received=(\\d+) duplicates=(\\d+) reordered=(\\d+) ranges=(\\S+)");
  private static final Pattern EMITTED = Pattern.compile("emitted \\S+ last=(\\d+) failed=(\\S+)");

  private static DistprocCluster cluster;
  private static Remote remote;

  @BeforeAll
  static void join(DistprocCluster c) {
    cluster = c;
    remote = new Remote(c, "probe");
  }

  /** An emitter on {@code from} streaming to a sink on {@code to}, every {@code intervalMs}. */
  private record Stream(Pid emitter, Pid sink) {
    long mark() {
      remote.node.send(emitter, "mark");
      String m = remote.probe.expectMessage(AWAIT, x -> x.startsWith(message("mark", emitter) + " "));
      return Long.parseLong(NodeProtocol.words(m, 3).get(2));
    }

    /** What the sink has received so far: the numbers, ascending. */
    List<Long> receivedSoFar() {
      remote.node.send(sink, message("report", remote.probe.pid()));
      Matcher k = SUNK.matcher(remote.probe.expectMessage(AWAIT, x -> x.startsWith(message("sunk", sink) + " ")));
      assertThat(k.matches()).isTrue();
      return NodeProtocol.parseRanges(k.group(4));
    }

    /**
     * Waits until the sink has every number up to {@code mark}, checking on the way that what it
     * has is always 1..n without a gap: nothing is lost while the link is up. Returns n.
     */
    long awaitDelivered(long mark) {
      long[] n = {0};
      DistprocCluster.awaitCond(
          () -> {
            List<Long> got = receivedSoFar();
            assertThat(got).as("received while the link is up, without a gap")
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, got.size()).boxed().toList());
            n[0] = got.size();
            return n[0] >= mark;
          },
          AWAIT,
          () -> "the sink received everything up to " + mark + "; it has 1.." + n[0]);
      return n[0];
    }
  }

  private static Stream stream(String from, String to, int intervalMs) {
    Pid sink = remote.spawn(to, NodeProtocol.SINK, remote.me());
    Pid emitter =
        remote.spawn(from, NodeProtocol.EMITTER, message(sink, intervalMs, remote.probe.pid()));
    return new Stream(emitter, sink);
  }

  /** Stops the stream; returns sent (not failed) and received sequence numbers, and checks order. */
  private static Map<String, TreeSet<Long>> stop(Stream s) {
    remote.node.send(s.emitter(), "stop");
    String emitted = remote.probe.expectMessage(AWAIT, m -> m.startsWith(message("emitted", s.emitter()) + " "));
    String sunk = remote.probe.expectMessage(AWAIT, m -> m.startsWith(message("sunk", s.sink()) + " "));
    Matcher e = EMITTED.matcher(emitted);
    Matcher k = SUNK.matcher(sunk);
    assertThat(e.matches()).as(emitted).isTrue();
    assertThat(k.matches()).as(sunk).isTrue();
    assertThat(k.group(2)).as("messages delivered twice").isEqualTo("0");
    assertThat(k.group(3)).as("messages delivered out of order").isEqualTo("0");
    long last = Long.parseLong(e.group(1));
    TreeSet<Long> sent = new TreeSet<>();
    for (long n = 1; n <= last; n++) {
      sent.add(n);
    }
    sent.removeAll(NodeProtocol.parseRanges(e.group(2)));
    TreeSet<Long> received = new TreeSet<>(NodeProtocol.parseRanges(k.group(4)));
    assertThat(Long.parseLong(k.group(1))).as("messages received").isEqualTo(received.size());
    System.out.println(emitted + " / " + sunk);
    return Map.of("sent", sent, "received", received, "failed", new TreeSet<>(NodeProtocol.parseRanges(e.group(2))));
  }

  /**
   * Lets a stream run until its emitter has tried {@code count} more sends (refused ones count):
   * a condition with a deadline, not a sleep.
   */
  private static void runFor(Stream s, long count) {
    long start = s.mark();
    long[] now = {start};
    DistprocCluster.awaitCond(
        () -> (now[0] = s.mark()) >= start + count,
        AWAIT,
        () -> "the emitter tried " + count + " more sends after " + start + "; it is at " + now[0]);
  }

  @Test
  @DisplayName("loses nothing while the link is up, and never delivers twice or out of order across a partition and heal")
  void acrossPartition() {
    Stream cut = stream("alpha", "beta", 5);
    Stream bystander = stream("alpha", "gamma", 5);
    runFor(cut, 200); // about a second at one send every 5 ms
    long beforeFault = cut.awaitDelivered(cut.mark());

    cluster.partition("alpha", "beta");
    cluster.awaitNodeDown("alpha", "beta", AWAIT);
    runFor(cut, 100); // sends while beta is known to be down
    cluster.heal("alpha", "beta");
    cluster.awaitNodeUp("alpha", "beta", AWAIT);
    long afterHeal = cut.mark();
    runFor(cut, 200);

    Map<String, TreeSet<Long>> c = stop(cut);
    TreeSet<Long> lost = new TreeSet<>(c.get("sent"));
    lost.removeAll(c.get("received"));
    assertThat(c.get("received")).as("everything delivered before the partition")
        .containsAll(c.get("sent").headSet(beforeFault, true));
    assertThat(c.get("received")).as("everything sent after the heal")
        .containsAll(c.get("sent").tailSet(afterHeal, false));
    assertThat(lost).as("lost only while the link was broken (between marks %d and %d)", beforeFault, afterHeal)
        .allMatch(n -> n > beforeFault && n <= afterHeal);
    assertThat(c.get("failed")).as("sends refused while beta was known to be down").isNotEmpty();
    System.out.println("partition: sent " + c.get("sent").size() + ", lost in flight " + lost.size()
        + ", refused while down " + c.get("failed").size());

    Map<String, TreeSet<Long>> b = stop(bystander);
    assertThat(b.get("failed")).as("alpha-gamma sends refused").isEmpty();
    assertThat(b.get("received")).as("alpha-gamma stream, whose link stayed up").isEqualTo(b.get("sent"));
  }

  @Test
  @DisplayName("loses nothing and keeps order while a third node is killed and restarted")
  void whileAnotherNodeRestarts() {
    Stream s = stream("beta", "alpha", 2);
    runFor(s, 250);
    s.awaitDelivered(s.mark());

    cluster.kill("gamma");
    cluster.awaitNodeDown("gamma", AWAIT);
    cluster.restart("gamma");
    cluster.awaitClusterFormed(AWAIT);

    Map<String, TreeSet<Long>> r = stop(s);
    assertThat(r.get("failed")).isEmpty();
    assertThat(r.get("received")).isEqualTo(r.get("sent"));
    assertThat(List.copyOf(r.get("received"))).isNotEmpty();
  }
}
