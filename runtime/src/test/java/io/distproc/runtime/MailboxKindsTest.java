package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;
import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.Down;
import io.distproc.Matcher;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A receive whose matchers each take one class of message (or only down notices) looks at the
 * stashed entries of those kinds alone: the same entry is taken as by a scan of every entry, across
 * kinds, marks and entries other receives took.
 */
class MailboxKindsTest {
  private static final Pid WATCHER = Pid.of(NodeId.of("kinds", 1), 1);

  private final Mailbox mailbox = new Mailbox();

  private Object select(Stash.Segment after, Object matchers, boolean timed, long deadline) {
    return MailboxCalls.select(mailbox, after, matchers, timed, deadline);
  }

  private void offerHeldDown(Down d) {
    MailboxCalls.offerHeldDown(mailbox, d);
  }

  /** A message class of its own, as a mailbox full of unrelated traffic holds. */
  record Noise(int n) {}

  /** The notice of monitor {@code n + 1}; equal for equal {@code n}. */
  private static Down down(long n) {
    Pid target = Pid.of(WATCHER.node(), 100 + n);
    return new Down(MonitorRef.of(WATCHER, target, n + 1), new MonitorReason.Normal(target));
  }

  private Object selectNow(Matcher<?, ?>... matchers) {
    return select(null, matchers, true, System.nanoTime());
  }

  @Test
  void select_typedMatchersOverADeepStash_takeTheOldestAcceptedAcrossKinds() {
    Down d1 = down(1);
    for (Object o : List.of(1, "s1", 2L, new Noise(0), 3, d1, "s2")) {
      if (o instanceof Down d) {
        offerHeldDown(d);
      } else {
        mailbox.offer(o);
      }
    }
    assertThat(selectNow(on(Double.class, x -> x))).isSameAs(Mailbox.TIMEOUT); // stashes all

    assertThat(selectNow(on(Number.class, x -> x))).isEqualTo(1);
    assertThat(selectNow(on(Number.class, x -> x))).isEqualTo(2L);
    assertThat(selectNow(on(Number.class, x -> x))).isEqualTo(3);
    // The oldest entry either matcher takes, whichever matcher comes first in the list.
    assertThat(selectNow(onDown(d -> d), on(String.class, s -> s))).isEqualTo("s1");
    assertThat(selectNow(onDown(d -> d), on(String.class, s -> s))).isEqualTo(d1);
    assertThat(selectNow(on(Noise.class, n -> n), on(String.class, s -> s)))
        .isEqualTo(new Noise(0));
    assertThat(mailbox.stashSize()).isEqualTo(1);
    assertThat(selectNow(any(x -> x))).isEqualTo("s2");
    assertThat(mailbox.stashSize()).isZero();
  }

  @Test
  void select_typedReceiveAmongThousandsOfOthers_takesItsMessageAndLeavesTheRestInOrder() {
    for (int i = 0; i < 10_000; i++) {
      mailbox.offer(new Noise(i));
    }
    assertThat(selectNow(on(String.class, s -> s))).isSameAs(Mailbox.TIMEOUT);
    for (int i = 0; i < 1_000; i++) {
      String reply = "reply " + i;
      mailbox.offer(reply);
      assertThat(selectNow(on(String.class, reply::equals, s -> s))).isEqualTo(reply);
    }
    assertThat(mailbox.stashSize()).isEqualTo(10_000);
    for (int i = 0; i < 10_000; i++) {
      assertThat(selectNow(any(x -> x))).isEqualTo(new Noise(i));
    }
    assertThat(mailbox.stashSize()).isZero();
  }

  @Test
  void select_manyClassesComingAndGoing_eachIsStillFoundByItsClass() {
    List<Object> samples =
        List.of(
            1,
            2L,
            (short) 3,
            (byte) 4,
            5.0,
            6f,
            '7',
            true,
            "9",
            new StringBuilder("10"),
            new ArrayList<>(List.of(11)),
            new java.util.LinkedList<>(),
            new java.util.HashMap<>(),
            new java.util.TreeMap<>(),
            new HashSet<>(),
            new java.util.TreeSet<>(),
            new java.util.ArrayDeque<>(),
            new Noise(18),
            java.util.Optional.of(19),
            java.time.Duration.ofSeconds(20),
            java.util.UUID.randomUUID());
    for (int round = 0; round < 3; round++) {
      List<Object> order = new ArrayList<>(samples);
      java.util.Collections.rotate(order, round); // each round starts with the last one's last
      order.forEach(mailbox::offer);
      assertThat(selectNow(on(Void.class, v -> v))).isSameAs(Mailbox.TIMEOUT); // stashes all
      for (int i = samples.size() - 1; i >= 0; i--) { // each kind left empty as it goes
        Object o = samples.get(i);
        assertThat(selectNow(on(o.getClass(), x -> x))).as("round %d", round).isSameAs(o);
      }
      assertThat(mailbox.stashSize()).isZero();
    }
  }

  @Test
  void select_manyTakenThroughOneList_sweepsTheOtherAndKeepsTheRestInOrder() {
    List<Object> sent = mixed();
    // Typed receives take 500 strings through their kind: the segments sweep them out.
    List<Object> strings = new ArrayList<>();
    for (Object o : sent) {
      if (o instanceof String) {
        strings.add(o);
      }
    }
    for (Object expected : strings) {
      assertThat(selectNow(on(String.class, x -> x))).isEqualTo(expected);
    }
    List<Object> noise = new ArrayList<>(sent);
    noise.removeAll(strings);
    for (Object expected : noise) {
      assertThat(selectNow(any(x -> x))).isEqualTo(expected);
    }
    assertThat(mailbox.stashSize()).isZero();

    // Untyped receives take 400 entries through the segments: the kinds sweep them out.
    sent = mixed();
    for (Object expected : sent.subList(0, 400)) {
      assertThat(selectNow(any(x -> x))).isEqualTo(expected);
    }
    for (Object expected : sent.subList(400, 600)) {
      Class<?> type = expected.getClass();
      assertThat(selectNow(on(Noise.class, x -> x), on(String.class, x -> x)))
          .isInstanceOf(type)
          .isEqualTo(expected);
    }
    assertThat(mailbox.stashSize()).isZero();
  }

  /** Offers and stashes 600 entries, one Noise for five strings; returns them in order. */
  private List<Object> mixed() {
    List<Object> sent = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      sent.add(i % 6 == 0 ? new Noise(i) : "s" + i);
      mailbox.offer(sent.getLast());
    }
    assertThat(selectNow(on(Void.class, v -> v))).isSameAs(Mailbox.TIMEOUT); // stashes all
    return sent;
  }

  /**
   * Random offers, marks and receives of every matcher shape, against a plain list that takes the
   * oldest accepted entry the obvious way. Cancelled down notices are never taken.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void select_randomOffersMarksAndReceives_takeWhatAScanOfEveryEntryTakes(long seed) {
    Random random = new Random(seed);
    Model model = new Model();
    Set<Down> cancelled = new HashSet<>();
    List<Stash.Segment> marks = new ArrayList<>();
    List<Integer> markSeqs = new ArrayList<>();
    int offered = 0;
    for (int step = 0; step < 3_000; step++) {
      int op = random.nextInt(10);
      if (op < 5) {
        Object o = randomEntry(random, offered);
        if (o instanceof Down d) {
          if (random.nextInt(4) == 0) {
            cancelled.add(d); // a monitor the owner no longer holds
            mailbox.offerDown(d);
          } else {
            offerHeldDown(d);
          }
        } else {
          mailbox.offer(o);
        }
        model.entries.add(new Model.Entry(offered++, o));
      } else if (op == 5) {
        marks.add(mailbox.markEnd());
        markSeqs.add(offered);
      } else {
        List<Spec> specs = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
          specs.add(Spec.random(random, offered));
        }
        Matcher<?, ?>[] matchers = new Matcher<?, ?>[n];
        for (int i = 0; i < n; i++) {
          int index = i;
          matchers[i] = specs.get(i).matcher(item -> List.of(index, item));
        }
        int mark = marks.isEmpty() || random.nextBoolean() ? -1 : random.nextInt(marks.size());
        Object got =
            select(
                mark < 0 ? null : marks.get(mark),
                matchers.length == 1 ? matchers[0] : matchers,
                true,
                System.nanoTime());
        Object expected = model.take(specs, mark < 0 ? -1 : markSeqs.get(mark), cancelled);
        assertThat(got).as("step %d, seed %d, %s", step, seed, specs).isEqualTo(expected);
      }
    }
    List<Object> left = new ArrayList<>();
    for (Object o;
        (o =
                select(
                    null,
                    new Matcher<?, ?>[] {any(x -> x), onDown(d -> d)},
                    true,
                    System.nanoTime()))
            != Mailbox.TIMEOUT; ) {
      left.add(o);
    }
    List<Object> expectedLeft = new ArrayList<>();
    for (Model.Entry e : model.entries) {
      if (!(e.item() instanceof Down d && cancelled.contains(d))) {
        expectedLeft.add(e.item());
      }
    }
    assertThat(left).isEqualTo(expectedLeft);
    assertThat(mailbox.stashSize()).isZero();
  }

  private static Object randomEntry(Random random, int n) {
    return switch (random.nextInt(6)) {
      case 0 -> n; // Integer
      case 1 -> (long) n; // Long
      case 2 -> "s" + n;
      case 3, 4 -> new Noise(n);
      default -> down(n);
    };
  }

  /** A matcher's shape, to build it and to ask the model what it takes. */
  private record Spec(String shape, long mod, long ref) {
    static Spec random(Random random, int offered) {
      String[] shapes = {"Integer", "Number", "String", "Noise", "any", "predicate", "down", "ref"};
      return new Spec(
          shapes[random.nextInt(shapes.length)],
          1 + random.nextInt(3),
          random.nextInt(Math.max(1, offered))); // the notice of entry `ref`, if it was one
    }

    Matcher<Object, Object> matcher(java.util.function.Function<Object, Object> handler) {
      return switch (shape) {
        case "Integer" -> on(Integer.class, i -> i % mod == 0, handler::apply);
        case "Number" -> on(Number.class, handler::apply);
        case "String" -> on(String.class, handler::apply);
        case "Noise" -> on(Noise.class, x -> x.n() % mod == 0, handler::apply);
        case "any" -> any(handler);
        case "predicate" -> on(x -> x.hashCode() % mod == 0, handler);
        case "down" -> onDown(handler::apply);
        default -> onDown(down(ref).ref(), handler::apply);
      };
    }

    boolean accepts(Object item) {
      boolean isDown = item instanceof Down;
      return switch (shape) {
        case "Integer" -> item instanceof Integer i && i % mod == 0;
        case "Number" -> item instanceof Number;
        case "String" -> item instanceof String;
        case "Noise" -> item instanceof Noise x && x.n() % mod == 0;
        case "any" -> !isDown;
        case "predicate" -> !isDown && item.hashCode() % mod == 0;
        case "down" -> isDown;
        default -> isDown && ((Down) item).ref().equals(down(ref).ref());
      };
    }
  }

  /** Every entry in arrival order; a receive takes the oldest one some matcher accepts. */
  private static final class Model {
    record Entry(int seq, Object item) {}

    final List<Entry> entries = new ArrayList<>();

    Object take(List<Spec> specs, int fromSeq, Set<Down> cancelled) {
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        if (e.seq() < fromSeq) {
          continue;
        }
        if (e.item() instanceof Down d && cancelled.contains(d)) {
          entries.remove(i--);
          continue;
        }
        for (int m = 0; m < specs.size(); m++) {
          if (specs.get(m).accepts(e.item())) {
            entries.remove(i);
            return List.of(m, e.item());
          }
        }
      }
      return Mailbox.TIMEOUT;
    }
  }
}
