package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Frame;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.node.events.NodeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;

/**
 * The testkit itself: start-up time, clean-up, the node image's event lines as the testkit reads
 * them, and the image's reaction to bad config.
 */
@ExtendWith(DistprocClusterExtension.class) // the Docker condition only: these tests make their own
@DisplayName("The testkit")
class DistprocClusterIT {

  private static List<String> leftovers(DockerClient docker) {
    Map<String, String> ours =
        Map.of("org.testcontainers.sessionId", DockerClientFactory.SESSION_ID);
    List<String> left = new ArrayList<>();
    docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(ours)
        .exec()
        .forEach(c -> left.add("container " + c.getId()));
    docker.listNetworksCmd().exec().stream()
        .filter(
            n ->
                n.getLabels() != null
                    && DockerClientFactory.SESSION_ID.equals(
                        n.getLabels().get("org.testcontainers.sessionId")))
        .forEach(n -> left.add("network " + n.getName()));
    return left;
  }

  @Test
  @DisplayName(
      "starts a three-node cluster in under 30 s and removes every container and network it made, paused and killed ones too")
  void startsFastAndCleansUp() {
    DockerClient docker = DockerClientFactory.instance().client();
    List<String> before = leftovers(docker);
    Duration took;
    try (DistprocCluster cluster =
        DistprocCluster.builder()
            .nodes("alpha", "beta", "gamma")
            .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1))
            .build()) {
      cluster.start();
      took = cluster.startedIn();
      System.out.println("3-node cluster formed in " + took.toMillis() + " ms");
      assertThat(cluster.views().get("alpha")).containsOnlyKeys("beta", "gamma");
      cluster.pause("beta");
      cluster.kill("gamma");
      cluster.partition("alpha", "beta");
    }
    assertThat(took).isLessThan(TimeFactor.dilated(Duration.ofSeconds(30)));
    assertThat(leftovers(docker)).as("left behind").isEqualTo(before);
  }

  @Test
  @DisplayName(
      "reads every event line the node image prints, ready, node-up and node-down, with the"
          + " fields the nodes announced")
  void readsTheImagesEventLines() {
    try (DistprocCluster cluster =
        DistprocCluster.builder()
            .nodes("alpha", "beta")
            .heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1))
            .build()) {
      cluster.start();
      NodeId alpha = cluster.nodeId("alpha");
      NodeId beta = cluster.nodeId("beta");
      cluster.kill("beta");
      cluster.awaitNodeDown("beta", Duration.ofSeconds(10));

      List<String> marked =
          cluster.container("alpha").logLines().stream()
              .filter(l -> l.contains(NodeEvent.MARKER + " "))
              .toList();
      assertThat(marked)
          .as("event lines of alpha")
          .hasSizeGreaterThanOrEqualTo(3)
          .allSatisfy(l -> assertThat(NodeEvent.parse(l)).as(l).isPresent());
      List<NodeEvent> events = cluster.container("alpha").events();
      assertThat(events.getFirst())
          .isInstanceOfSatisfying(
              NodeEvent.Ready.class,
              r -> {
                assertThat(r.node()).isEqualTo(alpha);
                assertThat(r.host()).isEqualTo("alpha");
                assertThat(r.port()).isEqualTo(NodeContainer.NODE_PORT);
                assertThat(r.detail()).contains("listening on");
              });
      assertThat(events).contains(new NodeEvent.PeerUp(beta));
      assertThat(events)
          .filteredOn(NodeEvent.PeerDown.class::isInstance)
          .map(NodeEvent.PeerDown.class::cast)
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.node()).isEqualTo(beta);
                assertThat(d.cause())
                    .isIn(
                        NodeDownEvent.Cause.CONNECTION_LOST, NodeDownEvent.Cause.HEARTBEAT_TIMEOUT);
              });
    }
  }

  @Test
  @DisplayName(
      "sees a node with a bad environment exit with status 2 and one line per bad variable")
  void badConfig() throws Exception {
    DockerClient docker = DockerClientFactory.instance().client();
    CreateContainerResponse created =
        docker
            .createContainerCmd(NodeContainer.defaultImage().asCanonicalNameString())
            .withEnv("DISTPROC_NODE_NAME=-x", "DISTPROC_PORT=99999", "DISTPROC_SEEDS=a@b:c")
            .withLabels(Map.of("org.testcontainers.sessionId", DockerClientFactory.SESSION_ID))
            .exec();
    try {
      docker.startContainerCmd(created.getId()).exec();
      int status =
          docker
              .waitContainerCmd(created.getId())
              .exec(new WaitContainerResultCallback())
              .awaitStatusCode(
                  TimeFactor.dilated(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS);
      List<String> lines = new ArrayList<>();
      docker
          .logContainerCmd(created.getId())
          .withStdErr(true)
          .withStdOut(true)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  lines.add(
                      new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8)
                          .strip());
                }
              })
          .awaitCompletion(10, TimeUnit.SECONDS);

      assertThat(status).isEqualTo(2);
      assertThat(lines)
          .hasSize(4)
          .anyMatch(
              l -> l.startsWith("distproc-node: DISTPROC_NODE_NAME: node name '-x' is malformed"))
          .anyMatch(l -> l.startsWith("distproc-node: DISTPROC_SECURITY: required: mtls"))
          .anyMatch(l -> l.startsWith("distproc-node: DISTPROC_PORT: must be a port"))
          .anyMatch(
              l -> l.startsWith("distproc-node: DISTPROC_SEEDS: 'a@b:c': port must be a number"));
    } finally {
      docker.removeContainerCmd(created.getId()).withForce(true).exec();
    }
  }
}
