package io.distproc.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * The registry of a node's live processes, keyed by the pid's number. A node may hold millions of
 * waiting processes, so the table costs a few bytes per entry: no boxed key, no node object, just
 * a reference in an open-addressing array. A ConcurrentHashMap<Long, ProcessImpl> cost about 55
 * bytes per process (its node, the boxed Long and its share of the bucket array); this costs
 * about 8.
 *
 * STRIPES. The table is 64 independent stripes, chosen by the top bits of the key's Fibonacci
 * hash. Each stripe is a linear-probing array of ProcessImpl references; the key is read back from
 * the process itself (pid().id()). Writers (put, remove) take the stripe's lock; nothing blocks
 * or calls out while holding it. Readers take no lock.
 *
 * READS. A reader reads the stripe's array once (volatile) and probes it with acquire loads until
 * it finds its process or a null slot. Within one array a slot goes null -> process -> TOMBSTONE
 * -> process ... but never back to null, so a probe never stops early at a slot that was in use
 * when the probe began. A process put before the reader read the array (the spawner's put happens
 * before spawn returns) is therefore always found: a lookup after spawn returns never misses.
 *
 * RESIZE. When live entries plus tombstones pass two thirds of the array, or live entries fall
 * under an eighth of a large one, the writer copies the live entries into a new array and
 * publishes it with a volatile store; the old array is never written again. A reader still
 * probing the old array sees the stripe as it was when it began, which is a state the stripe was
 * in during the read: lookups stay linearizable.
 *
 * COUNT. Each stripe's live count is written under its lock and read without it; size() and
 * isEmpty() sum the stripes, which (like ConcurrentHashMap's count) is exact only when no put or
 * remove runs meanwhile. The node's lifecycle relies on no more: once it is shut down no put
 * succeeds, and the last remove sees the count at zero.
 */
/** The live processes of one node, by pid number. Thread-safe. */
final class ProcessTable<M> {
  private static final int STRIPE_BITS = 6;
  private static final int STRIPES = 1 << STRIPE_BITS;
  private static final int MIN_CAPACITY = 16;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  /** Marks a slot whose process was removed: probes go on past it. */
  private static final Object TOMBSTONE = new Object();

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  private final Stripe[] stripes = new Stripe[STRIPES];

  ProcessTable() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  private static long hash(long id) {
    return id * GOLDEN;
  }

  private Stripe stripe(long h) {
    return stripes[(int) (h >>> (64 - STRIPE_BITS))];
  }

  /** The slot where a probe for hash {@code h} starts, in an array of {@code length} slots. */
  private static int start(long h, int length) {
    // The bits right under the stripe's: a Fibonacci hash spreads sequential ids evenly.
    return (int) ((h << STRIPE_BITS) >>> (64 - Integer.numberOfTrailingZeros(length)));
  }

  /** The process with this pid number, or null. Any thread, no lock. */
  @SuppressWarnings("unchecked")
  @Nullable ProcessImpl<M> get(long id) {
    long h = hash(id);
    Object[] table = stripe(h).table;
    int mask = table.length - 1;
    for (int i = start(h, table.length); ; i = (i + 1) & mask) {
      Object o = SLOT.getAcquire(table, i);
      if (o == null) {
        return null;
      }
      if (o != TOMBSTONE && ((ProcessImpl<M>) o).pid().id() == id) {
        return (ProcessImpl<M>) o;
      }
    }
  }

  /** Registers a process; its pid number must not be registered already. Any thread. */
  void put(ProcessImpl<M> p) {
    long h = hash(p.pid().id());
    Stripe s = stripe(h);
    synchronized (s) {
      if ((s.used + 1) * 3L > s.table.length * 2L) {
        s.rehash(Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, s.live + 1) * 4)));
      }
      Object[] table = s.table;
      int mask = table.length - 1;
      for (int i = start(h, table.length); ; i = (i + 1) & mask) {
        Object o = table[i];
        if (o == null || o == TOMBSTONE) {
          if (o == null) {
            s.used++;
          }
          SLOT.setRelease(table, i, p);
          s.live++;
          return;
        }
      }
    }
  }

  /**
   * Removes this process if it is registered. Any thread. It is found by identity: the probe
   * compares references and never reads the processes it passes, each of which would be a cache
   * miss in a table of a million.
   */
  void remove(ProcessImpl<M> p) {
    long h = hash(p.pid().id());
    Stripe s = stripe(h);
    synchronized (s) {
      Object[] table = s.table;
      int mask = table.length - 1;
      for (int i = start(h, table.length); ; i = (i + 1) & mask) {
        Object o = table[i];
        if (o == null) {
          return;
        }
        if (o == p) {
          SLOT.setRelease(table, i, TOMBSTONE);
          s.live--;
          if (table.length > MIN_CAPACITY * 4 && s.live * 8 < table.length) {
            s.rehash(Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, s.live) * 4)));
          }
          return;
        }
      }
    }
  }

  /** Calls {@code action} with every registered process (weakly consistent). Any thread. */
  @SuppressWarnings("unchecked")
  void forEach(Consumer<? super ProcessImpl<M>> action) {
    for (Stripe s : stripes) {
      Object[] table = s.table;
      for (int i = 0; i < table.length; i++) {
        Object o = SLOT.getAcquire(table, i);
        if (o != null && o != TOMBSTONE) {
          action.accept((ProcessImpl<M>) o);
        }
      }
    }
  }

  /** How many processes are registered; exact when no put or remove runs meanwhile. */
  long size() {
    long n = 0;
    for (Stripe s : stripes) {
      n += s.live;
    }
    return n;
  }

  /** Tells whether no process is registered; exact when no put or remove runs meanwhile. */
  boolean isEmpty() {
    for (Stripe s : stripes) {
      if (s.live != 0) {
        return false;
      }
    }
    return true;
  }

  /** One stripe: an array written under its monitor, read without it. */
  private static final class Stripe {
    /** Replaced (never changed back) by rehash; slots written under the monitor with release. */
    volatile Object[] table = new Object[MIN_CAPACITY];

    /** Slots not null: live entries and tombstones. Guarded by this. */
    int used;

    /** Live entries. Written under this; read by any thread. */
    volatile int live;

    /** Copies the live entries into a new array of {@code capacity} slots. Guarded by this. */
    void rehash(int capacity) {
      Object[] old = table;
      Object[] fresh = new Object[capacity];
      int mask = capacity - 1;
      int n = 0;
      for (Object o : old) {
        if (o != null && o != TOMBSTONE) {
          long h = hash(((ProcessImpl<?>) o).pid().id());
          int i = start(h, capacity);
          while (fresh[i] != null) {
            i = (i + 1) & mask;
          }
          fresh[i] = o;
          n++;
        }
      }
      used = n;
      table = fresh; // volatile: publishes the filled array
    }
  }
}
