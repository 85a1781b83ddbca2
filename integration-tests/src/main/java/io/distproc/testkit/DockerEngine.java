package io.distproc.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine answers, decided once per JVM and quickly: a missing socket is known at
 * once, and Testcontainers' own probe gets a deadline, so a test run never hangs on it.
 */
final class DockerEngine {
  private static final Duration PROBE_DEADLINE = Duration.ofSeconds(30);
  private static final ReentrantLock LOCK = new ReentrantLock();
  // Written once under LOCK; read by any thread.
  private static volatile @Nullable Optional<String> unavailable;

  private DockerEngine() {}

  /** Why no engine can be used, in one line; empty when one answers. */
  static Optional<String> unavailableReason() {
    Optional<String> r = unavailable;
    if (r == null) {
      LOCK.lock(); // once per JVM; a ReentrantLock, since the probe parks
      try {
        r = unavailable;
        if (r == null) {
          r = probe();
          unavailable = r;
        }
      } finally {
        LOCK.unlock();
      }
    }
    return r;
  }

  private static Optional<String> probe() {
    String dockerHost = System.getenv("DOCKER_HOST");
    if ((dockerHost == null || dockerHost.isBlank())
        && !Files.exists(Path.of("/var/run/docker.sock"))) {
      return Optional.of(
          "no Docker engine: /var/run/docker.sock does not exist and DOCKER_HOST is not set"
              + " (scripts/docker-engine.sh starts one)");
    }
    try {
      boolean ok =
          CompletableFuture.supplyAsync(() -> DockerClientFactory.instance().isDockerAvailable())
              .get(PROBE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      return ok
          ? Optional.empty()
          : Optional.of(
              "no Docker engine answers at "
                  + (dockerHost == null ? "unix:///var/run/docker.sock" : dockerHost)
                  + " (scripts/docker-engine.sh starts one)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while waiting for the Docker engine to answer");
    } catch (Exception e) {
      return Optional.of(
          "the Docker engine did not answer within " + PROBE_DEADLINE.toSeconds() + " s: " + e);
    }
  }
}
