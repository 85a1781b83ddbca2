package io.distproc.demo;

import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;

import io.distproc.Behaviours;
import io.distproc.CallException;
import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.Spawned;
import io.distproc.demo.DemoMessage.Job;
import io.distproc.demo.DemoMessage.Note;
import io.distproc.demo.DemoMessage.Result;
import io.distproc.demo.DemoMessage.Signal;
import io.distproc.otp.ChildSpec;
import io.distproc.otp.Strategy;
import io.distproc.otp.Supervisor;
import io.distproc.otp.SupervisorRef;
import io.distproc.otp.SupervisorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real cluster on this machine: node alpha in this JVM, beta and gamma in two more JVMs, all on
 * loopback over gRPC. Alpha spawns work on the others by behaviour name, sees a crash on beta
 * through a monitor, has a supervisor restart a crashed calculator on beta, kills gamma's JVM with
 * SIGKILL while a call to it waits (the call fails at once) and times how long the node-down notice
 * takes, then asks beta to leave. Every step is traced and checked.
 */
public final class ClusterDemo {
  private static final Logger LOG = LoggerFactory.getLogger("demo");
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final String LOOPBACK = "127.0.0.1";

  private ClusterDemo() {}

  /**
   * Runs the demo, or with {@code --member NAME SEED_PORT} one member node of it.
   *
   * @param args empty, or the member arguments
   * @throws Exception if the demo itself cannot run
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("--member")) {
      member(args[1], Integer.parseInt(args[2]));
      return;
    }
    System.setProperty("demo.node", "alpha"); // names this JVM in the trace
    List<String> failures = run();
    if (failures.isEmpty()) {
      LOG.info("demo finished: every step behaved as expected");
    } else {
      failures.forEach(f -> LOG.error("unexpected: {}", f));
      System.exit(1);
    }
  }

  static Behaviours<DemoMessage> behaviours(CompletableFuture<Void> leave) {
    return Behaviours.<DemoMessage>builder()
        .add("calculator", arg -> ClusterDemo::calculator)
        .add("triage", arg -> ClusterDemo::triage)
        .add("leave", arg -> ctx -> leave.complete(null))
        .build();
  }

  /** A member node: joins alpha through its seed and runs until asked to leave or killed. */
  private static void member(String name, int seedPort) throws InterruptedException {
    CompletableFuture<Void> leave = new CompletableFuture<>();
    CountDownLatch alphaGone = new CountDownLatch(1);
    NodeConfig config =
        NodeConfig.remote(name)
            .bind(LOOPBACK, 0)
            .seedNode("alpha", LOOPBACK, seedPort)
            .plaintext() // loopback only: nothing leaves this machine
            .build();
    try (Node<DemoMessage> node =
        Node.builder(config, new DemoCodec())
            .behaviours(behaviours(leave))
            .onNodeDown(
                e -> {
                  if (e.node().name().equals("alpha")) {
                    alphaGone.countDown();
                  }
                })
            .start()) {
      LOG.info(
          "node {} up on port {}, seed alpha at {}:{}",
          node.id(),
          node.boundAddress().orElseThrow().getPort(),
          LOOPBACK,
          seedPort);
      CompletableFuture.anyOf(leave, CompletableFuture.runAsync(() -> awaitQuietly(alphaGone)))
          .join();
      LOG.info("node {} leaving the cluster", node.id().name());
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs the whole demo: starts alpha here and beta and gamma as separate JVMs.
   *
   * @return what did not behave as expected; empty when all is well
   */
  static List<String> run() throws IOException, InterruptedException {
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    Map<String, Long> downAt = new ConcurrentHashMap<>();
    Map<String, CompletableFuture<NodeDownEvent>> downEvents = new ConcurrentHashMap<>();
    for (String name : List.of("beta", "gamma")) {
      downEvents.put(name, new CompletableFuture<>());
    }
    NodeConfig config = NodeConfig.remote("alpha").bind(LOOPBACK, 0).plaintext().build();
    List<java.lang.Process> members = new ArrayList<>();
    try (Node<DemoMessage> alpha =
        Node.builder(config, new DemoCodec())
            .behaviours(behaviours(new CompletableFuture<>()))
            .onNodeDown(
                e -> {
                  downAt.put(e.node().name(), System.nanoTime());
                  downEvents
                      .computeIfAbsent(e.node().name(), n -> new CompletableFuture<>())
                      .complete(e);
                  LOG.info(
                      "alpha: node-down listener: {} is down ({}: {})",
                      e.node(),
                      e.cause(),
                      e.detail());
                })
            .start()) {
      int port = alpha.boundAddress().orElseThrow().getPort();
      LOG.info("node {} up on port {}; starting beta and gamma as separate JVMs", alpha.id(), port);
      for (String name : List.of("beta", "gamma")) {
        members.add(startMember(name, port));
      }
      long t0 = System.nanoTime();
      while (alpha.remoteNodes().size() < 2) {
        if (System.nanoTime() - t0 > PATIENCE.toNanos()) {
          failures.add("beta and gamma did not join within " + PATIENCE.toSeconds() + " s");
          return failures;
        }
        Thread.sleep(20); // the demo polls for the cluster to form
      }
      LOG.info(
          "alpha: cluster formed in {} ms: {}",
          (System.nanoTime() - t0) / 1_000_000,
          alpha.remoteNodes());
      Pid coordinator =
          alpha.spawn(ctx -> coordinator(ctx, alpha, members.get(1), downAt, downEvents, failures));
      MonitorReason end = alpha.termination(coordinator).join();
      if (!(end instanceof MonitorReason.Normal)) {
        failures.add("the coordinator ended with " + end);
      }
    } finally {
      for (java.lang.Process p : members) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    return failures;
  }

  private static java.lang.Process startMember(String name, int seedPort) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Ddemo.node=" + name,
            "--enable-native-access=ALL-UNNAMED", // Netty loads its native transport
            "-cp",
            System.getProperty("java.class.path"),
            ClusterDemo.class.getName(),
            "--member",
            name,
            String.valueOf(seedPort))
        .inheritIO()
        .start();
  }

  private static void coordinator(
      ProcessContext<DemoMessage> ctx,
      Node<DemoMessage> alpha,
      java.lang.Process gammaJvm,
      Map<String, Long> downAt,
      Map<String, CompletableFuture<NodeDownEvent>> downEvents,
      List<String> failures) {
    Pid me = ctx.self();
    NodeId beta = ctx.remoteNode("beta").orElseThrow();
    NodeId gamma = ctx.remoteNode("gamma").orElseThrow();

    // 1. Remote spawn by behaviour name, with a monitor installed before the child runs.
    Spawned onBeta = ctx.spawnMonitored(beta, "calculator", new Signal(me, "start"));
    Spawned onGamma = ctx.spawnMonitored(gamma, "calculator", new Signal(me, "start"));
    LOG.info(
        "{} spawned calculators {} and {}",
        Demo.show(me),
        Demo.show(onBeta.pid()),
        Demo.show(onGamma.pid()));
    long t0 = System.nanoTime();
    ctx.send(onBeta.pid(), new Job(me, "square", 12));
    ctx.send(onGamma.pid(), new Job(me, "square", 13));
    long sum = 0;
    for (int i = 0; i < 2; i++) {
      Result r = ctx.receive(PATIENCE, on(Result.class, x -> x)).orElseThrow();
      LOG.info(
          "{} {} answered {}({}) = {}",
          Demo.show(me),
          Demo.show(r.from()),
          r.op(),
          r.n(),
          r.value());
      sum += r.value();
    }
    LOG.info(
        "{} two remote round trips took {} us", Demo.show(me), (System.nanoTime() - t0) / 1000);
    expect(failures, sum == 144 + 169, "12^2 + 13^2 should be 313, was " + sum);

    // 2. Selective receive on another node: urgent notes before older ordinary ones.
    Pid triage = ctx.spawn(gamma, "triage", new Signal(me, "start"));
    ctx.send(triage, new Note(false, "water the plants"));
    ctx.send(triage, new Note(false, "answer the mail"));
    ctx.send(triage, new Note(true, "the build is red"));
    ctx.send(triage, new Signal(me, "go"));
    String order =
        ctx.receive(PATIENCE, on(Signal.class, s -> s.from().equals(triage), Signal::text))
            .orElse("(no answer)");
    LOG.info("{} triage on gamma handled: {}", Demo.show(me), order);
    expect(
        failures,
        order.equals("the build is red, water the plants, answer the mail"),
        "triage order was " + order);

    // 3. A crash on beta, seen here through the monitor, with the remote exception.
    ctx.send(onBeta.pid(), new Job(me, "divide", 0));
    Down crash = ctx.receive(PATIENCE, onDown(onBeta.monitor(), d -> d)).orElseThrow();
    LOG.info(
        "{} monitor on {} fired: {}",
        Demo.show(me),
        Demo.show(crash.pid()),
        describe(crash.reason()));
    expect(
        failures,
        crash.reason() instanceof MonitorReason.Crashed c
            && c.exceptionClass().equals(ArithmeticException.class.getName()),
        "the calculator on beta should have crashed with ArithmeticException: " + crash.reason());

    // 3b. A supervisor here keeps a calculator alive on beta: it crashes, and a new one takes its
    //     place on beta, started by behaviour name, and answers.
    supervise(ctx, alpha, beta, failures);

    // 4. Gamma's JVM is killed (SIGKILL) while a call to its calculator waits for a reply that
    //    will never come: the call fails at once with NodeDown, not at its one-minute deadline.
    Pid caller =
        ctx.spawn(
            c -> {
              c.send(me, new Signal(c.self(), "calling"));
              long start = System.nanoTime();
              String outcome;
              try {
                c.call(
                    onGamma.pid(),
                    new Job(c.self(), "hold", 0),
                    on(Result.class, r -> r.from().equals(onGamma.pid()), r -> r),
                    Duration.ofMinutes(1));
                outcome = "a reply";
              } catch (CallException e) {
                outcome =
                    e.getClass().getSimpleName()
                        + " after "
                        + (System.nanoTime() - start) / 1_000_000
                        + " ms: "
                        + e.serverReason().map(ClusterDemo::describe).orElse("no reason");
              }
              c.send(me, new Signal(c.self(), outcome));
            });
    ctx.receive(PATIENCE, on(Signal.class, s -> s.from().equals(caller), Signal::text));
    long killedAt = System.nanoTime();
    gammaJvm.destroyForcibly();
    LOG.info("{} killed gamma's JVM (pid {}) with SIGKILL", Demo.show(me), gammaJvm.pid());
    Down lost = ctx.receive(PATIENCE, onDown(onGamma.monitor(), d -> d)).orElseThrow();
    long monitorMs = (System.nanoTime() - killedAt) / 1_000_000;
    LOG.info(
        "{} monitor on {} fired after {} ms: {}",
        Demo.show(me),
        Demo.show(lost.pid()),
        monitorMs,
        describe(lost.reason()));
    expect(
        failures,
        lost.reason() instanceof MonitorReason.NodeDown,
        "the monitor on gamma should report NodeDown: " + lost.reason());
    // The listener runs after the monitors have fired (Node.Builder.onNodeDown), so wait for it.
    NodeDownEvent gammaDown =
        Objects.requireNonNull(downEvents.get("gamma"))
            .completeOnTimeout(null, PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
            .join();
    Long listenerAt = gammaDown == null ? null : downAt.get("gamma");
    if (listenerAt != null) {
      LOG.info(
          "{} node-down listener heard of gamma {} ms after the kill",
          Demo.show(me),
          (listenerAt - killedAt) / 1_000_000);
    }
    expect(failures, listenerAt != null, "the node-down listener did not run for gamma");
    String callOutcome =
        ctx.receive(PATIENCE, on(Signal.class, s -> s.from().equals(caller), Signal::text))
            .orElse("(no outcome)");
    LOG.info("{} the call to gamma's calculator failed fast: {}", Demo.show(me), callOutcome);
    expect(
        failures,
        callOutcome.startsWith("CallException") && callOutcome.contains("NodeDown"),
        "the call to gamma should have failed with CallException and NodeDown: " + callOutcome);

    // 5. Beta leaves politely: alpha sees PEER_LEFT.
    ctx.spawn(beta, "leave", new Signal(me, "leave"));
    NodeDownEvent left =
        Objects.requireNonNull(downEvents.get("beta"))
            .completeOnTimeout(null, PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
            .join();
    expect(
        failures,
        left != null && left.cause() == NodeDownEvent.Cause.PEER_LEFT,
        "beta should have left with PEER_LEFT: " + left);
    LOG.info("{} cluster now: {}", Demo.show(me), alpha.remoteNodes());
    expect(
        failures, alpha.remoteNodes().isEmpty(), "nodes still connected: " + alpha.remoteNodes());
  }

  /** Step 3b: a one-for-one supervisor on alpha whose child is a calculator on beta. */
  private static void supervise(
      ProcessContext<DemoMessage> ctx,
      Node<DemoMessage> alpha,
      NodeId beta,
      List<String> failures) {
    Pid me = ctx.self();
    SupervisorRef<DemoMessage> sup =
        Supervisor.start(
            alpha,
            SupervisorSpec.<DemoMessage>builder()
                .strategy(Strategy.ONE_FOR_ONE)
                .intensity(3, Duration.ofSeconds(10))
                .child(
                    ChildSpec.remote("calc", beta, "calculator", (DemoMessage) new Signal(me, "go"))
                        .build())
                .build());
    Pid first = childPid(sup, null);
    LOG.info(
        "{} supervisor {} started calculator {} on beta",
        Demo.show(me),
        Demo.show(sup.pid()),
        Demo.show(first));
    ctx.send(first, new Job(me, "divide", 0)); // crashes it
    Pid second = childPid(sup, first);
    LOG.info(
        "{} the supervised calculator crashed; the supervisor restarted it as {}",
        Demo.show(me),
        Demo.show(second));
    ctx.send(second, new Job(me, "square", 9));
    long value =
        ctx.receive(PATIENCE, on(Result.class, r -> r.from().equals(second), Result::value))
            .orElse(-1L);
    LOG.info("{} the new calculator answered square(9) = {}", Demo.show(me), value);
    expect(
        failures,
        second != null && !second.equals(first) && second.node().equals(beta),
        "the supervisor should have restarted the calculator on beta: " + first + " -> " + second);
    expect(failures, value == 81, "the restarted calculator should answer 81, not " + value);
    sup.stop(PATIENCE);
  }

  /** The supervisor's calculator once it is another than {@code not} (null: any). */
  private static Pid childPid(SupervisorRef<DemoMessage> sup, @Nullable Pid not) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Pid> pid = sup.whichChildren(PATIENCE).get(0).pid();
      if (pid.isPresent() && !pid.get().equals(not)) {
        return pid.get();
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // the demo polls the supervisor
    }
    throw new IllegalStateException("the supervisor had no new calculator within " + PATIENCE);
  }

  /**
   * A worker: squares and divides until told to stop; crashes on division by zero; holds a "hold"
   * job without answering.
   */
  static void calculator(ProcessContext<DemoMessage> ctx) {
    LOG.info("{} calculator ready", Demo.show(ctx.self()));
    ctx.receiveLoop(
        PATIENCE.multipliedBy(3),
        List.of(
            on(
                Job.class,
                job -> {
                  if (job.op().equals("hold")) { // taken, never answered (see the call in step 4)
                    LOG.info("{} holding a job without an answer", Demo.show(ctx.self()));
                    return true;
                  }
                  long value =
                      switch (job.op()) {
                        case "square" -> job.n() * job.n();
                        case "divide" -> 100 / job.n(); // throws for 0: the process crashes
                        default -> throw new IllegalArgumentException("unknown op " + job.op());
                      };
                  LOG.info("{} {}({}) = {}", Demo.show(ctx.self()), job.op(), job.n(), value);
                  ctx.send(job.replyTo(), new Result(ctx.self(), job.op(), job.n(), value));
                  return true;
                }),
            on(Signal.class, s -> s.text().equals("stop"), s -> false)));
  }

  /** Waits for 'go', then handles urgent notes first and the others in arrival order. */
  static void triage(ProcessContext<DemoMessage> ctx) {
    Pid boss = ctx.receive(on(Signal.class, s -> s.text().equals("go"), Signal::from));
    LOG.info("{} triage got 'go' although three notes arrived before it", Demo.show(ctx.self()));
    List<String> done = new ArrayList<>();
    while (ctx.receive(Duration.ZERO, on(Note.class, Note::urgent, n -> done.add(n.text())))
        .isPresent()) {
      LOG.info("{} triage took urgent note '{}' first", Demo.show(ctx.self()), done.getLast());
    }
    while (ctx.receive(Duration.ZERO, on(Note.class, n -> done.add(n.text()))).isPresent()) {
      LOG.info("{} triage took note '{}' in arrival order", Demo.show(ctx.self()), done.getLast());
    }
    ctx.send(boss, new Signal(ctx.self(), String.join(", ", done)));
  }

  private static void expect(List<String> failures, boolean ok, String what) {
    if (!ok) {
      failures.add(what);
    }
  }

  static String describe(MonitorReason reason) {
    return switch (reason) {
      case MonitorReason.Normal n -> "ended normally";
      case MonitorReason.Crashed c -> "crashed: " + c.exceptionClass() + ": " + c.message();
      case MonitorReason.UnknownNode u -> "used unknown node " + u.node();
      case MonitorReason.NoProcess p -> "no such process (NoProcess)";
      case MonitorReason.NodeDown d -> "its node " + d.node().name() + " went down (NodeDown)";
      case MonitorReason.Killed k -> "killed (Killed)";
      case MonitorReason.Shutdown s -> "asked to stop (Shutdown): " + s.detail();
      case MonitorReason.Exited e -> "ended with linked " + e.from() + ": " + describe(e.cause());
    };
  }
}
