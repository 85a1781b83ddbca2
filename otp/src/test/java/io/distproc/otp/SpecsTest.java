package io.distproc.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.NodeId;
import io.distproc.Process;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Child and supervisor specs: defaults, and a clear message per bad field on build. */
class SpecsTest {
  private static final Process<Object> BODY = ctx -> {};
  private static final NodeId BETA = NodeId.of("beta", 1);

  @Test
  void workerBuild_defaults_arePermanentWorkerWithFiveSecondDeadline() {
    ChildSpec<Object> spec = ChildSpec.worker("w", BODY).build();

    assertThat(spec.id()).isEqualTo("w");
    assertThat(spec.restart()).isEqualTo(Restart.PERMANENT);
    assertThat(spec.type()).isEqualTo(ChildType.WORKER);
    assertThat(spec.shutdown()).isEqualTo(ShutdownPolicy.timeout(Duration.ofSeconds(5)));
    assertThat(spec.node()).isEmpty();
  }

  @Test
  void supervisorBuild_defaults_areSupervisorTypeWithInfiniteShutdown() {
    SupervisorSpec<Object> nested = SupervisorSpec.builder().build();

    ChildSpec<Object> spec = ChildSpec.supervisor("sub", nested).build();

    assertThat(spec.type()).isEqualTo(ChildType.SUPERVISOR);
    assertThat(spec.shutdown()).isEqualTo(ShutdownPolicy.infinity());
  }

  @Test
  void workerBuild_typeSupervisor_defaultsToInfiniteShutdown() {
    ChildSpec<Object> spec = ChildSpec.worker("w", BODY).type(ChildType.SUPERVISOR).build();

    assertThat(spec.shutdown()).isEqualTo(ShutdownPolicy.infinity());
  }

  @Test
  void remoteBuild_settings_areKeptWithTheNode() {
    ChildSpec<Object> spec =
        ChildSpec.<Object>remote("r", BETA, "echo", "arg")
            .restart(Restart.TRANSIENT)
            .shutdown(ShutdownPolicy.brutalKill())
            .build();

    assertThat(spec.node()).contains(BETA);
    assertThat(spec.restart()).isEqualTo(Restart.TRANSIENT);
    assertThat(spec.shutdown()).isEqualTo(ShutdownPolicy.brutalKill());
    assertThat(spec)
        .hasToString(
            "ChildSpec[r, 'echo' on " + BETA + ", worker, transient, shutdown brutal_kill]");
  }

  @Test
  void childBuild_badIdAndBehaviour_saysWhichFieldsAreBad() {
    assertThatThrownBy(() -> ChildSpec.<Object>remote("", BETA, "bad\nname", "arg").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id: must be 1 to 128 characters")
        .hasMessageContaining("behaviour: must be 1 to 128 characters");
  }

  @Test
  void supervisorChildBuild_typeWorker_isRefused() {
    ChildSpec.Builder<Object> builder =
        ChildSpec.supervisor("sub", SupervisorSpec.builder().build()).type(ChildType.WORKER);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("type: a child made by ChildSpec.supervisor(...) is a SUPERVISOR");
  }

  @Test
  void childFactories_nullArgument_throwNullPointerExceptionAtOnce() {
    assertThatThrownBy(() -> ChildSpec.worker(null, BODY)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ChildSpec.<Object>worker("w", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("body");
    assertThatThrownBy(() -> ChildSpec.<Object>remote("r", BETA, "echo", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("argument");
  }

  @Test
  void supervisorBuild_defaults_areOneForOneWithOneRestartInFiveSeconds() {
    SupervisorSpec<Object> spec = SupervisorSpec.builder().build();

    assertThat(spec.strategy()).isEqualTo(Strategy.ONE_FOR_ONE);
    assertThat(spec.intensity()).isEqualTo(1);
    assertThat(spec.period()).isEqualTo(Duration.ofSeconds(5));
    assertThat(spec.children()).isEmpty();
  }

  @Test
  void supervisorBuild_badIntensityPeriodAndDuplicateIds_listsEveryBadField() {
    SupervisorSpec.Builder<Object> builder =
        SupervisorSpec.builder()
            .intensity(-1, Duration.ZERO)
            .child(ChildSpec.worker("a", BODY).build())
            .child(ChildSpec.worker("a", BODY).build());

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("intensity: must be 0 or more, was -1")
        .hasMessageContaining("period: must be positive, was PT0S")
        .hasMessageContaining("children: the id 'a' is given to more than one child");
  }

  @Test
  void supervisorBuild_children_keepTheirOrderAndCannotBeChanged() {
    SupervisorSpec<Object> spec =
        SupervisorSpec.builder()
            .child(ChildSpec.worker("b", BODY).build())
            .child(ChildSpec.worker("a", BODY).build())
            .build();

    assertThat(spec.children()).extracting(ChildSpec::id).containsExactly("b", "a");
    assertThatThrownBy(() -> spec.children().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shutdownTimeout_zeroOrNegative_isRefused() {
    assertThatThrownBy(() -> ShutdownPolicy.timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("brutalKill()");
    assertThatThrownBy(() -> ShutdownPolicy.timeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void restartIntensity_restartsOutsideThePeriod_areNotCounted() {
    long[] now = {0};
    RestartIntensity intensity = new RestartIntensity(2, Duration.ofSeconds(10), () -> now[0]);

    assertThat(intensity.tryRestart()).isTrue();
    now[0] += Duration.ofSeconds(4).toNanos();
    assertThat(intensity.tryRestart()).isTrue();
    now[0] += Duration.ofSeconds(4).toNanos();
    assertThat(intensity.tryRestart()).as("a third restart within 10 s").isFalse();
  }

  @Test
  void restartIntensity_oldRestartsLeaveTheWindow_allowsMore() {
    long[] now = {0};
    RestartIntensity intensity = new RestartIntensity(1, Duration.ofSeconds(10), () -> now[0]);

    assertThat(intensity.tryRestart()).isTrue();
    now[0] += Duration.ofSeconds(10).toNanos();
    assertThat(intensity.tryRestart()).as("the first restart is 10 s old").isTrue();
  }

  @Test
  void restartIntensity_zero_refusesTheFirstRestart() {
    RestartIntensity intensity = new RestartIntensity(0, Duration.ofSeconds(1), () -> 0L);

    assertThat(intensity.tryRestart()).isFalse();
  }
}
