package io.distproc.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalStallsTest {
  private static final long MS = 1_000_000;
  private static final long INTERVAL = 50 * MS;

  @Test
  void runsOnTheBeat_noStall() {
    LocalStalls stalls = new LocalStalls(INTERVAL, 1000 * MS);
    for (long t = 0; t <= 1000 * MS; t += INTERVAL) {
      stalls.ran(t);
    }
    assertThat(stalls.within(0, 1000 * MS)).isZero();
  }

  @Test
  void lateByUpToTwoIntervals_isJitterNotAStall() {
    LocalStalls stalls = new LocalStalls(INTERVAL, 1000 * MS);
    stalls.ran(0);
    stalls.ran(2 * INTERVAL);
    stalls.ran(2 * INTERVAL + 1);
    assertThat(stalls.within(0, 1000 * MS)).isZero();
  }

  @Test
  void aGap_countsAllButTheIntervalTheTimerWasDueToWait() {
    LocalStalls stalls = new LocalStalls(INTERVAL, 1000 * MS);
    stalls.ran(0);
    stalls.ran(400 * MS); // held up from 50 ms to 400 ms
    stalls.ran(400 * MS); // the runs it owed, back to back
    stalls.ran(401 * MS);
    assertThat(stalls.within(0, 500 * MS)).isEqualTo(350 * MS);
  }

  @Test
  void within_countsOnlyThePartInsideTheWindow() {
    LocalStalls stalls = new LocalStalls(INTERVAL, 1000 * MS);
    stalls.ran(0);
    stalls.ran(400 * MS); // stall 50..400 ms
    stalls.ran(450 * MS);
    stalls.ran(700 * MS); // stall 500..700 ms
    assertThat(stalls.within(300 * MS, 600 * MS)).isEqualTo(100 * MS + 100 * MS);
    assertThat(stalls.within(400 * MS, 500 * MS)).isZero();
    assertThat(stalls.within(0, 1000 * MS)).isEqualTo(350 * MS + 200 * MS);
  }

  @Test
  void stallsEndedLongerAgoThanKept_areForgotten() {
    LocalStalls stalls = new LocalStalls(INTERVAL, 800 * MS);
    stalls.ran(0);
    stalls.ran(400 * MS); // stall 50..400 ms
    for (long t = 450 * MS; t <= 1250 * MS; t += INTERVAL) {
      stalls.ran(t);
    }
    assertThat(stalls.within(0, 1250 * MS)).isZero();
  }

  @Test
  void aRunBeforeTheLast_doesNotMoveTheClockBack() {
    LocalStalls stalls = new LocalStalls(INTERVAL, 1000 * MS);
    stalls.ran(100 * MS);
    stalls.ran(90 * MS); // a task that read the clock before the one that ran first
    stalls.ran(150 * MS);
    assertThat(stalls.within(0, 1000 * MS)).isZero();
  }
}
