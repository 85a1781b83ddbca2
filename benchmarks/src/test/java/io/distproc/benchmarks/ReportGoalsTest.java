package io.distproc.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.distproc.benchmarks.Driver.Outcome;
import io.distproc.benchmarks.Report.Row;
import io.distproc.benchmarks.Report.Verdict;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportGoalsTest {
  private final Map<String, Map<String, Outcome>> all = new LinkedHashMap<>();

  private void put(String side, String workload, String key, double value) {
    Outcome o = all.computeIfAbsent(side, s -> new LinkedHashMap<>()).get(workload);
    if (o == null) {
      o = new Outcome();
      o.status = "ok";
      all.get(side).put(workload, o);
    }
    o.results.put(key, value);
  }

  private static Row row(String workload, String key, boolean higherIsBetter) {
    return new Row(workload, "m", key, key, key, "u", higherIsBetter, null, null);
  }

  private Verdict judge(String workload, String key, String id) {
    Row r =
        Rows.all().stream()
            .filter(x -> x.workload().equals(workload) && key.equals(x.distprocKey()))
            .filter(x -> x.target() != null)
            .findFirst()
            .orElseThrow();
    assertThat(r.target()).as(id).isNotBlank();
    return Report.met(r, all);
  }

  @Test
  void peerGoalsAreRatiosInTheRowsDirection() {
    Row rate = row("W2", "w2.rate", true);
    put("distproc", "W2", "w2.rate", 2_000_000);
    put("pekko", "W2", "w2.rate", 1_000_000);
    put("erlang", "W2", "w2.rate", 2_100_000);
    assertThat(Report.peer("pekko", 2).judge(rate, all)).isEqualTo(Verdict.YES);
    assertThat(Report.peer("erlang", 1).judge(rate, all)).isEqualTo(Verdict.NO);
    assertThat(Report.peer("best", 0.9).judge(rate, all)).isEqualTo(Verdict.YES);

    Row latency = row("W5", "w5.p50us", false);
    put("distproc", "W5", "w5.p50us", 110);
    put("erlang", "W5", "w5.p50us", 99);
    assertThat(Report.peer("erlang", 1).judge(latency, all)).isEqualTo(Verdict.NO);
    put("distproc", "W5", "w5.p50us", 98);
    assertThat(Report.peer("erlang", 1).judge(latency, all)).isEqualTo(Verdict.YES);
  }

  @Test
  void aMissingPeerIsNotKnownButAMissAnywhereIsAMiss() {
    Row rate = row("W2", "w2.rate", true);
    put("distproc", "W2", "w2.rate", 2_000_000);
    put("pekko", "W2", "w2.rate", 800_000);
    Report.Goal both = Report.allOf(Report.peer("erlang", 1), Report.peer("pekko", 2));
    assertThat(both.judge(rate, all)).isEqualTo(Verdict.UNKNOWN);
    put("pekko", "W2", "w2.rate", 1_500_000);
    assertThat(both.judge(rate, all)).isEqualTo(Verdict.NO);
    assertThat(Report.anyOf(Report.peer("erlang", 1), Report.peer("pekko", 1)).judge(rate, all))
        .isEqualTo(Verdict.YES);
    assertThat(Report.anyOf(Report.peer("erlang", 1), Report.peer("pekko", 2)).judge(rate, all))
        .isEqualTo(Verdict.UNKNOWN);
    assertThatIllegalArgumentException().isThrownBy(() -> Report.peer("akka", 1));
  }

  @Test
  void theTableJudgesIssue13sGoals() {
    // W1's heap: met by the best peer's, or by the reference's share, whichever holds.
    put("distproc", "W1", "w1.bytesPerProcess", 955);
    put("pekko", "W1", "w1.bytesPerProcess", 493);
    put("distproc", "W1", "w1.heapOfFloor", 1.65);
    assertThat(judge("W1", "w1.bytesPerProcess", "W1 heap")).isEqualTo(Verdict.NO);
    put("distproc", "W1", "w1.heapOfFloor", 1.05);
    assertThat(judge("W1", "w1.bytesPerProcess", "W1 heap")).isEqualTo(Verdict.YES);

    // W1's rate: both the absolute figure and twice the best peer.
    put("distproc", "W1", "w1.rate", 350_000);
    put("pekko", "W1", "w1.rate", 132_000);
    put("erlang", "W1", "w1.rate", 256_000);
    assertThat(judge("W1", "w1.rate", "W1 rate")).isEqualTo(Verdict.NO);
    put("erlang", "W1", "w1.rate", 170_000);
    assertThat(judge("W1", "w1.rate", "W1 rate")).isEqualTo(Verdict.YES);

    // W7's plain receive against Pekko's Stash, whose result has another key.
    put("distproc", "W7", "w7.plain.rate", 571_000);
    put("pekko", "W7", "w7.stash.rate", 1_150_000);
    assertThat(judge("W7", "w7.plain.rate", "W7 plain")).isEqualTo(Verdict.NO);

    String table = Report.table(Rows.all(), all, Driver.mode("full"));
    assertThat(table)
        .contains("| >= 340k and >= 2x the best peer | yes |")
        .contains("| >= Pekko's | no |");
  }
}
