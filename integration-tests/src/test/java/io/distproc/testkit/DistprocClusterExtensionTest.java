package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * What {@link DistprocClusterTest} does on a machine without a Docker engine, shown by running a
 * small test class under a probe that finds none: skipped with the reason, or failed on CI; at once
 * either way.
 */
class DistprocClusterExtensionTest {
  private static final String NO_ENGINE =
      "no Docker engine: /var/run/docker.sock does not exist and DOCKER_HOST is not set";

  /** Far above what the run takes (milliseconds), far below Testcontainers' own waits (minutes). */
  private static final Duration PROMPTLY = Duration.ofSeconds(10);

  /** Would start a cluster; with no engine it must never get that far. */
  @DistprocClusterTest(nodes = {"alpha", "beta"})
  static class NeedsACluster {
    @Test
    void usesTheCluster(DistprocCluster cluster) {
      assertThat(cluster.nodeNames()).containsExactly("alpha", "beta");
    }
  }

  @AfterEach
  void realSurroundingsAgain() {
    DistprocClusterExtension.surroundings = DistprocClusterExtension.Surroundings.REAL;
  }

  private static Events run(boolean onCi) {
    DistprocClusterExtension.surroundings =
        new DistprocClusterExtension.Surroundings() {
          @Override
          public Optional<String> dockerUnavailable() {
            return Optional.of(NO_ENGINE);
          }

          @Override
          public boolean onCi() {
            return onCi;
          }
        };
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(NeedsACluster.class))
        .execute()
        .allEvents();
  }

  @Test
  void noEngine_notOnCi_skipsTheClassWithTheReasonInOneLine() {
    long t0 = System.nanoTime();
    Events events = run(false);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    events
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                container(NeedsACluster.class),
                skippedWithReason("container tests skipped: " + NO_ENGINE)));
    assertThat(events.skipped().list().getFirst().getPayload(String.class).orElseThrow())
        .doesNotContain("\n");
    assertThat(events.started().count()).as("started: only the engine").isEqualTo(1);
    assertThat(took).as("time to skip").isLessThan(PROMPTLY);
  }

  @Test
  void noEngine_onCi_failsTheClassSayingAnEngineIsRequired() {
    long t0 = System.nanoTime();
    Events events = run(true);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    events
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                container(NeedsACluster.class),
                finishedWithFailure(
                    message(
                        "CI=true requires a Docker engine for the container tests: "
                            + NO_ENGINE))));
    assertThat(events.skipped().count()).as("skipped").isZero();
    assertThat(took).as("time to fail").isLessThan(PROMPTLY);
  }
}
