package io.distproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NodeId, Pid and MonitorRef: validation, equality, ordering and log text. */
class IdentifiersTest {
  private static final NodeId ALPHA_1 = NodeId.of("alpha", 1);
  private static final NodeId ALPHA_2 = NodeId.of("alpha", 2);

  @Test
  void nodeIdOf_malformedNameOrIncarnation_throwsWithTheReason() {
    for (String bad : List.of("", "_x", ".x", "a b", "x".repeat(64), "naïve", "a:b")) {
      assertThatThrownBy(() -> NodeId.of(bad, 1))
          .as("name '%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "' is malformed");
    }
    assertThatThrownBy(() -> NodeId.of("alpha", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("incarnation must be positive, was 0");
    assertThatThrownBy(() -> NodeId.of("alpha", -3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeId.of(null, 1)).isInstanceOf(NullPointerException.class);
    assertThat(NodeId.checkName("9lives.node_A-1")).isEqualTo("9lives.node_A-1");
  }

  @Test
  void nodeIdEquals_sameNameAndIncarnation_isEqualOtherwiseNot() {
    assertThat(NodeId.of("alpha", 1)).isEqualTo(ALPHA_1).hasSameHashCodeAs(ALPHA_1);
    assertThat(ALPHA_2).isNotEqualTo(ALPHA_1);
    assertThat(NodeId.of("beta", 1)).isNotEqualTo(ALPHA_1);
    assertThat(ALPHA_1).isNotEqualTo("alpha#1");
    assertThat(ALPHA_1).hasToString("alpha#1");
    assertThat(ALPHA_1.name()).isEqualTo("alpha");
    assertThat(ALPHA_1.incarnation()).isEqualTo(1);
  }

  @Test
  void nodeIdCompareTo_ordersByNameThenIncarnation() {
    List<NodeId> ids =
        new ArrayList<>(List.of(NodeId.of("beta", 1), ALPHA_2, NodeId.of("alpha", 10), ALPHA_1));
    Collections.sort(ids);

    assertThat(ids).containsExactly(ALPHA_1, ALPHA_2, NodeId.of("alpha", 10), NodeId.of("beta", 1));
    assertThat(ALPHA_1.compareTo(NodeId.of("alpha", 1))).isZero();
  }

  @Test
  void pidOf_nonPositiveIdOrNullNode_throws() {
    assertThatThrownBy(() -> Pid.of(ALPHA_1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("process id must be positive, was 0");
    assertThatThrownBy(() -> Pid.of(ALPHA_1, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pid.of(null, 1)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void pidEquals_sameNodeAndNumber_isEqualOtherwiseNot() {
    Pid p = Pid.of(ALPHA_1, 7);

    assertThat(Pid.of(NodeId.of("alpha", 1), 7)).isEqualTo(p).hasSameHashCodeAs(p);
    assertThat(Pid.of(ALPHA_1, 8)).isNotEqualTo(p);
    assertThat(Pid.of(ALPHA_2, 7)).as("another incarnation").isNotEqualTo(p);
    assertThat(p).hasToString("<alpha#1.7>");
    assertThat(p.node()).isEqualTo(ALPHA_1);
    assertThat(p.id()).isEqualTo(7);
  }

  @Test
  void monitorRefOf_nonPositiveIdOrNulls_throws() {
    Pid w = Pid.of(ALPHA_1, 1);
    Pid t = Pid.of(ALPHA_1, 2);

    assertThatThrownBy(() -> MonitorRef.of(w, t, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("monitor id must be positive, was 0");
    assertThatThrownBy(() -> MonitorRef.of(null, t, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> MonitorRef.of(w, null, 1)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void monitorRefEquals_sameWatcherNodeAndNumber_isEqualOtherwiseNot() {
    Pid w = Pid.of(ALPHA_1, 1);
    Pid t = Pid.of(NodeId.of("beta", 5), 2);
    MonitorRef ref = MonitorRef.of(w, t, 42);

    assertThat(MonitorRef.of(Pid.of(ALPHA_1, 1), Pid.of(NodeId.of("beta", 5), 2), 42))
        .isEqualTo(ref)
        .hasSameHashCodeAs(ref);
    // The number is unique per watcher node incarnation, so it alone names the monitor there.
    assertThat(MonitorRef.of(Pid.of(ALPHA_1, 3), t, 42)).isEqualTo(ref);
    assertThat(MonitorRef.of(w, t, 43)).isNotEqualTo(ref);
    assertThat(MonitorRef.of(Pid.of(ALPHA_2, 1), t, 42))
        .as("another incarnation")
        .isNotEqualTo(ref);
    assertThat(ref.watcher()).isEqualTo(w);
    assertThat(ref.target()).isEqualTo(t);
    assertThat(ref.id()).isEqualTo(42);
    assertThat(ref).hasToString("#Ref<42 <alpha#1.1>-><beta#5.2>>");
  }

  @Test
  void downAndReasons_nullComponents_throwNullPointer() {
    Pid p = Pid.of(ALPHA_1, 1);
    MonitorRef ref = MonitorRef.of(p, p, 1);

    assertThatThrownBy(() -> new Down(null, new MonitorReason.Normal(p)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Down(ref, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new MonitorReason.Normal(null))
        .isInstanceOf(NullPointerException.class);
    assertThat(new Down(ref, new MonitorReason.NoProcess(p)).pid()).isEqualTo(p);
  }

  @Test
  void crashedOf_throwable_keepsClassMessageAndStackText() {
    Pid p = Pid.of(ALPHA_1, 1);
    MonitorReason.Crashed withMessage =
        MonitorReason.Crashed.of(p, new IllegalStateException("broken"));
    MonitorReason.Crashed without = MonitorReason.Crashed.of(p, new RuntimeException());

    assertThat(withMessage.exceptionClass()).isEqualTo("java.lang.IllegalStateException");
    assertThat(withMessage.message()).isEqualTo("broken");
    assertThat(withMessage.stackTrace())
        .startsWith("java.lang.IllegalStateException: broken")
        .contains(IdentifiersTest.class.getName());
    assertThat(withMessage)
        .hasToString("Crashed[<alpha#1.1> java.lang.IllegalStateException: broken]");
    assertThat(without.message()).isEmpty();
    assertThat(without).hasToString("Crashed[<alpha#1.1> java.lang.RuntimeException]");
  }
}
