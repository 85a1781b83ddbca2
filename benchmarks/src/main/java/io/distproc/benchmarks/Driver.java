package io.distproc.benchmarks;

import io.distproc.benchmarks.Sides.Side;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;

/**
 * Runs the workloads (BENCHMARKS.md's W1..W7, the scaling W8 and W9, and W10 of the fault layer)
 * on the three sides (distproc, Pekko, Erlang/OTP), each workload and side in an OS process of its
 * own (a JVM, or an Erlang VM; each starts its other nodes itself: node B for W4-W6, three for
 * W9), then prints the markdown table and writes the results as JSON. See benchmarks/README.md;
 * {@code scripts/bench.sh} builds and calls it.
 *
 * <pre>
 * Driver --mode full|quick|smoke --pekko-classpath CP --erlang-dir DIR [--erl PATH]
 *        [--only W2,W4] [--sides distproc,pekko,erlang] [--out DIR] [--jvm-flags "..."]
 * </pre>
 *
 * <p>For the Erlang side it compiles {@code DIR/src/*.erl} with {@code erlc} into {@code
 * DIR/target/ebin}, and for W4-W6 and W9 starts an epmd of its own on a free port of 127.0.0.1,
 * which it stops at the end.
 *
 * <p>It fails (exit 1) only when a workload process crashes or times out (or the Erlang sources
 * do not compile), never on a number.
 */
public final class Driver {
  private Driver() {}

  static final List<String> WORKLOADS =
      List.of("W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9", "W10");

  /** The workloads with other nodes. */
  static final List<String> REMOTE = List.of("W4", "W5", "W6", "W9");

  /**
   * The workloads that smoke mode runs at a hundredth instead of a tenth: even at a tenth, W8
   * keeps its 10^6 idle processes and W9 starts three node processes and streams 12 links.
   */
  static final List<String> SMOKE_HUNDREDTH = List.of("W8", "W9");

  /** The sides, in the table's order. */
  static final List<String> SIDES = List.of("distproc", "pekko", "erlang");

  /** How big, how often, and how long to wait for one workload process. */
  record Mode(String name, double scale, int runs, int w6Runs, long timeoutSeconds) {
    /** The scale workload {@code w} runs at: {@link #scale}, but see {@link #SMOKE_HUNDREDTH}. */
    double scale(String w) {
      return name.equals("smoke") && SMOKE_HUNDREDTH.contains(w) ? scale / 10 : scale;
    }
  }

  static Mode mode(String name) {
    return switch (name) {
      case "full" -> new Mode("full", 1.0, 3, 3, 1800);
      case "quick" -> new Mode("quick", 0.1, 3, 1, 300);
      case "smoke" -> new Mode("smoke", 0.1, 1, 1, 120);
      default -> throw new IllegalArgumentException("mode must be full, quick or smoke: " + name);
    };
  }

  /** What one workload process reported. */
  static final class Outcome {
    String status = "not run";
    double seconds;
    String loadBefore = "";
    double busyBefore = Double.NaN;
    final Map<String, Double> results = new LinkedHashMap<>();
    final Map<String, String> info = new LinkedHashMap<>();
  }

  /**
   * Runs the benchmarks.
   *
   * @param args see the class comment
   * @throws Exception if the driver itself fails
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Mode mode = mode(opts.getOrDefault("mode", "quick"));
    Path out = Path.of(opts.getOrDefault("out", "benchmarks/target")).toAbsolutePath();
    Path logs = out.resolve("bench-logs");
    Files.createDirectories(logs);
    ChildProcesses.writeTo(out.resolve("bench.pids"));
    List<String> only = opts.containsKey("only")
        ? Arrays.asList(opts.get("only").toUpperCase(Locale.ROOT).split(","))
        : WORKLOADS;
    List<String> sideNames =
        Arrays.asList(opts.getOrDefault("sides", String.join(",", SIDES)).split(","));
    for (String name : sideNames) {
      if (!SIDES.contains(name)) {
        throw new IllegalArgumentException("unknown side " + name + " (sides: " + SIDES + ")");
      }
    }
    List<String> flags = new ArrayList<>(Sides.JVM_FLAGS);
    String extra = opts.getOrDefault("jvm-flags", System.getenv().getOrDefault("BENCH_JVM_FLAGS", ""));
    if (!extra.isBlank()) {
      flags.addAll(Arrays.asList(extra.strip().split("\\s+")));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll));
    List<Side> sides = new ArrayList<>();
    if (sideNames.contains("distproc")) {
      sides.add(Sides.javaSide("distproc", flags, System.getProperty("java.class.path"),
          DistprocWorkloads.class.getName()));
    }
    if (sideNames.contains("pekko")) {
      String cp = opts.get("pekko-classpath");
      if (cp == null) {
        throw new IllegalArgumentException("--pekko-classpath is needed for the Pekko side");
      }
      sides.add(Sides.javaSide("pekko", flags, cp, "io.distproc.benchmarks.PekkoWorkloads"));
    }
    if (sideNames.contains("erlang")) {
      String dir = opts.get("erlang-dir");
      if (dir == null) {
        throw new IllegalArgumentException("--erlang-dir is needed for the Erlang side");
      }
      boolean remote = only.stream().anyMatch(REMOTE::contains);
      sides.add(Sides.erlangSide(Path.of(dir).toAbsolutePath(), opts.getOrDefault("erl", "erl"),
          flags, remote, logs));
    }

    String loadBefore = CpuLoad.loadAverage();
    Instant started = Instant.now();
    System.out.printf("bench: mode %s (scale %s, %d runs after a warm-up at a tenth of the full size),"
            + " %d cores, load average %s%n", mode.name(), mode.scale(), mode.runs(),
        Runtime.getRuntime().availableProcessors(), loadBefore);
    System.out.println("bench: JVM flags (distproc and Pekko): " + String.join(" ", flags));
    for (Side side : sides) {
      if (side.name().equals("erlang")) {
        System.out.println("bench: Erlang: " + String.join(" ", side.command())
            + (side.env().containsKey("ERL_EPMD_PORT") ? " (epmd on 127.0.0.1:"
                + side.env().get("ERL_EPMD_PORT") + ")" : "")
            + (side.problem() == null ? "" : "; not run: " + side.problem()));
      }
    }
    System.out.println("bench: logs in " + logs);
    Map<String, Map<String, Outcome>> all = new LinkedHashMap<>(); // side -> workload -> outcome
    boolean failed = false;
    for (String w : WORKLOADS) {
      if (!only.contains(w)) {
        continue;
      }
      for (Side side : sides) {
        Outcome o = runOne(side, w, mode, out.getParent(), logs);
        all.computeIfAbsent(side.name(), k -> new LinkedHashMap<>()).put(w, o);
        System.out.printf("bench: %s %s: %s in %.0f s%n", w, side.name(), o.status, o.seconds);
        failed |= !o.status.equals("ok");
      }
    }
    String loadAfter = CpuLoad.loadAverage();
    List<Row> rows = rows();
    String table = table(rows, all, mode);
    System.out.println();
    System.out.println(table);
    System.out.printf("Load average before: %s; after: %s. Started %s, took %d s.%n", loadBefore,
        loadAfter, started, java.time.Duration.between(started, Instant.now()).toSeconds());
    Path json = out.resolve(mode.name().equals("full") ? "results.json"
        : "results-" + mode.name() + ".json");
    Files.writeString(json, json(mode, flags, loadBefore, loadAfter, started, rows, all));
    Files.writeString(out.resolve("results-" + mode.name() + ".md"), table);
    System.out.println("bench: results in " + json);
    ChildProcesses.stopAll();
    System.exit(failed ? 1 : 0);
  }

  // ---- running one workload process ------------------------------------------------------------

  private static Outcome runOne(Side side, String w, Mode mode, Path workDir, Path logs)
      throws IOException, InterruptedException {
    Outcome o = new Outcome();
    if (side.problem() != null) {
      o.status = "not run: " + side.problem();
      return o;
    }
    int runs = w.equals("W6") ? mode.w6Runs() : mode.runs();
    List<String> cmd = new ArrayList<>(side.command());
    cmd.addAll(List.of("run", w, Double.toString(mode.scale(w)), Integer.toString(runs)));
    String base = mode.name() + "-" + w + "-" + side.name();
    Path outLog = logs.resolve(base + ".out");
    Path errLog = logs.resolve(base + ".err");
    o.loadBefore = CpuLoad.loadAverage();
    o.busyBefore = CpuLoad.cpuBusy();
    System.out.printf("bench: %s %s ... (CPU busy with other work %.0f %%, load average %s)%n", w,
        side.name(), 100 * o.busyBefore, o.loadBefore);
    long t0 = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectError(errLog.toFile());
    pb.environment().putAll(side.env());
    java.lang.Process p = pb.start();
    ChildProcesses.track(p.pid());
    List<Long> children = Collections.synchronizedList(new ArrayList<>());
    Thread reader = Thread.ofPlatform().start(() -> {
      try (BufferedReader in = new BufferedReader(
              new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          PrintWriter log = new PrintWriter(Files.newBufferedWriter(outLog))) {
        for (String line; (line = in.readLine()) != null; ) {
          log.println(line);
          if (line.startsWith("RESULT ") || line.startsWith("INFO ")) {
            int sp = line.indexOf(' ');
            int eq = line.indexOf('=', sp);
            if (eq > 0) {
              String key = line.substring(sp + 1, eq);
              String value = line.substring(eq + 1);
              synchronized (o) {
                if (line.startsWith("RESULT ")) {
                  o.results.put(key, Double.parseDouble(value));
                } else {
                  o.info.put(key, value);
                }
              }
            }
          } else if (line.startsWith("CHILD ")) {
            long pid = Long.parseLong(line.substring(6).strip());
            children.add(pid);
            ChildProcesses.track(pid);
          }
        }
      } catch (IOException | RuntimeException e) {
        System.err.println("bench: reading " + base + ": " + e);
      }
    });
    boolean finished = p.waitFor(mode.timeoutSeconds(), TimeUnit.SECONDS);
    if (!finished) {
      o.status = "timed out after " + mode.timeoutSeconds() + " s";
      ChildProcesses.stop(p.toHandle());
    } else {
      o.status = p.exitValue() == 0 ? "ok" : "crashed (exit " + p.exitValue() + ", see " + errLog
          + ")";
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    for (long pid : children.toArray(new Long[0])) {
      ProcessHandle.of(pid).ifPresent(ChildProcesses::stop);
      ChildProcesses.untrack(pid);
    }
    ChildProcesses.untrack(p.pid());
    o.seconds = (System.nanoTime() - t0) / 1e9;
    return o;
  }

  // ---- the table ------------------------------------------------------------------------------

  /**
   * One line of the table: the metric on each side (the key of its result; null where a side has
   * no counterpart), whether more or less is better, the goal from BENCHMARKS.md (a test on
   * distproc's value; null when the row has no goal), and the smallest distproc value a ratio is
   * taken of (0 for most rows): below it, the measurement cannot tell the value from nothing, and
   * a ratio against it would be a ratio against noise.
   */
  record Row(String workload, String what, String distprocKey, String pekkoKey, String erlangKey,
      String unit, boolean higherIsBetter, String target, DoublePredicate met, double resolution) {
    Row(String workload, String what, String distprocKey, String pekkoKey, String erlangKey,
        String unit, boolean higherIsBetter, String target, DoublePredicate met) {
      this(workload, what, distprocKey, pekkoKey, erlangKey, unit, higherIsBetter, target, met, 0);
    }

    /** distproc's value is there but below the resolution: no ratio. */
    boolean belowResolution(Double distproc) {
      return distproc != null && resolution > 0 && distproc < resolution;
    }

    String key(String side) {
      return switch (side) {
        case "distproc" -> distprocKey;
        case "pekko" -> pekkoKey;
        case "erlang" -> erlangKey;
        default -> throw new IllegalArgumentException(side);
      };
    }
  }

  /** W8's idle population at full size, as the table's rows name it. */
  private static final String IDLE = "10^" + Math.round(Math.log10(Bench.W8_IDLE));

  static List<Row> rows() {
    return List.of(
        new Row("W1", "spawn, wait, 1 msg, end", "w1.rate", "w1.rate", "w1.rate", "procs/s", true,
            ">= 340k", v -> v >= 340_000),
        new Row("W1", "heap per waiting process", "w1.bytesPerProcess", "w1.bytesPerProcess",
            "w1.bytesPerProcess", "B", false, "<= 1 KB", v -> v <= 1024),
        new Row("W2", "local ping-pong", "w2.rate", "w2.rate", "w2.rate", "round trips/s", true,
            ">= 3M", v -> v >= 3_000_000),
        new Row("W2", "  platform reference: bare virtual threads, one slot", "w2.floor.rate",
            null, null, "round trips/s", true, null, null),
        new Row("W2", "  share of the platform reference", "w2.ofFloor", null, null, "x", true,
            null, null),
        new Row("W3", "local fan-in, 4 senders", "w3.rate", "w3.rate", "w3.rate", "msgs/s", true,
            ">= 10M", v -> v >= 10_000_000),
        new Row("W4", "remote blast, 100 B", "w4.blast.rate", "w4.blast.rate", "w4.blast.rate",
            "msgs/s", true, null, null),
        new Row("W4", "remote windowed, 100 B", "w4.windowed.rate", "w4.windowed.rate",
            "w4.windowed.rate", "msgs/s", true, ">= 1M", v -> v >= 1_000_000),
        new Row("W4", "sender max heap, blast", "w4.blast.senderMaxHeapMiB",
            "w4.blast.senderMaxHeapMiB", "w4.blast.senderMaxHeapMiB", "MiB", false, null, null),
        new Row("W4", "sender max heap, windowed", "w4.windowed.senderMaxHeapMiB",
            "w4.windowed.senderMaxHeapMiB", "w4.windowed.senderMaxHeapMiB", "MiB", false, null,
            null),
        new Row("W5", "remote ping-pong p50", "w5.p50us", "w5.p50us", "w5.p50us", "us", false,
            "<= 100", v -> v <= 100),
        new Row("W5", "remote ping-pong p99", "w5.p99us", "w5.p99us", "w5.p99us", "us", false,
            "<= 250", v -> v <= 250),
        new Row("W5", "remote ping-pong p99.9", "w5.p999us", "w5.p999us", "w5.p999us", "us",
            false, null, null),
        new Row("W6", "node-down after SIGKILL, default", "w6.kill.defaultSeconds",
            "w6.kill.defaultSeconds", "w6.kill.defaultSeconds", "s", false, "<= 0.1",
            v -> v <= 0.1),
        new Row("W6", "node-down after SIGSTOP, default", "w6.hang.defaultSeconds",
            "w6.hang.defaultSeconds", "w6.hang.defaultSeconds", "s", false, "<= 2", v -> v <= 2),
        new Row("W6", "node-down after SIGKILL, tuned", "w6.kill.tunedSeconds",
            "w6.kill.tunedSeconds", "w6.kill.tunedSeconds", "s", false, null, null),
        new Row("W6", "node-down after SIGSTOP, tuned", "w6.hang.tunedSeconds",
            "w6.hang.tunedSeconds", "w6.hang.tunedSeconds", "s", false, null, null),
        new Row("W7", "req/reply, 10^4 queued: plain receive (Pekko: Stash; Erlang: integer ref)",
            "w7.plain.rate", "w7.stash.rate", "w7.plain.rate", "round trips/s", true, null, null),
        new Row("W7", "  slowdown vs empty mailbox", "w7.plain.slowdown", "w7.stash.slowdown",
            "w7.plain.slowdown", "x", false, "<= 1.5x", v -> v <= 1.5),
        new Row("W7", "req/reply, 10^4 queued: receive after mark() (Erlang: make_ref())",
            "w7.mark.rate", "w7.stash.rate", "w7.ref.rate", "round trips/s", true, null, null),
        new Row("W7", "  slowdown vs empty mailbox", "w7.mark.slowdown", "w7.stash.slowdown",
            "w7.ref.slowdown", "x", false, "<= 1.5x", v -> v <= 1.5),
        // W8: W2 and W3 again, with the idle population alive; the target is issue #13's.
        new Row("W8", "local ping-pong, " + IDLE + " idle processes alive", "w8.w2.rate",
            "w8.w2.rate", "w8.w2.rate", "round trips/s", true, null, null),
        new Row("W8", "  share of the empty node's rate, same run", "w8.w2.ofEmpty",
            "w8.w2.ofEmpty", "w8.w2.ofEmpty", "x", true, ">= 0.9", v -> v >= 0.9),
        new Row("W8", "local fan-in, 4 senders, " + IDLE + " idle processes alive", "w8.w3.rate",
            "w8.w3.rate", "w8.w3.rate", "msgs/s", true, null, null),
        new Row("W8", "  share of the empty node's rate, same run", "w8.w3.ofEmpty",
            "w8.w3.ofEmpty", "w8.w3.ofEmpty", "x", true, ">= 0.9", v -> v >= 0.9),
        // W9 has no goal yet: its rows are reported.
        new Row("W9", "4-node mesh, 12 windowed streams at once, 100 B: total", "w9.rate",
            "w9.rate", "w9.rate", "msgs/s", true, null, null),
        new Row("W9", "  slowest link", "w9.minLinkRate", "w9.minLinkRate", "w9.minLinkRate",
            "msgs/s", true, null, null),
        new Row("W9", "  fastest link", "w9.maxLinkRate", "w9.maxLinkRate", "w9.maxLinkRate",
            "msgs/s", true, null, null),
        new Row("W9", "heap per link, a node's 3 links idle after the run", "w9.heapPerLinkKiB",
            "w9.heapPerLinkKiB", "w9.heapPerLinkKiB", "KiB", false, null, null),
        new Row("W9", "node max heap while streaming", "w9.nodeMaxHeapMiB", "w9.nodeMaxHeapMiB",
            "w9.nodeMaxHeapMiB", "MiB", false, null, null),
        // W10 has no goal yet: its rows are reported.
        new Row("W10", "one-for-one supervisor: crash the child, wait for the new one",
            "w10.restartRate", "w10.restartRate", "w10.restartRate", "restarts/s", true, null,
            null),
        new Row("W10", String.format(Locale.ROOT, "  the first %,d restarts of each run",
                Bench.W10_FIRST_RESTARTS), "w10.firstRestartRate", "w10.firstRestartRate",
            "w10.firstRestartRate", "restarts/s", true, null, null),
        // A difference of two heaps after full GCs: below 16 B per link it is not told apart
        // from nothing at a tenth of the size, so distproc's first link (a field) gets no ratio.
        new Row("W10", "heap per link, pairs of waiting processes (Pekko: mutual DeathWatch;"
                + " Erlang: process_info(memory) of the pairs)",
            "w10.bytesPerLink", "w10.bytesPerLink", "w10.bytesPerLink", "B", false, null, null,
            16),
        new Row("W10", "  Erlang: erlang:memory(processes), W1's measure", null, null,
            "w10.processesBytesPerLink", "B", false, null, null));
  }

  private static Outcome outcome(Map<String, Map<String, Outcome>> all, String side, String w) {
    return all.getOrDefault(side, Map.of()).get(w);
  }

  private static Double value(Map<String, Map<String, Outcome>> all, String side, Row row) {
    Outcome o = outcome(all, side, row.workload());
    String key = row.key(side);
    return o == null || key == null ? null : o.results.get(key);
  }

  /**
   * The peer with the better value on a row (Pekko or Erlang, whichever is better in the row's
   * direction), or null if neither has a value.
   */
  static String bestPeer(Row row, Map<String, Map<String, Outcome>> all) {
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
  static Double ratio(Row row, Map<String, Map<String, Outcome>> all) {
    Double dv = value(all, "distproc", row);
    String peer = bestPeer(row, all);
    if (dv == null || dv <= 0 || peer == null || row.belowResolution(dv)) {
      return null;
    }
    double pv = value(all, peer, row);
    return row.higherIsBetter() ? dv / pv : pv / dv;
  }

  private static boolean ran(Row row, Map<String, Map<String, Outcome>> all) {
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
      String met = row.met() == null ? "" : dv == null ? "?" : row.met().test(dv) ? "yes" : "no";
      t.append("| ").append(row.workload())
          .append(" | ").append(row.what()).append(" (").append(row.unit()).append(")");
      for (String side : SIDES) {
        t.append(" | ").append(cell(outcome(all, side, row.workload()), row.key(side)));
      }
      String r = ratio != null ? String.format(Locale.ROOT, "%.2f", ratio)
          : row.belowResolution(dv) && bestPeer(row, all) != null
              ? String.format(Locale.ROOT, "distproc < %.0f %s", row.resolution(), row.unit())
              : "";
      t.append(" | ").append(r)
          .append(" | ").append(row.target() == null ? "" : row.target())
          .append(" | ").append(met).append(" |\n");
    }
    String sizes = switch (mode.name()) {
      case "quick" -> "; sizes are a tenth of BENCHMARKS.md's (W7's depth and W8's idle"
          + " population are not)";
      case "smoke" -> "; sizes are a tenth of BENCHMARKS.md's (W7's depth is not), "
          + String.join(" and ", SMOKE_HUNDREDTH) + " at a hundredth (W8's idle population too)";
      default -> "";
    };
    t.append("\nMode ").append(mode.name()).append(": median of ").append(mode.runs())
        .append(" runs [min..max] (W6: ").append(mode.w6Runs()).append(" per case)")
        .append(", each after a warm-up at a tenth of the full size in the same VM").append(sizes)
        .append(". Ratio: distproc against the better of Pekko and Erlang on that row, > 1:"
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
    t.append("\nCPU busy with other work in the second before each workload, distproc / Pekko /"
            + " Erlang: ")
        .append(String.join("; ", loads))
        .append(". Where it is well above 0 %, other work shared the 2 cores: read those figures"
            + " as a smoke test.\n");
    for (Map.Entry<String, Map<String, Outcome>> side : all.entrySet()) {
      for (Map.Entry<String, Outcome> w : side.getValue().entrySet()) {
        if (!w.getValue().status.equals("ok")) {
          t.append("\n").append(w.getKey()).append(" on ").append(side.getKey()).append(": ")
              .append(w.getValue().status);
        }
      }
    }
    return t.toString();
  }

  private static String busy(Outcome o) {
    return o == null || Double.isNaN(o.busyBefore) ? "-"
        : String.format(Locale.ROOT, "%.0f %%", 100 * o.busyBefore);
  }

  private static String cell(Outcome o, String key) {
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

  // ---- JSON -----------------------------------------------------------------------------------

  static String json(Mode mode, List<String> flags, String loadBefore, String loadAfter,
      Instant started, List<Row> rows, Map<String, Map<String, Outcome>> all) {
    StringBuilder j = new StringBuilder("{\n");
    j.append("  \"mode\": ").append(q(mode.name())).append(",\n");
    j.append("  \"scale\": ").append(mode.scale()).append(",\n");
    j.append("  \"runs\": ").append(mode.runs()).append(",\n");
    j.append("  \"started\": ").append(q(started.toString())).append(",\n");
    j.append("  \"cores\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
    j.append("  \"loadAverageBefore\": ").append(q(loadBefore)).append(",\n");
    j.append("  \"loadAverageAfter\": ").append(q(loadAfter)).append(",\n");
    j.append("  \"jvmFlags\": [");
    for (int i = 0; i < flags.size(); i++) {
      j.append(i == 0 ? "" : ", ").append(q(flags.get(i)));
    }
    j.append("],\n  \"erlangFlags\": [");
    for (int i = 0; i < Sides.ERLANG_FLAGS.size(); i++) {
      j.append(i == 0 ? "" : ", ").append(q(Sides.ERLANG_FLAGS.get(i)));
    }
    j.append("],\n  \"payloadBytes\": ").append(Bench.W4_PAYLOAD).append(",\n");
    j.append("  \"batching\": \"none by the workloads; W4 windowed: at most ")
        .append(Bench.W4_WINDOW).append(" unacknowledged, an ack every ")
        .append(Bench.W4_ACK_EVERY).append("\",\n");
    j.append("  \"table\": [\n");
    boolean first = true;
    for (Row row : rows) {
      if (!ran(row, all)) {
        continue;
      }
      Double dv = value(all, "distproc", row);
      String peer = bestPeer(row, all);
      j.append(first ? "" : ",\n").append("    {\"workload\": ").append(q(row.workload()))
          .append(", \"metric\": ").append(q(row.what().strip())).append(", \"unit\": ")
          .append(q(row.unit()));
      for (String side : SIDES) {
        j.append(", ").append(q(side)).append(": ").append(num(value(all, side, row)));
      }
      j.append(", \"higherIsBetter\": ").append(row.higherIsBetter())
          .append(", \"bestPeer\": ").append(peer == null ? "null" : q(peer))
          .append(", \"ratio\": ").append(num(ratio(row, all)))
          .append(", \"target\": ")
          .append(row.target() == null ? "null" : q(row.target())).append(", \"met\": ")
          .append(row.met() == null || dv == null ? "null" : row.met().test(dv)).append("}");
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
        j.append(firstW ? "\n" : ",\n").append("      ").append(q(w.getKey()))
            .append(": {\"status\": ").append(q(o.status)).append(", \"seconds\": ")
            .append(num(o.seconds)).append(", \"loadAverageBefore\": ").append(q(o.loadBefore))
            .append(", \"cpuBusyBefore\": ").append(num(o.busyBefore)).append(",\n        \"results\": {");
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

  private static String num(Double v) {
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
