package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeFactorTest {
  private final String saved = System.getProperty(TimeFactor.PROPERTY);

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(TimeFactor.PROPERTY);
    } else {
      System.setProperty(TimeFactor.PROPERTY, saved);
    }
  }

  @Test
  void dilated_factorTwoAndAHalf_scalesTheDeadline() {
    System.setProperty(TimeFactor.PROPERTY, "2.5");

    assertThat(TimeFactor.dilated(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void factor_unsetOrNonsense_isOne() {
    System.clearProperty(TimeFactor.PROPERTY);
    assertThat(TimeFactor.factor()).isEqualTo(1);

    System.setProperty(TimeFactor.PROPERTY, "fast");
    assertThat(TimeFactor.factor()).isEqualTo(1);

    System.setProperty(TimeFactor.PROPERTY, "-3");
    assertThat(TimeFactor.factor()).isEqualTo(1);
  }
}
