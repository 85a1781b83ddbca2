package io.distproc.runtime;

import io.distproc.EmptyMatchersException;
import io.distproc.Matcher;
import io.distproc.internal.Case;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The matchers of one receive as the runtime takes them: one {@link Case} alone, or an array of
 * them tried in order. A receive with a single matcher, the common case, allocates no array, so the
 * mailbox's methods take the pair {@code (one, many)}: the case, with {@link #NONE}; or null, with
 * the array.
 */
final class Cases {
  private Cases() {}

  /** The {@code many} of a receive with one case. */
  static final Case<?, ?>[] NONE = new Case<?, ?>[0];

  /** One matcher, as a case. */
  static Case<?, ?> one(Matcher<?, ?> m) {
    return Case.of(Objects.requireNonNull(m, "matcher"));
  }

  static Case<?, ?>[] of(Matcher<?, ?> a, Matcher<?, ?> b) {
    return new Case<?, ?>[] {
      Case.of(Objects.requireNonNull(a, "first matcher")),
      Case.of(Objects.requireNonNull(b, "second matcher"))
    };
  }

  static Case<?, ?>[] of(Matcher<?, ?> a, Matcher<?, ?> b, Matcher<?, ?> c) {
    return new Case<?, ?>[] {
      Case.of(Objects.requireNonNull(a, "first matcher")),
      Case.of(Objects.requireNonNull(b, "second matcher")),
      Case.of(Objects.requireNonNull(c, "third matcher"))
    };
  }

  /**
   * The matchers of a list, as cases.
   *
   * @throws NullPointerException if the list or one of its matchers is null
   * @throws EmptyMatchersException if the list is empty
   */
  static Case<?, ?>[] of(List<? extends Matcher<?, ?>> matchers) {
    Objects.requireNonNull(matchers, "matchers");
    if (matchers.isEmpty()) {
      throw new EmptyMatchersException();
    }
    Case<?, ?>[] a = new Case<?, ?>[matchers.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = Case.of(Objects.requireNonNull(matchers.get(i), "matcher"));
    }
    return a;
  }

  /** The index of the first case that accepts the entry, or -1. */
  static int indexOf(@Nullable Case<?, ?> one, Case<?, ?>[] many, Object item, boolean signal) {
    if (one != null) {
      return accepts(one, item, signal) ? 0 : -1;
    }
    for (int i = 0; i < many.length; i++) {
      if (accepts(many[i], item, signal)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean accepts(Case<?, ?> c, Object item, boolean signal) {
    return signal ? c.acceptsSignal(item) : c.acceptsMessage(item);
  }

  /** The case at {@code i}. */
  static Case<?, ?> at(@Nullable Case<?, ?> one, Case<?, ?>[] many, int i) {
    return one != null ? one : many[i];
  }
}
