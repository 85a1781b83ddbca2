package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import com.github.dockerjava.api.DockerClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.testcontainers.DockerClientFactory;

/** Nothing the testkit starts outlives its test: not after a failed test, not after an exit. */
@ExtendWith(DistprocClusterExtension.class) // the Docker condition only
@DisplayName("The testkit's clean-up")
class CleanupIT {
  private static final Duration EXIT = Duration.ofSeconds(90);

  /** Fails on purpose, with its cluster running. */
  @DistprocClusterTest(nodes = {"alpha"})
  static class FailsWithAClusterUp {
    @Test
    void fails(DistprocCluster cluster) {
      assertThat(cluster.container("alpha").isRunning()).isTrue();
      throw new AssertionError("failing on purpose");
    }
  }

  /** Started in a JVM of its own: starts a cluster and exits without closing it. */
  static final class ExitsWithoutClosing {
    public static void main(String[] args) {
      DistprocCluster cluster = DistprocCluster.builder().nodes("alpha", "beta").build();
      cluster.start();
      System.out.println(
          "session "
              + NodeContainer.SESSION
              + " containers "
              + cluster.nodeNames().stream()
                  .map(n -> cluster.container(n).getContainerId())
                  .toList());
      System.out.flush();
      System.exit(3); // no close(): only the shutdown hook can remove the cluster
    }
  }

  private static List<String> labelled(String session) {
    DockerClient docker = DockerClientFactory.instance().client();
    List<String> found = new ArrayList<>();
    docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(NodeContainer.LABEL, session))
        .exec()
        .forEach(c -> found.add("container " + c.getId()));
    docker
        .listNetworksCmd()
        .withFilter("label", List.of(NodeContainer.LABEL + "=" + session))
        .exec()
        .forEach(n -> found.add("network " + n.getName()));
    return found;
  }

  @Test
  @DisplayName(
      "removes the containers and networks of a @DistprocClusterTest class whose test fails")
  void failingTestClass_leavesNothing() {
    List<String> before = labelled(NodeContainer.SESSION);

    Events tests =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(FailsWithAClusterUp.class))
            .execute()
            .testEvents();

    tests
        .assertThatEvents()
        .haveExactly(1, event(test("fails"), finishedWithFailure(message("failing on purpose"))));
    assertThat(labelled(NodeContainer.SESSION)).as("left by the failed class").isEqualTo(before);
  }

  @Test
  @DisplayName("removes a cluster that was never closed when its JVM exits")
  void exitWithoutClose_shutdownHookRemovesTheCluster() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-D" + TimeFactor.PROPERTY + "=" + TimeFactor.factor(),
                "-Ddistproc.image=" + NodeContainer.defaultImage().asCanonicalNameString(),
                ExitsWithoutClosing.class.getName())
            .redirectErrorStream(true)
            .start();
    CompletableFuture<List<String>> output = CompletableFuture.supplyAsync(() -> lines(child));
    assertThat(child.waitFor(TimeFactor.dilated(EXIT).toMillis(), TimeUnit.MILLISECONDS))
        .as("the child JVM exited")
        .isTrue();
    List<String> out = output.get(10, TimeUnit.SECONDS);
    assertThat(child.exitValue())
        .as("exit status; output:\n" + String.join("\n", out))
        .isEqualTo(3);
    Optional<String> session =
        out.stream().filter(l -> l.startsWith("session ")).map(l -> l.split(" ")[1]).findFirst();
    assertThat(session)
        .as("the child's session line; output:\n" + String.join("\n", out))
        .isPresent();

    assertThat(labelled(session.get())).as("left by the exited JVM").isEmpty();
    assertThat(out)
        .anyMatch(l -> l.contains("was not closed: removing its containers and networks"));
  }

  private static List<String> lines(Process p) {
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        lines.add(l);
      }
    } catch (IOException e) {
      lines.add("(reading the output failed: " + e + ")");
    }
    return lines;
  }
}
