package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.info;
import static io.distproc.benchmarks.Bench.log;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;

/**
 * The workloads of BENCHMARKS.md (W1..W7), the scaling ones (W8, W9: {@link PekkoScaling}) and the
 * fault layer's (W10) on Apache Pekko classic actors, the peer distproc is measured against; the
 * same command line as distproc's side ({@code run W SCALE RUNS}, and {@code node-b NAME
 * default|tuned} for the second node). Local workloads run on a local actor system with the default
 * dispatcher; remote ones on Artery TCP on 127.0.0.1, payloads being {@code byte[]} carried by
 * Pekko's byte-array serializer, control messages by its String and Long serializers.
 *
 * <p>This class is the JVM's entry point, and holds what the workloads share. The workloads are in
 * {@link PekkoLocal} (W1-W3), {@link PekkoRemote} (W4-W6), {@link PekkoDeepMailbox} (W7), {@link
 * PekkoScaling} (W8, W9) and {@link PekkoFault} (W10); the remote actor systems' configuration and
 * node B in {@link PekkoNodes}.
 */
public final class PekkoWorkloads {
  private PekkoWorkloads() {}

  static final Duration PATIENCE = Duration.ofSeconds(120);

  /**
   * Runs a workload, or node B.
   *
   * @param args {@code run W SCALE RUNS [WARMUPS]} (the first WARMUPS of the RUNS are not counted)
   *     or {@code node-b NAME default|tuned}
   */
  public static void main(String[] args) {
    int status = 0;
    try {
      switch (args[0]) {
        case "run" -> {
          Bench.uncounted(args.length > 4 ? Integer.parseInt(args[4]) : 0);
          run(args[1], Double.parseDouble(args[2]), Integer.parseInt(args[3]));
        }
        case "node-b" -> PekkoNodes.nodeB(args[1], args[2]);
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
      case "W1" -> PekkoLocal.w1(scale, runs);
      case "W2" -> PekkoLocal.w2(scale, runs);
      case "W3" -> PekkoLocal.w3(scale, runs);
      case "W4" -> PekkoRemote.w4(scale, runs);
      case "W5" -> PekkoRemote.w5(scale, runs);
      case "W6" -> PekkoRemote.w6(runs);
      case "W7" -> PekkoDeepMailbox.w7(scale, runs);
      case "W8" -> PekkoScaling.w8(scale, runs);
      case "W9" -> PekkoScaling.w9(scale, runs);
      case "W10" -> PekkoFault.w10(scale, runs);
      default -> throw new IllegalArgumentException("unknown workload " + workload);
    }
  }

  static final String QUIET =
      """
      pekko.loglevel = WARNING
      pekko.stdout-loglevel = WARNING
      pekko.log-dead-letters = off
      pekko.log-dead-letters-during-shutdown = off
      pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
      """;

  static ActorSystem localSystem() {
    return ActorSystem.create(
        "bench",
        ConfigFactory.systemProperties()
            .withFallback(ConfigFactory.parseString(QUIET))
            .withFallback(ConfigFactory.load()));
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
}
