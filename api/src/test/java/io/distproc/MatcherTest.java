package io.distproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The matchers on their own: what each kind accepts and how it refuses the other kind. */
class MatcherTest {
  private static final Pid W = Pid.of(NodeId.of("alpha", 1), 1);
  private static final MonitorRef REF_1 = MonitorRef.of(W, W, 1);
  private static final MonitorRef REF_2 = MonitorRef.of(W, W, 2);
  private static final Down DOWN_1 = new Down(REF_1, new MonitorReason.Normal(W));
  private static final Down DOWN_2 = new Down(REF_2, new MonitorReason.Normal(W));

  @Test
  void onType_acceptsInstancesOnlyAndNeverDownNotices() {
    Matcher<Object, Integer> m = Matcher.on(String.class, String::length);

    assertThat(m.acceptsMessage("abc")).isTrue();
    assertThat(m.acceptsMessage(3)).isFalse();
    assertThat(m.acceptsDown(DOWN_1)).isFalse();
    assertThat(m.handleMessage("abc")).isEqualTo(3);
    assertThatThrownBy(() -> m.handleDown(DOWN_1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void onTypeAndPredicate_acceptsInstancesThePredicateAccepts() {
    Matcher<Object, String> m = Matcher.on(String.class, s -> s.startsWith("a"), s -> s);

    assertThat(m.acceptsMessage("apple")).isTrue();
    assertThat(m.acceptsMessage("banana")).isFalse();
    assertThat(m.acceptsMessage(1)).isFalse();
  }

  @Test
  void any_acceptsEveryMessageButNoDownNotice() {
    Matcher<Object, Object> m = Matcher.any(x -> x);

    assertThat(m.acceptsMessage("x")).isTrue();
    assertThat(m.acceptsMessage(1)).isTrue();
    assertThat(m.acceptsDown(DOWN_1)).isFalse();
  }

  @Test
  void onDown_withoutRef_acceptsEveryNoticeAndNoMessage() {
    Matcher<Object, MonitorRef> m = Matcher.onDown(Down::ref);

    assertThat(m.acceptsDown(DOWN_1)).isTrue();
    assertThat(m.acceptsDown(DOWN_2)).isTrue();
    assertThat(m.acceptsMessage("x")).isFalse();
    assertThat(m.handleDown(DOWN_2)).isEqualTo(REF_2);
    assertThatThrownBy(() -> m.handleMessage("x")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void onDown_withRef_acceptsOnlyThatMonitorsNotice() {
    Matcher<Object, Down> m = Matcher.onDown(REF_2, d -> d);

    assertThat(m.acceptsDown(DOWN_1)).isFalse();
    assertThat(m.acceptsDown(DOWN_2)).isTrue();
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
