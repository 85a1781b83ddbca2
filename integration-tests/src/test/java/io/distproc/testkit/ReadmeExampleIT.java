package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.Pid;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's testkit example (between the README-EXAMPLE markers), compiled and run. */
@DisplayName("The README's testkit example")
// spotless:off (quoted in the README as it is written)
// README-EXAMPLE-START
@DistprocClusterTest(nodes = {"alpha", "beta", "gamma"},
    heartbeatIntervalMillis = 200, heartbeatTimeoutMillis = 1000)
class ReadmeExampleIT {
  @Test
  @DisplayName("sees a killed node go down on the others, and monitors of its processes fire")
  void killedNode(DistprocCluster cluster) {
    Node<String> probeNode = cluster.startLocalNode("probe");        // a node in this JVM
    TestProbe<String> probe = TestProbe.spawn(probeNode);
    Pid echo = probe.spawn(probeNode.remoteNode("gamma").orElseThrow(), "echo", "");
    probe.monitor(echo);

    cluster.kill("gamma");                                           // SIGKILL

    Duration took = cluster.awaitNodeDown("gamma", Duration.ofSeconds(5)); // on alpha and beta
    Down down = probe.expectDown(Duration.ofSeconds(5), d -> d.pid().equals(echo));
    assertThat(down.reason()).isInstanceOf(MonitorReason.NodeDown.class);
    assertThat(took).isLessThan(Duration.ofSeconds(3));
  }
}
// README-EXAMPLE-END
// spotless:on
