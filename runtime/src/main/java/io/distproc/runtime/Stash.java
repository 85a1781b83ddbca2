package io.distproc.runtime;

import io.distproc.Down;
import io.distproc.MonitorRef;
import io.distproc.internal.Case;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * The STASH: the entries of a mailbox that a receive examined and no matcher accepted, oldest
 * first. Plain singly linked lists touched by the mailbox's consumer only (the owning process's
 * thread), allocated by the first entry stashed or the first mark: most processes never leave a
 * message behind, and a million waiting ones would each carry it.
 *
 * SEGMENTS. The stash is a chain of segments; normally there is one. Mailbox.markEnd() starts a
 * new segment (after moving the inbox into the stash unexamined), and a receive after that mark
 * scans only from that segment on: a request/reply inside a deep mailbox costs O(1), not O(depth)
 * (Erlang's receive-marker optimisation, made explicit). Empty segments that marks leave behind are
 * unlinked by the next full scan.
 *
 * KINDS. Every entry is also on the list of its kind: the stashed messages of one class, or the
 * signal entries, oldest first. A take over the whole stash whose cases each take only one class
 * (Case.messageType(); a supertype takes every kind of its subclasses) or only signals walks just
 * those kinds, merged by arrival number (seq), so it takes the same entry a walk of every entry
 * would, and thousands of waiting messages of other classes cost it nothing (the common case: a
 * reply awaited among unrelated traffic). Any other take walks the segments. An entry taken
 * through one list is marked taken and stays on the other until a walk passes it, or until such
 * leftovers outnumber the live entries and a sweep removes them all: both lists stay singly linked,
 * and the leftovers stay bounded.
 *
 * A Down notice whose monitor is not in the held set given to take() is discarded as the walk meets
 * it; every other entry stays until a case accepts it. A case whose predicate throws leaves the
 * entry where it is.
 */
/** The examined entries of one mailbox, with the receive marks' segments. Consumer only. */
final class Stash {

  /** What {@link #take} returns when no entry matched. */
  static final Object NO_MATCH = new Object();

  /** The item of an entry taken or discarded. */
  private static final Object TAKEN = new Object();

  /** A stash entry: consumer-only, so plain fields. */
  private static final class Stashed {
    Object item; // TAKEN once taken, so that it keeps no message alive
    final boolean signal;
    final long seq; // its place in arrival order among the stashed entries
    @Nullable Stashed next; // the next entry of its segment
    @Nullable Stashed nextOfKind; // the next entry of its kind (see Kind)
    boolean taken; // taken or discarded, and perhaps still linked in its segment or its kind

    Stashed(Object item, boolean signal, long seq) {
      this.item = item;
      this.signal = signal;
      this.seq = seq;
    }
  }

  /** The entries of one kind, oldest first: the messages of one class, or the signals. */
  private static final class Kind {
    final Class<?> type; // of the messages; unused for the signals' kind
    @Nullable Stashed head;
    @Nullable Stashed tail;

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
    void unlink(@Nullable Stashed prev, Stashed s) {
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
   * A run of the stash: entries in arrival order. A receive mark is the segment that was last when
   * the mark was taken, so a take after a mark scans only the entries that arrived after it.
   */
  static final class Segment {
    private @Nullable Stashed head;
    private @Nullable Stashed tail;
    private @Nullable Segment next;

    /** Unlinks {@code s}, whose predecessor here is {@code prev} (null: s is the head). */
    private void unlink(@Nullable Stashed prev, Stashed s) {
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

  /** The oldest segment. */
  private @Nullable Segment first;

  /** The newest segment, where entries are appended. Never unlinked. */
  private @Nullable Segment last;

  /** Live entries (not taken). */
  private int size;

  /** The next entry's seq. */
  private long seq;

  /** Entries taken through their kind and still linked in their segment. */
  private int takenInSegments;

  /** Entries taken through their segment and still linked in their kind. */
  private int takenInKinds;

  /** The message kinds, in the order their classes were first stashed. */
  private final ArrayList<Kind> kinds = new ArrayList<>(4);

  /** The signals' kind, or null. */
  private @Nullable Kind signals;

  /** The kind the last stashed message joined: runs of one class skip the search. */
  private @Nullable Kind lastKind;

  /** The index, in the cases given to the last successful {@link #take}, of the one that took. */
  private int matched;

  /** Whether the entry the last successful {@link #take} returned is a signal entry. */
  private boolean matchedSignal;

  /** Live entries. */
  int size() {
    return size;
  }

  /** Which case took the entry the last {@link #take} returned: its index. */
  int matched() {
    return matched;
  }

  /** Whether the entry the last {@link #take} returned is a signal entry. */
  boolean matchedSignal() {
    return matchedSignal;
  }

  /** Appends an entry to the newest segment. */
  void add(Object item, boolean signal) {
    if (last == null) {
      first = last = new Segment();
    }
    Stashed s = new Stashed(item, signal, seq++);
    Segment seg = last;
    if (seg.tail == null) {
      seg.head = s;
    } else {
      seg.tail.next = s;
    }
    seg.tail = s;
    kindOf(item, signal).append(s);
    size++;
  }

  /** Starts a segment for what comes next (unless the newest is still empty) and returns it. */
  Segment mark() {
    if (last == null) {
      first = last = new Segment();
      return last;
    }
    if (last.head == null) {
      return last; // nothing after the previous mark yet: the same boundary serves
    }
    Segment s = new Segment();
    last.next = s;
    last = s;
    return s;
  }

  private Kind kindOf(Object item, boolean signal) {
    if (signal) {
      return signals == null ? signals = new Kind(Object.class) : signals;
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

  /**
   * Removes and returns the oldest entry that one of the cases accepts, or {@link #NO_MATCH}; then
   * {@link #matched()} and {@link #matchedSignal()} say which case and what it is. Exactly one of
   * {@code one} and {@code many} is non-null.
   *
   * @param after a segment {@link #mark()} returned: only what arrived after it; null: all
   * @param held the monitors whose Down notices are still wanted (null: none); the others are
   *     discarded as they are met
   */
  Object take(
      @Nullable Segment after,
      @Nullable Case<?, ?> one,
      Case<?, ?>[] many,
      @Nullable Set<MonitorRef> held) {
    if (size == 0) {
      return NO_MATCH;
    }
    if (after == null && byKind(one, many)) {
      return takeByKind(one, many, held);
    }
    return takeBySegment(after, one, many, held);
  }

  /** Whether every case takes only one class of message or only signals. */
  private static boolean byKind(@Nullable Case<?, ?> one, Case<?, ?>[] many) {
    if (one != null) {
      return one.messageType() != Object.class;
    }
    for (Case<?, ?> c : many) {
      if (c.messageType() == Object.class) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is a Down notice nobody wants any more. */
  private static boolean unwanted(Stashed s, @Nullable Set<MonitorRef> held) {
    return s.signal && s.item instanceof Down d && (held == null || !held.contains(d.ref()));
  }

  /** The stash segment by segment, from {@code after} (null: from the first). */
  private Object takeBySegment(
      @Nullable Segment after,
      @Nullable Case<?, ?> one,
      Case<?, ?>[] many,
      @Nullable Set<MonitorRef> held) {
    Segment before = null; // the live segment before seg, when scanning from the first
    for (Segment seg = after == null ? first : after; seg != null; seg = seg.next) {
      Stashed prev = null;
      for (Stashed s = seg.head; s != null; ) {
        Stashed next = s.next;
        if (s.taken) { // taken through its kind: unlinked here as the walk passes
          seg.unlink(prev, s);
          takenInSegments--;
          s = next;
          continue;
        }
        if (unwanted(s, held)) {
          seg.unlink(prev, s);
          drop(s, false);
          s = next;
          continue;
        }
        int i = Cases.indexOf(one, many, s.item, s.signal);
        if (i >= 0) {
          seg.unlink(prev, s);
          return taken(s, i, false);
        }
        prev = s;
        s = next;
      }
      if (after == null) { // a full scan unlinks the empty segments marks left behind
        if (seg.head == null && seg != last) {
          if (before == null) {
            first = seg.next;
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
   * The whole stash through the kinds the cases can take, in arrival order across them (the oldest
   * entry some case accepts is still the one taken).
   */
  private Object takeByKind(
      @Nullable Case<?, ?> one, Case<?, ?>[] many, @Nullable Set<MonitorRef> held) {
    Kind[] ks = kindsFor(one, many);
    int n = ks.length;
    if (n == 0) {
      return NO_MATCH;
    }
    @Nullable Stashed[] prev = new Stashed[n];
    @Nullable Stashed[] cur = new Stashed[n];
    for (int k = 0; k < n; k++) {
      cur[k] = ks[k].head;
    }
    while (true) {
      int oldest = -1;
      Stashed s = null; // the oldest entry of them all
      for (int k = 0; k < n; k++) {
        Stashed c = cur[k];
        while (c != null && c.taken) { // taken through its segment: unlinked here
          Stashed next = c.nextOfKind;
          ks[k].unlink(prev[k], c);
          takenInKinds--;
          c = next;
        }
        cur[k] = c;
        if (c != null && (s == null || c.seq < s.seq)) {
          oldest = k;
          s = c;
        }
      }
      if (s == null) {
        return NO_MATCH;
      }
      Stashed next = s.nextOfKind;
      if (unwanted(s, held)) {
        ks[oldest].unlink(prev[oldest], s);
        drop(s, true);
        cur[oldest] = next;
        continue;
      }
      int i = Cases.indexOf(one, many, s.item, s.signal);
      if (i >= 0) {
        ks[oldest].unlink(prev[oldest], s);
        return taken(s, i, true);
      }
      prev[oldest] = s;
      cur[oldest] = next;
    }
  }

  /** Records which case took {@code s}, just unlinked from one of its lists, and returns it. */
  private Object taken(Stashed s, int caseIndex, boolean fromKind) {
    Object item = s.item;
    matched = caseIndex;
    matchedSignal = s.signal;
    drop(s, fromKind);
    return item;
  }

  private static final Kind[] NO_KINDS = new Kind[0];

  /**
   * The kinds with entries that some case may take, each once. Forgets the kinds left empty once
   * they are many, so that a process that saw many classes come and go does not test them all on
   * every take.
   */
  private Kind[] kindsFor(@Nullable Case<?, ?> one, Case<?, ?>[] many) {
    Kind @Nullable [] found = null;
    int n = 0;
    int count = one != null ? 1 : many.length;
    int empty = 0;
    for (int j = 0; j < count; j++) {
      Class<?> type = (one != null ? one : many[j]).messageType();
      if (type == null) {
        if (signals != null && signals.head != null) {
          found = found == null ? new Kind[kinds.size() + 1] : found;
          n = addOnce(found, n, signals);
        }
        continue;
      }
      for (int i = 0; i < kinds.size(); i++) {
        Kind k = kinds.get(i);
        if (k.head == null) {
          empty++;
        } else if (type.isAssignableFrom(k.type)) {
          found = found == null ? new Kind[kinds.size() + 1] : found;
          n = addOnce(found, n, k);
        }
      }
    }
    if (empty > 16 * count) {
      kinds.removeIf(k -> k.head == null);
      lastKind = null;
    }
    if (n == 0 || found == null) {
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

  /**
   * Marks {@code s}, just unlinked from its kind ({@code fromKind}) or its segment, as taken: the
   * other list drops it when a walk passes it, or when such leftovers outnumber the live entries.
   */
  private void drop(Stashed s, boolean fromKind) {
    s.taken = true;
    s.item = TAKEN;
    size--;
    if (fromKind) {
      if (++takenInSegments > size + 64) {
        sweepSegments();
      }
    } else if (++takenInKinds > size + 64) {
      sweepKinds();
    }
  }

  /** Unlinks every taken entry from the segments. */
  private void sweepSegments() {
    for (Segment seg = first; seg != null; seg = seg.next) {
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
    takenInSegments = 0;
  }

  /** Unlinks every taken entry from the kinds, and forgets the kinds left empty. */
  private void sweepKinds() {
    for (Kind k : kinds) {
      sweep(k);
    }
    kinds.removeIf(k -> k.head == null);
    lastKind = null;
    if (signals != null) {
      sweep(signals);
      if (signals.head == null) {
        signals = null;
      }
    }
    takenInKinds = 0;
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
}
