package io.distproc.otp;

import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onExit;
import static org.awaitility.Awaitility.await;

import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.ProcessExitException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What the supervisor tests share: local nodes through the public API, waits scaled by {@code
 * -Ddistproc.test.timefactor}, a journal of what the children did, and children to supervise.
 *
 * <p>Every wait here has a deadline and fails the test when it passes; nothing sleeps.
 */
final class OtpTestSupport {
  /** Multiplies every wait; raise it on slow machines. */
  static final int TIME_FACTOR = Integer.getInteger("distproc.test.timefactor", 1);

  /** The longest a test waits for something that should happen. */
  static final Duration WAIT = Duration.ofSeconds(10L * TIME_FACTOR);

  private OtpTestSupport() {}

  /** Starts a local-only node whose messages are any Java objects, handed over by reference. */
  static Node<Object> localNode(String name) {
    return Node.start(NodeConfig.local(name).build(), Codec.localOnly());
  }

  /** Starts a local-only node that can spawn {@code behaviours} by name. */
  static Node<Object> localNode(String name, Behaviours<Object> behaviours) {
    return Node.builder(NodeConfig.local(name).build(), Codec.<Object>localOnly())
        .behaviours(behaviours)
        .start();
  }

  /** Waits for a future, at most {@link #WAIT}. */
  static <T> T get(Future<T> future) throws Exception {
    return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The ends of processes, watched while they run: {@link Node#termination} asked after a process
   * ended says only {@link MonitorReason.NoProcess}.
   */
  static final class Ends {
    private final Node<Object> node;
    private final Map<Pid, CompletableFuture<MonitorReason>> futures = new ConcurrentHashMap<>();

    Ends(Node<Object> node) {
      this.node = node;
    }

    /** Watches {@code pid} from now on, and returns it. */
    Pid watch(Pid pid) {
      futures.computeIfAbsent(pid, node::termination);
      return pid;
    }

    /** Waits for the end of a watched process and returns its reason. */
    MonitorReason of(Pid pid) throws Exception {
      CompletableFuture<MonitorReason> end = futures.get(pid);
      if (end == null) {
        throw new AssertionError(pid + " was not watched");
      }
      return get(end);
    }

    /** Tells whether a watched process has ended. */
    boolean ended(Pid pid) {
      return futures.get(pid).isDone();
    }
  }

  /** The pid the supervisor reports for a child, if it runs. */
  static Optional<Pid> pidOf(SupervisorRef<Object> sup, String id) {
    return sup.whichChildren(WAIT).stream()
        .filter(c -> c.id().equals(id))
        .findFirst()
        .flatMap(ChildInfo::pid);
  }

  /** Waits until the supervisor reports a running child {@code id} other than {@code old}. */
  static Pid awaitRestart(SupervisorRef<Object> sup, String id, Pid old) {
    return await()
        .atMost(WAIT)
        .until(() -> pidOf(sup, id).filter(p -> !p.equals(old)), Optional::isPresent)
        .orElseThrow();
  }

  /** The ids of the supervisor's children, in start order. */
  static List<String> idsOf(SupervisorRef<Object> sup) {
    return sup.whichChildren(WAIT).stream().map(ChildInfo::id).toList();
  }

  /**
   * What the test children did, in the order they did it: {@code "start <id>"} as a child begins,
   * {@code "asked <id>"} when a child that traps exits is asked to stop, {@code "end <id>"} as a
   * child's body is left, for whatever reason. A child writes its end before the process ends, so
   * before its supervisor can see it gone: the order of ends is the order of stops.
   */
  static final class Journal {
    private final List<String> entries = new CopyOnWriteArrayList<>();
    private final Map<String, Pid> pids = new ConcurrentHashMap<>();

    void add(String entry) {
      entries.add(entry);
    }

    List<String> entries() {
      return List.copyOf(entries);
    }

    /** The entries that begin with {@code prefix}, in order. */
    List<String> entries(String prefix) {
      return entries.stream().filter(e -> e.startsWith(prefix)).toList();
    }

    /** Waits until the journal holds {@code entry}. */
    void awaitEntry(String entry) {
      await().atMost(WAIT).until(() -> entries.contains(entry));
    }

    /** Waits until the journal holds {@code entry} {@code times} times. */
    void awaitEntries(String entry, int times) {
      await().atMost(WAIT).until(() -> entries(entry).size() >= times);
    }

    /** Waits for the latest child {@code id} that started and is still running. */
    Pid awaitPidOf(Node<Object> node, String id) {
      return await()
          .atMost(WAIT)
          .until(
              () -> Optional.ofNullable(pids.get(id)).filter(p -> !node.termination(p).isDone()),
              Optional::isPresent)
          .orElseThrow();
    }

    /**
     * A child that runs until told otherwise: {@code "crash"} makes it throw, {@code "normal"}
     * return, {@code "shutdown"} end with {@link MonitorReason.Shutdown}.
     */
    Process<Object> worker(String id) {
      return ctx -> {
        pids.put(id, ctx.self());
        add("start " + id);
        try {
          for (; ; ) {
            String command = ctx.receive(on(String.class, s -> s));
            switch (command) {
              case "crash" -> throw new IllegalStateException(id + " was told to crash");
              case "normal" -> {
                return;
              }
              case "shutdown" ->
                  throw new ProcessExitException(new MonitorReason.Shutdown(ctx.self(), "told to"));
              default -> {}
            }
          }
        } finally {
          add("end " + id);
        }
      };
    }

    /**
     * A child that traps exits and, asked to stop, writes it down and goes on; it writes {@code
     * "trapping <id>"} once it traps.
     */
    Process<Object> stubborn(String id) {
      return ctx -> {
        ctx.trapExits(true);
        add("trapping " + id);
        try {
          ctx.receiveLoop(
              onExit(
                  exit -> {
                    add("asked " + id);
                    return true;
                  }));
        } finally {
          add("end " + id);
        }
      };
    }

    /**
     * A child that traps exits and, asked to stop, writes it down, takes {@code cleanUp} (waiting
     * for a message that never comes) and returns normally.
     */
    Process<Object> slowToStop(String id, Duration cleanUp) {
      return ctx -> {
        ctx.trapExits(true);
        add("trapping " + id);
        try {
          ctx.receive(onExit(exit -> exit));
          add("asked " + id);
          ctx.receive(cleanUp, on(Never.class, n -> n));
        } finally {
          add("end " + id);
        }
      };
    }
  }

  /** A message no one sends. */
  record Never() {}
}
