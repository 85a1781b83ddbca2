package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;

import io.distproc.Down;
import io.distproc.Matcher;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Model checking of the mailbox's lock-free paths with Lincheck: producers on two threads queue
 * messages of two classes and down notices while the owning thread (its operations form one
 * non-parallel group: a single consumer) takes them with selective receives, through the stash's
 * segments, its kinds, and a receive mark. Every interleaving Lincheck explores must be
 * linearizable against {@link Spec}, a plain list in arrival order: nothing lost (a receive finds a
 * message whose send has returned), nothing duplicated, the oldest accepted entry taken, and so
 * FIFO per sender. A receive never blocks here (its deadline is now), so a producer caught between
 * its swap of the tail and its link is what the consumer must wait for.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class MailboxLincheckTest {
  private static final Pid WATCHER = Pid.of(NodeId.of("lincheck", 1), 1);

  /** What a receive returns when nothing matched. */
  static final String NONE = "none";

  private final Mailbox mailbox = new Mailbox();
  private Stash.Segment mark; // consumer only

  public MailboxLincheckTest() {
    for (int value = 1; value <= 3; value++) { // the values IntGen gives: their monitors are held
      mailbox.hold(ref(value));
    }
  }

  private static MonitorRef ref(int value) {
    return MonitorRef.of(WATCHER, Pid.of(WATCHER.node(), 100 + value), value);
  }

  /** Queues the integer {@code value}. Any thread. */
  @Operation
  public void sendInt(@Param(name = "value") int value) {
    mailbox.offer(value);
  }

  /** Queues the text {@code "t" + value}. Any thread. */
  @Operation
  public void sendText(@Param(name = "value") int value) {
    mailbox.offer("t" + value);
  }

  /** Queues the down notice of monitor {@code value}. Any thread. */
  @Operation
  public void sendDown(@Param(name = "value") int value) {
    MonitorRef ref = ref(value);
    mailbox.offerDown(new Down(ref, new MonitorReason.Normal(ref.target())));
  }

  /** Takes the oldest message of any class (a walk of the segments). */
  @Operation(nonParallelGroup = "consumer")
  public Object receiveAny() {
    return take(null, any(m -> m));
  }

  /** Takes the oldest even integer (by kind; odd ones and the rest stay). */
  @Operation(nonParallelGroup = "consumer")
  public Object receiveEven() {
    return take(null, on(Integer.class, i -> i % 2 == 0, i -> i));
  }

  /** Takes the oldest text or down notice, whichever came first (kinds merged by arrival). */
  @Operation(nonParallelGroup = "consumer")
  public Object receiveTextOrDown() {
    // A taken notice spends its monitor; held again at once, so that a second notice of the same
    // value (which the generator may send) is wanted too, as the specification says.
    return take(
        null,
        on(String.class, s -> s),
        onDown(
            d -> {
              mailbox.hold(d.ref());
              return "down" + d.ref().id();
            }));
  }

  /** Marks the present end: later receives after the mark see only what comes after it. */
  @Operation(nonParallelGroup = "consumer")
  public void mark() {
    mark = mailbox.markEnd();
  }

  /** Takes the oldest message that arrived after the last mark (all, if none was taken). */
  @Operation(nonParallelGroup = "consumer")
  public Object receiveAfterMark() {
    return take(mark, any(m -> m));
  }

  private Object take(Stash.Segment after, Matcher<?, ?>... matchers) {
    Object r =
        matchers.length == 1
            ? mailbox.select(after, Cases.one(matchers[0]), Cases.NONE, true, System.nanoTime())
            : mailbox.select(after, null, Cases.of(List.of(matchers)), true, System.nanoTime());
    return r == Mailbox.TIMEOUT ? NONE : r;
  }

  @Test
  void mailbox_concurrentSendsAndSelectiveReceives_areLinearizable() {
    new ModelCheckingOptions()
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(2)
        .iterations(6)
        .invocationsPerIteration(250)
        .sequentialSpecification(Spec.class)
        .check(MailboxLincheckTest.class);
  }

  /**
   * The sequential mailbox: entries in arrival order, each with its number; a receive removes the
   * oldest one it accepts.
   */
  public static class Spec {
    private record Entry(long seq, Object item) {}

    private final List<Entry> entries = new ArrayList<>();
    private long next;
    private long markSeq;

    public void sendInt(int value) {
      entries.add(new Entry(next++, value));
    }

    public void sendText(int value) {
      entries.add(new Entry(next++, "t" + value));
    }

    public void sendDown(int value) {
      entries.add(new Entry(next++, "down" + value));
    }

    public Object receiveAny() {
      return remove(0, x -> !isDown(x));
    }

    public Object receiveEven() {
      return remove(0, x -> x instanceof Integer i && i % 2 == 0);
    }

    public Object receiveTextOrDown() {
      return remove(0, x -> x instanceof String);
    }

    public void mark() {
      markSeq = next;
    }

    public Object receiveAfterMark() {
      return remove(markSeq, x -> !isDown(x));
    }

    private static boolean isDown(Object x) {
      return x instanceof String s && s.startsWith("down");
    }

    private Object remove(long from, Predicate<Object> accepts) {
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        if (e.seq() >= from && accepts.test(e.item())) {
          entries.remove(i);
          return e.item();
        }
      }
      return NONE;
    }
  }
}
