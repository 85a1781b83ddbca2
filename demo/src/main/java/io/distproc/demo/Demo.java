package io.distproc.demo;

import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;

import io.distproc.Behaviours;
import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.Spawned;
import io.distproc.demo.DemoMessage.Job;
import io.distproc.demo.DemoMessage.Note;
import io.distproc.demo.DemoMessage.Result;
import io.distproc.demo.DemoMessage.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tour of the model on one node: spawning workers by behaviour name, selective receive, a receive
 * timeout, and crashes and normal exits seen through monitors. Every step is traced.
 */
public final class Demo {
  private static final Logger LOG = LoggerFactory.getLogger("demo");
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private Demo() {}

  /**
   * Runs the demo and exits 0 if every step behaved as the model promises, 1 otherwise.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.setProperty("demo.node", "alpha"); // names this JVM in the trace
    List<String> failures = run();
    if (failures.isEmpty()) {
      LOG.info("demo finished: every step behaved as expected");
    } else {
      failures.forEach(f -> LOG.error("unexpected: {}", f));
      System.exit(1);
    }
  }

  /**
   * Runs every scene on a fresh node.
   *
   * @return what did not behave as expected; empty when all is well
   */
  static List<String> run() {
    Behaviours<DemoMessage> behaviours =
        Behaviours.<DemoMessage>builder()
            .add("calculator", arg -> Demo::calculator)
            .add("triage", arg -> Demo::triage)
            .build();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    MonitorReason end;
    try (Node<DemoMessage> node =
        Node.builder(NodeConfig.local("alpha").build(), new DemoCodec())
            .behaviours(behaviours)
            .start(ctx -> coordinator(ctx, failures))) {
      LOG.info("node {} started (local-only mode)", node.id());
      Pid coordinator = node.initialProcess().orElseThrow();
      end = node.termination(coordinator).join();
      LOG.info(
          "node {}: {} processes spawned, {} messages sent, {} dead letters",
          node.id().name(),
          node.metrics().processesSpawned(),
          node.metrics().messagesSent(),
          node.metrics().deadLetters());
    }
    if (!(end instanceof MonitorReason.Normal)) {
      failures.add("the coordinator ended with " + end);
    }
    return failures;
  }

  /** The initial process: drives every scene and checks what it sees. */
  private static void coordinator(ProcessContext<DemoMessage> ctx, List<String> failures) {
    Pid me = ctx.self();
    LOG.info("{} coordinator running", show(me));

    // 1. Spawn a worker by behaviour name, with a monitor that exists before it runs.
    Spawned calc = ctx.spawnMonitored(ctx.node(), "calculator", new Signal(me, "start"));
    LOG.info(
        "{} spawned calculator {} (monitor {})", show(me), show(calc.pid()), calc.monitor().id());
    ctx.send(calc.pid(), new Job(me, "square", 7));
    long square = ctx.receive(on(Result.class, r -> r.value()));
    LOG.info("{} got 7 squared = {}", show(me), square);
    expect(failures, square == 49, "7 squared should be 49, was " + square);

    // 2. Selective receive: the triage process takes urgent notes before older ordinary ones.
    Pid triage = ctx.spawn(ctx.node(), "triage", new Signal(me, "start"));
    ctx.send(triage, new Note(false, "water the plants"));
    ctx.send(triage, new Note(false, "answer the mail"));
    ctx.send(triage, new Note(true, "the build is red"));
    ctx.send(triage, new Signal(me, "go"));
    LOG.info("{} sent triage 2 ordinary notes, 1 urgent note, then 'go'", show(me));
    String order = ctx.receive(on(Signal.class, s -> s.from().equals(triage), Signal::text));
    LOG.info("{} triage handled: {}", show(me), order);
    expect(
        failures,
        order.equals("the build is red, water the plants, answer the mail"),
        "triage order was " + order);

    // 3. A receive with a timeout: nothing matches, so it returns empty after 200 ms.
    long t0 = System.nanoTime();
    Optional<String> nothing = ctx.receive(Duration.ofMillis(200), on(Note.class, Note::text));
    LOG.info(
        "{} waited {} ms for a note nobody sent: {}",
        show(me),
        (System.nanoTime() - t0) / 1_000_000,
        nothing.isEmpty() ? "timed out, as expected" : "got " + nothing.get());
    expect(failures, nothing.isEmpty(), "a receive with nothing to match returned a value");

    // 4. A crash, seen through the monitor: division by zero in the worker.
    ctx.send(calc.pid(), new Job(me, "divide", 0));
    Down crash = ctx.receive(onDown(calc.monitor(), d -> d));
    LOG.info("{} monitor {} fired: {}", show(me), crash.ref().id(), describe(crash.reason()));
    expect(
        failures,
        crash.reason() instanceof MonitorReason.Crashed c
            && c.exceptionClass().equals(ArithmeticException.class.getName()),
        "the calculator should have crashed with ArithmeticException, got " + crash.reason());

    // 5. A normal exit, and a monitor on a process that is already gone.
    Spawned second = ctx.spawnMonitored(ctx.node(), "calculator", new Signal(me, "start"));
    ctx.send(second.pid(), new Signal(me, "stop"));
    Down normal = ctx.receive(onDown(second.monitor(), d -> d));
    LOG.info("{} calculator {} {}", show(me), show(second.pid()), describe(normal.reason()));
    expect(failures, normal.reason() instanceof MonitorReason.Normal, "expected a normal exit");
    MonitorRef late = ctx.monitor(calc.pid());
    Down noProcess = ctx.receive(onDown(late, d -> d));
    LOG.info(
        "{} monitoring {} again: {}", show(me), show(calc.pid()), describe(noProcess.reason()));
    expect(failures, noProcess.reason() instanceof MonitorReason.NoProcess, "expected NoProcess");

    // 6. A message to the dead calculator is dropped silently and counted as a dead letter.
    ctx.send(calc.pid(), new Job(me, "square", 3));
    LOG.info("{} sent a job to the dead calculator: dropped silently", show(me));
  }

  /** A worker: squares and divides until told to stop; crashes on division by zero. */
  private static void calculator(ProcessContext<DemoMessage> ctx) {
    LOG.info("{} calculator ready", show(ctx.self()));
    ctx.receiveLoop(
        PATIENCE,
        List.of(
            on(
                Job.class,
                job -> {
                  long value =
                      switch (job.op()) {
                        case "square" -> job.n() * job.n();
                        case "divide" -> 100 / job.n(); // throws for 0: the process crashes
                        default -> throw new IllegalArgumentException("unknown op " + job.op());
                      };
                  LOG.info("{} {}({}) = {}", show(ctx.self()), job.op(), job.n(), value);
                  ctx.send(job.replyTo(), new Result(ctx.self(), job.op(), job.n(), value));
                  return true;
                }),
            on(Signal.class, s -> s.text().equals("stop"), s -> false)));
    LOG.info("{} calculator stopping", show(ctx.self()));
  }

  /** Waits for 'go', then handles urgent notes first and the others in arrival order. */
  private static void triage(ProcessContext<DemoMessage> ctx) {
    Pid boss = ctx.receive(on(Signal.class, s -> s.text().equals("go"), Signal::from));
    LOG.info("{} triage got 'go' although three notes arrived before it", show(ctx.self()));
    List<String> done = new ArrayList<>();
    while (ctx.receive(Duration.ZERO, on(Note.class, Note::urgent, n -> done.add(n.text())))
        .isPresent()) {
      LOG.info("{} triage took urgent note '{}' first", show(ctx.self()), done.getLast());
    }
    while (ctx.receive(Duration.ZERO, on(Note.class, n -> done.add(n.text()))).isPresent()) {
      LOG.info("{} triage took note '{}' in arrival order", show(ctx.self()), done.getLast());
    }
    ctx.send(boss, new Signal(ctx.self(), String.join(", ", done)));
  }

  private static void expect(List<String> failures, boolean ok, String what) {
    if (!ok) {
      failures.add(what);
    }
  }

  private static String describe(MonitorReason reason) {
    return switch (reason) {
      case MonitorReason.Normal n -> "ended normally";
      case MonitorReason.Crashed c -> "crashed: " + c.exceptionClass() + ": " + c.message();
      case MonitorReason.UnknownNode u -> "used unknown node " + u.node();
      case MonitorReason.NoProcess p -> "no such process (NoProcess)";
      case MonitorReason.NodeDown d -> "its node " + d.node() + " went down";
      case MonitorReason.Killed k -> "killed";
      case MonitorReason.Shutdown s -> "asked to stop: " + s.detail();
      case MonitorReason.Exited e -> "ended with linked " + e.from() + ": " + describe(e.cause());
    };
  }

  /** A short pid for the trace: {@code <alpha.3>}. */
  static String show(Pid pid) {
    return "<" + pid.node().name() + "." + pid.id() + ">";
  }
}
