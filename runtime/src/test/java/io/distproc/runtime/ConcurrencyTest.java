package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;
import static io.distproc.runtime.TestSupport.WAIT;
import static io.distproc.runtime.TestSupport.get;
import static io.distproc.runtime.TestSupport.localNode;
import static io.distproc.runtime.TestSupport.pass;
import static io.distproc.runtime.TestSupport.spawnForResult;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.Spawned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The runtime under load: many senders to one mailbox, many short-lived monitored processes, and
 * receive timeouts racing arrivals. Each test checks an exact outcome (nothing lost, nothing
 * duplicated, order kept), not just that nothing hangs.
 */
class ConcurrencyTest {

  /** Message {@code n} of sender {@code sender}. */
  private record Seq(int sender, int n) {}

  /** What the receiver saw of the senders' streams. */
  private record Streams(int[] next, int taken, List<String> violations, Optional<Object> extra) {}

  @Test
  void send_eightSendersHundredThousandEach_nothingLostAndPerSenderOrderKept() throws Exception {
    int senders = 8;
    int each = 100_000;
    int total = senders * each;
    try (Node<Object> node = localNode("load")) {
      CompletableFuture<Pid> receiverPid = new CompletableFuture<>();
      CompletableFuture<Streams> streams =
          spawnForResult(
              node,
              ctx -> {
                receiverPid.complete(ctx.self());
                int[] next = new int[senders];
                int[] taken = {0};
                List<String> violations = new ArrayList<>();
                ctx.receiveLoop(
                    on(
                        Seq.class,
                        s -> {
                          if (s.n() != next[s.sender()] && violations.size() < 10) {
                            violations.add(
                                "sender "
                                    + s.sender()
                                    + ": got "
                                    + s.n()
                                    + ", expected "
                                    + next[s.sender()]);
                          }
                          next[s.sender()] = s.n() + 1;
                          return ++taken[0] < total;
                        }));
                // The test sends a barrier once every sender has ended: a message found before it
                // is one more than was sent.
                Optional<Object> first = ctx.receive(WAIT, any(x -> x));
                if (first.isEmpty()) {
                  violations.add("the barrier never came");
                }
                return new Streams(
                    next, taken[0], violations, first.filter(m -> !(m instanceof Barrier)));
              });
      Pid receiver = get(receiverPid);
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<MonitorReason>> sent = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        int sender = s;
        Pid pid =
            node.spawn(
                ctx -> {
                  pass(go); // all senders start together, to contend on the mailbox
                  for (int i = 0; i < each; i++) {
                    ctx.send(receiver, new Seq(sender, i));
                  }
                });
        sent.add(node.termination(pid)); // it waits for go: alive
      }
      go.countDown();
      for (CompletableFuture<MonitorReason> s : sent) {
        get(s); // all its sends are in the receiver's mailbox
      }
      node.send(receiver, new Barrier());

      Streams seen = get(streams);
      assertThat(seen.violations()).isEmpty();
      assertThat(seen.taken()).isEqualTo(total);
      assertThat(seen.next()).containsOnly(each);
      assertThat(seen.extra()).isEmpty();
      assertThat(node.metrics().deadLetters()).isZero();
    }
  }

  /** What one watcher saw of the monitors it held. */
  private record Notices(int received, List<String> problems, Optional<Down> extra) {}

  /**
   * Sent to a watcher by a watched process's termination callback, which runs on that process's
   * thread after it has queued all its Down notices: a notice of that process after this is extra.
   */
  private record Ended(Pid pid) {}

  /** A watcher's message to itself, queued behind everything already in its mailbox. */
  private record Barrier() {}

  /**
   * Takes Down notices until every ref in {@code pending} has had one and every process in {@code
   * ends} has sent its {@link Ended}, noting any notice for a ref that is not pending (a duplicate,
   * or a stranger), any notice after its process's Ended, and any reason {@code allowed} rejects.
   * The caller makes sure every notice these monitors can get is queued by then (each process's
   * Ended, or its termination seen): the extra notice reported is one found before a barrier the
   * watcher sends itself at the end.
   */
  private static Notices collect(
      ProcessContext<Object> ctx,
      Set<MonitorRef> pending,
      Set<Pid> ends,
      Predicate<Down> allowed,
      AtomicInteger counter) {
    List<String> problems = new ArrayList<>();
    Set<Pid> ended = new HashSet<>();
    int received = 0;
    while (!pending.isEmpty() || !ends.isEmpty()) {
      Optional<Object> next =
          ctx.receive(WAIT, onDown(d -> (Object) d), on(Ended.class, e -> (Object) e));
      if (next.isEmpty()) {
        problems.add(pending.size() + " notices and " + ends.size() + " ends missing");
        break;
      }
      if (next.get() instanceof Ended e) {
        ends.remove(e.pid());
        ended.add(e.pid());
        continue;
      }
      received++;
      counter.incrementAndGet();
      Down d = (Down) next.get();
      if (!pending.remove(d.ref()) && problems.size() < 10) {
        problems.add("unexpected or repeated notice " + d);
      }
      if (ended.contains(d.pid()) && problems.size() < 10) {
        problems.add("notice after its process had ended " + d);
      }
      if (!allowed.test(d) && problems.size() < 10) {
        problems.add("unexpected reason " + d);
      }
    }
    ctx.send(ctx.self(), new Barrier());
    Optional<Object> first =
        ctx.receive(WAIT, onDown(d -> (Object) d), on(Barrier.class, b -> (Object) b));
    if (first.isEmpty()) {
      problems.add("the barrier never came back");
    }
    return new Notices(
        received, problems, first.filter(Down.class::isInstance).map(Down.class::cast));
  }

  @Test
  void spawnMonitored_hundredThousandShortLivedProcesses_eachNoticeReceivedExactlyOnce()
      throws Exception {
    int watchers = 4;
    int perWatcher = 25_000;
    AtomicInteger notices = new AtomicInteger();
    try (Node<Object> node = localNode("load")) {
      List<CompletableFuture<Notices>> results = new ArrayList<>();
      for (int w = 0; w < watchers; w++) {
        results.add(
            spawnForResult(
                node,
                ctx -> {
                  Pid watcher = ctx.self();
                  Set<MonitorRef> pending = new HashSet<>();
                  Set<Pid> ends = new HashSet<>();
                  Map<MonitorRef, Boolean> crashes = new HashMap<>();
                  for (int i = 0; i < perWatcher; i++) {
                    boolean crash = i % 100 == 0;
                    Spawned s =
                        ctx.spawnMonitored(
                            c -> {
                              // Runs on this process's thread after its Down notices are queued.
                              node.termination(c.self())
                                  .thenRun(() -> node.send(watcher, new Ended(c.self())));
                              if (crash) {
                                throw new IllegalStateException("planned");
                              }
                            });
                    pending.add(s.monitor());
                    ends.add(s.pid());
                    crashes.put(s.monitor(), crash);
                  }
                  return collect(
                      ctx,
                      pending,
                      ends,
                      d ->
                          crashes.get(d.ref())
                              ? d.reason() instanceof MonitorReason.Crashed
                              : d.reason() instanceof MonitorReason.Normal,
                      notices);
                }));
      }

      for (CompletableFuture<Notices> r : results) {
        Notices n = get(r);
        assertThat(n.problems()).isEmpty();
        assertThat(n.received()).isEqualTo(perWatcher);
        assertThat(n.extra()).isEmpty();
      }
      assertThat(notices).hasValue(watchers * perWatcher);
      assertThat(node.metrics().processesSpawned()).isEqualTo(watchers + watchers * perWatcher);
    }
  }

  @Test
  void monitor_racingTheTargetsEnd_eachRefGetsExactlyOneNotice() throws Exception {
    int watchers = 8;
    int perWatcher = 2_000;
    AtomicInteger notices = new AtomicInteger();
    try (Node<Object> node = localNode("load")) {
      Pid target = node.spawn(ctx -> ctx.receive(any(x -> x)));
      CompletableFuture<MonitorReason> end = node.termination(target);
      CountDownLatch go = new CountDownLatch(1);
      CountDownLatch halfway = new CountDownLatch(watchers);
      List<CompletableFuture<List<Object>>> results = new ArrayList<>();
      for (int w = 0; w < watchers; w++) {
        results.add(
            spawnForResult(
                node,
                ctx -> {
                  pass(go);
                  Set<MonitorRef> before = new HashSet<>();
                  Set<MonitorRef> pending = new HashSet<>();
                  for (int i = 0; i < perWatcher; i++) {
                    MonitorRef ref = ctx.monitor(target);
                    pending.add(ref);
                    if (i < perWatcher / 2) {
                      before.add(ref);
                    }
                    if (i == perWatcher / 2) {
                      halfway.countDown(); // the target is told to end now, while we go on
                    }
                  }
                  // The end's future completes after the target has queued its Down notices, and
                  // the NoProcess ones are queued before monitor returns: all are in by collect's
                  // barrier.
                  get(end);
                  MonitorRef after = ctx.monitor(target); // certainly after the end
                  pending.add(after);
                  Notices n =
                      collect(
                          ctx,
                          pending,
                          new HashSet<>(),
                          d ->
                              before.contains(d.ref())
                                  ? d.reason() instanceof MonitorReason.Normal
                                  : d.ref().equals(after)
                                      ? d.reason() instanceof MonitorReason.NoProcess
                                      : d.reason() instanceof MonitorReason.Normal
                                          || d.reason() instanceof MonitorReason.NoProcess,
                          notices);
                  return List.of(n.received(), n.problems(), n.extra());
                }));
      }
      go.countDown();
      pass(halfway);
      node.send(target, "end now");

      assertThat(get(end)).isEqualTo(new MonitorReason.Normal(target));
      for (CompletableFuture<List<Object>> r : results) {
        assertThat(get(r)).containsExactly(perWatcher + 1, List.of(), Optional.empty());
      }
      assertThat(notices).hasValue(watchers * (perWatcher + 1));
    }
  }

  /** The receiver's report to the sender: it timed out having taken {@code taken} numbers. */
  private record Idle(int taken) {}

  /** What the racing receiver saw. */
  private record Race(
      List<Integer> numbers, List<Object> leftovers, int timeouts, Optional<String> violation) {}

  @Test
  void receive_tinyTimeoutsRacingArrivals_neverDropAMessage() throws Exception {
    int total = 100_000;
    int batch = 1_000;
    int noiseEvery = 997;
    Duration[] timeouts = {
      Duration.ZERO, Duration.ofNanos(1), Duration.ofNanos(1_000), Duration.ofNanos(30_000)
    };
    try (Node<Object> node = localNode("load")) {
      CompletableFuture<Pid> receiverPid = new CompletableFuture<>();
      CompletableFuture<Pid> senderPid = new CompletableFuture<>();
      CompletableFuture<Race> race =
          spawnForResult(
              node,
              ctx -> {
                receiverPid.complete(ctx.self());
                Pid sender = get(senderPid);
                List<Integer> numbers = new ArrayList<>(total);
                int timedOut = 0;
                int reported = -1;
                Optional<String> violation = Optional.empty();
                for (int k = 0; numbers.size() < total; k++) {
                  // Only numbers match: the noise strings pile up behind, in order.
                  Optional<Integer> n =
                      ctx.receive(timeouts[k % timeouts.length], on(Integer.class, i -> i));
                  if (n.isEmpty()) {
                    timedOut++;
                    if (reported != numbers.size()) {
                      reported = numbers.size();
                      ctx.send(sender, new Idle(reported));
                    }
                  } else {
                    if (n.get() != numbers.size() && violation.isEmpty()) {
                      violation = Optional.of("got " + n.get() + " after " + numbers.size());
                    }
                    numbers.add(n.get());
                  }
                }
                List<Object> leftovers = new ArrayList<>();
                for (Optional<Object> m;
                    (m = ctx.receive(Duration.ZERO, any(x -> x))).isPresent(); ) {
                  leftovers.add(m.get());
                }
                return new Race(numbers, leftovers, timedOut, violation);
              });
      Pid receiver = get(receiverPid);
      node.spawn(
          ctx -> {
            senderPid.complete(ctx.self());
            int sent = 0;
            while (sent < total) {
              for (int end = sent + batch; sent < end; sent++) {
                ctx.send(receiver, sent);
                if (sent % noiseEvery == 0) {
                  ctx.send(receiver, "noise " + sent);
                }
              }
              // Wait until the receiver has taken the whole batch and timed out once more, so
              // that every batch races a receiver that is waiting with a tiny timeout.
              int target = sent;
              while (sent < total && ctx.receive(on(Idle.class, Idle::taken)) < target) {
                // an older report: wait for the next
              }
            }
          });

      Race seen = get(race);
      assertThat(seen.violation()).isEmpty();
      assertThat(seen.numbers()).hasSize(total);
      for (int i = 0; i < total; i++) {
        if (seen.numbers().get(i) != i) {
          assertThat(seen.numbers().get(i)).as("number at position %d", i).isEqualTo(i);
        }
      }
      List<Object> noise = new ArrayList<>();
      for (int i = 0; i < total; i += noiseEvery) {
        noise.add("noise " + i);
      }
      assertThat(seen.leftovers()).containsExactlyElementsOf(noise);
      assertThat(seen.timeouts()).isGreaterThanOrEqualTo(total / batch);
    }
  }
}
