package io.distproc.runtime;

import io.distproc.Down;
import io.distproc.Exit;
import io.distproc.MonitorRef;
import io.distproc.ProcessInterruptedException;
import io.distproc.internal.Case;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * A mailbox has many producers (any thread that sends to the process, and the runtime queueing
 * Down notices) and exactly one consumer (the owning process's thread). It is two lists:
 *
 * 1. The INBOX, a lock-free multi-producer single-consumer linked queue (Vyukov's intrusive
 *    MPSC queue). A producer swaps itself in as TAIL with one atomic getAndSet, then links the
 *    previous tail to itself with a volatile store. The consumer owns HEAD, a stub node whose
 *    successor is the oldest unread entry. Between the getAndSet and the link a producer is
 *    "in flight": the consumer sees head.next == null while tail != head, and spins briefly.
 *
 * 2. The STASH (see Stash): entries that a receive examined and no matcher accepted, oldest
 *    first, touched by the consumer only. A receive scans the stash first, then takes entries
 *    from the inbox one at a time; each is either accepted (and handed to the matcher's handler)
 *    or appended to the stash. So arrival order is kept: every stash entry is older than every
 *    inbox entry, and within each list order is arrival order. A receive never re-examines
 *    entries it has already examined while it waits for new ones; only the next receive, whose
 *    matchers may differ, rescans the stash (as Erlang does).
 *
 * Wake-up protocol (Dekker style, on TAIL and WAITER, both sides volatile): the consumer
 * publishes itself in WAITER, then re-reads TAIL, and parks only if it is still its head (the
 * inbox is empty); a producer swaps TAIL, then reads WAITER and unparks the thread it finds
 * (clearing WAITER with getAndSet so only one producer pays for the unpark). Whichever side comes
 * second sees the other's write, so no wake-up is lost. A consumer that finds TAIL moved but no
 * link yet does not park: the producer is a few instructions from linking, and poll spins for it.
 * Spurious wake-ups are harmless: the consumer loops.
 *
 * So the link itself (prev.next = e) needs no fence of its own, only ordering: it is a release
 * store (a plain store on x86, where a volatile store costs a full fence per message), read by the
 * consumer's volatile load of next, as in JCTools' MpscLinkedQueue. Happens-before: everything a
 * sender did before send() happens-before the receiver's handler runs on that message (the
 * release store of the link, read by the consumer's volatile load of next).
 *
 * A timeout bounds only the wait: an entry taken from the inbox is always either handled or
 * stashed, so a timeout can never drop a message. A matcher predicate that throws leaves the
 * entry where it is (it is stashed first when it came from the inbox), and the exception
 * propagates to the caller.
 *
 * A message from another node may arrive still encoded (Encoded): the consumer decodes it the
 * first time it examines it, before any matcher sees it, so what reaches the stash and the matchers
 * is always a message; one the codec rejects is dropped there. This keeps the user's codec off the
 * transport's threads and spreads decoding over the receiving processes.
 *
 * SIGNALS. Down notices, trapped exit signals (Exit) and node events are the entries that are not
 * messages: the `signal` flag of an entry says so, and the item's class says which. Only Down
 * notices are ever discarded unseen (below); an Exit is always kept.
 *
 * HELD MONITORS. The monitors the owning process holds on others are kept here, because they
 * decide what a receive may take: a Down notice is received only if its ref is still held, and is
 * removed from the held set when taken, so each ref is received at most once and never after
 * unmonitor, even if the notice was already queued (Erlang's demonitor with the flush option,
 * always). Notices of monitors no longer held are discarded when the consumer meets them: the
 * cancellation and exactly-once delivery are a consumer-side decision with no locking.
 */
/** One process's mailbox: the inbox, the stash, the wait, and the monitors it holds. */
final class Mailbox {
  /** The fewest times a receive checks for an arrival before it parks. */
  private static final int MIN_SPINS = 8;

  /** The most times a receive checks for an arrival before it parks. */
  private static final int MAX_SPINS =
      Math.max(MIN_SPINS, Integer.getInteger("distproc.mailbox.maxSpins", 2048));

  /** How many times {@link #depth()} re-reads a head that the owner keeps moving. */
  static final int SETTLE_TRIES = 1 << 16;

  /** Returned by {@link #select} when the deadline passed with no match. */
  static final Object TIMEOUT = new Object();

  /**
   * An inbox entry. {@code item} is a message, or, when {@code signal} is set, a signal entry: a
   * {@link Down}, an {@link Exit}, or a node event.
   */
  static class Entry {
    Object item; // written by its producer before linking; read, then CLEARED, by the consumer
    final boolean signal;
    volatile @Nullable Entry next;

    Entry(Object item, boolean signal) {
      this.item = item;
      this.signal = signal;
    }
  }

  /**
   * A message that came from another node, still encoded: {@code item} is its bytes. The consumer
   * decodes it when it first examines it, so decoding runs on the receiving process's thread, not
   * on the thread that delivered it.
   */
  static final class Encoded extends Entry {
    /** Returns the message, or null if the bytes are rejected (the decoder counts and logs it). */
    final Function<byte[], @Nullable Object> decoder;

    Encoded(byte[] bytes, Function<byte[], @Nullable Object> decoder) {
      super(bytes, false);
      this.decoder = decoder;
    }
  }

  private static final VarHandle TAIL;
  private static final VarHandle NEXT;
  private static final VarHandle WAITER;
  private static final VarHandle PUBLISHED_HEAD;
  private static final VarHandle PUBLISHED_STASH;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      TAIL = l.findVarHandle(Mailbox.class, "tail", Entry.class);
      NEXT = l.findVarHandle(Entry.class, "next", Entry.class);
      WAITER = l.findVarHandle(Mailbox.class, "waiter", Thread.class);
      PUBLISHED_HEAD = l.findVarHandle(Mailbox.class, "publishedHead", Entry.class);
      PUBLISHED_STASH = l.findVarHandle(Mailbox.class, "publishedStash", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Written by producers with getAndSet. */
  @SuppressWarnings("unused") // accessed through TAIL
  private volatile @Nullable Entry tail; // never null once the constructor ran

  /** The consumer's stub node. Consumer only. */
  private Entry head;

  /** The consumer's head, published (release) for {@link #depth()}; read by any thread. */
  @SuppressWarnings("unused") // accessed through PUBLISHED_HEAD
  private volatile @Nullable Entry publishedHead; // never null once the constructor ran

  /** The stash's size, published (release) for {@link #depth()}. */
  @SuppressWarnings("unused") // accessed through PUBLISHED_STASH
  private volatile int publishedStash;

  /** Set by the consumer before parking; cleared by whichever side wakes it. */
  @SuppressWarnings("unused") // accessed through WAITER
  private volatile @Nullable Thread waiter;

  /** Consumer only: the stash; null until the first entry is stashed or the first mark taken. */
  private @Nullable Stash stash;

  /** Consumer only: the monitors the owner holds, whose Down notices it may take; null: none. */
  private @Nullable HashSet<MonitorRef> held;

  /**
   * Consumer only: how long the next wait spins before parking (see park). None at first: a process
   * that has never waited has no evidence that spinning pays, and a million fresh processes that
   * each wait once (for work, say) would burn their first spin for nothing.
   */
  private int spinLimit;

  Mailbox() {
    Entry stub = new Entry(CLEARED, false);
    head = stub;
    // Plain stores: a new mailbox reaches other threads only through a release (the registry's
    // store, the thread's start), and a volatile store here would cost a fence per spawn.
    TAIL.set(this, stub);
    PUBLISHED_HEAD.set(this, stub);
  }

  /** Queues a message. Called from a producer thread. Never blocks. */
  void offer(Object message) {
    link(new Entry(message, false));
  }

  /**
   * Queues a message in its encoded form, to be decoded by {@code decoder} on the consumer's thread
   * when a receive first examines it. Called from a producer thread. Never blocks.
   */
  void offerEncoded(byte[] bytes, Function<byte[], @Nullable Object> decoder) {
    link(new Encoded(bytes, decoder));
  }

  /** Queues a down notice. Called from a producer thread. Never blocks. */
  void offerDown(Down down) {
    link(new Entry(down, true));
  }

  /**
   * Queues a signal entry other than a down notice: a trapped {@link Exit}, or a node event. Called
   * from a producer thread. Never blocks.
   */
  void offerSignal(Object signal) {
    link(new Entry(signal, true));
  }

  private void link(Entry e) {
    Entry prev = (Entry) TAIL.getAndSet(this, e); // the wake-up protocol's write: a full fence
    NEXT.setRelease(prev, e); // pairs with the consumer's volatile read of next
    if (WAITER.getVolatile(this) != null) {
      Thread t = (Thread) WAITER.getAndSet(this, (Thread) null);
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  // ---- held monitors (consumer only) ------------------------------------------------------------

  /** The owner now holds {@code ref}: its Down notice may be taken. */
  void hold(MonitorRef ref) {
    if (held == null) {
      held = new HashSet<>();
    }
    held.add(ref);
  }

  /** Forgets a held monitor; true if it was held (its notice not taken yet). */
  boolean release(MonitorRef ref) {
    return held != null && held.remove(ref);
  }

  /** Returns and forgets every monitor still held. At the owner's end. */
  List<MonitorRef> releaseAll() {
    if (held == null || held.isEmpty()) {
      return List.of();
    }
    List<MonitorRef> refs = new ArrayList<>(held);
    held = null;
    return refs;
  }

  private boolean wanted(Down d) {
    return held != null && held.contains(d.ref());
  }

  // ---- receive (consumer only)
  // -------------------------------------------------------------------

  /**
   * Takes the oldest entry one of the cases accepts and returns its handler's result, or {@link
   * #TIMEOUT}. The cases are {@code one} (with {@code many} {@link Cases#NONE}), or, if it is null,
   * the array {@code many} tried in order for each entry. Called from the owning process's thread
   * only.
   *
   * @param after a segment {@link #markEnd()} returned: only the entries that arrived after it are
   *     considered; null: all
   * @param deadline {@link System#nanoTime()} value after which to stop waiting; ignored if {@code
   *     timed} is false
   * @throws ProcessInterruptedException if the thread is interrupted while it waits
   */
  Object select(
      Stash.@Nullable Segment after,
      @Nullable Case<?, ?> one,
      Case<?, ?>[] many,
      boolean timed,
      long deadline) {
    // Kept small on purpose: this frame is on the stack of every waiting process, and a parked
    // virtual thread keeps its whole stack on the heap. The long scans are separate methods that
    // have returned by the time the process parks.
    if (stash != null) {
      Object r = fromStash(after, one, many);
      if (r != NO_MATCH) {
        return r;
      }
    }
    for (; ; ) {
      Entry e = poll();
      if (e == null) {
        e = awaitEntry(timed, deadline);
        if (e == null) {
          return TIMEOUT;
        }
      }
      Object r = arrived(e, one, many);
      if (r != NO_MATCH) {
        return r;
      }
    }
  }

  /**
   * Waits for an entry and takes it; null once the deadline has passed. Consumer only.
   *
   * <p>It takes the entry with its own copy of poll, on purpose. Code that the JIT compiles while
   * every process is waiting has seen poll find nothing, and nothing else: a shared poll would be
   * compiled to trap on the branch "found an entry", and each of a million waiting processes, whose
   * stacks hold that compiled code, would then deoptimize as it wakes. This copy runs only after a
   * wake, so its branches carry no such one-sided history.
   */
  private @Nullable Entry awaitEntry(boolean timed, long deadline) {
    for (; ; ) {
      long wait = 0;
      if (timed) {
        wait = deadline - System.nanoTime();
        if (wait <= 0) {
          return null;
        }
      }
      park(timed, wait);
      Entry h = head;
      Entry next = h.next;
      if (next != null) {
        head = next;
        return next;
      }
      if (TAIL.getVolatile(this) != h) {
        return poll(); // a producer is linking: poll waits for it
      }
    }
  }

  /** The item of an entry whose item was taken: it keeps no message alive. */
  private static final Object CLEARED = new Object();

  /** What a scan returns when no entry matched: never a handler's result. */
  private static final Object NO_MATCH = Stash.NO_MATCH;

  /** 1. The stash: entries earlier receives left behind, oldest first. */
  private Object fromStash(
      Stash.@Nullable Segment after, @Nullable Case<?, ?> one, Case<?, ?>[] many) {
    Stash st = stash;
    if (st == null) {
      return NO_MATCH;
    }
    Object item = st.take(after, one, many, held);
    PUBLISHED_STASH.setRelease(this, st.size());
    if (item == NO_MATCH) {
      return NO_MATCH;
    }
    return handle(Cases.at(one, many, st.matched()), item, st.matchedSignal());
  }

  /** 2. A new arrival: handled, or stashed, never dropped. */
  private Object arrived(Entry e, @Nullable Case<?, ?> one, Case<?, ?>[] many) {
    Object item = e.item;
    boolean signal = e.signal;
    e.item = CLEARED; // e is now the stub: it must not keep the message alive
    if (e instanceof Encoded encoded) {
      item = encoded.decoder.apply((byte[]) item);
      if (item == null) {
        taken(); // rejected by the codec: dropped, as the decoder has recorded
        return NO_MATCH;
      }
    }
    if (signal && item instanceof Down d && !wanted(d)) {
      taken();
      return NO_MATCH;
    }
    int i;
    try {
      i = Cases.indexOf(one, many, item, signal);
    } catch (RuntimeException | Error t) {
      stash(item, signal);
      throw t;
    }
    if (i >= 0) {
      taken();
      return handle(Cases.at(one, many, i), item, signal);
    }
    stash(item, signal);
    return NO_MATCH;
  }

  /** Runs the handler of the case that took {@code item}; a taken Down spends its monitor. */
  private Object handle(Case<?, ?> c, Object item, boolean signal) {
    if (!signal) {
      return c.handleMessage(item);
    }
    if (item instanceof Down d && held != null) { // it was taken, so it was held
      held.remove(d.ref());
    }
    return c.handleSignal(item);
  }

  /** Waits for an arrival (or the deadline, or an interrupt). Consumer only. */
  private void park(boolean timed, long nanos) {
    // A reply often arrives within microseconds (ping-pong, request/reply), and parking and
    // unparking a virtual thread costs far more than a short spin. The spin adapts per mailbox:
    // it doubles while spinning catches arrivals and halves each time the process parks anyway,
    // so a process that waits long spins little.
    for (int i = 0; i < spinLimit; i++) {
      if (head.next != null) {
        spinLimit = Math.min(MAX_SPINS, spinLimit << 1);
        return;
      }
      Thread.onSpinWait();
    }
    spinLimit = Math.max(MIN_SPINS, spinLimit >> 1);
    Thread me = Thread.currentThread();
    WAITER.setVolatile(this, me);
    if (TAIL.getVolatile(this) == head) { // re-check after publishing: the wake-up protocol
      if (timed) {
        LockSupport.parkNanos(this, nanos);
      } else {
        LockSupport.park(this);
      }
    }
    WAITER.setVolatile(this, (Thread) null);
    if (me.isInterrupted()) {
      throw new ProcessInterruptedException(new InterruptedException("interrupted in receive"));
    }
  }

  /** Removes the oldest inbox entry, or returns null if there is none. Consumer only. */
  private @Nullable Entry poll() {
    Entry h = head;
    Entry next = h.next;
    if (next == null) {
      if (TAIL.getVolatile(this) == h) {
        return null;
      }
      // A producer swapped the tail but has not linked yet: it is a few instructions away.
      while ((next = h.next) == null) {
        Thread.onSpinWait();
      }
    }
    head = next; // next becomes the stub; the caller reads it, then clears its item
    return next; // published by taken() or stash(), once its fate is known: see depth()
  }

  /** Publishes the consumer's head after an entry was taken or discarded. Consumer only. */
  private void taken() {
    PUBLISHED_HEAD.setRelease(this, head); // a plain store on x86: free for the hot path
  }

  private Stash stash() {
    Stash st = stash;
    return st != null ? st : (stash = new Stash());
  }

  private void stash(Object item, boolean signal) {
    Stash st = stash();
    st.add(item, signal);
    PUBLISHED_STASH.setRelease(this, st.size());
    taken(); // after the stash's count: depth() never misses the entry in between
  }

  /**
   * Marks the present end of the mailbox: what arrived so far is moved, unexamined, to the stash,
   * and the returned segment collects what comes after. Called from the owning process's thread
   * only.
   */
  Stash.Segment markEnd() {
    for (Entry e; (e = poll()) != null; ) {
      Object item = e.item;
      e.item = CLEARED;
      if (e instanceof Encoded encoded) {
        item = encoded.decoder.apply((byte[]) item);
        if (item == null) {
          taken();
          continue;
        }
      }
      stash(item, e.signal);
    }
    return stash().mark();
  }

  /**
   * How many entries wait in this mailbox: unread ones and those earlier receives left. Any thread;
   * a snapshot that may be a little stale, and costs a walk of the unread entries, so it is for
   * metrics, not for the hot path. An entry the consumer is examining still counts, so a waiting
   * entry is never missed; for the instant between its stashing and the head's publication it may
   * count once more. Only an owner that stashes more than {@value #SETTLE_TRIES} entries without a
   * pause while one read runs can make it count the few it stashed in that instant twice.
   */
  int depth() {
    // The head and the stash's count are read together, before the walk: an entry the owner
    // stashes during the walk is then counted once, by the walk. The owner publishes the count
    // before the head, so a head that did not move between the two reads means the count holds
    // at most the one entry being stashed at that instant. Each retry means the owner moved its
    // head meanwhile (it took or stashed an entry), so an owner working through a finite backlog
    // lets the read settle. An earlier budget of 100 retries could run out while an owner stashed
    // a backlog, and the pair read last could then be two entries apart.
    Entry h;
    int stashed;
    int tries = 0;
    for (; ; ) {
      h = (Entry) PUBLISHED_HEAD.getAcquire(this);
      stashed = (int) PUBLISHED_STASH.getAcquire(this);
      if (PUBLISHED_HEAD.getAcquire(this) == h || ++tries >= SETTLE_TRIES) {
        break;
      }
      Thread.onSpinWait();
    }
    int unread = 0;
    for (Entry e = h.next; e != null; e = e.next) {
      unread++;
    }
    return unread + stashed;
  }

  /** Entries examined and left by earlier receives. Consumer only (or after the owner ended). */
  int stashSize() {
    return stash == null ? 0 : stash.size();
  }
}
