package io.distproc.benchmarks;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;
import static io.distproc.benchmarks.Bench.Runs;
import static io.distproc.benchmarks.Bench.await;
import static io.distproc.benchmarks.Bench.payload;
import static io.distproc.benchmarks.Bench.heapAfterFullGc;
import static io.distproc.benchmarks.Bench.info;
import static io.distproc.benchmarks.Bench.log;
import static io.distproc.benchmarks.Bench.perSecond;
import static io.distproc.benchmarks.Bench.percentile;
import static io.distproc.benchmarks.Bench.result;
import static io.distproc.benchmarks.Bench.scaled;

import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.Down;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.ProcessContext;
import io.distproc.ReceiveMark;
import io.distproc.Spawned;
import io.distproc.benchmarks.BenchCodec.Ack;
import io.distproc.benchmarks.BenchCodec.SinkArgs;
import io.distproc.benchmarks.BenchCodec.StreamArgs;
import io.distproc.benchmarks.BenchCodec.Streamed;
import io.distproc.otp.ChildSpec;
import io.distproc.otp.Strategy;
import io.distproc.otp.Supervisor;
import io.distproc.otp.SupervisorRef;
import io.distproc.otp.SupervisorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The workloads of BENCHMARKS.md (W1..W7), the scaling ones (W8, W9: {@link DistprocScaling}) and
 * the fault layer's (W10) on distproc, one per JVM: {@code run W SCALE RUNS} runs workload W at
 * SCALE of its full size (1 or 0.1), first once at a tenth of the full size as warm-up, then RUNS
 * times, and prints the median, min and max of each metric. The remote workloads (W4-W6, W9)
 * start their other nodes in JVMs of their own ({@code node-b NAME INTERVAL_MS TIMEOUT_MS}), on
 * 127.0.0.1.
 */
public final class DistprocWorkloads {
  private DistprocWorkloads() {}

  static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final byte[] PAYLOAD = payload();

  /** W7: a request to the server. */
  record Request(Pid from, long ref) {}

  /** W7: the server's reply, matched by its ref. */
  record Reply(long ref) {}

  /** W7: a message nobody asks for, queued in the client's mailbox. */
  record Noise(int n) {}

  /** W2: the reply. */
  enum Pong {
    PONG
  }

  /** W10: what a supervised child sends the driver each time it starts. */
  record Started(Pid child) {}

  /** W10: what the driver sends the child to make it crash. */
  enum Crash {
    CRASH
  }

  /**
   * Runs a workload, or node B.
   *
   * @param args {@code run W SCALE RUNS} or {@code node-b NAME INTERVAL_MS TIMEOUT_MS}
   */
  public static void main(String[] args) {
    int status = 0;
    try {
      switch (args[0]) {
        case "run" -> run(args[1], Double.parseDouble(args[2]), Integer.parseInt(args[3]));
        case "node-b" -> nodeB(args[1], Long.parseLong(args[2]), Long.parseLong(args[3]));
        default -> throw new IllegalArgumentException("unknown command " + args[0]);
      }
    } catch (Throwable t) {
      t.printStackTrace();
      status = 1;
    }
    System.exit(status); // the gRPC threads are no reason to linger
  }

  private static void run(String workload, double scale, int runs) throws Exception {
    Bench.describeJvm();
    info("side", "distproc");
    switch (workload) {
      case "W1" -> w1(scale, runs);
      case "W2" -> w2(scale, runs);
      case "W3" -> w3(scale, runs);
      case "W4" -> w4(scale, runs);
      case "W5" -> w5(scale, runs);
      case "W6" -> w6(runs);
      case "W7" -> w7(scale, runs);
      case "W8" -> DistprocScaling.w8(scale, runs);
      case "W9" -> DistprocScaling.w9(scale, runs);
      case "W10" -> w10(scale, runs);
      default -> throw new IllegalArgumentException("unknown workload " + workload);
    }
  }

  static Node<Object> localNode() {
    return Node.start(NodeConfig.local("bench").build(), Codec.localOnly());
  }

  // ---- W1: spawn waiting processes, one message each, all end ---------------------------------

  private static void w1(double scale, int runs) throws Exception {
    int n = scaled(Bench.W1_PROCESSES, scale);
    result("w1.processes", n);
    try (Node<Object> node = localNode()) {
      w1Once(node, Bench.warmup(Bench.W1_PROCESSES), null);
      Runs r = new Runs("w1");
      for (int i = 0; i < runs; i++) {
        w1Once(node, n, r);
      }
      r.print();
    }
  }

  private static void w1Once(Node<Object> node, int n, Runs r) throws Exception {
    long base = r == null ? 0 : heapAfterFullGc();
    long t0 = System.nanoTime();
    Waiters waiters = Waiters.spawn(node, n);
    long t1 = System.nanoTime();
    long alive = r == null ? 0 : heapAfterFullGc();
    long t2 = System.nanoTime();
    waiters.release();
    long t3 = System.nanoTime();
    if (r != null) {
      r.add("rate", perSecond(n, (t1 - t0) + (t3 - t2)));
      r.add("spawnRate", perSecond(n, t1 - t0));
      // The heap with none of them alive: before the run, and after it (the smaller counts).
      Thread.sleep(200);
      long after = heapAfterFullGc();
      r.add("bytesPerProcess", (double) (alive - Math.min(base, after)) / n);
    }
  }

  /**
   * Processes that each wait in a receive for one message, then end: W1's, and W8's idle
   * population. One parent process spawns them all, as W1 defines it; their pids are kept in an
   * array, which W1's heap per process includes.
   */
  static final class Waiters implements Scaling.Population {
    private final Node<Object> node;
    private final long before;
    private final Pid[] pids;
    private final CountDownLatch ended;

    private Waiters(Node<Object> node, long before, Pid[] pids, CountDownLatch ended) {
      this.node = node;
      this.before = before;
      this.pids = pids;
      this.ended = ended;
    }

    /** Spawns {@code n} waiters and returns once every one of them has started. */
    static Waiters spawn(Node<Object> node, int n) throws Exception {
      long before = node.metrics().liveProcesses();
      CountDownLatch ready = new CountDownLatch(n);
      CountDownLatch ended = new CountDownLatch(n);
      Pid[] pids = new Pid[n];
      CompletableFuture<Void> spawned = new CompletableFuture<>();
      node.spawn(ctx -> {
        for (int i = 0; i < n; i++) {
          pids[i] = ctx.spawn(c -> {
            ready.countDown();
            c.receive(any(m -> m));
            ended.countDown();
          });
        }
        spawned.complete(null);
      });
      spawned.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      await(ready, "waiting processes to start");
      return new Waiters(node, before, pids, ended);
    }

    /**
     * How many processes the node has more than before they were spawned, once their parent has
     * ended: theirs, if nothing else started or ended meanwhile.
     */
    @Override
    public long count() throws InterruptedException {
      awaitLive(node, before + pids.length);
      return node.metrics().liveProcesses() - before;
    }

    @Override
    public long waiting() {
      return ended.getCount();
    }

    /** Sends each its message, dropping its pid, and returns once all have ended. */
    @Override
    public void release() throws InterruptedException {
      for (int i = 0; i < pids.length; i++) {
        node.send(pids[i], "go");
        pids[i] = null;
      }
      await(ended, "waiting processes to end");
    }
  }

  // ---- W2: local ping-pong ---------------------------------------------------------------------

  private static void w2(double scale, int runs) throws Exception {
    int n = scaled(Bench.W2_ROUND_TRIPS, scale);
    result("w2.roundTrips", n);
    try (Node<Object> node = localNode()) {
      w2Once(node, Bench.warmup(Bench.W2_ROUND_TRIPS));
      w2Floor(Bench.warmup(Bench.W2_ROUND_TRIPS));
      Runs r = new Runs("w2");
      for (int i = 0; i < runs; i++) {
        double rate = w2Once(node, n);
        double floor = w2Floor(n);
        r.add("rate", rate);
        r.add("floor.rate", floor);
        r.add("ofFloor", rate / floor);
      }
      r.print();
    }
  }

  static double w2Once(Node<Object> node, int n) throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    Pid ponger = node.spawn(ctx -> ctx.receiveLoop(
        on(Pid.class, from -> {
          ctx.send(from, Pong.PONG);
          return true;
        }),
        on(String.class, s -> false)));
    node.spawn(ctx -> {
      Pid self = ctx.self();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        ctx.send(ponger, self);
        ctx.receive(on(Pong.class, p -> p));
      }
      long t = System.nanoTime() - t0;
      ctx.send(ponger, "stop");
      done.complete(t);
    });
    return perSecond(n, done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
  }

  /**
   * The platform's reference for W2, measured in the same JVM right after each run: two bare
   * virtual threads passing a token through one atomic slot each, spinning as long as a mailbox
   * may before they park. No runtime could do a round trip faster on these carriers; how fast
   * this goes depends on where the machine placed the two cores (from 2M to 15M round trips/s
   * on the same kind of machine), which is why W2 is read as a share of it.
   */
  private static double w2Floor(int n) throws Exception {
    Slot toPonger = new Slot();
    Slot toPinger = new Slot();
    CompletableFuture<Long> done = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      for (int i = 0; i < n; i++) {
        toPinger.put(toPonger.take());
      }
    });
    Thread.ofVirtual().start(() -> {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        toPonger.put(Pong.PONG);
        toPinger.take();
      }
      done.complete(System.nanoTime() - t0);
    });
    return perSecond(n, done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
  }

  /** One token at a time, from one thread to another, with the mailbox's spin-then-park wait. */
  private static final class Slot {
    private final AtomicReference<Object> item = new AtomicReference<>();
    private volatile Thread waiter;

    void put(Object token) {
      item.set(token);
      Thread t = waiter;
      if (t != null) {
        waiter = null;
        LockSupport.unpark(t);
      }
    }

    Object take() {
      for (; ; ) {
        for (int i = 0; i < 2048; i++) {
          Object o = item.getAndSet(null);
          if (o != null) {
            return o;
          }
          Thread.onSpinWait();
        }
        waiter = Thread.currentThread();
        Object o = item.getAndSet(null);
        if (o != null) {
          waiter = null;
          return o;
        }
        LockSupport.park(this);
        waiter = null;
      }
    }
  }

  // ---- W3: fan-in --------------------------------------------------------------------------------

  private static void w3(double scale, int runs) throws Exception {
    int perSender = scaled(Bench.W3_PER_SENDER, scale);
    result("w3.senders", Bench.W3_SENDERS);
    result("w3.perSender", perSender);
    try (Node<Object> node = localNode()) {
      w3Once(node, Bench.warmup(Bench.W3_PER_SENDER));
      Runs r = new Runs("w3");
      for (int i = 0; i < runs; i++) {
        r.add("rate", w3Once(node, perSender));
      }
      r.print();
    }
  }

  static double w3Once(Node<Object> node, int perSender) throws Exception {
    int total = Bench.W3_SENDERS * perSender;
    CompletableFuture<Long> done = new CompletableFuture<>();
    Pid receiver = node.spawn(ctx -> {
      for (int i = 0; i < total; i++) {
        ctx.receive(any(m -> m));
      }
      done.complete(System.nanoTime());
    });
    Integer one = 1;
    long t0 = System.nanoTime();
    for (int s = 0; s < Bench.W3_SENDERS; s++) {
      node.spawn(ctx -> {
        for (int i = 0; i < perSender; i++) {
          ctx.send(receiver, one);
        }
      });
    }
    long end = done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    return perSecond(total, end - t0);
  }

  // ---- the second node ---------------------------------------------------------------------------

  static NodeConfig remoteConfig(String name, Duration interval, Duration timeout) {
    return NodeConfig.remote(name)
        .bind("127.0.0.1", 0)
        .heartbeat(interval, timeout)
        .plaintext()
        .build();
  }

  static Bench.Peer startB(String name, Duration interval, Duration timeout)
      throws IOException {
    return Bench.Peer.start(
        Path.of("target", "bench-logs", "distproc-node-" + name + ".log"),
        DistprocWorkloads.class.getName(),
        "node-b",
        name,
        Long.toString(interval.toMillis()),
        Long.toString(timeout.toMillis()));
  }

  /** Node B: the behaviours, until the parent JVM lets go. */
  private static void nodeB(String name, long intervalMs, long timeoutMs) {
    Node<Object> node = Node.builder(
            remoteConfig(name, Duration.ofMillis(intervalMs), Duration.ofMillis(timeoutMs)),
            new BenchCodec())
        .behaviours(behaviours())
        .start();
    Bench.readyThenAwaitParent(node.boundAddress().orElseThrow().getPort());
  }

  /**
   * What a node B, and each node of W9's mesh, can be asked to spawn: W4's sink, W5's echo, W6's
   * waiter, and W9's streamer, which streams to a sink it spawns on another node with W4's
   * windowed protocol once its coordinator says go.
   */
  static Behaviours<Object> behaviours() {
    return Behaviours.<Object>builder()
        .add("sink", arg -> ctx -> {
          SinkArgs a = (SinkArgs) arg;
          long count = 0;
          while (count < a.total()) {
            ctx.receive(on(byte[].class, b -> b));
            count++;
            if (a.ackEvery() > 0 && count % a.ackEvery() == 0 && count < a.total()) {
              ctx.send(a.replyTo(), new Ack(count));
            }
          }
          ctx.send(a.replyTo(), new Ack(count));
        })
        .add("echo", arg -> ctx -> {
          Pid peer = (Pid) arg;
          ctx.receiveLoop(
              on(byte[].class, b -> {
                ctx.send(peer, b);
                return true;
              }),
              on(String.class, s -> false));
        })
        .add("waiter", arg -> ctx -> ctx.receive(any(m -> m)))
        .add("streamer", arg -> ctx -> {
          StreamArgs a = (StreamArgs) arg;
          NodeId to = ctx.addRemoteNode("127.0.0.1", a.port(), a.node());
          Pid sink = ctx.spawn(to, "sink", new SinkArgs(ctx.self(), a.messages(),
              Bench.W4_ACK_EVERY));
          ctx.send(a.coordinator(), "ready");
          ctx.receive(on(String.class, "go"::equals, g -> g));
          long t0 = System.nanoTime();
          sendWindowed(ctx, sink, a.messages());
          ctx.send(a.coordinator(), new Streamed(System.nanoTime() - t0));
        })
        .build();
  }

  // ---- W4: remote throughput ---------------------------------------------------------------------

  private static void w4(double scale, int runs) throws Exception {
    int n = scaled(Bench.W4_MESSAGES, scale);
    result("w4.messages", n);
    result("w4.payloadBytes", Bench.W4_PAYLOAD);
    result("w4.window", Bench.W4_WINDOW);
    result("w4.ackEvery", Bench.W4_ACK_EVERY);
    info("w4.batching", "none by the workload; the transport batches frames itself");
    Duration interval = NodeConfig.DEFAULT_HEARTBEAT_INTERVAL;
    Duration timeout = NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT;
    try (Node<Object> a = Node.start(remoteConfig("a", interval, timeout), new BenchCodec());
        Bench.Peer peer = startB("b", interval, timeout)) {
      NodeId b = a.addRemoteNode("127.0.0.1", peer.port(), "b");
      Runs r = new Runs("w4");
      for (boolean windowed : new boolean[] {false, true}) {
        w4Once(a, b, Bench.warmup(Bench.W4_MESSAGES), windowed, null);
        for (int i = 0; i < runs; i++) {
          w4Once(a, b, n, windowed, r);
        }
      }
      r.print();
    }
  }

  private static void w4Once(Node<Object> a, NodeId b, int n, boolean windowed, Runs r)
      throws Exception {
    heapAfterFullGc(); // the sender's peak heap is measured from a clean start
    CompletableFuture<Long> done = new CompletableFuture<>();
    try (Bench.HeapSampler heap = new Bench.HeapSampler()) {
      a.spawn(ctx -> {
        int ackEvery = windowed ? Bench.W4_ACK_EVERY : 0;
        Pid sink = ctx.spawn(b, "sink", new SinkArgs(ctx.self(), n, ackEvery));
        long t0 = System.nanoTime();
        if (windowed) {
          sendWindowed(ctx, sink, n);
        } else {
          for (int i = 0; i < n; i++) {
            ctx.send(sink, PAYLOAD);
          }
          ctx.receive(on(Ack.class, x -> x.count() == n, Ack::count));
        }
        done.complete(System.nanoTime() - t0);
      });
      long nanos = done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      if (r != null) {
        String mode = windowed ? "windowed" : "blast";
        r.add(mode + ".rate", perSecond(n, nanos));
        r.add(mode + ".senderMaxHeapMiB", heap.max() / 1048576.0);
      }
    }
  }

  /**
   * W4's windowed stream: sends {@code n} payloads to a sink with at most {@link
   * Bench#W4_WINDOW} unacknowledged, and returns once the sink has acknowledged them all.
   */
  static void sendWindowed(ProcessContext<Object> ctx, Pid sink, long n) {
    long sent = 0;
    long acked = 0;
    while (acked < n) {
      while (sent < n && sent - acked < Bench.W4_WINDOW) {
        ctx.send(sink, PAYLOAD);
        sent++;
      }
      acked = Math.max(acked, ctx.receive(on(Ack.class, Ack::count)));
    }
  }

  // ---- W5: remote ping-pong latency ------------------------------------------------------------

  private static void w5(double scale, int runs) throws Exception {
    int n = scaled(Bench.W5_ROUND_TRIPS, scale);
    result("w5.roundTrips", n);
    result("w5.payloadBytes", Bench.W4_PAYLOAD);
    Duration interval = NodeConfig.DEFAULT_HEARTBEAT_INTERVAL;
    Duration timeout = NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT;
    try (Node<Object> a = Node.start(remoteConfig("a", interval, timeout), new BenchCodec());
        Bench.Peer peer = startB("b", interval, timeout)) {
      NodeId b = a.addRemoteNode("127.0.0.1", peer.port(), "b");
      w5Once(a, b, Bench.warmup(Bench.W5_ROUND_TRIPS), null);
      Runs r = new Runs("w5");
      for (int i = 0; i < runs; i++) {
        w5Once(a, b, n, r);
      }
      r.print();
    }
  }

  private static void w5Once(Node<Object> a, NodeId b, int n, Runs r) throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    a.spawn(ctx -> {
      Pid echo = ctx.spawn(b, "echo", ctx.self());
      long[] lat = new long[n];
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        ctx.send(echo, PAYLOAD);
        ctx.receive(on(byte[].class, x -> x));
        lat[i] = System.nanoTime() - t;
      }
      ctx.send(echo, "stop");
      done.complete(lat);
    });
    long[] lat = done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    if (r != null) {
      long total = Arrays.stream(lat).sum();
      Arrays.sort(lat);
      r.add("p50us", percentile(lat, 0.50) / 1e3);
      r.add("p99us", percentile(lat, 0.99) / 1e3);
      r.add("p999us", percentile(lat, 0.999) / 1e3);
      r.add("maxus", lat[lat.length - 1] / 1e3);
      r.add("rate", perSecond(n, total));
    }
  }

  // ---- W6: node-down detection ---------------------------------------------------------------------

  private static int peers;

  private static void w6(int runs) throws Exception {
    Duration defInterval = NodeConfig.DEFAULT_HEARTBEAT_INTERVAL;
    Duration defTimeout = NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT;
    Duration tunedInterval = Duration.ofMillis(200);
    Duration tunedTimeout = Duration.ofMillis(1000);
    info("w6.default", "NodeConfig.heartbeat(" + defInterval.toMillis() + " ms, "
        + defTimeout.toMillis() + " ms) (the defaults)");
    info("w6.tuned", "NodeConfig.heartbeat(" + tunedInterval.toMillis() + " ms, "
        + tunedTimeout.toMillis() + " ms) on both nodes");
    Runs r = new Runs("w6");
    w6Config("default", defInterval, defTimeout, runs, r);
    w6Config("tuned", tunedInterval, tunedTimeout, runs, r);
    r.print();
  }

  private static void w6Config(
      String label, Duration interval, Duration timeout, int runs, Runs r) throws Exception {
    CompletableFuture<NodeDownEvent>[] downs = newDowns();
    try (Node<Object> a = Node.builder(remoteConfig("a" + label, interval, timeout),
            new BenchCodec())
        .onNodeDown(e -> downs[0].complete(e))
        .start()) {
      for (int i = 0; i < runs; i++) {
        for (String signal : new String[] {"KILL", "STOP"}) {
          downs[0] = new CompletableFuture<>();
          double s = w6Once(a, signal, interval, timeout, downs[0]);
          r.add((signal.equals("KILL") ? "kill" : "hang") + "." + label + "Seconds", s);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<NodeDownEvent>[] newDowns() {
    return new CompletableFuture[] {new CompletableFuture<NodeDownEvent>()};
  }

  private static double w6Once(Node<Object> a, String signal, Duration interval,
      Duration timeout, CompletableFuture<NodeDownEvent> down) throws Exception {
    String name = "b" + (++peers);
    try (Bench.Peer peer = startB(name, interval, timeout)) {
      NodeId b = a.addRemoteNode("127.0.0.1", peer.port(), name);
      CompletableFuture<Void> watching = new CompletableFuture<>();
      CompletableFuture<Long> firedAt = new CompletableFuture<>();
      CompletableFuture<Down> notice = new CompletableFuture<>();
      a.spawn(ctx -> {
        Spawned waiter = ctx.spawnMonitored(b, "waiter", "");
        watching.complete(null);
        Down d = ctx.receive(onDown(waiter.monitor(), x -> x));
        firedAt.complete(System.nanoTime());
        notice.complete(d);
      });
      watching.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      Thread.sleep(interval.toMillis() * 3); // heartbeats flowing
      long t0 = System.nanoTime();
      peer.signal(signal);
      long t1 = firedAt.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      NodeDownEvent e = down.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      log("W6 " + signal + ": monitor fired with " + notice.join().reason()
          + "; node-down cause " + e.cause());
      return (t1 - t0) / 1e9;
    }
  }

  // ---- W7: selective receive on a deep mailbox ---------------------------------------------------

  private static void w7(double scale, int runs) throws Exception {
    int n = scaled(Bench.W7_ROUND_TRIPS, scale);
    int depth = Bench.W7_DEPTH;
    result("w7.roundTrips", n);
    result("w7.depth", depth);
    try (Node<Object> node = localNode()) {
      for (boolean mark : new boolean[] {false, true}) {
        w7Once(node, 0, Bench.warmup(Bench.W7_ROUND_TRIPS), mark);
        w7Once(node, depth, Bench.warmup(Bench.W7_ROUND_TRIPS), mark);
      }
      Runs r = new Runs("w7");
      for (int i = 0; i < runs; i++) {
        for (boolean mark : new boolean[] {false, true}) {
          String v = mark ? "mark" : "plain";
          double empty = w7Once(node, 0, n, mark);
          double deep = w7Once(node, depth, n, mark);
          r.add(v + ".emptyRate", empty);
          r.add(v + ".rate", deep);
          r.add(v + ".slowdown", empty / deep);
        }
      }
      r.print();
    }
  }

  private static double w7Once(Node<Object> node, int depth, int n, boolean useMark)
      throws Exception {
    Pid server = node.spawn(ctx -> ctx.receiveLoop(
        on(Request.class, q -> {
          ctx.send(q.from(), new Reply(q.ref()));
          return true;
        }),
        on(String.class, s -> false)));
    CompletableFuture<long[]> done = new CompletableFuture<>();
    Pid client = node.spawn(ctx -> {
      ctx.receive(on(String.class, "start"::equals, s -> s)); // the noise before it stays queued
      Pid self = ctx.self();
      long t0 = System.nanoTime();
      for (long i = 1; i <= n; i++) {
        long ref = i;
        if (useMark) {
          ReceiveMark mark = ctx.mark();
          ctx.send(server, new Request(self, ref));
          ctx.receive(mark, on(Reply.class, x -> x.ref() == ref, x -> x));
        } else {
          ctx.send(server, new Request(self, ref));
          ctx.receive(on(Reply.class, x -> x.ref() == ref, x -> x));
        }
      }
      long t = System.nanoTime() - t0;
      long left = 0;
      while (ctx.receive(Duration.ZERO, on(Noise.class, x -> x)).isPresent()) {
        left++;
      }
      ctx.send(server, "stop");
      done.complete(new long[] {t, left});
    });
    for (int i = 0; i < depth; i++) {
      node.send(client, new Noise(i));
    }
    node.send(client, "start");
    long[] got = done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    if (got[1] != depth) {
      throw new IllegalStateException("W7: " + got[1] + " of " + depth + " queued messages left");
    }
    return perSecond(n, got[0]);
  }

  // ---- W10: the fault layer: a supervisor's restarts, and the heap a link costs -----------------

  /**
   * The supervisor's logger. Each child's abnormal end is a WARNING line; W10 measures restarts,
   * not a log's writing (the other sides' supervisors are kept quiet too). A strong reference: the
   * logging framework holds its loggers weakly.
   */
  private static final Logger SUPERVISOR_LOG = Logger.getLogger(Supervisor.class.getName());

  private static void w10(double scale, int runs) throws Exception {
    int n = scaled(Bench.W10_RESTARTS, scale);
    int pairs = scaled(Bench.W10_PAIRS, scale);
    result("w10.restarts", n);
    result("w10.pairs", pairs);
    info("w10.restart.how", "io.distproc.otp supervisor, ONE_FOR_ONE, intensity restarts+1 in 1 h,"
        + " one permanent worker; the driver sends the child CRASH (it throws) and waits for the"
        + " new child's Started(pid); the supervisor's WARNING line per child end off");
    info("w10.link.how", "pairs of waiting processes; the second of each takes a message that"
        + " does nothing, another, then one that makes it call ctx.link(first), a full GC after"
        + " each; heap after the link less heap after the second, per pair");
    SUPERVISOR_LOG.setLevel(Level.SEVERE);
    try (Node<Object> node = localNode()) {
      Runs r = new Runs("w10");
      w10Restarts(node, Bench.warmup(Bench.W10_RESTARTS));
      for (int i = 0; i < runs; i++) {
        double[] rates = w10Restarts(node, n);
        r.add("restartRate", rates[0]);
        r.add("firstRestartRate", rates[1]);
      }
      // Its own warm-up, right before its runs: a waiting process's stack on the heap is larger
      // while the code it waits in is not yet compiled, or was just deoptimized.
      w10LinkBytes(node, Bench.warmup(Bench.W10_PAIRS));
      for (int i = 0; i < runs; i++) {
        r.add("bytesPerLink", w10LinkBytes(node, pairs));
      }
      r.print();
    }
  }

  /**
   * One supervisor with one permanent child; the driver crashes the child n times, each time
   * waiting for the new child to say it has started. Restarts per second, over all n and over
   * the first {@link Bench#W10_FIRST_RESTARTS}.
   */
  private static double[] w10Restarts(Node<Object> node, int n) throws Exception {
    long live = node.metrics().liveProcesses();
    int first = Math.min(n, Bench.W10_FIRST_RESTARTS);
    CompletableFuture<long[]> done = new CompletableFuture<>();
    Pid driver = node.spawn(ctx -> {
      Pid child = ctx.receive(on(Started.class, Started::child)); // the first child
      long t0 = System.nanoTime();
      long tFirst = 0;
      for (int i = 1; i <= n; i++) {
        ctx.send(child, Crash.CRASH);
        child = ctx.receive(on(Started.class, Started::child));
        if (i == first) {
          tFirst = System.nanoTime();
        }
      }
      done.complete(new long[] {System.nanoTime() - t0, tFirst - t0});
    });
    Process<Object> worker = ctx -> {
      ctx.send(driver, new Started(ctx.self()));
      ctx.receive(on(Crash.class, c -> {
        throw new IllegalStateException("W10: crashing as asked");
      }));
    };
    SupervisorRef<Object> sup = Supervisor.start(node, SupervisorSpec.<Object>builder()
        .strategy(Strategy.ONE_FOR_ONE)
        .intensity(n + 1, Duration.ofHours(1))
        .child(ChildSpec.worker("w10", worker).build())
        .build());
    try {
      long[] nanos = done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      return new double[] {perSecond(n, nanos[0]), perSecond(first, nanos[1])};
    } finally {
      sup.stop(PATIENCE);
      awaitLive(node, live);
    }
  }

  /**
   * The heap a link costs: spawns {@code pairs} pairs of waiting processes; each pair's second
   * process then takes a message that does nothing ({@code "nop"}), another, and one that makes it
   * link to the first ({@code "link"}), with a full GC after each step. The heap after the link
   * less the heap after the second nop is the links': the same processes, waiting at the same
   * place. Bytes per link (per pair). A virtual thread's stack on the heap changes size the first
   * time it wakes up, and the first time it parks after a GC, hence the two nops and the GC after
   * each step: without them that change would count as the link's.
   */
  private static double w10LinkBytes(Node<Object> node, int pairs) throws Exception {
    long live = node.metrics().liveProcesses();
    CountDownLatch ready = new CountDownLatch(2 * pairs);
    CountDownLatch[] step = {new CountDownLatch(pairs)};
    CountDownLatch ended = new CountDownLatch(2 * pairs);
    Pid[] pids = new Pid[2 * pairs];
    CompletableFuture<Void> spawned = new CompletableFuture<>();
    node.spawn(ctx -> {
      for (int i = 0; i < pairs; i++) {
        Pid first = ctx.spawn(c -> {
          ready.countDown();
          c.receive(any(m -> m));
          ended.countDown();
        });
        pids[2 * i] = first;
        pids[2 * i + 1] = ctx.spawn(c -> {
          ready.countDown();
          c.receiveLoop(on(String.class, m -> {
            if (m.equals("go")) {
              return false;
            }
            if (m.equals("link")) {
              c.link(first);
            }
            step[0].countDown();
            return true;
          }));
          ended.countDown();
        });
      }
      spawned.complete(null);
    });
    spawned.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    await(ready, "W10 pairs to start");
    String[] steps = {"nop", "nop", "link"};
    long[] heap = new long[steps.length];
    for (int k = 0; k < steps.length; k++) {
      CountDownLatch done = new CountDownLatch(pairs);
      step[0] = done;
      for (int i = 1; i < pids.length; i += 2) {
        node.send(pids[i], steps[k]);
      }
      await(done, "W10 pairs to take " + steps[k]);
      heap[k] = heapAfterFullGc();
    }
    for (Pid pid : pids) {
      node.send(pid, "go");
    }
    await(ended, "W10 pairs to end");
    awaitLive(node, live);
    return (double) (heap[2] - heap[1]) / pairs;
  }

  /**
   * Waits until at most {@code count} processes are alive on the node: those of one step are gone
   * before the next measures the heap (a process's end goes on after its last countdown).
   */
  static void awaitLive(Node<Object> node, long count) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (node.metrics().liveProcesses() > count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(node.metrics().liveProcesses()
            + " processes still alive, expected at most " + count);
      }
      Thread.sleep(1);
    }
  }
}
