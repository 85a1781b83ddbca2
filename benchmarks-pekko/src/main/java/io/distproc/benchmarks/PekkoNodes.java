package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.log;
import static io.distproc.benchmarks.PekkoWorkloads.QUIET;
import static io.distproc.benchmarks.PekkoWorkloads.shutdown;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;

/**
 * The actor systems of Pekko's remote workloads: the Artery TCP configuration every system gets (on
 * 127.0.0.1), with the watch failure detector W6 tunes, and node B's JVM: how it is started ({@code
 * node-b NAME default|tuned}, through {@link PekkoWorkloads}), the actors it runs, and how node A
 * finds them.
 */
final class PekkoNodes {
  private PekkoNodes() {}

  /** Default watch failure detector (Pekko's reference.conf), for W6. */
  static final String DEFAULT = "default";

  /** Tuned watch failure detector: the same budget as distproc's tuned heartbeat, for W6. */
  static final String TUNED = "tuned";

  static final String TUNED_WATCH =
      """
      pekko.remote.watch-failure-detector {
        heartbeat-interval = 200ms
        acceptable-heartbeat-pause = 1s
        expected-response-after = 200ms
        unreachable-nodes-reaper-interval = 200ms
      }
      """;

  static Config remoteConfig(String watch) {
    return remoteConfig(watch, false);
  }

  /**
   * Artery TCP on 127.0.0.1. {@code blast}: an outbound queue large enough for W4's blast, which
   * Artery would otherwise drop from (it drops what does not fit in the queue, 3072 by default).
   */
  static Config remoteConfig(String watch, boolean blast) {
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
      artery +=
          "pekko.remote.artery.advanced.outbound-message-queue-size = "
              + (Bench.W4_MESSAGES + 10_000)
              + "\n";
    }
    return ConfigFactory.systemProperties()
        .withFallback(
            ConfigFactory.parseString(QUIET + artery + (TUNED.equals(watch) ? TUNED_WATCH : "")))
        .withFallback(ConfigFactory.load());
  }

  // ---- the second node
  // ---------------------------------------------------------------------------

  /** B's sink: counts payloads, acknowledges to their sender. */
  static final class Sink extends AbstractActor {
    private long total;
    private int ackEvery;
    private long count;

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(
              byte[].class,
              b -> {
                count++;
                if ((ackEvery > 0 && count % ackEvery == 0) || count == total) {
                  getSender().tell(count, getSelf());
                }
              })
          .match(
              String.class,
              s -> s.startsWith("reset "),
              s -> {
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
      return receiveBuilder().match(byte[].class, b -> getSender().tell(b, getSelf())).build();
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

  static void nodeB(String name, String watch) {
    ActorSystem system = ActorSystem.create("b", remoteConfig(watch));
    system.actorOf(Props.create(Sink.class, Sink::new), "sink");
    system.actorOf(Props.create(Echo.class, Echo::new), "echo");
    system.actorOf(Props.create(Idle.class, Idle::new), "waiter");
    system.actorOf(Props.create(PekkoScaling.MeshNode.class, PekkoScaling.MeshNode::new), "mesh");
    log("node " + name + " up: " + ((ExtendedActorSystem) system).provider().getDefaultAddress());
    Peer.readyThenAwaitParent(port(system));
    shutdown(system);
  }

  private static int peers;

  static Peer startB(String watch) throws Exception {
    return startB("b" + (++peers), watch);
  }

  /** Starts a node B named {@code name} (in its log's name). */
  static Peer startB(String name, String watch) throws java.io.IOException {
    return Peer.start(
        Path.of("target", "bench-logs", "pekko-node-" + name + ".log"),
        PekkoWorkloads.class.getName(),
        "node-b",
        name,
        watch);
  }

  static ActorRef resolve(ActorSystem system, Peer peer, String actor) throws Exception {
    String path = "pekko://b@127.0.0.1:" + peer.port() + "/user/" + actor;
    return system
        .actorSelection(path)
        .resolveOne(Duration.ofSeconds(30))
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }
}
