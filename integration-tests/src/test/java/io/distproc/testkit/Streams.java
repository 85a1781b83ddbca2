package io.distproc.testkit;

import static io.distproc.node.NodeProtocol.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Pid;
import io.distproc.node.NodeProtocol;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

/**
 * Streams of numbered messages between containers, driven from the test JVM: an {@link
 * NodeProtocol#EMITTER emitter} on one node sends {@code seq 1, seq 2, ...} to a {@link
 * NodeProtocol#SINK sink} on another, which counts duplicates and reorderings.
 */
final class Streams {
  static final Duration AWAIT = Duration.ofSeconds(10);
  private static final Pattern SUNK =
      Pattern.compile("sunk \\S+ received=(\\d+) duplicates=(\\d+) reordered=(\\d+) ranges=(\\S+)");
  private static final Pattern EMITTED = Pattern.compile("emitted \\S+ last=(\\d+) failed=(\\S+)");

  private Streams() {}

  /** What a stopped stream did: what was sent (not refused), refused, and received. */
  record Outcome(
      TreeSet<Long> sent,
      TreeSet<Long> failed,
      TreeSet<Long> received,
      long duplicates,
      long reordered) {
    /** Sent and never received. */
    TreeSet<Long> lost() {
      TreeSet<Long> lost = new TreeSet<>(sent);
      lost.removeAll(received);
      return lost;
    }
  }

  /** An emitter streaming to a sink, both watched by {@code remote}'s probe. */
  record Stream(Remote remote, Pid emitter, Pid sink) {
    /** The emitter's last sequence number so far. */
    long mark() {
      remote.node.send(emitter, "mark");
      String m =
          remote.probe.expectMessage(AWAIT, x -> x.startsWith(message("mark", emitter) + " "));
      return Long.parseLong(NodeProtocol.words(m, 3).get(2));
    }

    /** What the sink has received so far: the numbers, ascending. */
    List<Long> receivedSoFar() {
      remote.node.send(sink, message("report", remote.probe.pid()));
      Matcher k =
          SUNK.matcher(
              remote.probe.expectMessage(AWAIT, x -> x.startsWith(message("sunk", sink) + " ")));
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
            assertThat(got)
                .as("received while the link is up, without a gap")
                .isEqualTo(LongStream.rangeClosed(1, got.size()).boxed().toList());
            n[0] = got.size();
            return n[0] >= mark;
          },
          AWAIT,
          () -> "the sink received everything up to " + mark + "; it has 1.." + n[0]);
      return n[0];
    }

    /**
     * Lets the stream run until its emitter has tried {@code count} more sends (refused ones
     * count): a condition with a deadline, not a sleep.
     */
    void runFor(long count, Duration within) {
      long start = mark();
      long[] now = {start};
      DistprocCluster.awaitCond(
          () -> (now[0] = mark()) >= start + count,
          within,
          () ->
              "the emitter tried " + count + " more sends after " + start + "; it is at " + now[0]);
    }

    /** Stops the stream and returns what it did; checks the sink's count matches its numbers. */
    Outcome stop() {
      return stop(AWAIT);
    }

    /** Like {@link #stop()}, waiting up to {@code within} for the sink's last report. */
    Outcome stop(Duration within) {
      remote.node.send(emitter, "stop");
      String emitted =
          remote.probe.expectMessage(within, m -> m.startsWith(message("emitted", emitter) + " "));
      String sunk =
          remote.probe.expectMessage(within, m -> m.startsWith(message("sunk", sink) + " "));
      Matcher e = EMITTED.matcher(emitted);
      Matcher k = SUNK.matcher(sunk);
      assertThat(e.matches()).as(emitted).isTrue();
      assertThat(k.matches()).as(sunk).isTrue();
      TreeSet<Long> failed = new TreeSet<>(NodeProtocol.parseRanges(e.group(2)));
      TreeSet<Long> sent = new TreeSet<>();
      LongStream.rangeClosed(1, Long.parseLong(e.group(1)))
          .filter(n -> !failed.contains(n))
          .forEach(sent::add);
      TreeSet<Long> received = new TreeSet<>(NodeProtocol.parseRanges(k.group(4)));
      long duplicates = Long.parseLong(k.group(2));
      assertThat(Long.parseLong(k.group(1)) - duplicates)
          .as("distinct messages received")
          .isEqualTo(received.size());
      return new Outcome(sent, failed, received, duplicates, Long.parseLong(k.group(3)));
    }
  }

  /**
   * Starts a sink on {@code to} and an emitter on {@code from}, one send every {@code intervalMs}.
   */
  static Stream start(Remote remote, String from, String to, int intervalMs) {
    return start(remote, from, to, intervalMs, 1);
  }

  /** Like {@link #start(Remote, String, String, int)}, {@code burst} sends every interval. */
  static Stream start(Remote remote, String from, String to, int intervalMs, int burst) {
    Pid sink = remote.spawn(to, NodeProtocol.SINK, remote.me());
    Pid emitter =
        remote.spawn(
            from, NodeProtocol.EMITTER, message(sink, intervalMs, remote.probe.pid(), burst));
    return new Stream(remote, emitter, sink);
  }
}
