package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.NodeDownEvent.Cause;
import io.distproc.NodeId;
import io.distproc.node.events.NodeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.utility.DockerImageName;

/** What a NodeContainer reads from its node's log; no container is started. */
class NodeContainerLogTest {
  private final NodeContainer c =
      new NodeContainer(DockerImageName.parse("distproc-node:test"), "alpha");

  /** Prints a line as the node image's Logback pattern does: time, level, logger, message. */
  private void print(String message) {
    String line = "21:44:37.688 INFO  membership               " + message + "\n";
    c.record(new OutputFrame(OutputFrame.OutputType.STDOUT, line.getBytes(StandardCharsets.UTF_8)));
  }

  private void print(NodeEvent event) {
    print(event.format());
  }

  private static NodeEvent ready(long incarnation) {
    return new NodeEvent.Ready(
        NodeId.of("alpha", incarnation), "alpha", 7000, "listening on 0.0.0.0:7000");
  }

  private static NodeEvent up(String name, long incarnation) {
    return new NodeEvent.PeerUp(NodeId.of(name, incarnation));
  }

  private static NodeEvent down(String name, long incarnation, String detail) {
    return new NodeEvent.PeerDown(NodeId.of(name, incarnation), Cause.CONNECTION_LOST, detail);
  }

  @Test
  void nodeId_readyEvent_givesTheIncarnation() {
    print("distproc-event ready node=alpha#17 address=alpha:7000 detail=listening on 0.0.0.0:7000");

    assertThat(c.nodeId()).contains(NodeId.of("alpha", 17));
  }

  @Test
  void nodeId_beforeTheReadyEvent_isEmpty() {
    print("distproc node alpha starting");

    assertThat(c.nodeId()).isEmpty();
  }

  @Test
  void peerView_upsAndDowns_keepsTheLiveIncarnations() {
    print(ready(1));
    print(up("beta", 5));
    print(up("gamma", 6));
    print(down("gamma", 6, "gone"));
    print(up("gamma", 9));
    print(down("beta", 4, "an older incarnation"));

    assertThat(c.peerView())
        .containsOnlyKeys("beta", "gamma")
        .containsEntry("beta", 5L)
        .containsEntry("gamma", 9L);
  }

  @Test
  void peerView_newIncarnationOfTheContainer_startsEmpty() {
    print(ready(1));
    print(up("beta", 5));
    print(ready(2));

    assertThat(c.peerView()).isEmpty();
  }

  @Test
  void peerView_wordsOutsideAnEventLine_areNotEvents() {
    print(ready(1));
    print("workload: round 3: echo on beta#5 ended; node-up beta#5 was logged before");

    assertThat(c.peerView()).isEmpty();
  }

  @Test
  void peerView_malformedEventLine_failsNamingTheLine() {
    print("distproc-event node-up node=beta");

    assertThatThrownBy(c::peerView)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node=beta");
  }

  @Test
  void awaitLine_lineAfterTheMark_isFound() throws InterruptedException {
    print(down("beta", 1, "old"));
    long mark = c.logMark();
    print(down("beta", 2, "new"));

    assertThat(c.awaitLine(mark, t -> t.contains("node-down node=beta#"), Duration.ZERO))
        .hasValueSatisfying(l -> assertThat(l.event()).contains(down("beta", 2, "new")));
  }

  @Test
  void awaitReady_readyEventOfAnotherNode_isNotThisOne() throws InterruptedException {
    print(new NodeEvent.Ready(NodeId.of("beta", 3), "beta", 7000, ""));
    assertThat(c.awaitReady(Duration.ZERO)).isEmpty();

    print(ready(4));
    assertThat(c.awaitReady(Duration.ZERO))
        .hasValueSatisfying(l -> assertThat(l.event()).contains(ready(4)));
  }
}
