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

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.OneForOneStrategy;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.SupervisorStrategy;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.pattern.Patterns;
import org.jspecify.annotations.Nullable;

/**
 * W10 on Pekko, the fault layer: the restarts of a OneForOneStrategy's child that is made to crash,
 * and the heap a mutual DeathWatch costs (Pekko's nearest to a link).
 */
final class PekkoFault {
  private PekkoFault() {}

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
          .matchEquals(
              W10.CRASH,
              c -> {
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
      this.strategy =
          new OneForOneStrategy(
              maxRestarts,
              Duration.ofHours(1),
              t ->
                  t instanceof IllegalStateException
                      ? SupervisorStrategy.restart()
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
          .matchEquals(
              W10.STARTED,
              s -> {
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
   * taken before any message sent after it, so both watches are in place by then). Both stop on GO,
   * and ignore the other's Terminated.
   */
  static final class PairMember extends AbstractActor {
    private final @Nullable ActorRef partner;
    private final CountDownLatch ready;
    private final CountDownLatch[] step;
    private final CountDownLatch ended;

    PairMember(
        @Nullable ActorRef partner,
        CountDownLatch ready,
        CountDownLatch[] step,
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
          .matchEquals(W10.NOP, m -> partner().tell(W10.HELLO, getSelf()))
          .matchEquals(
              W10.WATCH,
              m -> {
                ActorRef first = partner();
                getContext().watch(first);
                first.tell(W10.HELLO_WATCH, getSelf());
              })
          .matchEquals(W10.HELLO, m -> getSender().tell(W10.ACK, getSelf()))
          .matchEquals(
              W10.HELLO_WATCH,
              m -> {
                getContext().watch(getSender());
                getSender().tell(W10.ACK, getSelf());
              })
          .matchEquals(W10.ACK, m -> step[0].countDown())
          .matchEquals(W10.GO, m -> getContext().stop(getSelf()))
          .match(Terminated.class, t -> {})
          .build();
    }

    /**
     * The first actor of the pair: only the second knows it, and only the second is sent NOP and
     * WATCH.
     */
    private ActorRef partner() {
      if (partner == null) {
        throw new IllegalStateException("NOP and WATCH go to the second actor of a pair");
      }
      return partner;
    }
  }

  /** Spawns the pairs as its children. */
  static final class PairSpawner extends AbstractActor {
    private final ActorRef[] refs;
    private final CountDownLatch ready;
    private final CountDownLatch[] step;
    private final CountDownLatch ended;
    private final CompletableFuture<Void> spawned;

    PairSpawner(
        ActorRef[] refs,
        CountDownLatch ready,
        CountDownLatch[] step,
        CountDownLatch ended,
        CompletableFuture<Void> spawned) {
      this.refs = refs;
      this.ready = ready;
      this.step = step;
      this.ended = ended;
      this.spawned = spawned;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals(
              "spawn",
              m -> {
                for (int i = 0; i < refs.length; i += 2) {
                  ActorRef first =
                      getContext()
                          .actorOf(
                              Props.create(
                                  PairMember.class,
                                  () -> new PairMember(null, ready, step, ended)));
                  refs[i] = first;
                  refs[i + 1] =
                      getContext()
                          .actorOf(
                              Props.create(
                                  PairMember.class,
                                  () -> new PairMember(first, ready, step, ended)));
                }
                spawned.complete(null);
              })
          .build();
    }
  }

  static void w10(double scale, int runs) throws Exception {
    int n = scaled(Bench.W10_RESTARTS, scale);
    int pairs = scaled(Bench.W10_PAIRS, scale);
    result("w10.restarts", n);
    result("w10.pairs", pairs);
    info(
        "w10.restart.how",
        "a parent actor with OneForOneStrategy(restarts+1, 1 h, Restart on the"
            + " child's exception, logging off) and one child; the driver sends the child CRASH (it"
            + " throws) and waits for the new instance's STARTED, sent from preStart");
    info(
        "w10.link.how",
        "pairs of actors, children of one parent; each pair makes a round trip"
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
    ActorRef spawner =
        system.actorOf(
            Props.create(
                PairSpawner.class, () -> new PairSpawner(refs, ready, step, ended, spawned)));
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
