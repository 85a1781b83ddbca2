package io.distproc.runtime;

import io.distproc.Down;
import io.distproc.Exit;
import io.distproc.Matcher;
import io.distproc.ProcessInterruptedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

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
 * 2. The STASH, plain singly linked lists touched by the consumer only: entries that a receive
 *    examined and no matcher accepted, oldest first. It is a chain of segments; normally there is
 *    one. markEnd() starts a new segment (after moving the inbox into the stash unexamined), and a
 *    receive after that mark scans only from that segment on: a request/reply inside a deep
 *    mailbox costs O(1), not O(depth) (Erlang's receive-marker optimisation, made explicit).
 *    Empty segments that marks leave behind are unlinked by the next full scan. A receive scans
 *    the stash first, then takes entries from the inbox one at a time; each is either accepted
 *    (and handed to the matcher's handler) or appended to the stash. So arrival order is kept:
 *    every stash entry is older than every inbox entry, and within each list order is arrival
 *    order. A receive never re-examines entries it has already examined while it waits for new
 *    ones; only the next receive, whose matchers may differ, rescans the stash (as Erlang does).
 *
 *    KINDS. Every stash entry is also on the list of its kind: the stashed messages of one class,
 *    or the down notices, oldest first. A receive over the whole stash whose matchers each take
 *    only one class (Matcher.messageType(); a supertype takes every kind of its subclasses) or
 *    only down notices walks just those kinds, merged by arrival number (seq), so it takes the
 *    same entry a walk of every entry would, and thousands of waiting messages of other classes
 *    cost it nothing (the common case: a reply awaited among unrelated traffic). Any other
 *    receive walks the segments. An entry taken through one list is marked taken and stays on
 *    the other until a walk passes it, or until such leftovers outnumber the live entries and a
 *    sweep removes them all: both lists stay singly linked, and the leftovers stay bounded.
 *
 * Wake-up protocol (Dekker style, both sides use volatile accesses): the consumer publishes
 * itself in WAITER, then re-reads head.next, and parks only if there is still nothing; a
 * producer links its entry, then reads WAITER and unparks the thread it finds (clearing WAITER
 * with getAndSet so only one producer pays for the unpark). Whichever side comes second sees the
 * other's write, so no wake-up is lost. Spurious wake-ups are harmless: the consumer loops.
 *
 * The process is the mailbox: ProcessImpl extends this class, so a process is one object, not
 * two, which saves a header and a pointer, and a cache miss on every send and receive; a million
 * waiting processes notice. The class stays usable on its own (MailboxTest).
 *
 * Happens-before: everything a sender did before send() happens-before the receiver's handler
 * runs on that message (the volatile link store, read by the consumer's volatile load of next).
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
 * messages: the
 * `down` flag of an entry says "a signal", and the item's class says which. They share one kind in
 * the stash, and only Down notices are ever discarded unseen (below); an Exit is always kept.
 *
 * Down notices whose monitor the process no longer holds are discarded when the consumer meets
 * them, through the isLive predicate the owner supplies, which makes cancellation and
 * exactly-once delivery a consumer-side decision with no locking.
 */
class Mailbox<M> {

  /** The fewest times a receive checks for an arrival before it parks. */
  private static final int MIN_SPINS = 8;

  /** The most times a receive checks for an arrival before it parks. */
  private static final int MAX_SPINS =
      Math.max(MIN_SPINS, Integer.getInteger("distproc.mailbox.maxSpins", 2048));

  /** Returned by {@link #select} when the deadline passed with no match. */
  static final Object TIMEOUT = new Object();

  /**
   * An inbox entry. {@code item} is a message, or, when {@code down} is set, a signal: a {@link
   * Down}, an {@link Exit}, or a node event.
   */
  static class Entry {
    Object item; // written by its producer before linking; read and cleared by the consumer
    final boolean down;
    volatile Entry next;

    Entry(Object item, boolean down) {
      this.item = item;
      this.down = down;
    }
  }

  /**
   * A message that came from another node, still encoded: {@code item} is its bytes. The consumer
   * decodes it when it first examines it, so decoding runs on the receiving process's thread, not
   * on the thread that delivered it.
   */
  static final class Encoded extends Entry {
    /** Returns the message, or null if the bytes are rejected (the decoder counts and logs it). */
    final Function<byte[], Object> decoder;

    Encoded(byte[] bytes, Function<byte[], Object> decoder) {
      super(bytes, false);
      this.decoder = decoder;
    }
  }

  /** A stash entry: consumer-only, so plain fields. */
  private static final class Stashed {
    Object item; // cleared when taken
    final boolean down;
    final long seq; // its place in arrival order among the stashed entries
    Stashed next; // the next entry of its segment
    Stashed nextOfKind; // the next entry of its kind (see Kind)
    boolean taken; // taken or discarded, and perhaps still linked in its segment or its kind

    Stashed(Object item, boolean down, long seq) {
      this.item = item;
      this.down = down;
      this.seq = seq;
    }
  }

  /**
   * The stashed entries of one kind, oldest first: the messages of one class, or the down notices
   * ({@code type} null). Consumer only.
   */
  private static final class Kind {
    final Class<?> type;
    Stashed head;
    Stashed tail;

    Kind(Class<?> type) {
      this.type = type;
    }

    void append(Stashed s) {
      if (tail == null) {
        head = s;
      } else {
        tail.nextOfKind = s;
      }
      tail = s;
    }

    /** Unlinks {@code s}, whose predecessor in this kind is {@code prev} (null: s is the head). */
    void unlink(Stashed prev, Stashed s) {
      if (prev == null) {
        head = s.nextOfKind;
      } else {
        prev.nextOfKind = s.nextOfKind;
      }
      if (tail == s) {
        tail = prev;
      }
      s.nextOfKind = null;
    }
  }

  /**
   * What earlier receives left behind, allocated by the first entry stashed or the first mark:
   * most processes never leave a message behind, and a million waiting ones would each carry it.
   * Consumer only.
   */
  private static final class Stash {
    /** The oldest segment. */
    Segment first;

    /** The newest segment, where entries are appended. Never unlinked. */
    Segment last;

    /** Live entries (not taken). */
    int size;

    /** The next entry's seq. */
    long seq;

    /** Entries taken through their kind and still linked in their segment. */
    int takenInSegments;

    /** Entries taken through their segment and still linked in their kind. */
    int takenInKinds;

    /** The message kinds, in the order their classes were first stashed. */
    final ArrayList<Kind> kinds = new ArrayList<>(4);

    /** The down notices' kind, or null. */
    Kind downs;

    /** The kind the last stashed message joined: runs of one class skip the search. */
    Kind lastKind;

    Kind kindOf(Object item, boolean down) {
      if (down) {
        return downs == null ? downs = new Kind(null) : downs;
      }
      Class<?> c = item.getClass();
      Kind k = lastKind;
      if (k == null || k.type != c) {
        k = null;
        for (int i = 0; i < kinds.size(); i++) {
          if (kinds.get(i).type == c) {
            k = kinds.get(i);
            break;
          }
        }
        if (k == null) {
          k = new Kind(c);
          kinds.add(k);
        }
        lastKind = k;
      }
      return k;
    }
  }

  private static final VarHandle TAIL;
  private static final VarHandle WAITER;
  private static final VarHandle PUBLISHED_HEAD;
  private static final VarHandle PUBLISHED_STASH;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      TAIL = l.findVarHandle(Mailbox.class, "tail", Entry.class);
      WAITER = l.findVarHandle(Mailbox.class, "waiter", Thread.class);
      PUBLISHED_HEAD = l.findVarHandle(Mailbox.class, "publishedHead", Entry.class);
      PUBLISHED_STASH = l.findVarHandle(Mailbox.class, "publishedStash", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Written by producers with getAndSet. */
  @SuppressWarnings("unused") // accessed through TAIL
  private volatile Entry tail;

  /** The consumer's stub node. Consumer only. */
  private Entry head;

  /** The consumer's head, published (release) for {@link #depth()}; read by any thread. */
  @SuppressWarnings("unused") // accessed through PUBLISHED_HEAD
  private volatile Entry publishedHead;

  /** The stash's size, published (release) for {@link #depth()}. */
  @SuppressWarnings("unused") // accessed through PUBLISHED_STASH
  private volatile int publishedStash;

  /** Set by the consumer before parking; cleared by whichever side wakes it. */
  @SuppressWarnings("unused") // accessed through WAITER
  private volatile Thread waiter;

  /**
   * A run of the stash: entries in arrival order. The stash is a chain of segments, also in
   * arrival order; a receive mark is the segment that was last when the mark was taken, so a
   * receive after a mark scans only the entries that arrived after it. Consumer only.
   */
  static final class Segment {
    private Stashed head;
    private Stashed tail;
    private Segment next;

    /** Unlinks {@code s}, whose predecessor here is {@code prev} (null: s is the head). */
    private void unlink(Stashed prev, Stashed s) {
      if (prev == null) {
        head = s.next;
      } else {
        prev.next = s.next;
      }
      if (tail == s) {
        tail = prev;
      }
    }
  }

  /** Consumer only: the stash; null until the first entry is stashed or the first mark taken. */
  private Stash stash;

  /**
   * Consumer only: how long the next wait spins before parking (see park). None at first: a
   * process that has never waited has no evidence that spinning pays, and a million fresh
   * processes that each wait once (for work, say) would burn their first spin for nothing.
   */
  private int spinLimit;

  Mailbox() {
    Entry stub = new Entry(null, false);
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
   * Queues a message in its encoded form, to be decoded by {@code decoder} on the consumer's
   * thread when a receive first examines it. Called from a producer thread. Never blocks.
   */
  void offerEncoded(byte[] bytes, Function<byte[], Object> decoder) {
    link(new Encoded(bytes, decoder));
  }

  /** Queues a down notice. Called from a producer thread. Never blocks. */
  void offerDown(Down down) {
    link(new Entry(down, true));
  }

  /**
   * Queues a signal entry other than a down notice: a trapped {@link Exit}, or a node event.
   * Called from a producer thread. Never blocks.
   */
  void offerSignal(Object signal) {
    link(new Entry(signal, true));
  }

  private void link(Entry e) {
    Entry prev = (Entry) TAIL.getAndSet(this, e);
    prev.next = e; // volatile store: pairs with the consumer's read in poll()
    if (WAITER.getVolatile(this) != null) {
      Thread t = (Thread) WAITER.getAndSet(this, (Thread) null);
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  /**
   * Takes the oldest entry some matcher accepts and returns its handler's result, or {@link
   * #TIMEOUT}. Called from the owning process's thread only.
   *
   * @param matchers one Matcher, or an array of them tried in order, for each entry, oldest
   *     entry first
   * @param deadline {@link System#nanoTime()} value after which to stop waiting; ignored if
   *     {@code timed} is false
   * @param isLive says whether a Down notice is still wanted; a notice it rejects is discarded
   * @param taken called with a Down notice once a matcher has accepted it, before its handler
   */
  Object select(
      Object matchers,
      boolean timed,
      long deadline,
      Predicate<Down> isLive,
      Consumer<Down> taken) {
    return select(null, matchers, timed, deadline, isLive, taken);
  }

  /**
   * Like {@link #select(Matcher[], boolean, long, Predicate, Consumer)}, but considers only the
   * entries that arrived after {@code after}, a segment {@link #markEnd()} returned; null means
   * all.
   */
  Object select(
      Segment after,
      Object matchers,
      boolean timed,
      long deadline,
      Predicate<Down> isLive,
      Consumer<Down> taken) {
    // Kept small on purpose: this frame is on the stack of every waiting process, and a parked
    // virtual thread keeps its whole stack on the heap. The long scans are separate methods that
    // have returned by the time the process parks.
    if (stash != null) {
      Object r = scanStash(after, matchers, isLive, taken);
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
      Object r = arrived(e, matchers, isLive, taken);
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
   * compiled to trap on the branch "found an entry", and each of a million waiting processes,
   * whose stacks hold that compiled code, would then deoptimize as it wakes. This copy runs only
   * after a wake, so its branches carry no such one-sided history.
   */
  private Entry awaitEntry(boolean timed, long deadline) {
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

  /** What a scan returns when no entry matched: never a handler's result. */
  private static final Object NO_MATCH = new Object();

  /**
   * 1. The stash: entries earlier receives left behind, oldest first. A receive over the whole
   * stash whose matchers each take only one class of message, or only down notices, looks at the
   * entries of the kinds they can take; any other receive walks the segments.
   */
  private Object scanStash(
      Segment after, Object matchers, Predicate<Down> isLive, Consumer<Down> taken) {
    Stash st = stash;
    if (st.size == 0) {
      return NO_MATCH;
    }
    if (after == null && byKind(matchers)) {
      return scanKinds(st, matchers, isLive, taken);
    }
    return scanSegments(st, after, matchers, isLive, taken);
  }

  /** Whether every matcher takes only one class of message or only down notices. */
  private static boolean byKind(Object matchers) {
    if (matchers instanceof Matcher<?, ?> one) {
      return one.messageType() != Object.class;
    }
    for (Matcher<?, ?> m : (Matcher<?, ?>[]) matchers) {
      if (m.messageType() == Object.class) {
        return false;
      }
    }
    return true;
  }

  /** The stash segment by segment, from {@code after} (null: from the first). */
  private Object scanSegments(
      Stash st, Segment after, Object matchers, Predicate<Down> isLive, Consumer<Down> taken) {
    Segment before = null; // the live segment before seg, when scanning from the first
    for (Segment seg = after == null ? st.first : after; seg != null; seg = seg.next) {
      Stashed prev = null;
      for (Stashed s = seg.head; s != null; ) {
        Stashed next = s.next;
        if (s.taken) { // taken through its kind: unlinked here as the walk passes
          seg.unlink(prev, s);
          st.takenInSegments--;
          s = next;
          continue;
        }
        if (s.down && s.item instanceof Down d && !isLive.test(d)) {
          seg.unlink(prev, s);
          drop(st, s, false);
          s = next;
          continue;
        }
        int i = indexOfMatch(matchers, s.item, s.down);
        if (i >= 0) {
          seg.unlink(prev, s);
          Object item = s.item;
          drop(st, s, false);
          return handle(matcher(matchers, i), item, s.down, taken);
        }
        prev = s;
        s = next;
      }
      if (after == null) { // a full scan unlinks the empty segments marks left behind
        if (seg.head == null && seg != st.last) {
          if (before == null) {
            st.first = seg.next;
          } else {
            before.next = seg.next;
          }
        } else {
          before = seg;
        }
      }
    }
    return NO_MATCH;
  }

  /**
   * The whole stash through the kinds the matchers can take, in arrival order across them (the
   * oldest entry some matcher accepts is still the one taken). A mailbox holding thousands of
   * messages of other classes costs such a receive nothing per message.
   */
  private Object scanKinds(
      Stash st, Object matchers, Predicate<Down> isLive, Consumer<Down> taken) {
    Kind[] kinds = kindsFor(st, matchers);
    int n = kinds.length;
    if (n == 0) {
      return NO_MATCH;
    }
    Stashed[] prev = new Stashed[n];
    Stashed[] cur = new Stashed[n];
    for (int k = 0; k < n; k++) {
      cur[k] = kinds[k].head;
    }
    while (true) {
      int oldest = -1;
      for (int k = 0; k < n; k++) {
        Stashed s = cur[k];
        while (s != null && s.taken) { // taken through its segment: unlinked here
          Stashed next = s.nextOfKind;
          kinds[k].unlink(prev[k], s);
          st.takenInKinds--;
          s = next;
        }
        cur[k] = s;
        if (s != null && (oldest < 0 || s.seq < cur[oldest].seq)) {
          oldest = k;
        }
      }
      if (oldest < 0) {
        return NO_MATCH;
      }
      Stashed s = cur[oldest];
      Stashed next = s.nextOfKind;
      if (s.down && s.item instanceof Down d && !isLive.test(d)) {
        kinds[oldest].unlink(prev[oldest], s);
        drop(st, s, true);
        cur[oldest] = next;
        continue;
      }
      int i = indexOfMatch(matchers, s.item, s.down);
      if (i >= 0) {
        kinds[oldest].unlink(prev[oldest], s);
        Object item = s.item;
        drop(st, s, true);
        return handle(matcher(matchers, i), item, s.down, taken);
      }
      prev[oldest] = s;
      cur[oldest] = next;
    }
  }

  private static final Kind[] NO_KINDS = new Kind[0];

  /**
   * The kinds with entries that some matcher may take, each once. Forgets the kinds left empty
   * once they are many, so that a process that saw many classes come and go does not test them
   * all on every receive.
   */
  private static Kind[] kindsFor(Stash st, Object matchers) {
    Kind[] found = null;
    int n = 0;
    int count = matchers instanceof Matcher<?, ?> ? 1 : ((Matcher<?, ?>[]) matchers).length;
    int empty = 0;
    for (int j = 0; j < count; j++) {
      Class<?> type = matcher(matchers, j).messageType();
      if (type == null) {
        if (st.downs != null && st.downs.head != null) {
          found = found == null ? new Kind[st.kinds.size() + 1] : found;
          n = addOnce(found, n, st.downs);
        }
        continue;
      }
      for (int i = 0; i < st.kinds.size(); i++) {
        Kind k = st.kinds.get(i);
        if (k.head == null) {
          empty++;
        } else if (type.isAssignableFrom(k.type)) {
          found = found == null ? new Kind[st.kinds.size() + 1] : found;
          n = addOnce(found, n, k);
        }
      }
    }
    if (empty > 16 * count) {
      st.kinds.removeIf(k -> k.head == null);
      st.lastKind = null;
    }
    if (n == 0) {
      return NO_KINDS;
    }
    return n == found.length ? found : Arrays.copyOf(found, n);
  }

  /** Puts {@code k} at {@code found[n]} unless it is among the first n; returns the new n. */
  private static int addOnce(Kind[] found, int n, Kind k) {
    for (int i = 0; i < n; i++) {
      if (found[i] == k) {
        return n;
      }
    }
    found[n] = k;
    return n + 1;
  }

  /** 2. A new arrival: handled, or stashed, never dropped. */
  private Object arrived(
      Entry e, Object matchers, Predicate<Down> isLive, Consumer<Down> taken) {
    Object item = e.item;
    boolean down = e.down;
    e.item = null; // e is now the stub: it must not keep the message alive
    if (e instanceof Encoded encoded) {
      item = encoded.decoder.apply((byte[]) item);
      if (item == null) {
        taken(); // rejected by the codec: dropped, as the decoder has recorded
        return NO_MATCH;
      }
    }
    if (down && item instanceof Down d && !isLive.test(d)) {
      taken();
      return NO_MATCH;
    }
    int i;
    try {
      i = indexOfMatch(matchers, item, down);
    } catch (RuntimeException | Error t) {
      stash(item, down);
      throw t;
    }
    if (i >= 0) {
      taken();
      return handle(matcher(matchers, i), item, down, taken);
    }
    stash(item, down);
    return NO_MATCH;
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
    if (head.next == null) { // re-check after publishing: see the wake-up protocol above
      if (timed) {
        LockSupport.parkNanos(this, nanos);
      } else {
        LockSupport.park(this);
      }
    }
    WAITER.setVolatile(this, (Thread) null);
    if (me.isInterrupted()) {
      throw interruptedInReceive();
    }
  }

  /**
   * What a receive throws when its thread is interrupted while it waits. A process overrides it to
   * report an exit signal that ended it; a method, not a wrapper around receive, so that waiting
   * processes carry no extra frame.
   */
  RuntimeException interruptedInReceive() {
    return new ProcessInterruptedException(new InterruptedException("interrupted in receive"));
  }

  /** Removes the oldest inbox entry, or returns null if there is none. Consumer only. */
  private Entry poll() {
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

  /**
   * The index of the first matcher in {@code matchers} that accepts the item, or -1. {@code
   * matchers} is one Matcher or an array of them: a receive with a single matcher, the common
   * case, allocates no array.
   */
  @SuppressWarnings("unchecked")
  private int indexOfMatch(Object matchers, Object item, boolean down) {
    if (matchers instanceof Matcher<?, ?> one) {
      return accepts((Matcher<M, ?>) one, item, down) ? 0 : -1;
    }
    Matcher<?, ?>[] all = (Matcher<?, ?>[]) matchers;
    for (int i = 0; i < all.length; i++) {
      if (accepts((Matcher<M, ?>) all[i], item, down)) {
        return i;
      }
    }
    return -1;
  }

  @SuppressWarnings("unchecked")
  private boolean accepts(Matcher<M, ?> m, Object item, boolean down) {
    if (!down) {
      return m.acceptsMessage((M) item);
    }
    return item instanceof Down d ? m.acceptsDown(d) : m.acceptsSignal(item);
  }

  private static Matcher<?, ?> matcher(Object matchers, int i) {
    return matchers instanceof Matcher<?, ?> one ? one : ((Matcher<?, ?>[]) matchers)[i];
  }

  @SuppressWarnings("unchecked")
  private Object handle(
      Matcher<?, ?> erased,
      Object item,
      boolean down,
      Consumer<Down> taken) {
    Matcher<M, ?> matcher = (Matcher<M, ?>) erased;
    if (down) {
      if (item instanceof Down d) {
        taken.accept(d);
        return matcher.handleDown(d);
      }
      return matcher.handleSignal(item);
    }
    return matcher.handleMessage((M) item);
  }

  private void stash(Object item, boolean down) {
    Stash st = stash;
    if (st == null) {
      st = stash = new Stash();
    }
    if (st.last == null) {
      st.first = st.last = new Segment();
    }
    Stashed s = new Stashed(item, down, st.seq++);
    Segment seg = st.last;
    if (seg.tail == null) {
      seg.head = s;
    } else {
      seg.tail.next = s;
    }
    seg.tail = s;
    st.kindOf(item, down).append(s);
    st.size++;
    PUBLISHED_STASH.setRelease(this, st.size);
    taken(); // after the stash's count: depth() never misses the entry in between
  }

  /**
   * Marks {@code s}, just unlinked from its kind ({@code fromKind}) or its segment, as taken: the
   * other list drops it when a walk passes it, or when such leftovers outnumber the live entries.
   */
  private void drop(Stash st, Stashed s, boolean fromKind) {
    s.taken = true;
    s.item = null;
    st.size--;
    PUBLISHED_STASH.setRelease(this, st.size);
    if (fromKind) {
      if (++st.takenInSegments > st.size + 64) {
        sweepSegments(st);
      }
    } else if (++st.takenInKinds > st.size + 64) {
      sweepKinds(st);
    }
  }

  /** Unlinks every taken entry from the segments. */
  private static void sweepSegments(Stash st) {
    for (Segment seg = st.first; seg != null; seg = seg.next) {
      Stashed prev = null;
      for (Stashed s = seg.head; s != null; ) {
        Stashed next = s.next;
        if (s.taken) {
          seg.unlink(prev, s);
        } else {
          prev = s;
        }
        s = next;
      }
    }
    st.takenInSegments = 0;
  }

  /** Unlinks every taken entry from the kinds, and forgets the kinds left empty. */
  private static void sweepKinds(Stash st) {
    for (Kind k : st.kinds) {
      sweep(k);
    }
    st.kinds.removeIf(k -> k.head == null);
    st.lastKind = null;
    if (st.downs != null) {
      sweep(st.downs);
      if (st.downs.head == null) {
        st.downs = null;
      }
    }
    st.takenInKinds = 0;
  }

  private static void sweep(Kind k) {
    Stashed prev = null;
    for (Stashed s = k.head; s != null; ) {
      Stashed next = s.nextOfKind;
      if (s.taken) {
        k.unlink(prev, s);
      } else {
        prev = s;
      }
      s = next;
    }
  }

  /**
   * Marks the present end of the mailbox: what arrived so far is moved, unexamined, to the stash,
   * and the returned segment collects what comes after. Called from the owning process's thread
   * only.
   */
  Segment markEnd() {
    for (Entry e; (e = poll()) != null; ) {
      Object item = e.item;
      e.item = null;
      if (e instanceof Encoded encoded) {
        item = encoded.decoder.apply((byte[]) item);
        if (item == null) {
          taken();
          continue;
        }
      }
      stash(item, e.down);
    }
    Stash st = stash;
    if (st == null) {
      st = stash = new Stash();
    }
    if (st.last == null) {
      st.first = st.last = new Segment();
      return st.last;
    }
    if (st.last.head == null) {
      return st.last; // nothing after the previous mark yet: the same boundary serves
    }
    Segment s = new Segment();
    st.last.next = s;
    st.last = s;
    return s;
  }

  /**
   * How many entries wait in this mailbox: unread ones and those earlier receives left. Any
   * thread; a snapshot that may be a little stale, and costs a walk of the unread entries, so it
   * is for metrics, not for the hot path. An entry the consumer is examining still counts, so a
   * waiting entry is never missed; for the instant between its stashing and the head's
   * publication it may count once more.
   */
  int depth() {
    // The head and the stash's count are read together, before the walk: an entry the owner
    // stashes during the walk is then counted once, by the walk. The owner publishes the count
    // before the head, so a head that did not move between the two reads means the count holds
    // at most the one entry being stashed at that instant.
    Entry h;
    int stashed;
    int tries = 0;
    do {
      h = (Entry) PUBLISHED_HEAD.getAcquire(this);
      stashed = (int) PUBLISHED_STASH.getAcquire(this);
    } while (PUBLISHED_HEAD.getAcquire(this) != h && ++tries < 100);
    int unread = 0;
    for (Entry e = h.next; e != null; e = e.next) {
      unread++;
    }
    return unread + stashed;
  }

  /** Entries examined and left by earlier receives. Consumer only (or after the owner ended). */
  int stashSize() {
    return stash == null ? 0 : stash.size;
  }
}
