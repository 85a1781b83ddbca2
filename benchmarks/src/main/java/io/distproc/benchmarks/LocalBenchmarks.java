package io.distproc.benchmarks;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.Pid;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The local workloads of BENCHMARKS.md at a tenth of their size (W1 spawn, W2 ping-pong, W3
 * fan-in), each reported in operations per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g"})
@State(Scope.Benchmark)
public class LocalBenchmarks {
  static final int SPAWNS = 100_000;
  static final int ROUND_TRIPS = 100_000;
  static final int SENDERS = 4;
  static final int PER_SENDER = 250_000;

  /** Started by {@link #start()}, which JMH runs after it has created the state. */
  private @Nullable Node<Object> node;

  /** JMH creates the state. */
  public LocalBenchmarks() {}

  /** Starts a local node. */
  @Setup(Level.Trial)
  public void start() {
    node = Node.start(NodeConfig.local("bench").build(), Codec.localOnly());
  }

  /** Stops the node. */
  @TearDown(Level.Trial)
  public void stop() {
    node().close();
  }

  private Node<Object> node() {
    Node<Object> n = node;
    if (n == null) {
      throw new IllegalStateException("no node: JMH has not run start()");
    }
    return n;
  }

  /**
   * W1: spawn processes that each wait for one message, then send each one and wait for all.
   *
   * @throws Exception if interrupted
   */
  @Benchmark
  @OperationsPerInvocation(SPAWNS)
  public void w1SpawnWaitEnd() throws Exception {
    Node<Object> node = node();
    CountDownLatch done = new CountDownLatch(SPAWNS);
    Pid[] pids = new Pid[SPAWNS];
    for (int i = 0; i < SPAWNS; i++) {
      pids[i] =
          node.spawn(
              ctx -> {
                ctx.receive(any(m -> m));
                done.countDown();
              });
    }
    for (Pid pid : pids) {
      node.send(pid, "go");
    }
    done.await();
  }

  /**
   * W2: two processes bounce a message back and forth.
   *
   * @throws Exception if interrupted
   */
  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public void w2PingPong() throws Exception {
    Node<Object> node = node();
    CompletableFuture<Void> done = new CompletableFuture<>();
    Pid ponger =
        node.spawn(
            ctx ->
                ctx.receiveLoop(
                    on(
                        Pid.class,
                        from -> {
                          ctx.send(from, "pong");
                          return true;
                        }),
                    on(String.class, s -> false)));
    node.spawn(
        ctx -> {
          for (int i = 0; i < ROUND_TRIPS; i++) {
            ctx.send(ponger, ctx.self());
            ctx.receive(on(String.class, s -> s));
          }
          ctx.send(ponger, "stop");
          done.complete(null);
        });
    done.get();
  }

  /**
   * W3: four senders each send many messages to one receiver.
   *
   * @throws Exception if interrupted
   */
  @Benchmark
  @OperationsPerInvocation(SENDERS * PER_SENDER)
  public void w3FanIn() throws Exception {
    Node<Object> node = node();
    CompletableFuture<Void> done = new CompletableFuture<>();
    Pid receiver =
        node.spawn(
            ctx -> {
              for (int i = 0; i < SENDERS * PER_SENDER; i++) {
                ctx.receive(any(m -> m));
              }
              done.complete(null);
            });
    Integer one = 1;
    for (int s = 0; s < SENDERS; s++) {
      node.spawn(
          ctx -> {
            for (int i = 0; i < PER_SENDER; i++) {
              ctx.send(receiver, one);
            }
          });
    }
    done.get();
  }
}
