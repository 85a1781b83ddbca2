package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.InternalServerErrorException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A pause that the cgroup freezer could not carry out is tried again; other failures are not. */
class PauseRetryTest {
  private static final String FREEZE_FAILED =
      "Status 500: {\"message\":\"Cannot pause container 2968fc2f12ac: OCI runtime pause failed:"
          + " unable to freeze: unknown\"}";

  private final AtomicInteger calls = new AtomicInteger();

  private Runnable failing(int times, String message) {
    return () -> {
      if (calls.incrementAndGet() <= times) {
        throw new InternalServerErrorException(message);
      }
    };
  }

  @Test
  void pauseRetrying_theFreezerGaveUpTwice_pausesOnTheThirdAttempt() {
    ClusterFaults.pauseRetrying(failing(2, FREEZE_FAILED), () -> false);

    assertThat(calls).hasValue(3);
  }

  @Test
  void pauseRetrying_theFreezerGivesUpEveryTime_throwsTheLastFailure() {
    assertThatThrownBy(() -> ClusterFaults.pauseRetrying(failing(100, FREEZE_FAILED), () -> false))
        .isInstanceOf(InternalServerErrorException.class)
        .hasMessageContaining("unable to freeze");
    assertThat(calls).hasValue(ClusterFaults.PAUSE_ATTEMPTS);
  }

  @Test
  void pauseRetrying_anotherFailure_isThrownAtOnce() {
    String gone = "Status 500: {\"message\":\"Container 2968fc2f12ac is not running\"}";

    assertThatThrownBy(() -> ClusterFaults.pauseRetrying(failing(1, gone), () -> false))
        .isInstanceOf(InternalServerErrorException.class)
        .hasMessageContaining("is not running");
    assertThat(calls).hasValue(1);
  }

  @Test
  void pauseRetrying_failedButTheContainerIsPausedAnyway_isDone() {
    ClusterFaults.pauseRetrying(failing(1, FREEZE_FAILED), () -> true);

    assertThat(calls).hasValue(1);
  }

  @Test
  void pauseRetrying_theLastAttemptFailedButTheContainerIsPaused_isDone() {
    AtomicInteger asked = new AtomicInteger();

    ClusterFaults.pauseRetrying(
        failing(100, FREEZE_FAILED), () -> asked.incrementAndGet() == ClusterFaults.PAUSE_ATTEMPTS);

    assertThat(calls).hasValue(ClusterFaults.PAUSE_ATTEMPTS);
  }
}
