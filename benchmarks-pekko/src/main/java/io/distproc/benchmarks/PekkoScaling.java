package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.heapAfterFullGc;
import static io.distproc.benchmarks.Bench.info;
import static io.distproc.benchmarks.PekkoLocal.w2Once;
import static io.distproc.benchmarks.PekkoLocal.w3Once;
import static io.distproc.benchmarks.PekkoNodes.DEFAULT;
import static io.distproc.benchmarks.PekkoWorkloads.PATIENCE;
import static io.distproc.benchmarks.PekkoWorkloads.get;

import io.distproc.benchmarks.PekkoLocal.Waiters;
import io.distproc.benchmarks.PekkoNodes.Sink;
import io.distproc.benchmarks.PekkoRemote.ThroughputSender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.jspecify.annotations.Nullable;

/**
 * The scaling workloads on Pekko ({@link Scaling} has their procedure), run by {@link
 * PekkoWorkloads}: W8, W2's and W3's rates with 10^6 idle actors alive in the actor system, against
 * the same system's rates with none; and W9, four actor systems on Artery TCP (this JVM's and three
 * more) in which each streams to the three others at once, with W4's windowed protocol on each of
 * the 12 directed links. Control messages are Strings and Longs, carried by Pekko's built-in
 * serializers, as in W4.
 */
final class PekkoScaling {
  private PekkoScaling() {}

  // ---- W8: local rates with an idle population -------------------------------------------------

  static void w8(double scale, int runs) throws Exception {
    info(
        "w8.how",
        "each run: W2 and W3 on an actor system with no other actor of ours, then the"
            + " same with the idle population alive (W1's waiting actors, children of one parent that"
            + " counts them), then the population is stopped and awaited; a full GC before each of the"
            + " two measurements");
    ActorSystem system = PekkoWorkloads.localSystem();
    try {
      // W2's and W3's actors are stopped when they are done, and W8 does not count them.
      Scaling.w8(
          scale,
          runs,
          new Scaling.Local(
              n -> w2Once(system, n),
              n -> w3Once(system, n),
              () -> {},
              n -> Waiters.spawn(system, n)));
    } finally {
      PekkoWorkloads.shutdown(system);
    }
  }

  // ---- W9: four actor systems, each streaming to the three others -----------------------------

  /**
   * The actor {@code /user/mesh} of each of W9's actor systems. "stream N PATH" (from the
   * coordinator) makes a {@link Streamer} to the mesh actor at PATH; "sink N ACK_EVERY" (from a
   * streamer on another system) makes a W4 {@link Sink} and hands it the streamer's reset, so that
   * the sink answers the streamer; "clear" stops them all.
   */
  static final class MeshNode extends AbstractActor {
    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(
              String.class,
              s -> s.startsWith("stream "),
              s -> {
                String[] f = s.split(" ");
                ActorRef coordinator = getSender();
                getContext()
                    .actorOf(
                        Props.create(
                            Streamer.class,
                            () -> new Streamer(coordinator, Long.parseLong(f[1]), f[2])));
              })
          .match(
              String.class,
              s -> s.startsWith("sink "),
              s -> {
                ActorRef sink = getContext().actorOf(Props.create(Sink.class, Sink::new));
                sink.forward("reset " + s.substring("sink ".length()), getContext());
              })
          .matchEquals(
              "clear",
              m -> {
                getContext().getChildren().forEach(getContext()::stop);
                getSender().tell("cleared", getSelf());
              })
          .build();
    }
  }

  /**
   * One directed link: asks the mesh actor at the other end for a sink, tells the coordinator it is
   * ready once the sink answers, and on go streams to it with a W4 {@link ThroughputSender}
   * (windowed), which reports its time to the coordinator.
   */
  static final class Streamer extends AbstractActor {
    private final ActorRef coordinator;
    private final long n;
    private final String target;
    private @Nullable ActorRef sink;

    Streamer(ActorRef coordinator, long n, String target) {
      this.coordinator = coordinator;
      this.n = n;
      this.target = target;
    }

    @Override
    public void preStart() {
      getContext().actorSelection(target).tell("sink " + n + " " + Bench.W4_ACK_EVERY, getSelf());
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals(
              "ok",
              m -> {
                sink = getSender();
                coordinator.tell("ready", getSelf());
              })
          .matchEquals(
              "go",
              m -> {
                ActorRef to = sink;
                if (to == null) {
                  throw new IllegalStateException("go before " + target + " answered with a sink");
                }
                getContext()
                    .actorOf(
                        Props.create(
                            ThroughputSender.class,
                            () ->
                                new ThroughputSender(
                                    to,
                                    n,
                                    true,
                                    nanos -> coordinator.tell(nanos, ActorRef.noSender()))))
                    .tell("start", getSelf());
              })
          .build();
    }
  }

  /**
   * The coordinator, on this JVM's system: counts the streamers' "ready", sends each "go" when told
   * to, and collects their times; {@code done} gets the time from go to the last report first, then
   * each link's.
   */
  static final class Coordinator extends AbstractActor {
    private final CompletableFuture<Void> ready;
    private final CompletableFuture<long[]> done;
    private final List<ActorRef> streamers = new ArrayList<>();
    private final long[] nanos;
    private int reported;
    private long t0;

    Coordinator(int links, CompletableFuture<Void> ready, CompletableFuture<long[]> done) {
      this.ready = ready;
      this.done = done;
      this.nanos = new long[links + 1];
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals(
              "ready",
              m -> {
                streamers.add(getSender());
                if (streamers.size() == nanos.length - 1) {
                  ready.complete(null);
                }
              })
          .matchEquals(
              "go",
              m -> {
                t0 = System.nanoTime();
                streamers.forEach(s -> s.tell("go", getSelf()));
              })
          .match(
              Long.class,
              t -> {
                nanos[++reported] = t;
                if (reported == nanos.length - 1) {
                  nanos[0] = System.nanoTime() - t0;
                  done.complete(nanos);
                }
              })
          .build();
    }
  }

  static void w9(double scale, int runs) throws Exception {
    Scaling.w9Sizes(scale);
    info(
        "w9.how",
        "actor system a (this JVM) and three in JVMs of their own, Artery TCP; on each,"
            + " one streamer actor per other system gets a sink there from its mesh actor and waits;"
            + " on go, all 12 stream with W4's windowed ThroughputSender at once. Mesh rate = all"
            + " messages / (go until the last report reaches a); a link's rate = its messages / its"
            + " own stream's time");
    info(
        "w9.heap",
        "heapPerLinkKiB: system a's heap after a full GC with its 3 associations"
            + " (after each run) less the same before it had any, / 3; nodeMaxHeapMiB: a's largest"
            + " heap in use during a run (garbage included), after a full GC at its start, as W4's");
    ActorSystem a = ActorSystem.create("a", PekkoNodes.remoteConfig(DEFAULT));
    try {
      List<ActorRef> meshes = new ArrayList<>();
      List<String> paths = new ArrayList<>();
      meshes.add(a.actorOf(Props.create(MeshNode.class, MeshNode::new), "mesh"));
      paths.add("pekko://a@127.0.0.1:" + PekkoNodes.port(a) + "/user/mesh");
      long noLinks = heapAfterFullGc();
      try (Peers peers =
          Peers.start(Bench.W9_NODES - 1, i -> PekkoNodes.startB("mesh" + (i + 1), DEFAULT))) {
        for (int i = 0; i < peers.size(); i++) {
          String path = "pekko://b@127.0.0.1:" + peers.get(i).port() + "/user/mesh";
          paths.add(path);
          meshes.add(
              a.actorSelection(path)
                  .resolveOne(PATIENCE)
                  .toCompletableFuture()
                  .get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        }
        Scaling.w9(
            scale,
            runs,
            noLinks,
            new Scaling.Mesh(
                meshes.size(), n -> w9Stream(a, meshes, paths, n), () -> clear(meshes)));
      }
    } finally {
      PekkoWorkloads.shutdown(a);
    }
  }

  /** Has each mesh actor stop the streamers and sinks it made, and waits for its answer. */
  private static void clear(List<ActorRef> meshes) throws Exception {
    for (ActorRef mesh : meshes) {
      Patterns.ask(mesh, "clear", PATIENCE)
          .toCompletableFuture()
          .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /**
   * A coordinator actor on system a has each mesh actor make a streamer to each other, waits for
   * all to be ready, says go, and collects their reports.
   */
  private static long[] w9Stream(ActorSystem a, List<ActorRef> meshes, List<String> paths, int n)
      throws Exception {
    int links = meshes.size() * (meshes.size() - 1);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    CompletableFuture<long[]> done = new CompletableFuture<>();
    ActorRef coordinator =
        a.actorOf(Props.create(Coordinator.class, () -> new Coordinator(links, ready, done)));
    for (int from = 0; from < meshes.size(); from++) {
      for (int to = 0; to < meshes.size(); to++) {
        if (from != to) {
          meshes.get(from).tell("stream " + n + " " + paths.get(to), coordinator);
        }
      }
    }
    get(ready);
    coordinator.tell("go", ActorRef.noSender());
    long[] nanos = get(done);
    a.stop(coordinator);
    return nanos;
  }
}
