package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.testkit.Streams.Stream;
import java.time.Duration;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DistprocClusterTest(
    nodes = {"alpha", "beta", "gamma"},
    heartbeatIntervalMillis = 200,
    heartbeatTimeoutMillis = 1000)
@DisplayName("A stream of messages between containers")
class StreamAcrossFaultIT {
  private static final Duration AWAIT = Streams.AWAIT;

  private static DistprocCluster cluster;
  private static Remote remote;

  @BeforeAll
  static void join(DistprocCluster c) {
    cluster = c;
    remote = new Remote(c, "probe");
  }

  @Test
  @DisplayName(
      "loses nothing while the link is up, and never delivers twice or out of order across a partition and heal")
  void acrossPartition() {
    Stream cut = Streams.start(remote, "alpha", "beta", 5);
    Stream bystander = Streams.start(remote, "alpha", "gamma", 5);
    cut.runFor(200, AWAIT); // about a second at one send every 5 ms
    long beforeFault = cut.awaitDelivered(cut.mark());

    cluster.partition("alpha", "beta");
    cluster.awaitNodeDown("alpha", "beta", AWAIT);
    cut.runFor(100, AWAIT); // sends while beta is known to be down
    cluster.heal("alpha", "beta");
    cluster.awaitNodeUp("alpha", "beta", AWAIT);
    long afterHeal = cut.mark();
    cut.runFor(200, AWAIT);

    Streams.Outcome c = cut.stop();
    TreeSet<Long> lost = c.lost();
    assertThat(c.duplicates()).as("messages delivered twice").isZero();
    assertThat(c.reordered()).as("messages delivered out of order").isZero();
    assertThat(c.received())
        .as("everything delivered before the partition")
        .containsAll(c.sent().headSet(beforeFault, true));
    assertThat(c.received())
        .as("everything sent after the heal")
        .containsAll(c.sent().tailSet(afterHeal, false));
    assertThat(lost)
        .as("lost only while the link was broken (between marks %d and %d)", beforeFault, afterHeal)
        .allMatch(n -> n > beforeFault && n <= afterHeal);
    assertThat(c.failed()).as("sends refused while beta was known to be down").isNotEmpty();
    System.out.println(
        "partition: sent "
            + c.sent().size()
            + ", lost in flight "
            + lost.size()
            + ", refused while down "
            + c.failed().size());

    Streams.Outcome b = bystander.stop();
    assertThat(b.failed()).as("alpha-gamma sends refused").isEmpty();
    assertThat(b.duplicates() + b.reordered())
        .as("alpha-gamma duplicates and reorderings")
        .isZero();
    assertThat(b.received()).as("alpha-gamma stream, whose link stayed up").isEqualTo(b.sent());
  }

  @Test
  @DisplayName("loses nothing and keeps order while a third node is killed and restarted")
  void whileAnotherNodeRestarts() {
    Stream s = Streams.start(remote, "beta", "alpha", 2);
    s.runFor(250, AWAIT);
    s.awaitDelivered(s.mark());

    cluster.kill("gamma");
    cluster.awaitNodeDown("gamma", AWAIT);
    cluster.restart("gamma");
    cluster.awaitClusterFormed(AWAIT);

    Streams.Outcome r = s.stop();
    assertThat(r.failed()).isEmpty();
    assertThat(r.duplicates() + r.reordered()).as("duplicates and reorderings").isZero();
    assertThat(r.received()).isEqualTo(r.sent()).isNotEmpty();
  }
}
