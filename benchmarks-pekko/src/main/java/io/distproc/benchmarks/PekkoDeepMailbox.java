package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.info;
import static io.distproc.benchmarks.Bench.perSecond;
import static io.distproc.benchmarks.Bench.result;
import static io.distproc.benchmarks.Bench.scaled;
import static io.distproc.benchmarks.PekkoWorkloads.get;
import static io.distproc.benchmarks.PekkoWorkloads.localSystem;
import static io.distproc.benchmarks.PekkoWorkloads.shutdown;

import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.AbstractActorWithStash;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

/**
 * W7 on Pekko: a request/reply loop whose client has 10^4 messages nobody asks for queued in its
 * mailbox, which it stashes until the loop is over (classic actors have no selective receive),
 * against the same loop with an empty mailbox.
 */
final class PekkoDeepMailbox {
  private PekkoDeepMailbox() {}

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
          .matchEquals(
              "start",
              s -> {
                t0 = System.nanoTime();
                getContext().become(awaiting());
                request();
              })
          .matchAny(m -> stash())
          .build();
    }

    private Receive awaiting() {
      return receiveBuilder()
          .match(
              Reply.class,
              x -> x.ref() == ref,
              x -> {
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

  static void w7(double scale, int runs) throws Exception {
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
    ActorRef client = system.actorOf(Props.create(Client.class, () -> new Client(server, n, done)));
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
}
