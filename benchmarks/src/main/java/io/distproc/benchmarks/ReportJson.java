package io.distproc.benchmarks;

import static io.distproc.benchmarks.Driver.SIDES;
import static io.distproc.benchmarks.Report.bestPeer;
import static io.distproc.benchmarks.Report.met;
import static io.distproc.benchmarks.Report.ran;
import static io.distproc.benchmarks.Report.ratio;
import static io.distproc.benchmarks.Report.value;

import io.distproc.benchmarks.Driver.Mode;
import io.distproc.benchmarks.Driver.Outcome;
import io.distproc.benchmarks.Report.Row;
import io.distproc.benchmarks.Report.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The results file the {@link Driver} writes: the run's settings, the table's rows with their three
 * values, best peer and ratio, and every side's results and info by workload, as JSON.
 */
final class ReportJson {
  private ReportJson() {}

  static String json(
      Mode mode,
      List<String> flags,
      boolean aot,
      String loadBefore,
      String loadAfter,
      Instant started,
      List<Row> rows,
      Map<String, Map<String, Outcome>> all) {
    StringBuilder j = new StringBuilder("{\n");
    j.append("  \"mode\": ").append(q(mode.name())).append(",\n");
    j.append("  \"scale\": ").append(mode.scale()).append(",\n");
    j.append("  \"runs\": ").append(mode.runs()).append(",\n");
    j.append("  \"warmups\": ").append(mode.warmups()).append(",\n");
    j.append("  \"started\": ").append(q(started.toString())).append(",\n");
    j.append("  \"cores\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
    j.append("  \"loadAverageBefore\": ").append(q(loadBefore)).append(",\n");
    j.append("  \"loadAverageAfter\": ").append(q(loadAfter)).append(",\n");
    j.append("  \"jvmFlags\": [");
    for (int i = 0; i < flags.size(); i++) {
      j.append(i == 0 ? "" : ", ").append(q(flags.get(i)));
    }
    j.append("],\n  \"aotCache\": ").append(aot).append(",\n  \"erlangFlags\": [");
    for (int i = 0; i < Sides.ERLANG_FLAGS.size(); i++) {
      j.append(i == 0 ? "" : ", ").append(q(Sides.ERLANG_FLAGS.get(i)));
    }
    j.append("],\n  \"payloadBytes\": ").append(Bench.W4_PAYLOAD).append(",\n");
    j.append("  \"batching\": \"none by the workloads; W4 windowed: at most ")
        .append(Bench.W4_WINDOW)
        .append(" unacknowledged, an ack every ")
        .append(Bench.W4_ACK_EVERY)
        .append("\",\n");
    j.append("  \"table\": [\n");
    boolean first = true;
    for (Row row : rows) {
      if (!ran(row, all)) {
        continue;
      }
      String peer = bestPeer(row, all);
      j.append(first ? "" : ",\n")
          .append("    {\"workload\": ")
          .append(q(row.workload()))
          .append(", \"metric\": ")
          .append(q(row.what().strip()))
          .append(", \"unit\": ")
          .append(q(row.unit()));
      for (String side : SIDES) {
        j.append(", ").append(q(side)).append(": ").append(num(value(all, side, row)));
      }
      j.append(", \"higherIsBetter\": ")
          .append(row.higherIsBetter())
          .append(", \"bestPeer\": ")
          .append(peer == null ? "null" : q(peer))
          .append(", \"ratio\": ")
          .append(num(ratio(row, all)))
          .append(", \"target\": ")
          .append(row.target() == null ? "null" : q(row.target()))
          .append(", \"met\": ")
          .append(json(met(row, all)))
          .append("}");
      first = false;
    }
    j.append("\n  ],\n  \"sides\": {");
    boolean firstSide = true;
    for (Map.Entry<String, Map<String, Outcome>> side : all.entrySet()) {
      j.append(firstSide ? "\n" : ",\n").append("    ").append(q(side.getKey())).append(": {");
      firstSide = false;
      boolean firstW = true;
      for (Map.Entry<String, Outcome> w : side.getValue().entrySet()) {
        Outcome o = w.getValue();
        j.append(firstW ? "\n" : ",\n")
            .append("      ")
            .append(q(w.getKey()))
            .append(": {\"status\": ")
            .append(q(o.status))
            .append(", \"seconds\": ")
            .append(num(o.seconds))
            .append(", \"loadAverageBefore\": ")
            .append(q(o.loadBefore))
            .append(", \"cpuBusyBefore\": ")
            .append(num(o.busyBefore))
            .append(",\n        \"results\": {");
        firstW = false;
        boolean f = true;
        for (Map.Entry<String, Double> r : o.results.entrySet()) {
          j.append(f ? "" : ", ").append(q(r.getKey())).append(": ").append(num(r.getValue()));
          f = false;
        }
        j.append("},\n        \"info\": {");
        f = true;
        for (Map.Entry<String, String> r : o.info.entrySet()) {
          j.append(f ? "" : ", ").append(q(r.getKey())).append(": ").append(q(r.getValue()));
          f = false;
        }
        j.append("}}");
      }
      j.append("\n    }");
    }
    j.append("\n  }\n}\n");
    return j.toString();
  }

  /** A verdict as JSON: true, false, or null when not known or there is no goal. */
  private static String json(@Nullable Verdict v) {
    return v == null || v == Verdict.UNKNOWN ? "null" : String.valueOf(v == Verdict.YES);
  }

  private static String num(@Nullable Double v) {
    return v == null || v.isNaN() || v.isInfinite() ? "null" : Bench.fmt(v);
  }

  private static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
