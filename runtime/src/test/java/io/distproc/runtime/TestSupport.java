package io.distproc.runtime;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.ProcessContext;
import io.distproc.runtime.testing.TestTimeFactor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What the runtime tests share: local nodes through the public API, waits scaled by {@code
 * -Ddistproc.test.timefactor}, and ways to get results out of processes.
 *
 * <p>Every wait here has a deadline and fails the test when it passes; nothing sleeps.
 */
final class TestSupport {
  /** Multiplies every wait; raise it on slow machines. */
  static final int TIME_FACTOR = TestTimeFactor.FACTOR;

  /** The longest a test waits for something that should happen. */
  static final Duration WAIT = Duration.ofSeconds(10L * TIME_FACTOR);

  /**
   * How long a test waits to be reasonably sure something does NOT happen; kept short because it is
   * spent in full on success.
   */
  static final Duration BRIEFLY = Duration.ofMillis(50L * TIME_FACTOR);

  private TestSupport() {}

  /** Starts a local-only node whose messages are any Java objects, handed over by reference. */
  static Node<Object> localNode(String name) {
    return Node.start(NodeConfig.local(name).build(), Codec.localOnly());
  }

  /** Waits for a future, at most {@link #WAIT}. */
  static <T> T get(Future<T> future) throws Exception {
    return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits for a latch inside a process or on the test thread, failing after {@link #WAIT}. */
  static void pass(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("latch not released within " + WAIT);
    }
  }

  /** A process body that returns a value. */
  @FunctionalInterface
  interface Body<T> {
    T run(ProcessContext<Object> ctx) throws Exception;
  }

  /**
   * Runs {@code body} in a new process of {@code node} and returns what it returns, or throws what
   * it throws (wrapped in an ExecutionException).
   */
  static <T> T inProcess(Node<Object> node, Body<T> body) throws Exception {
    return get(spawnForResult(node, body));
  }

  /** Spawns {@code body} and returns a future of its result. */
  static <T> CompletableFuture<T> spawnForResult(Node<Object> node, Body<T> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    node.spawn(
        ctx -> {
          try {
            result.complete(body.run(ctx));
          } catch (Throwable t) {
            result.completeExceptionally(t);
            throw t;
          }
        });
    return result;
  }
}
