package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.NodeId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.utility.DockerImageName;

/** What a NodeContainer reads from its node's log; no container is started. */
class NodeContainerLogTest {
  private final NodeContainer c = new NodeContainer(DockerImageName.parse("distproc-node:test"), "alpha");

  private void print(String line) {
    c.record(new OutputFrame(OutputFrame.OutputType.STDOUT, (line + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void nodeId_readyLine_givesTheIncarnation() {
    print("21:44:37.688 INFO  node  distproc node alpha ready on alpha:7000 as alpha#17 (listening on ...)");

    assertThat(c.nodeId()).contains(NodeId.of("alpha", 17));
  }

  @Test
  void peerView_upsAndDowns_keepsTheLiveIncarnations() {
    print("x distproc node alpha ready on alpha:7000 as alpha#1 (...)");
    print("x node-up beta#5");
    print("x node-up gamma#6");
    print("x node-down gamma#6 cause=CONNECTION_LOST detail=gone");
    print("x node-up gamma#9");
    print("x node-down beta#4 cause=CONNECTION_LOST detail=an older incarnation");

    assertThat(c.peerView()).containsOnlyKeys("beta", "gamma").containsEntry("beta", 5L).containsEntry("gamma", 9L);
  }

  @Test
  void peerView_newIncarnationOfTheContainer_startsEmpty() {
    print("x distproc node alpha ready on alpha:7000 as alpha#1 (...)");
    print("x node-up beta#5");
    print("x distproc node alpha ready on alpha:7000 as alpha#2 (...)");

    assertThat(c.peerView()).isEmpty();
  }

  @Test
  void awaitLine_lineAfterTheMark_isFound() throws InterruptedException {
    print("x node-down beta#1 cause=HEARTBEAT_TIMEOUT detail=old");
    long mark = c.logMark();
    print("x node-down beta#2 cause=HEARTBEAT_TIMEOUT detail=new");

    assertThat(c.awaitLine(mark, t -> t.contains("node-down beta#"), Duration.ZERO))
        .hasValueSatisfying(l -> assertThat(l.text()).contains("beta#2"));
  }
}
