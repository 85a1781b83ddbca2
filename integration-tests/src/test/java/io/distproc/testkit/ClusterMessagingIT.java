package io.distproc.testkit;

import static io.distproc.node.NodeProtocol.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.Spawned;
import io.distproc.node.NodeProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DistprocClusterTest(nodes = {"alpha", "beta", "gamma"})
@DisplayName("Three containers")
class ClusterMessagingIT {
  private static final Duration QUIET = Duration.ofMillis(700);
  private static Remote remote;

  @BeforeAll
  static void join(DistprocCluster cluster) {
    remote = new Remote(cluster, "probe");
  }

  @Test
  @DisplayName(
      "spawn a behaviour by name on every container and answer a message from the test JVM")
  void remoteSpawnAndSend() {
    for (String name : List.of("alpha", "beta", "gamma")) {
      Pid echo = remote.spawn(name, NodeProtocol.ECHO, "");

      assertThat(echo.node()).isEqualTo(remote.cluster.nodeId(name));
      assertThat(remote.pings(echo, "hello " + name, Remote.PATIENCE))
          .as("pong from " + name)
          .isTrue();
    }
  }

  @Test
  @DisplayName("let a process on one container spawn, message and monitor a process on another")
  void containerToContainer() {
    Pid alphaAgent = remote.agent("alpha");

    List<String> spawned =
        remote.ask(
            alphaAgent, "spawned", "spawn-monitored", remote.me(), "beta", NodeProtocol.CRASHER);
    Pid crasher = NodeProtocol.parsePid(spawned.get(1));
    String ref = spawned.get(2);
    assertThat(crasher.node().name()).isEqualTo("beta");

    Pid forwarder =
        NodeProtocol.parsePid(
            remote
                .ask(
                    alphaAgent,
                    "spawned",
                    "spawn",
                    remote.me(),
                    "gamma",
                    NodeProtocol.FORWARD,
                    remote.me())
                .get(1));
    remote.node.send(alphaAgent, message("send", forwarder, "hello from alpha"));
    assertThat(remote.expect("got ")).isEqualTo(message("got", forwarder, "hello from alpha"));

    remote.node.send(alphaAgent, message("send", crasher, "crash boom"));
    List<String> down = remote.expectDownOnce(ref, crasher, QUIET);
    assertThat(down.get(3)).isEqualTo("Crashed");
    assertThat(down.get(4)).isEqualTo("java.lang.IllegalStateException: boom");
  }

  @Test
  @DisplayName(
      "deliver a broadcast from one container to every process on another and nowhere else")
  void broadcast() {
    List<Pid> onBeta = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      onBeta.add(remote.spawn("beta", NodeProtocol.FORWARD, remote.me()));
    }
    Pid onGamma = remote.spawn("gamma", NodeProtocol.FORWARD, remote.me());
    Pid alphaAgent = remote.agent("alpha");

    remote.node.send(alphaAgent, message("broadcast", "beta", "to all on beta"));

    List<String> got = new ArrayList<>();
    for (int i = 0; i < onBeta.size(); i++) {
      got.add(remote.expect("got "));
    }
    assertThat(got)
        .containsExactlyInAnyOrderElementsOf(
            onBeta.stream().map(p -> message("got", p, "to all on beta")).toList());
    remote.probe.expectNoMessage(QUIET, m -> m.startsWith("got "));
    for (Pid p : onBeta) {
      remote.node.send(p, "stop");
    }
    remote.node.send(onGamma, "stop");
  }

  @Test
  @DisplayName("fire each monitor across containers exactly once, with the reason")
  void monitorsAcrossContainers() {
    Pid gammaAgent = remote.agent("gamma");
    Pid betaAgent = remote.agent("beta");
    Pid echo = remote.spawn("alpha", NodeProtocol.ECHO, "");

    String fromGamma = remote.monitorFrom(gammaAgent, echo);
    String fromBeta = remote.monitorFrom(betaAgent, echo);
    Spawned watched = remote.probe.spawnMonitored(remote.nodeId("alpha"), NodeProtocol.CRASHER, "");
    remote.node.send(echo, "stop");
    remote.node.send(watched.pid(), "exit");

    assertThat(remote.expectDownOnce(fromGamma, echo, QUIET).get(3)).isEqualTo("Normal");
    assertThat(remote.expectDownOnce(fromBeta, echo, QUIET).get(3)).isEqualTo("Normal");
    Down down = remote.probe.expectDown(Remote.PATIENCE, d -> d.ref().equals(watched.monitor()));
    assertThat(down.reason()).isInstanceOf(MonitorReason.Normal.class);

    NodeId beta = remote.nodeId("beta");
    Pid neverExisted = Pid.of(beta, 999_999_999L);
    String ref = remote.monitorFrom(gammaAgent, neverExisted);
    assertThat(remote.expectDownOnce(ref, neverExisted, QUIET).get(3)).isEqualTo("NoProcess");
  }
}
