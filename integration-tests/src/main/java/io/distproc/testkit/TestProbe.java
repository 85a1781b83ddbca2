package io.distproc.testkit;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.onDown;

import io.distproc.Down;
import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.Spawned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A process on a test-JVM node that a test drives from its own thread, as Pekko's {@code
 * TestProbe}: other processes send it messages, its monitors deliver {@link Down} notices, and the
 * test expects them with deadlines scaled by {@link TimeFactor}.
 *
 * <pre>{@code
 * TestProbe<String> probe = TestProbe.spawn(node);
 * node.send(echo, "ping " + NodeProtocol.pid(probe.pid()) + " hi");
 * String pong = probe.expectMessage(Duration.ofSeconds(2), m -> m.startsWith("pong "));
 * }</pre>
 *
 * <p>Expectations take the oldest entry that matches; entries that do not match stay for later
 * expectations, in arrival order, like a selective receive.
 *
 * <p>Expectations are not thread-safe: call them from one test thread. {@link #pid()} and sending
 * to the probe are thread-safe.
 *
 * @param <M> the node's message type
 * @since 0.1.0
 */
public final class TestProbe<M> implements AutoCloseable {
  private static final Duration IDLE = Duration.ofMillis(5);

  /** A message or a down notice, in arrival order; exactly one is non-null. */
  private record Entry<M>(@Nullable M message, @Nullable Down down) {}

  private final Pid pid;
  private final LinkedBlockingQueue<Entry<M>> arrived = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<Consumer<ProcessContext<M>>> actions =
      new ConcurrentLinkedQueue<>();
  private final List<Entry<M>> stash = new ArrayList<>();
  private volatile boolean stopped;

  private TestProbe(Node<M> node) {
    this.pid = node.spawn(this::run);
  }

  /**
   * Starts a probe process on a node.
   *
   * @param node the node, usually one in the test JVM joined to a cluster
   * @param <M> the node's message type
   * @return the probe
   * @throws NullPointerException if {@code node} is null
   */
  public static <M> TestProbe<M> spawn(Node<M> node) {
    return new TestProbe<>(Objects.requireNonNull(node, "node"));
  }

  /** The probe's body: runs actions handed to it and moves what arrives to the test's queue. */
  private void run(ProcessContext<M> ctx) {
    while (!stopped) {
      Consumer<ProcessContext<M>> action;
      while ((action = actions.poll()) != null) {
        action.accept(ctx);
      }
      ctx.receive(
          IDLE,
          any((M m) -> arrived.add(new Entry<>(m, null))),
          onDown((Down d) -> arrived.add(new Entry<M>(null, d))));
    }
  }

  /**
   * Returns the probe's pid, to give to the processes that should answer it.
   *
   * @return the pid
   */
  public Pid pid() {
    return pid;
  }

  /**
   * Monitors a process from the probe: its {@link Down} notice arrives here exactly once.
   *
   * @param target the process to watch
   * @return the monitor
   * @throws io.distproc.InvalidNodeException if the target's node is not known
   */
  public MonitorRef monitor(Pid target) {
    Objects.requireNonNull(target, "target");
    return onProbe(ctx -> ctx.monitor(target));
  }

  /**
   * Starts, from the probe, the behaviour registered under {@code behaviour} on {@code node}.
   *
   * @param node where to start it
   * @param behaviour the registered name
   * @param argument given to the behaviour
   * @return the child's pid
   * @throws io.distproc.InvalidNodeException if {@code node} is not known
   */
  public Pid spawn(NodeId node, String behaviour, M argument) {
    return onProbe(ctx -> ctx.spawn(node, behaviour, argument));
  }

  /**
   * Like {@link #spawn(NodeId, String, Object)}, with a monitor held by the probe that exists
   * before the child runs: its {@link Down} notice arrives here.
   *
   * @param node where to start it
   * @param behaviour the registered name
   * @param argument given to the behaviour
   * @return the child's pid and the monitor
   * @throws io.distproc.InvalidNodeException if {@code node} is not known
   */
  public Spawned spawnMonitored(NodeId node, String behaviour, M argument) {
    return onProbe(ctx -> ctx.spawnMonitored(node, behaviour, argument));
  }

  /**
   * Sends a message from the probe, which the receiver's per-sender order then covers.
   *
   * @param to the receiver
   * @param message the message
   * @throws io.distproc.InvalidNodeException if {@code to}'s node is not known
   */
  public void send(Pid to, M message) {
    onProbe(
        ctx -> {
          ctx.send(to, message);
          return null;
        });
  }

  /** Runs an action on the probe's own thread (the context is usable only there). */
  private <R extends @Nullable Object> R onProbe(Function<ProcessContext<M>, R> action) {
    CompletableFuture<R> result = new CompletableFuture<>();
    actions.add(
        ctx -> {
          try {
            result.complete(action.apply(ctx));
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    try {
      return result.get(
          TimeFactor.dilated(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the probe did not run the action: has it stopped?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Takes the oldest message that matches, waiting for it at most {@code within}.
   *
   * @param within the deadline, before {@link TimeFactor} scaling
   * @param matching which message
   * @return the message
   * @throws AssertionError if none arrived in time; the message lists what did
   */
  public M expectMessage(Duration within, Predicate<? super M> matching) {
    Objects.requireNonNull(matching, "matching");
    return take(within, e -> e.message() != null && matching.test(e.message()))
        .map(e -> Objects.requireNonNull(e.message()))
        .orElseThrow(
            () ->
                new AssertionError(
                    "no matching message within "
                        + TimeFactor.dilated(within).toMillis()
                        + " ms; pending: "
                        + pending()));
  }

  /**
   * Takes the oldest down notice that matches, waiting for it at most {@code within}.
   *
   * @param within the deadline, before {@link TimeFactor} scaling
   * @param matching which notice
   * @return the notice
   * @throws AssertionError if none arrived in time
   */
  public Down expectDown(Duration within, Predicate<? super Down> matching) {
    Objects.requireNonNull(matching, "matching");
    return take(within, e -> e.down() != null && matching.test(e.down()))
        .map(Entry::down)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no matching down notice within "
                        + TimeFactor.dilated(within).toMillis()
                        + " ms; pending: "
                        + pending()));
  }

  /**
   * Checks that no matching message arrives during {@code during} (and none is pending).
   *
   * @param during how long to watch, before {@link TimeFactor} scaling
   * @param matching which messages must not come
   * @throws AssertionError if one did; it stays pending
   */
  public void expectNoMessage(Duration during, Predicate<? super M> matching) {
    Optional<Entry<M>> e = take(during, x -> x.message() != null && matching.test(x.message()));
    if (e.isPresent()) {
      throw new AssertionError("unexpected message: " + e.get().message());
    }
  }

  /**
   * Checks that no matching down notice arrives during {@code during} (and none is pending): for "a
   * monitor fires once", after its first notice was taken.
   *
   * @param during how long to watch, before {@link TimeFactor} scaling
   * @param matching which notices must not come
   * @throws AssertionError if one did; it stays pending
   */
  public void expectNoDown(Duration during, Predicate<? super Down> matching) {
    Objects.requireNonNull(matching, "matching");
    Optional<Entry<M>> e = take(during, x -> x.down() != null && matching.test(x.down()));
    if (e.isPresent()) {
      throw new AssertionError("unexpected down notice: " + e.get().down());
    }
  }

  /**
   * Returns what arrived and no expectation took yet, oldest first, without taking it.
   *
   * @return messages as themselves and down notices as {@link Down}
   */
  public List<Object> pending() {
    arrived.drainTo(stash);
    return stash.stream().map(e -> e.message() != null ? (Object) e.message() : e.down()).toList();
  }

  private Optional<Entry<M>> take(Duration within, Predicate<Entry<M>> matching) {
    long deadline = System.nanoTime() + TimeFactor.dilated(within).toNanos();
    int checked = 0;
    while (true) {
      for (Iterator<Entry<M>> it = stash.listIterator(checked); it.hasNext(); checked++) {
        Entry<M> e = it.next();
        if (matching.test(e)) {
          it.remove();
          return Optional.of(e);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      try {
        Entry<M> next = arrived.poll(left, TimeUnit.NANOSECONDS);
        if (next != null) {
          stash.add(next);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  /** Ends the probe's process. Idempotent. */
  @Override
  public void close() {
    stopped = true;
  }
}
