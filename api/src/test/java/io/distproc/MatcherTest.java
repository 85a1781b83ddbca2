package io.distproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.internal.Case;
import org.junit.jupiter.api.Test;

/**
 * The matchers on their own, as the runtime sees them ({@link Case}): what each kind accepts and
 * how it refuses the other kind.
 */
class MatcherTest {
  private static final Pid W = Pid.of(NodeId.of("alpha", 1), 1);
  private static final MonitorRef REF_1 = MonitorRef.of(W, W, 1);
  private static final MonitorRef REF_2 = MonitorRef.of(W, W, 2);
  private static final Down DOWN_1 = new Down(REF_1, new MonitorReason.Normal(W));
  private static final Down DOWN_2 = new Down(REF_2, new MonitorReason.Normal(W));

  @Test
  void onType_acceptsInstancesOnlyAndNeverDownNotices() {
    Case<Object, Integer> m = Case.of(Matcher.on(String.class, String::length));

    assertThat(m.acceptsMessage("abc")).isTrue();
    assertThat(m.acceptsMessage(3)).isFalse();
    assertThat(m.acceptsSignal(DOWN_1)).isFalse();
    assertThat(m.handleMessage("abc")).isEqualTo(3);
    assertThatThrownBy(() -> m.handleSignal(DOWN_1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void onTypeAndPredicate_acceptsInstancesThePredicateAccepts() {
    Case<Object, String> m = Case.of(Matcher.on(String.class, s -> s.startsWith("a"), s -> s));

    assertThat(m.acceptsMessage("apple")).isTrue();
    assertThat(m.acceptsMessage("banana")).isFalse();
    assertThat(m.acceptsMessage(1)).isFalse();
  }

  @Test
  void any_acceptsEveryMessageButNoDownNotice() {
    Case<Object, Object> m = Case.of(Matcher.any(x -> x));

    assertThat(m.acceptsMessage("x")).isTrue();
    assertThat(m.acceptsMessage(1)).isTrue();
    assertThat(m.acceptsSignal(DOWN_1)).isFalse();
  }

  @Test
  void onDown_withoutRef_acceptsEveryNoticeAndNoMessage() {
    Case<Object, MonitorRef> m = Case.of(Matcher.onDown(Down::ref));

    assertThat(m.acceptsSignal(DOWN_1)).isTrue();
    assertThat(m.acceptsSignal(DOWN_2)).isTrue();
    assertThat(m.acceptsMessage("x")).isFalse();
    assertThat(m.handleSignal(DOWN_2)).isEqualTo(REF_2);
    assertThatThrownBy(() -> m.handleMessage("x")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void onDown_withRef_acceptsOnlyThatMonitorsNotice() {
    Case<Object, Down> m = Case.of(Matcher.onDown(REF_2, d -> d));

    assertThat(m.acceptsSignal(DOWN_1)).isFalse();
    assertThat(m.acceptsSignal(DOWN_2)).isTrue();
  }

  @Test
  void factories_nullArguments_throwNullPointer() {
    assertThatThrownBy(() -> Matcher.on((Class<String>) null, x -> x))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Matcher.on((java.util.function.Predicate<Object>) null, x -> x))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Matcher.any(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Matcher.onDown(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Matcher.onDown(null, d -> d)).isInstanceOf(NullPointerException.class);
  }
}
