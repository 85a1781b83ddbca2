package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.await;
import static io.distproc.benchmarks.Bench.payload;
import static io.distproc.benchmarks.Bench.heapAfterFullGc;
import static io.distproc.benchmarks.Bench.info;
import static io.distproc.benchmarks.Bench.log;
import static io.distproc.benchmarks.Bench.perSecond;
import static io.distproc.benchmarks.Bench.percentile;
import static io.distproc.benchmarks.Bench.result;
import static io.distproc.benchmarks.Bench.scaled;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.AbstractActorWithStash;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.OneForOneStrategy;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.SupervisorStrategy;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.pattern.Patterns;

/**
 * The workloads of BENCHMARKS.md (W1..W7), the scaling ones (W8, W9: {@link PekkoScaling}) and
 * the fault layer's (W10) on Apache Pekko classic actors, the peer distproc is measured against; the same command line as distproc's side
 * ({@code run W SCALE RUNS}, and {@code node-b NAME default|tuned} for the second node). Local
 * workloads run on a local actor system with the default dispatcher; remote ones on Artery TCP on
 * 127.0.0.1, payloads being {@code byte[]} carried by Pekko's byte-array serializer, control
 * messages by its String and Long serializers.
 */
public final class PekkoWorkloads {
  private PekkoWorkloads() {}

  static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final byte[] PAYLOAD = payload();

  /** Default watch failure detector (Pekko's reference.conf), for W6. */
  static final String DEFAULT = "default";

  /** Tuned watch failure detector: the same budget as distproc's tuned heartbeat, for W6. */
  static final String TUNED = "tuned";

  private static final String TUNED_WATCH =
      """
      pekko.remote.watch-failure-detector {
        heartbeat-interval = 200ms
        acceptable-heartbeat-pause = 1s
        expected-response-after = 200ms
        unreachable-nodes-reaper-interval = 200ms
      }
      """;

  /**
   * Runs a workload, or node B.
   *
   * @param args {@code run W SCALE RUNS} or {@code node-b NAME default|tuned}
   */
  public static void main(String[] args) {
    int status = 0;
    try {
      switch (args[0]) {
        case "run" -> run(args[1], Double.parseDouble(args[2]), Integer.parseInt(args[3]));
        case "node-b" -> nodeB(args[1], args[2]);
        default -> throw new IllegalArgumentException("unknown command " + args[0]);
      }
    } catch (Throwable t) {
      t.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  private static void run(String workload, double scale, int runs) throws Exception {
    Bench.describeJvm();
    info("side", "pekko");
    info("pekko.version", org.apache.pekko.Version.current());
    switch (workload) {
      case "W1" -> w1(scale, runs);
      case "W2" -> w2(scale, runs);
      case "W3" -> w3(scale, runs);
      case "W4" -> w4(scale, runs);
      case "W5" -> w5(scale, runs);
      case "W6" -> w6(runs);
      case "W7" -> w7(scale, runs);
      case "W8" -> PekkoScaling.w8(scale, runs);
      case "W9" -> PekkoScaling.w9(scale, runs);
      case "W10" -> w10(scale, runs);
      default -> throw new IllegalArgumentException("unknown workload " + workload);
    }
  }

  private static final String QUIET =
      """
      pekko.loglevel = WARNING
      pekko.stdout-loglevel = WARNING
      pekko.log-dead-letters = off
      pekko.log-dead-letters-during-shutdown = off
      pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
      """;

  static ActorSystem localSystem() {
    return ActorSystem.create("bench", ConfigFactory.systemProperties()
        .withFallback(ConfigFactory.parseString(QUIET))
        .withFallback(ConfigFactory.load()));
  }

  static Config remoteConfig(String watch) {
    return remoteConfig(watch, false);
  }

  /**
   * Artery TCP on 127.0.0.1. {@code blast}: an outbound queue large enough for W4's blast, which
   * Artery would otherwise drop from (it drops what does not fit in the queue, 3072 by default).
   */
  private static Config remoteConfig(String watch, boolean blast) {
    String artery =
        """
        pekko.actor.provider = remote
        pekko.remote.artery.transport = tcp
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        # Without Cluster, remote watch is off unless this is on (W6 needs it); the watch failure
        # detector's settings stay Pekko's defaults unless W6 tunes them.
        pekko.remote.use-unsafe-remote-features-outside-cluster = on
        pekko.remote.warn-about-direct-use = off
        """;
    if (blast) {
      artery += "pekko.remote.artery.advanced.outbound-message-queue-size = "
          + (Bench.W4_MESSAGES + 10_000) + "\n";
    }
    return ConfigFactory.systemProperties()
        .withFallback(
            ConfigFactory.parseString(QUIET + artery + (TUNED.equals(watch) ? TUNED_WATCH : "")))
        .withFallback(ConfigFactory.load());
  }

  static void shutdown(ActorSystem system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log("actor system did not terminate in time: " + e);
    }
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }

  // ---- W1: spawn waiting actors, one message each, all end -------------------------------------

  /** Waits for one message, then stops. */
  static final class Waiter extends AbstractActor {
    private final CountDownLatch ready;
    private final CountDownLatch ended;

    Waiter(CountDownLatch ready, CountDownLatch ended) {
      this.ready = ready;
      this.ended = ended;
    }

    @Override
    public void preStart() {
      ready.countDown();
    }

    @Override
    public void postStop() {
      ended.countDown();
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder().matchAny(m -> getContext().stop(getSelf())).build();
    }
  }

  /** Spawns the waiters as its children; answers "count" with how many children it has. */
  static final class Spawner extends AbstractActor {
    private final Props props;
    private final ActorRef[] refs;
    private final CompletableFuture<Void> spawned;

    Spawner(Props props, ActorRef[] refs, CompletableFuture<Void> spawned) {
      this.props = props;
      this.refs = refs;
      this.spawned = spawned;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals("spawn", m -> {
            for (int i = 0; i < refs.length; i++) {
              refs[i] = getContext().actorOf(props);
            }
            spawned.complete(null);
          })
          .matchEquals("count", m -> {
            int children = 0;
            for (ActorRef child : getContext().getChildren()) {
              children++;
            }
            getSender().tell(children, getSelf());
          })
          .build();
    }
  }

  /**
   * Actors that each wait for one message, then stop: W1's, and W8's idle population. Children of
   * one parent actor with one shared {@code Props}, as W1 defines it; their refs are kept in an
   * array, which W1's heap per actor includes.
   */
  static final class Waiters implements Scaling.Population {
    private final ActorRef spawner;
    private final ActorRef[] refs;
    private final CountDownLatch ended;

    private Waiters(ActorRef spawner, ActorRef[] refs, CountDownLatch ended) {
      this.spawner = spawner;
      this.refs = refs;
      this.ended = ended;
    }

    /** Spawns {@code n} waiters and returns once every one of them has started. */
    static Waiters spawn(ActorSystem system, int n) throws Exception {
      CountDownLatch ready = new CountDownLatch(n);
      CountDownLatch ended = new CountDownLatch(n);
      ActorRef[] refs = new ActorRef[n];
      CompletableFuture<Void> spawned = new CompletableFuture<>();
      Props waiter = Props.create(Waiter.class, () -> new Waiter(ready, ended));
      ActorRef spawner =
          system.actorOf(Props.create(Spawner.class, () -> new Spawner(waiter, refs, spawned)));
      spawner.tell("spawn", ActorRef.noSender());
      get(spawned);
      await(ready, "waiting actors to start");
      return new Waiters(spawner, refs, ended);
    }

    /** How many are alive: the parent's children, as it counts them. */
    @Override
    public long count() throws Exception {
      return (Integer) Patterns.ask(spawner, "count", PATIENCE).toCompletableFuture()
          .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public long waiting() {
      return ended.getCount();
    }

    /** Sends each its message, dropping its ref, and returns once all have stopped. */
    @Override
    public void release() throws Exception {
      sendEach();
      stopParent();
    }

    /** Sends each its message, dropping its ref, and waits until all have stopped. */
    void sendEach() throws InterruptedException {
      for (int i = 0; i < refs.length; i++) {
        refs[i].tell("go", ActorRef.noSender());
        refs[i] = null;
      }
      await(ended, "waiting actors to stop");
    }

    /** Stops the parent. */
    void stopParent() throws Exception {
      Patterns.gracefulStop(spawner, PATIENCE).toCompletableFuture().get();
    }
  }

  private static void w1(double scale, int runs) throws Exception {
    int n = scaled(Bench.W1_PROCESSES, scale);
    result("w1.processes", n);
    info("w1.how", "one parent actor spawns the waiters as its children with one shared Props");
    ActorSystem system = localSystem();
    try {
      w1Once(system, Bench.warmup(Bench.W1_PROCESSES), null);
      Bench.Runs r = new Bench.Runs("w1");
      for (int i = 0; i < runs; i++) {
        w1Once(system, n, r);
      }
      r.print();
    } finally {
      shutdown(system);
    }
  }

  private static void w1Once(ActorSystem system, int n, Bench.Runs r) throws Exception {
    long base = r == null ? 0 : heapAfterFullGc();
    long t0 = System.nanoTime();
    Waiters waiters = Waiters.spawn(system, n);
    long t1 = System.nanoTime();
    long alive = r == null ? 0 : heapAfterFullGc();
    long t2 = System.nanoTime();
    waiters.sendEach();
    long t3 = System.nanoTime();
    waiters.stopParent();
    if (r != null) {
      r.add("rate", perSecond(n, (t1 - t0) + (t3 - t2)));
      r.add("spawnRate", perSecond(n, t1 - t0));
      // The heap with none of them alive: before the run, and after it (the smaller counts).
      Thread.sleep(200);
      long after = heapAfterFullGc();
      r.add("bytesPerProcess", (double) (alive - Math.min(base, after)) / n);
    }
  }

  // ---- W2: local ping-pong ---------------------------------------------------------------------

  /** W2 and W7 server side: answers each ping to its sender. */
  static final class Ponger extends AbstractActor {
    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals(Ping.PING, p -> getSender().tell(Ping.PONG, getSelf()))
          .build();
    }
  }

  /** W2's messages. */
  enum Ping {
    PING,
    PONG
  }

  /** Bounces n pings off the ponger, sequentially. */
  static final class Pinger extends AbstractActor {
    private final ActorRef ponger;
    private final int n;
    private final CompletableFuture<Long> done;
    private int count;
    private long t0;

    Pinger(ActorRef ponger, int n, CompletableFuture<Long> done) {
      this.ponger = ponger;
      this.n = n;
      this.done = done;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals("start", s -> {
            t0 = System.nanoTime();
            ponger.tell(Ping.PING, getSelf());
          })
          .matchEquals(Ping.PONG, p -> {
            if (++count < n) {
              ponger.tell(Ping.PING, getSelf());
            } else {
              done.complete(System.nanoTime() - t0);
            }
          })
          .build();
    }
  }

  private static void w2(double scale, int runs) throws Exception {
    int n = scaled(Bench.W2_ROUND_TRIPS, scale);
    result("w2.roundTrips", n);
    ActorSystem system = localSystem();
    try {
      w2Once(system, Bench.warmup(Bench.W2_ROUND_TRIPS));
      Bench.Runs r = new Bench.Runs("w2");
      for (int i = 0; i < runs; i++) {
        r.add("rate", w2Once(system, n));
      }
      r.print();
    } finally {
      shutdown(system);
    }
  }

  static double w2Once(ActorSystem system, int n) throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    ActorRef ponger = system.actorOf(Props.create(Ponger.class, Ponger::new));
    ActorRef pinger =
        system.actorOf(Props.create(Pinger.class, () -> new Pinger(ponger, n, done)));
    pinger.tell("start", ActorRef.noSender());
    long nanos = get(done);
    system.stop(pinger);
    system.stop(ponger);
    return perSecond(n, nanos);
  }

  // ---- W3: fan-in --------------------------------------------------------------------------------

  /** Counts messages until it has them all. */
  static final class Receiver extends AbstractActor {
    private final long total;
    private final CompletableFuture<Long> done;
    private long count;

    Receiver(long total, CompletableFuture<Long> done) {
      this.total = total;
      this.done = done;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchAny(m -> {
            if (++count == total) {
              done.complete(System.nanoTime());
            }
          })
          .build();
    }
  }

  /** Sends its share to the receiver when told to go. */
  static final class Sender extends AbstractActor {
    private static final Integer ONE = 1;
    private final ActorRef receiver;
    private final int perSender;

    Sender(ActorRef receiver, int perSender) {
      this.receiver = receiver;
      this.perSender = perSender;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals("go", g -> {
            for (int i = 0; i < perSender; i++) {
              receiver.tell(ONE, getSelf());
            }
          })
          .build();
    }
  }

  private static void w3(double scale, int runs) throws Exception {
    int perSender = scaled(Bench.W3_PER_SENDER, scale);
    result("w3.senders", Bench.W3_SENDERS);
    result("w3.perSender", perSender);
    ActorSystem system = localSystem();
    try {
      w3Once(system, Bench.warmup(Bench.W3_PER_SENDER));
      Bench.Runs r = new Bench.Runs("w3");
      for (int i = 0; i < runs; i++) {
        r.add("rate", w3Once(system, perSender));
      }
      r.print();
    } finally {
      shutdown(system);
    }
  }

  static double w3Once(ActorSystem system, int perSender) throws Exception {
    int total = Bench.W3_SENDERS * perSender;
    CompletableFuture<Long> done = new CompletableFuture<>();
    ActorRef receiver =
        system.actorOf(Props.create(Receiver.class, () -> new Receiver(total, done)));
    ActorRef[] senders = new ActorRef[Bench.W3_SENDERS];
    for (int s = 0; s < senders.length; s++) {
      senders[s] =
          system.actorOf(Props.create(Sender.class, () -> new Sender(receiver, perSender)));
    }
    long t0 = System.nanoTime();
    for (ActorRef s : senders) {
      s.tell("go", ActorRef.noSender());
    }
    long end = get(done);
    for (ActorRef s : senders) {
      system.stop(s);
    }
    system.stop(receiver);
    return perSecond(total, end - t0);
  }

  // ---- the second node ---------------------------------------------------------------------------

  /** B's sink: counts payloads, acknowledges to their sender. */
  static final class Sink extends AbstractActor {
    private long total;
    private int ackEvery;
    private long count;

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(byte[].class, b -> {
            count++;
            if ((ackEvery > 0 && count % ackEvery == 0) || count == total) {
              getSender().tell(count, getSelf());
            }
          })
          .match(String.class, s -> s.startsWith("reset "), s -> {
            String[] f = s.split(" ");
            total = Long.parseLong(f[1]);
            ackEvery = Integer.parseInt(f[2]);
            count = 0;
            getSender().tell("ok", getSelf());
          })
          .build();
    }
  }

  /** B's echo: returns every payload to its sender. */
  static final class Echo extends AbstractActor {
    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(byte[].class, b -> getSender().tell(b, getSelf()))
          .build();
    }
  }

  /** B's waiter, which A watches in W6. */
  static final class Idle extends AbstractActor {
    @Override
    public Receive createReceive() {
      return receiveBuilder().build();
    }
  }

  static int port(ActorSystem system) {
    return (Integer) ((ExtendedActorSystem) system).provider().getDefaultAddress().port().get();
  }

  private static void nodeB(String name, String watch) {
    ActorSystem system = ActorSystem.create("b", remoteConfig(watch));
    system.actorOf(Props.create(Sink.class, Sink::new), "sink");
    system.actorOf(Props.create(Echo.class, Echo::new), "echo");
    system.actorOf(Props.create(Idle.class, Idle::new), "waiter");
    system.actorOf(Props.create(PekkoScaling.MeshNode.class, PekkoScaling.MeshNode::new), "mesh");
    log("node " + name + " up: " + ((ExtendedActorSystem) system).provider().getDefaultAddress());
    Bench.readyThenAwaitParent(port(system));
    shutdown(system);
  }

  private static int peers;

  private static Bench.Peer startB(String watch) throws Exception {
    return startB("b" + (++peers), watch);
  }

  /** Starts a node B named {@code name} (in its log's name). */
  static Bench.Peer startB(String name, String watch) throws java.io.IOException {
    return Bench.Peer.start(
        Path.of("target", "bench-logs", "pekko-node-" + name + ".log"),
        PekkoWorkloads.class.getName(),
        "node-b",
        name,
        watch);
  }

  private static ActorRef resolve(ActorSystem system, Bench.Peer peer, String actor)
      throws Exception {
    String path = "pekko://b@127.0.0.1:" + peer.port() + "/user/" + actor;
    return system.actorSelection(path).resolveOne(Duration.ofSeconds(30))
        .toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  // ---- W4: remote throughput ---------------------------------------------------------------------

  /**
   * Sends n payloads to the sink, all at once or within a window, until all are acknowledged; then
   * gives {@code done} the time that took.
   */
  static final class ThroughputSender extends AbstractActor {
    private final ActorRef sink;
    private final long n;
    private final boolean windowed;
    private final LongConsumer done;
    private long sent;
    private long acked;
    private long t0;

    ThroughputSender(ActorRef sink, long n, boolean windowed, LongConsumer done) {
      this.sink = sink;
      this.n = n;
      this.windowed = windowed;
      this.done = done;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals("start", s -> {
            t0 = System.nanoTime();
            fill();
          })
          .match(Long.class, ack -> {
            acked = Math.max(acked, ack);
            if (acked >= n) {
              done.accept(System.nanoTime() - t0);
            } else {
              fill();
            }
          })
          .build();
    }

    private void fill() {
      long limit = windowed ? Math.min(n, acked + Bench.W4_WINDOW) : n;
      while (sent < limit) {
        sink.tell(PAYLOAD, getSelf());
        sent++;
      }
    }
  }

  private static void w4(double scale, int runs) throws Exception {
    int n = scaled(Bench.W4_MESSAGES, scale);
    result("w4.messages", n);
    result("w4.payloadBytes", Bench.W4_PAYLOAD);
    result("w4.window", Bench.W4_WINDOW);
    result("w4.ackEvery", Bench.W4_ACK_EVERY);
    info("w4.batching", "none by the workload; Artery batches itself");
    info("w4.blastConfig", "pekko.remote.artery.advanced.outbound-message-queue-size = "
        + (Bench.W4_MESSAGES + 10_000) + " (windowed: the default)");
    Bench.Runs r = new Bench.Runs("w4");
    try (Bench.Peer peer = startB(DEFAULT)) {
      for (boolean windowed : new boolean[] {false, true}) {
        // Blast needs a larger outbound queue; windowed runs with Pekko's defaults.
        ActorSystem system = ActorSystem.create("a", remoteConfig(DEFAULT, !windowed));
        try {
          ActorRef sink = resolve(system, peer, "sink");
          w4Once(system, sink, Bench.warmup(Bench.W4_MESSAGES), windowed, null);
          for (int i = 0; i < runs; i++) {
            w4Once(system, sink, n, windowed, r);
          }
        } finally {
          shutdown(system);
        }
      }
    }
    r.print();
  }

  private static void w4Once(ActorSystem system, ActorRef sink, int n, boolean windowed,
      Bench.Runs r) throws Exception {
    int ackEvery = windowed ? Bench.W4_ACK_EVERY : 0;
    Patterns.ask(sink, "reset " + n + " " + ackEvery, Duration.ofSeconds(30))
        .toCompletableFuture().get(60, TimeUnit.SECONDS);
    heapAfterFullGc();
    CompletableFuture<Long> done = new CompletableFuture<>();
    try (Bench.HeapSampler heap = new Bench.HeapSampler()) {
      ActorRef sender = system.actorOf(Props.create(ThroughputSender.class,
          () -> new ThroughputSender(sink, n, windowed, done::complete)));
      sender.tell("start", ActorRef.noSender());
      long nanos = get(done);
      system.stop(sender);
      if (r != null) {
        String mode = windowed ? "windowed" : "blast";
        r.add(mode + ".rate", perSecond(n, nanos));
        r.add(mode + ".senderMaxHeapMiB", heap.max() / 1048576.0);
      }
    }
  }

  // ---- W5: remote ping-pong latency --------------------------------------------------------------

  /** Sends a payload to the echo, waits for it, n times, recording each round trip. */
  static final class LatencyPinger extends AbstractActor {
    private final ActorRef echo;
    private final long[] lat;
    private final CompletableFuture<long[]> done;
    private int i;
    private long t;

    LatencyPinger(ActorRef echo, int n, CompletableFuture<long[]> done) {
      this.echo = echo;
      this.lat = new long[n];
      this.done = done;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals("start", s -> ping())
          .match(byte[].class, b -> {
            lat[i++] = System.nanoTime() - t;
            if (i < lat.length) {
              ping();
            } else {
              done.complete(lat);
            }
          })
          .build();
    }

    private void ping() {
      t = System.nanoTime();
      echo.tell(PAYLOAD, getSelf());
    }
  }

  private static void w5(double scale, int runs) throws Exception {
    int n = scaled(Bench.W5_ROUND_TRIPS, scale);
    result("w5.roundTrips", n);
    result("w5.payloadBytes", Bench.W4_PAYLOAD);
    ActorSystem system = ActorSystem.create("a", remoteConfig(DEFAULT));
    try (Bench.Peer peer = startB(DEFAULT)) {
      ActorRef echo = resolve(system, peer, "echo");
      w5Once(system, echo, Bench.warmup(Bench.W5_ROUND_TRIPS), null);
      Bench.Runs r = new Bench.Runs("w5");
      for (int i = 0; i < runs; i++) {
        w5Once(system, echo, n, r);
      }
      r.print();
    } finally {
      shutdown(system);
    }
  }

  private static void w5Once(ActorSystem system, ActorRef echo, int n, Bench.Runs r)
      throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    ActorRef pinger = system.actorOf(
        Props.create(LatencyPinger.class, () -> new LatencyPinger(echo, n, done)));
    pinger.tell("start", ActorRef.noSender());
    long[] lat = get(done);
    system.stop(pinger);
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

  /** Watches the actor it is given; notes when Terminated arrives. */
  static final class Watcher extends AbstractActor {
    private final CompletableFuture<Long> firedAt;
    private final CompletableFuture<Terminated> notice;

    Watcher(CompletableFuture<Long> firedAt, CompletableFuture<Terminated> notice) {
      this.firedAt = firedAt;
      this.notice = notice;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(ActorRef.class, ref -> getContext().watch(ref))
          .match(Terminated.class, t -> {
            firedAt.complete(System.nanoTime());
            notice.complete(t);
          })
          .build();
    }
  }

  private static void w6(int runs) throws Exception {
    info("w6.default", "pekko.remote.watch-failure-detector as in reference.conf (heartbeat 1 s,"
        + " acceptable pause 10 s, reaper 1 s)");
    info("w6.tuned", TUNED_WATCH.replace('\n', ' ').replaceAll(" +", " ").strip()
        + " on both systems");
    Bench.Runs r = new Bench.Runs("w6");
    for (String watch : new String[] {DEFAULT, TUNED}) {
      ActorSystem system = ActorSystem.create("a", remoteConfig(watch));
      try {
        for (int i = 0; i < runs; i++) {
          for (String signal : new String[] {"KILL", "STOP"}) {
            double s = w6Once(system, watch, signal);
            r.add((signal.equals("KILL") ? "kill" : "hang") + "." + watch + "Seconds", s);
          }
        }
      } finally {
        shutdown(system);
      }
    }
    r.print();
  }

  private static double w6Once(ActorSystem system, String watch, String signal)
      throws Exception {
    try (Bench.Peer peer = startB(watch)) {
      ActorRef waiter = resolve(system, peer, "waiter");
      CompletableFuture<Long> firedAt = new CompletableFuture<>();
      CompletableFuture<Terminated> notice = new CompletableFuture<>();
      ActorRef watcher = system.actorOf(
          Props.create(Watcher.class, () -> new Watcher(firedAt, notice)));
      watcher.tell(waiter, ActorRef.noSender());
      // Heartbeats flowing: three intervals, as on distproc's side.
      Thread.sleep(TUNED.equals(watch) ? 600 : 3000);
      long t0 = System.nanoTime();
      peer.signal(signal);
      long t1 = get(firedAt);
      log("W6 " + signal + ": " + notice.join());
      system.stop(watcher);
      return (t1 - t0) / 1e9;
    }
  }

  // ---- W7: a request/reply loop beside a deep backlog (Pekko has no selective receive) ---------

  /** W7's messages. */
  record Request(long ref) {}

  /** W7's reply, matched by its ref. */
  record Reply(long ref) {}

  /** A message nobody asks for. */
  record Noise(int n) {}

  /** Answers each request to its sender. */
  static final class Server extends AbstractActor {
    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(Request.class, q -> getSender().tell(new Reply(q.ref()), getSelf()))
          .build();
    }
  }

  /**
   * The idiom for "take only the reply, leave the rest for later" in classic actors: stash what
   * does not match, and unstash it when the conversation is over.
   */
  static final class Client extends AbstractActorWithStash {
    private final ActorRef server;
    private final int n;
    private final CompletableFuture<long[]> done;
    private long ref;
    private long t0;

    Client(ActorRef server, int n, CompletableFuture<long[]> done) {
      this.server = server;
      this.n = n;
      this.done = done;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals("start", s -> {
            t0 = System.nanoTime();
            getContext().become(awaiting());
            request();
          })
          .matchAny(m -> stash())
          .build();
    }

    private Receive awaiting() {
      return receiveBuilder()
          .match(Reply.class, x -> x.ref() == ref, x -> {
            if (ref < n) {
              request();
            } else {
              long t = System.nanoTime() - t0;
              getContext().become(counting(t));
              unstashAll();
              getSelf().tell("end", getSelf());
            }
          })
          .matchAny(m -> stash())
          .build();
    }

    private Receive counting(long t) {
      long[] left = {0};
      return receiveBuilder()
          .match(Noise.class, x -> left[0]++)
          .matchEquals("end", e -> done.complete(new long[] {t, left[0]}))
          .build();
    }

    private void request() {
      server.tell(new Request(++ref), getSelf());
    }
  }

  private static void w7(double scale, int runs) throws Exception {
    int n = scaled(Bench.W7_ROUND_TRIPS, scale);
    int depth = Bench.W7_DEPTH;
    result("w7.roundTrips", n);
    result("w7.depth", depth);
    info("w7.how", "AbstractActorWithStash: what is not the awaited reply is stashed");
    ActorSystem system = localSystem();
    try {
      w7Once(system, 0, Bench.warmup(Bench.W7_ROUND_TRIPS));
      w7Once(system, depth, Bench.warmup(Bench.W7_ROUND_TRIPS));
      Bench.Runs r = new Bench.Runs("w7");
      for (int i = 0; i < runs; i++) {
        double empty = w7Once(system, 0, n);
        double deep = w7Once(system, depth, n);
        r.add("stash.emptyRate", empty);
        r.add("stash.rate", deep);
        r.add("stash.slowdown", empty / deep);
      }
      r.print();
    } finally {
      shutdown(system);
    }
  }

  private static double w7Once(ActorSystem system, int depth, int n) throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    ActorRef server = system.actorOf(Props.create(Server.class, Server::new));
    ActorRef client =
        system.actorOf(Props.create(Client.class, () -> new Client(server, n, done)));
    for (int i = 0; i < depth; i++) {
      client.tell(new Noise(i), ActorRef.noSender());
    }
    client.tell("start", ActorRef.noSender());
    long[] got = get(done);
    system.stop(client);
    system.stop(server);
    if (got[1] != depth) {
      throw new IllegalStateException("W7: " + got[1] + " of " + depth + " queued messages left");
    }
    return perSecond(n, got[0]);
  }

  // ---- W10: the fault layer: a supervisor's restarts, and the heap a DeathWatch pair costs ----

  /** W10's messages. */
  enum W10 {
    /** From a child to the driver, each time an instance of it starts. */
    STARTED,
    /** From the driver to the child: throw. */
    CRASH,
    /** To the second actor of each pair: a round trip with the first that changes nothing. */
    NOP,
    /** To the second actor of each pair: watch the first, and make it watch you. */
    WATCH,
    /** From the second actor of a pair to the first, after NOP. */
    HELLO,
    /** From the second actor of a pair to the first, after WATCH: watch me. */
    HELLO_WATCH,
    /** From the first actor of a pair to the second. */
    ACK,
    /** To every actor of the pairs: stop. */
    GO
  }

  /**
   * The supervised child: tells the driver in preStart, which runs for the first instance and,
   * through the default postRestart, for each new instance a restart makes; throws on CRASH.
   */
  static final class W10Child extends AbstractActor {
    private final ActorRef driver;

    W10Child(ActorRef driver) {
      this.driver = driver;
    }

    @Override
    public void preStart() {
      driver.tell(W10.STARTED, getSelf());
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals(W10.CRASH, c -> {
            throw new IllegalStateException("W10: crashing as asked");
          })
          .build();
    }
  }

  /**
   * The supervisor: one child, restarted by a OneForOneStrategy on the child's exception, at most
   * {@code maxRestarts} times in an hour; the strategy's log line per failure is off.
   */
  static final class W10Supervisor extends AbstractActor {
    private final Props child;
    private final SupervisorStrategy strategy;

    W10Supervisor(Props child, int maxRestarts) {
      this.child = child;
      this.strategy = new OneForOneStrategy(maxRestarts, Duration.ofHours(1),
          t -> t instanceof IllegalStateException ? SupervisorStrategy.restart()
              : SupervisorStrategy.escalate(),
          false);
    }

    @Override
    public SupervisorStrategy supervisorStrategy() {
      return strategy;
    }

    @Override
    public void preStart() {
      getContext().actorOf(child, "child");
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder().build();
    }
  }

  /**
   * Crashes the child n times, each time once the child's new instance has said it started; the
   * time for all n, and for the first {@code first}.
   */
  static final class W10Driver extends AbstractActor {
    private final int n;
    private final int first;
    private final CompletableFuture<long[]> done;
    private int starts;
    private long t0;
    private long tFirst;

    W10Driver(int n, int first, CompletableFuture<long[]> done) {
      this.n = n;
      this.first = first;
      this.done = done;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals(W10.STARTED, s -> {
            if (++starts == 1) {
              t0 = System.nanoTime(); // the first instance
            }
            if (starts == first + 1) {
              tFirst = System.nanoTime();
            }
            if (starts == n + 1) {
              done.complete(new long[] {System.nanoTime() - t0, tFirst - t0});
            } else {
              getSender().tell(W10.CRASH, getSelf());
            }
          })
          .build();
    }
  }

  /**
   * One actor of a W10 pair. The second (partner not null) answers NOP by sending the first HELLO,
   * and WATCH by watching the first and sending it HELLO_WATCH, which makes the first watch it; the
   * first answers either with ACK, on which the second counts down (a watch's system message is
   * taken before any message sent after it, so both watches are in place by then). Both stop on
   * GO, and ignore the other's Terminated.
   */
  static final class PairMember extends AbstractActor {
    private final ActorRef partner;
    private final CountDownLatch ready;
    private final CountDownLatch[] step;
    private final CountDownLatch ended;

    PairMember(ActorRef partner, CountDownLatch ready, CountDownLatch[] step,
        CountDownLatch ended) {
      this.partner = partner;
      this.ready = ready;
      this.step = step;
      this.ended = ended;
    }

    @Override
    public void preStart() {
      ready.countDown();
    }

    @Override
    public void postStop() {
      ended.countDown();
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals(W10.NOP, m -> partner.tell(W10.HELLO, getSelf()))
          .matchEquals(W10.WATCH, m -> {
            getContext().watch(partner);
            partner.tell(W10.HELLO_WATCH, getSelf());
          })
          .matchEquals(W10.HELLO, m -> getSender().tell(W10.ACK, getSelf()))
          .matchEquals(W10.HELLO_WATCH, m -> {
            getContext().watch(getSender());
            getSender().tell(W10.ACK, getSelf());
          })
          .matchEquals(W10.ACK, m -> step[0].countDown())
          .matchEquals(W10.GO, m -> getContext().stop(getSelf()))
          .match(Terminated.class, t -> {})
          .build();
    }
  }

  /** Spawns the pairs as its children. */
  static final class PairSpawner extends AbstractActor {
    private final ActorRef[] refs;
    private final CountDownLatch ready;
    private final CountDownLatch[] step;
    private final CountDownLatch ended;
    private final CompletableFuture<Void> spawned;

    PairSpawner(ActorRef[] refs, CountDownLatch ready, CountDownLatch[] step,
        CountDownLatch ended, CompletableFuture<Void> spawned) {
      this.refs = refs;
      this.ready = ready;
      this.step = step;
      this.ended = ended;
      this.spawned = spawned;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals("spawn", m -> {
            for (int i = 0; i < refs.length; i += 2) {
              ActorRef first = getContext().actorOf(Props.create(PairMember.class,
                  () -> new PairMember(null, ready, step, ended)));
              refs[i] = first;
              refs[i + 1] = getContext().actorOf(Props.create(PairMember.class,
                  () -> new PairMember(first, ready, step, ended)));
            }
            spawned.complete(null);
          })
          .build();
    }
  }

  private static void w10(double scale, int runs) throws Exception {
    int n = scaled(Bench.W10_RESTARTS, scale);
    int pairs = scaled(Bench.W10_PAIRS, scale);
    result("w10.restarts", n);
    result("w10.pairs", pairs);
    info("w10.restart.how", "a parent actor with OneForOneStrategy(restarts+1, 1 h, Restart on the"
        + " child's exception, logging off) and one child; the driver sends the child CRASH (it"
        + " throws) and waits for the new instance's STARTED, sent from preStart");
    info("w10.link.how", "pairs of actors, children of one parent; each pair makes a round trip"
        + " that changes nothing, another, then one that makes each watch the other (context.watch"
        + " both ways: DeathWatch, Pekko's nearest to a link), a full GC after each; heap after the"
        + " watches less heap after the second, per pair");
    ActorSystem system = localSystem();
    try {
      Bench.Runs r = new Bench.Runs("w10");
      w10Restarts(system, Bench.warmup(Bench.W10_RESTARTS));
      for (int i = 0; i < runs; i++) {
        double[] rates = w10Restarts(system, n);
        r.add("restartRate", rates[0]);
        r.add("firstRestartRate", rates[1]);
      }
      w10WatchBytes(system, Bench.warmup(Bench.W10_PAIRS));
      for (int i = 0; i < runs; i++) {
        r.add("bytesPerLink", w10WatchBytes(system, pairs));
      }
      r.print();
    } finally {
      shutdown(system);
    }
  }

  private static double[] w10Restarts(ActorSystem system, int n) throws Exception {
    int first = Math.min(n, Bench.W10_FIRST_RESTARTS);
    CompletableFuture<long[]> done = new CompletableFuture<>();
    ActorRef driver =
        system.actorOf(Props.create(W10Driver.class, () -> new W10Driver(n, first, done)));
    Props child = Props.create(W10Child.class, () -> new W10Child(driver));
    ActorRef sup =
        system.actorOf(Props.create(W10Supervisor.class, () -> new W10Supervisor(child, n + 1)));
    long[] nanos = get(done);
    Patterns.gracefulStop(sup, PATIENCE).toCompletableFuture().get();
    system.stop(driver);
    return new double[] {perSecond(n, nanos[0]), perSecond(first, nanos[1])};
  }

  /**
   * The heap a mutual DeathWatch costs: spawns {@code pairs} pairs of actors; each pair then makes
   * a round trip that changes nothing (NOP), another, and one that sets up a watch both ways
   * (WATCH), with a full GC after each step. The heap after WATCH less the heap after the second
   * NOP is the watches': the same actors. Bytes per pair. The steps are distproc's (where the two
   * NOPs matter).
   */
  private static double w10WatchBytes(ActorSystem system, int pairs) throws Exception {
    CountDownLatch ready = new CountDownLatch(2 * pairs);
    CountDownLatch[] step = {new CountDownLatch(pairs)};
    CountDownLatch ended = new CountDownLatch(2 * pairs);
    ActorRef[] refs = new ActorRef[2 * pairs];
    CompletableFuture<Void> spawned = new CompletableFuture<>();
    ActorRef spawner = system.actorOf(Props.create(PairSpawner.class,
        () -> new PairSpawner(refs, ready, step, ended, spawned)));
    spawner.tell("spawn", ActorRef.noSender());
    get(spawned);
    await(ready, "W10 pairs to start");
    W10[] steps = {W10.NOP, W10.NOP, W10.WATCH};
    long[] heap = new long[steps.length];
    for (int k = 0; k < steps.length; k++) {
      CountDownLatch done = new CountDownLatch(pairs);
      step[0] = done;
      for (int i = 1; i < refs.length; i += 2) {
        refs[i].tell(steps[k], ActorRef.noSender());
      }
      await(done, "W10 pairs to take " + steps[k]);
      heap[k] = heapAfterFullGc();
    }
    for (ActorRef ref : refs) {
      ref.tell(W10.GO, ActorRef.noSender());
    }
    await(ended, "W10 pairs to end");
    Patterns.gracefulStop(spawner, PATIENCE).toCompletableFuture().get();
    return (double) (heap[2] - heap[1]) / pairs;
  }
}
