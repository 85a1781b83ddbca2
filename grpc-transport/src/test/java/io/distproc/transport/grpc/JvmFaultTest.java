package io.distproc.transport.grpc;

import static io.distproc.Matcher.onDown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.testing.TestTimeFactor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Real process faults: the peer node runs in a JVM of its own, which the test kills (SIGKILL) or
 * stops (SIGSTOP: the process hangs with its connection open). Monitors on its processes must fire
 * exactly once, with NodeDown, within the documented bound.
 */
@EnabledOnOs(OS.LINUX)
class JvmFaultTest {
  private static final int TIME_FACTOR = TestTimeFactor.FACTOR;
  private static final Duration WAIT = Duration.ofSeconds(30L * TIME_FACTOR);
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final Duration TIMEOUT = Duration.ofMillis(1000);

  private final List<java.lang.Process> children = new ArrayList<>();
  private final List<NodeDownEvent> downs = new CopyOnWriteArrayList<>();
  private Node<String> alpha;

  @AfterEach
  void cleanUp() throws Exception {
    for (java.lang.Process child : children) {
      signal(child, "CONT");
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
    if (alpha != null) {
      alpha.close();
    }
  }

  @Test
  @DisplayName("a peer whose JVM is killed is reported down at once, its monitors firing once")
  void killedPeer_reportedConnectionLostPromptly_monitorsOnce() throws Exception {
    Watch watch = startAndWatch("beta");

    long killedAt = System.nanoTime();
    watch.child().destroyForcibly(); // SIGKILL

    List<Down> notices = watch.notices().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    Duration detected = Duration.ofNanos(watch.firstNoticeAt().join() - killedAt);
    assertThat(notices).hasSize(2);
    assertThat(notices)
        .allSatisfy(d -> assertThat(d.reason()).isInstanceOf(MonitorReason.NodeDown.class));
    assertThat(downs).hasSize(1);
    assertThat(downs.get(0).cause()).isEqualTo(NodeDownEvent.Cause.CONNECTION_LOST);
    // A killed process's sockets are closed by the kernel: no need to wait for heartbeats.
    assertThat(detected).isLessThan(TIMEOUT);
  }

  @Test
  @DisplayName(
      "a peer whose JVM hangs (SIGSTOP) is reported down by heartbeat timeout, its monitors firing once")
  void hungPeer_reportedByHeartbeatTimeoutWithinBound_monitorsOnce() throws Exception {
    Watch watch = startAndWatch("gamma");

    long stopping = System.nanoTime();
    signal(watch.child(), "STOP");
    long stopped = System.nanoTime(); // kill(1) has returned: the child is stopped

    List<Down> notices = watch.notices().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    long noticed = watch.firstNoticeAt().join();
    assertThat(notices).hasSize(2);
    assertThat(notices)
        .allSatisfy(d -> assertThat(d.reason()).isInstanceOf(MonitorReason.NodeDown.class));
    assertThat(downs).hasSize(1);
    assertThat(downs.get(0).cause()).isEqualTo(NodeDownEvent.Cause.HEARTBEAT_TIMEOUT);
    // The bound: declared down the timeout after the child was last heard, which is at most an
    // interval before it stopped; late only by scheduling and the Down's way to the watcher.
    assertThat(Duration.ofNanos(noticed - stopping))
        .isGreaterThanOrEqualTo(TIMEOUT.minus(INTERVAL));
    assertThat(Duration.ofNanos(noticed - stopped))
        .isLessThanOrEqualTo(TIMEOUT.plus(Duration.ofMillis(200L * TIME_FACTOR)));
  }

  /** A child node, two monitored processes on it, and the notices they will give. */
  private record Watch(
      java.lang.Process child,
      CompletableFuture<List<Down>> notices,
      CompletableFuture<Long> firstNoticeAt) {}

  private Watch startAndWatch(String name) throws Exception {
    alpha =
        Node.builder(
                NodeConfig.remote("alpha")
                    .bind("127.0.0.1", 0)
                    .heartbeat(INTERVAL, TIMEOUT)
                    .plaintext()
                    .build(),
                Codec.utf8())
            .behaviours(Behaviours.none())
            .onNodeDown(downs::add)
            .start();
    java.lang.Process child = startChild(name, alpha.boundAddress().orElseThrow().getPort());
    await()
        .atMost(WAIT)
        .failFast("child " + name + " died", () -> !child.isAlive())
        .until(() -> alpha.remoteNode(name).isPresent());
    NodeId node = alpha.remoteNode(name).orElseThrow();
    CompletableFuture<List<Down>> notices = new CompletableFuture<>();
    CompletableFuture<Long> first = new CompletableFuture<>();
    CompletableFuture<Void> watching = new CompletableFuture<>();
    alpha.spawn(
        ctx -> {
          Pid one = ctx.spawn(node, "waiter", "");
          Pid two = ctx.spawn(node, "waiter", "");
          ctx.monitor(one);
          ctx.monitor(two);
          watching.complete(null);
          List<Down> got = new ArrayList<>();
          got.add(ctx.receive(WAIT, onDown(d -> d)).orElseThrow());
          first.complete(System.nanoTime());
          got.add(ctx.receive(WAIT, onDown(d -> d)).orElseThrow());
          // Exactly once: nothing more arrives for a while after the node went down.
          ctx.receive(TIMEOUT, onDown(d -> d)).ifPresent(got::add);
          notices.complete(got);
        });
    watching.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return new Watch(child, notices, first);
  }

  private java.lang.Process startChild(String name, int seedPort) throws IOException {
    String classPath =
        String.join(
            File.pathSeparator,
            Path.of("target", "test-classes").toAbsolutePath().toString(),
            System.getProperty("jdk.module.path", ""),
            System.getProperty("java.class.path", ""));
    java.lang.Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classPath,
                ChildNode.class.getName(),
                name,
                String.valueOf(seedPort),
                String.valueOf(INTERVAL.toMillis()),
                String.valueOf(TIMEOUT.toMillis()))
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", "child-" + name + ".log").toFile())
            .start();
    children.add(child);
    return child;
  }

  private static void signal(java.lang.Process process, String signal) throws Exception {
    if (process.isAlive()) {
      new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
          .inheritIO()
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    }
  }
}
