package io.distproc.benchmarks;

import static io.distproc.benchmarks.Driver.SIDES;
import static io.distproc.benchmarks.Driver.SMOKE_HUNDREDTH;
import static io.distproc.benchmarks.Driver.WORKLOADS;

import io.distproc.benchmarks.Driver.Mode;
import io.distproc.benchmarks.Driver.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;
import org.jspecify.annotations.Nullable;

/**
 * The table the {@link Driver} prints: its rows (each a metric with each side's result key, its
 * direction and its goal), the best peer and distproc's ratio to it on each row, and the markdown
 * of the whole, with the mode, the CPU load before each workload and what did not run.
 */
final class Report {
  private Report() {}

  /**
   * One line of the table: the metric on each side (the key of its result; null where a side has no
   * counterpart), whether more or less is better, its goal (the text shown, and the {@link Goal}
   * that judges it; null when the row has none), and the smallest distproc value a ratio is taken
   * of (0 for most rows): below it, the measurement cannot tell the value from nothing, and a ratio
   * against it would be a ratio against noise.
   */
  record Row(
      String workload,
      String what,
      @Nullable String distprocKey,
      @Nullable String pekkoKey,
      @Nullable String erlangKey,
      String unit,
      boolean higherIsBetter,
      @Nullable String target,
      @Nullable Goal goal,
      double resolution) {
    /** A row whose goal, if any, is a test on distproc's value alone. */
    Row(
        String workload,
        String what,
        @Nullable String distprocKey,
        @Nullable String pekkoKey,
        @Nullable String erlangKey,
        String unit,
        boolean higherIsBetter,
        @Nullable String target,
        @Nullable DoublePredicate met) {
      this(
          workload,
          what,
          distprocKey,
          pekkoKey,
          erlangKey,
          unit,
          higherIsBetter,
          target,
          met == null ? null : value(met),
          0);
    }

    /** This row with another goal. */
    Row judgedBy(String target, Goal goal) {
      return new Row(
          workload,
          what,
          distprocKey,
          pekkoKey,
          erlangKey,
          unit,
          higherIsBetter,
          target,
          goal,
          resolution);
    }

    /** distproc's value is there but below the resolution: no ratio. */
    boolean belowResolution(@Nullable Double distproc) {
      return distproc != null && resolution > 0 && distproc < resolution;
    }

    @Nullable String key(String side) {
      return switch (side) {
        case "distproc" -> distprocKey;
        case "pekko" -> pekkoKey;
        case "erlang" -> erlangKey;
        default -> throw new IllegalArgumentException(side);
      };
    }
  }

  /**
   * What a goal says of a row's figures: met, missed, or not known (a figure it needs is missing).
   */
  enum Verdict {
    YES,
    NO,
    UNKNOWN
  }

  /**
   * A goal of a row, judged on the figures of one run: a test on distproc's value, a ratio against
   * a peer measured in the same run (issue #13's goals are of that kind), a test on another figure
   * of the same workload, or several of them together.
   */
  @FunctionalInterface
  interface Goal {
    Verdict judge(Row row, Map<String, Map<String, Outcome>> all);
  }

  /** The goal that distproc's value of the row passes {@code test}. */
  static Goal value(DoublePredicate test) {
    return (row, all) -> {
      Double dv = value(all, "distproc", row);
      return dv == null ? Verdict.UNKNOWN : test.test(dv) ? Verdict.YES : Verdict.NO;
    };
  }

  /**
   * The goal that distproc does at least {@code times} as well as {@code peer} on the row, in the
   * row's direction, in the same run; {@code peer} is "pekko", "erlang", or "best" for the better
   * of the two.
   */
  static Goal peer(String peer, double times) {
    if (!List.of("pekko", "erlang", "best").contains(peer)) {
      throw new IllegalArgumentException("no such peer: " + peer);
    }
    return (row, all) -> {
      Double dv = value(all, "distproc", row);
      String side = peer.equals("best") ? bestPeer(row, all) : peer;
      Double pv = side == null ? null : value(all, side, row);
      if (dv == null || dv <= 0 || pv == null || pv <= 0) {
        return Verdict.UNKNOWN;
      }
      double ratio = row.higherIsBetter() ? dv / pv : pv / dv;
      return ratio >= times ? Verdict.YES : Verdict.NO;
    };
  }

  /** The goal that distproc's figure {@code key} of the same workload passes {@code test}. */
  static Goal figure(String key, DoublePredicate test) {
    return (row, all) -> {
      Outcome o = outcome(all, "distproc", row.workload());
      Double v = o == null ? null : o.results.get(key);
      return v == null ? Verdict.UNKNOWN : test.test(v) ? Verdict.YES : Verdict.NO;
    };
  }

  /** Every one of {@code goals}: missed if one is missed, else not known if one is not known. */
  static Goal allOf(Goal... goals) {
    return combined(Verdict.NO, Verdict.YES, goals);
  }

  /** One of {@code goals}: met if one is met, else not known if one is not known. */
  static Goal anyOf(Goal... goals) {
    return combined(Verdict.YES, Verdict.NO, goals);
  }

  /**
   * {@code decides} as soon as one of {@code goals} says it; else not known if one is not known;
   * else {@code otherwise}.
   */
  private static Goal combined(Verdict decides, Verdict otherwise, Goal... goals) {
    List<Goal> gs = List.of(goals);
    return (row, all) -> {
      Verdict v = otherwise;
      for (Goal g : gs) {
        Verdict one = g.judge(row, all);
        if (one == decides) {
          return decides;
        }
        if (one == Verdict.UNKNOWN) {
          v = Verdict.UNKNOWN;
        }
      }
      return v;
    };
  }

  /** The row's verdict, or null if it has no goal. */
  static @Nullable Verdict met(Row row, Map<String, Map<String, Outcome>> all) {
    return row.goal() == null ? null : row.goal().judge(row, all);
  }

  private static @Nullable Outcome outcome(
      Map<String, Map<String, Outcome>> all, String side, String w) {
    return all.getOrDefault(side, Map.of()).get(w);
  }

  static @Nullable Double value(Map<String, Map<String, Outcome>> all, String side, Row row) {
    Outcome o = outcome(all, side, row.workload());
    String key = row.key(side);
    return o == null || key == null ? null : o.results.get(key);
  }

  /**
   * The peer with the better value on a row (Pekko or Erlang, whichever is better in the row's
   * direction), or null if neither has a value.
   */
  static @Nullable String bestPeer(Row row, Map<String, Map<String, Outcome>> all) {
    String best = null;
    double bv = 0;
    for (String peer : List.of("pekko", "erlang")) {
      Double v = value(all, peer, row);
      if (v != null && v > 0 && (best == null || (row.higherIsBetter() ? v > bv : v < bv))) {
        best = peer;
        bv = v;
      }
    }
    return best;
  }

  /** distproc against the best peer, > 1 when distproc is better; null without both values. */
  static @Nullable Double ratio(Row row, Map<String, Map<String, Outcome>> all) {
    Double dv = value(all, "distproc", row);
    String peer = bestPeer(row, all);
    Double pv = peer == null ? null : value(all, peer, row);
    if (dv == null || dv <= 0 || pv == null || row.belowResolution(dv)) {
      return null;
    }
    return row.higherIsBetter() ? dv / pv : pv / dv;
  }

  static boolean ran(Row row, Map<String, Map<String, Outcome>> all) {
    return SIDES.stream().anyMatch(side -> outcome(all, side, row.workload()) != null);
  }

  static String table(List<Row> rows, Map<String, Map<String, Outcome>> all, Mode mode) {
    StringBuilder t = new StringBuilder();
    t.append("| workload | metric | distproc | Pekko | Erlang | ratio | target | met? |\n");
    t.append("|---|---|---|---|---|---|---|---|\n");
    for (Row row : rows) {
      if (!ran(row, all)) {
        continue;
      }
      Double dv = value(all, "distproc", row);
      Double ratio = ratio(row, all);
      Verdict v = met(row, all);
      String met =
          v == null
              ? ""
              : switch (v) {
                case YES -> "yes";
                case NO -> "no";
                case UNKNOWN -> "?";
              };
      t.append("| ")
          .append(row.workload())
          .append(" | ")
          .append(row.what())
          .append(" (")
          .append(row.unit())
          .append(")");
      for (String side : SIDES) {
        t.append(" | ").append(cell(outcome(all, side, row.workload()), row.key(side)));
      }
      String r =
          ratio != null
              ? String.format(Locale.ROOT, "%.2f", ratio)
              : row.belowResolution(dv) && bestPeer(row, all) != null
                  ? String.format(Locale.ROOT, "distproc < %.0f %s", row.resolution(), row.unit())
                  : "";
      t.append(" | ")
          .append(r)
          .append(" | ")
          .append(row.target() == null ? "" : row.target())
          .append(" | ")
          .append(met)
          .append(" |\n");
    }
    String sizes =
        switch (mode.name()) {
          case "quick" ->
              "; sizes are a tenth of BENCHMARKS.md's (W7's depth and W8's idle"
                  + " population are not)";
          case "smoke" ->
              "; sizes are a tenth of BENCHMARKS.md's (W7's depth is not), "
                  + String.join(" and ", SMOKE_HUNDREDTH)
                  + " at a hundredth (W8's idle population too)";
          default -> "";
        };
    t.append("\nMode ")
        .append(mode.name())
        .append(": median of ")
        .append(mode.runs())
        .append(" runs [min..max] (W6: ")
        .append(mode.w6Runs())
        .append(" per case)")
        .append(", each after a warm-up at a tenth of the full size in the same VM")
        .append(
            mode.warmups() == 0
                ? ""
                : " and "
                    + mode.warmups()
                    + " uncounted runs of the measured size (not W6; on every side)")
        .append(sizes)
        .append(
            ". Ratio: distproc against the better of Pekko and Erlang on that row, > 1:"
                + " distproc better. 100 B payloads; no batching by the workloads.\n");
    List<String> loads = new ArrayList<>();
    for (String w : WORKLOADS) {
      List<String> per = new ArrayList<>();
      boolean any = false;
      for (String side : SIDES) {
        Outcome o = outcome(all, side, w);
        any |= o != null;
        per.add(busy(o));
      }
      if (any) {
        loads.add(w + " " + String.join(" / ", per));
      }
    }
    t.append(
            "\nCPU busy with other work in the second before each workload, distproc / Pekko /"
                + " Erlang: ")
        .append(String.join("; ", loads))
        .append(
            ". Where it is well above 0 %, other work shared the 2 cores: read those figures"
                + " as a smoke test.\n");
    for (Map.Entry<String, Map<String, Outcome>> side : all.entrySet()) {
      for (Map.Entry<String, Outcome> w : side.getValue().entrySet()) {
        if (!w.getValue().status.equals("ok")) {
          t.append("\n")
              .append(w.getKey())
              .append(" on ")
              .append(side.getKey())
              .append(": ")
              .append(w.getValue().status);
        }
      }
    }
    return t.toString();
  }

  private static String busy(@Nullable Outcome o) {
    return o == null || Double.isNaN(o.busyBefore)
        ? "-"
        : String.format(Locale.ROOT, "%.0f %%", 100 * o.busyBefore);
  }

  private static String cell(@Nullable Outcome o, @Nullable String key) {
    if (o == null) {
      return "";
    }
    Double v = key == null ? null : o.results.get(key);
    if (v == null) {
      return o.status.equals("ok") ? "n/a" : "FAILED";
    }
    Double min = o.results.get(key + ".min");
    Double max = o.results.get(key + ".max");
    String s = human(v);
    if (min != null && max != null && !min.equals(max)) {
      s += " [" + human(min) + ".." + human(max) + "]";
    }
    return s;
  }

  static String human(double v) {
    double a = Math.abs(v);
    if (a >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", v / 1e6);
    }
    if (a >= 1e4) {
      return String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
