package io.distproc.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/*
 * Starting and removing a cluster as a whole. start() checks the image is there (it is never
 * pulled), registers a shutdown hook (Ryuk, which would remove what a dead JVM left, is off), starts
 * every container in parallel and waits for the cluster to form; on any failure it removes what it
 * started. close() runs once, from the test or from the hook: test-JVM nodes first, then the
 * containers (thawed first if paused: a frozen container cannot be stopped), then the networks, and
 * goes on past every failure. `closed` is the once-only flag; `startedIn` is written by start().
 */
final class ClusterLifecycle {
  private static final System.Logger LOG = System.getLogger("io.distproc.testkit");

  private final DockerImageName image;
  private final Duration startupTimeout;
  private final ClusterNodes nodes;
  private final ClusterNetworks networks;
  private final ClusterFaults faults;
  private final LocalNodes local;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook = new Thread(this::closeAtExit, "distproc-cluster-cleanup");
  private volatile Duration startedIn = Duration.ZERO;

  ClusterLifecycle(
      DockerImageName image,
      Duration startupTimeout,
      ClusterNodes nodes,
      ClusterNetworks networks,
      ClusterFaults faults,
      LocalNodes local) {
    this.image = image;
    this.startupTimeout = startupTimeout;
    this.nodes = nodes;
    this.networks = networks;
    this.faults = faults;
    this.local = local;
  }

  /** Starts every container in parallel, then runs {@code awaitFormed}. */
  void start(Runnable awaitFormed) {
    long t0 = System.nanoTime();
    try {
      requireImage();
      Runtime.getRuntime().addShutdownHook(shutdownHook);
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (NodeContainer c : nodes.containers()) {
        starts.add(CompletableFuture.runAsync(c::start));
      }
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new))
          .get(TimeFactor.dilated(startupTimeout).toMillis(), TimeUnit.MILLISECONDS);
      awaitFormed.run();
      startedIn = Duration.ofNanos(System.nanoTime() - t0);
      LOG.log(
          System.Logger.Level.INFO,
          () -> "cluster " + nodes.names() + " formed in " + startedIn.toMillis() + " ms");
    } catch (ExecutionException | TimeoutException | RuntimeException | AssertionError e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      IllegalStateException failure =
          new IllegalStateException("cluster " + nodes.names() + " did not start: " + cause, cause);
      try {
        close();
      } catch (RuntimeException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while starting the cluster", e);
    }
  }

  private void requireImage() {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image.asCanonicalNameString()).exec();
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      throw new IllegalStateException(
          "image "
              + image.asCanonicalNameString()
              + " is not built (and is never pulled): build it"
              + " with ./mvnw -pl docker -am package");
    }
  }

  Duration startedIn() {
    return startedIn;
  }

  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook runs, finds the cluster closed, and does nothing
      }
    }
    List<RuntimeException> failures = new ArrayList<>();
    local.close(failures);
    for (String name : nodes.names()) {
      NodeContainer c = nodes.container(name);
      try {
        if (c.getContainerId() != null && faults.takePaused(name)) {
          DockerClientFactory.instance().client().unpauseContainerCmd(c.getContainerId()).exec();
        }
        c.stop();
      } catch (RuntimeException ex) {
        failures.add(ex);
      }
    }
    networks.close(failures);
    if (!failures.isEmpty()) {
      IllegalStateException e =
          new IllegalStateException("cluster " + nodes.names() + " not fully removed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private void closeAtExit() {
    if (closed.get()) {
      return;
    }
    LOG.log(
        System.Logger.Level.WARNING,
        () ->
            "the JVM is exiting and cluster "
                + nodes.names()
                + " was not closed: removing its containers and networks");
    try {
      close();
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          () -> "cluster " + nodes.names() + " not fully removed at exit: " + e);
    }
  }
}
