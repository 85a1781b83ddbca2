package io.distproc.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UncountedRunsTest {
  @AfterEach
  void reset() {
    Bench.uncounted(0);
  }

  private static String printed(Bench.Runs runs) {
    PrintStream out = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      runs.print();
    } finally {
      System.setOut(out);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theFirstRunsAreLeftOutOfTheFigures() {
    Bench.uncounted(2);
    Bench.Runs runs = new Bench.Runs("w");
    for (double v : new double[] {1, 2, 30, 10, 20}) {
      runs.add("rate", v);
    }
    runs.add("once", 7); // measured once: printed whole
    assertThat(printed(runs))
        .contains("RESULT w.rate=20\n", "RESULT w.rate.min=10\n", "RESULT w.rate.max=30\n")
        .contains("INFO w.rate.runs=30,10,20\n", "INFO w.rate.warmupRuns=1,2\n")
        .contains("RESULT w.once=7\n")
        .doesNotContain("w.once.warmupRuns");
  }

  @Test
  void withoutUncountedRunsEveryRunCounts() {
    Bench.Runs runs = new Bench.Runs("w");
    for (double v : new double[] {1, 2, 3}) {
      runs.add("rate", v);
    }
    assertThat(printed(runs))
        .contains("RESULT w.rate=2\n", "RESULT w.rate.min=1\n")
        .doesNotContain("warmupRuns");
  }

  @Test
  void aNegativeCountIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> Bench.uncounted(-1));
    assertThatIllegalArgumentException().isThrownBy(() -> Driver.mode("full").withWarmups(-1));
    assertThat(Driver.mode("full").withWarmups(2).warmups("W6")).isZero();
    assertThat(Driver.mode("full").withWarmups(2).warmups("W4")).isEqualTo(2);
  }
}
