package io.distproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BehavioursTest {
  private static final Behaviour<String> NOOP = arg -> ctx -> {};

  @Test
  void add_duplicateName_throwsNamingIt() {
    Behaviours.Builder<String> builder = Behaviours.<String>builder().add("echo", NOOP);

    assertThatThrownBy(() -> builder.add("echo", arg -> ctx -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("behaviour 'echo' is already registered");
    assertThat(builder.build().names()).containsExactly("echo");
  }

  @Test
  void add_malformedName_throws() {
    Behaviours.Builder<String> builder = Behaviours.builder();

    assertThatThrownBy(() -> builder.add("", NOOP)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.add("x".repeat(129), NOOP))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.add("tab\there", NOOP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without control characters");
    assertThatThrownBy(() -> builder.add(null, NOOP)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.add("ok", null)).isInstanceOf(NullPointerException.class);
    assertThat(builder.add("x".repeat(128), NOOP).add("with space é", NOOP).build().names())
        .hasSize(2);
  }

  @Test
  void build_registeredNames_areFoundInRegistrationOrder() {
    Behaviour<String> b = arg -> ctx -> {};
    Behaviours<String> behaviours =
        Behaviours.<String>builder().add("zeta", NOOP).add("alpha", b).build();

    assertThat(behaviours.names()).containsExactly("zeta", "alpha");
    assertThat(behaviours.find("alpha")).containsSame(b);
    assertThat(behaviours.find("missing")).isEmpty();
    assertThatThrownBy(() -> behaviours.names().add("more"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void build_thenAddMore_doesNotChangeTheBuiltSet() {
    Behaviours.Builder<String> builder = Behaviours.<String>builder().add("one", NOOP);
    Behaviours<String> built = builder.build();

    builder.add("two", NOOP);

    assertThat(built.names()).containsExactly("one");
  }

  @Test
  void none_isEmpty() {
    assertThat(Behaviours.<String>none().names()).isEmpty();
    assertThat(Behaviours.<String>none().find("echo")).isEmpty();
  }
}
