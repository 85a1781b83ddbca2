package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.await;
import static io.distproc.benchmarks.Bench.heapAfterFullGc;
import static io.distproc.benchmarks.Bench.info;
import static io.distproc.benchmarks.Bench.perSecond;
import static io.distproc.benchmarks.Bench.result;
import static io.distproc.benchmarks.Bench.scaled;
import static io.distproc.benchmarks.PekkoWorkloads.PATIENCE;
import static io.distproc.benchmarks.PekkoWorkloads.get;
import static io.distproc.benchmarks.PekkoWorkloads.localSystem;
import static io.distproc.benchmarks.PekkoWorkloads.shutdown;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.jspecify.annotations.Nullable;

/**
 * The local workloads on Pekko, each on a local actor system with the default dispatcher: W1 (spawn
 * waiting actors, one message each, all end), W2 (ping-pong) and W3 (fan-in). W8 runs W2 and W3
 * again, and W1's waiters, in {@link PekkoScaling}.
 */
final class PekkoLocal {
  private PekkoLocal() {}

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
          .matchEquals(
              "spawn",
              m -> {
                for (int i = 0; i < refs.length; i++) {
                  refs[i] = getContext().actorOf(props);
                }
                spawned.complete(null);
              })
          .matchEquals(
              "count",
              m -> {
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
   * array, which W1's heap per actor includes, each dropped once its actor is sent its message.
   */
  static final class Waiters implements Scaling.Population {
    private final ActorRef spawner;
    private final @Nullable ActorRef[] refs;
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
      return (Integer)
          Patterns.ask(spawner, "count", PATIENCE)
              .toCompletableFuture()
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
        ActorRef ref = refs[i];
        if (ref == null) {
          throw new IllegalStateException("the waiting actors were sent their messages already");
        }
        ref.tell("go", ActorRef.noSender());
        refs[i] = null;
      }
      await(ended, "waiting actors to stop");
    }

    /** Stops the parent. */
    void stopParent() throws Exception {
      Patterns.gracefulStop(spawner, PATIENCE).toCompletableFuture().get();
    }
  }

  static void w1(double scale, int runs) throws Exception {
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

  private static void w1Once(ActorSystem system, int n, Bench.@Nullable Runs r) throws Exception {
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
          .matchEquals(
              "start",
              s -> {
                t0 = System.nanoTime();
                ponger.tell(Ping.PING, getSelf());
              })
          .matchEquals(
              Ping.PONG,
              p -> {
                if (++count < n) {
                  ponger.tell(Ping.PING, getSelf());
                } else {
                  done.complete(System.nanoTime() - t0);
                }
              })
          .build();
    }
  }

  static void w2(double scale, int runs) throws Exception {
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
    ActorRef pinger = system.actorOf(Props.create(Pinger.class, () -> new Pinger(ponger, n, done)));
    pinger.tell("start", ActorRef.noSender());
    long nanos = get(done);
    system.stop(pinger);
    system.stop(ponger);
    return perSecond(n, nanos);
  }

  // ---- W3: fan-in
  // --------------------------------------------------------------------------------

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
          .matchAny(
              m -> {
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
          .matchEquals(
              "go",
              g -> {
                for (int i = 0; i < perSender; i++) {
                  receiver.tell(ONE, getSelf());
                }
              })
          .build();
    }
  }

  static void w3(double scale, int runs) throws Exception {
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
}
