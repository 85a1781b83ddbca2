package io.distproc.benchmarks;

import io.distproc.benchmarks.Report.Row;
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
import org.jspecify.annotations.Nullable;

/**
 * Runs the workloads (BENCHMARKS.md's W1..W7, the scaling W8 and W9, and W10 of the fault layer) on
 * the three sides (distproc, Pekko, Erlang/OTP), each workload and side in an OS process of its own
 * (a JVM, or an Erlang VM; each starts its other nodes itself: node B for W4-W6, three for W9),
 * then prints the markdown table and writes the results as JSON. See benchmarks/README.md; {@code
 * scripts/bench.sh} builds and calls it.
 *
 * <pre>
 * Driver --mode full|quick|smoke --pekko-classpath CP --erlang-dir DIR [--erl PATH]
 *        [--distproc-classpath CP] [--only W2,W4] [--sides distproc,pekko,erlang] [--out DIR]
 *        [--jvm-flags "..."] [--warmups K] [--aot true]
 * </pre>
 *
 * <p>{@code --warmups K} runs each workload but W6 K more times at its measured size, before the
 * counted runs and after the tenth-size warm-up, on every side, and leaves those K out of the
 * figures: for the steady state of a JVM whose compiler is still busy after the first warm-up.
 *
 * <p>{@code --aot true} gives each JVM side's workload (but W6) a training run first, from which
 * its JVM and its other nodes start with an AOT cache ({@link AotCache}, in {@code OUT/aot}); the
 * class paths must then be of jars only, as the JDK's AOT cache requires.
 *
 * <p>For the Erlang side it compiles {@code DIR/src/*.erl} with {@code erlc} into {@code
 * DIR/target/ebin}, and for W4-W6 and W9 starts an epmd of its own on a free port of 127.0.0.1,
 * which it stops at the end.
 *
 * <p>It fails (exit 1) only when a workload process crashes or times out (or the Erlang sources do
 * not compile), never on a number.
 *
 * <p>This class reads the options and runs each workload process; {@link Sides} makes the sides'
 * command lines (and compiles the Erlang side, and starts its epmd), {@link ChildProcesses} stops
 * what was started, {@link CpuLoad} samples the machine's load, {@link Report} makes the table and
 * {@link ReportJson} the JSON.
 */
public final class Driver {
  private Driver() {}

  static final List<String> WORKLOADS =
      List.of("W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9", "W10");

  /** The workloads with other nodes. */
  static final List<String> REMOTE = List.of("W4", "W5", "W6", "W9");

  /**
   * The workloads that smoke mode runs at a hundredth instead of a tenth: even at a tenth, W8 keeps
   * its 10^6 idle processes and W9 starts three node processes and streams 12 links.
   */
  static final List<String> SMOKE_HUNDREDTH = List.of("W8", "W9");

  /** The sides, in the table's order. */
  static final List<String> SIDES = List.of("distproc", "pekko", "erlang");

  /**
   * How big, how often, and how long to wait for one workload process; {@code warmups} more runs of
   * the measured size come first, after the tenth-size warm-up, and are not counted (not for W6,
   * whose detection times compile nothing new).
   */
  record Mode(String name, double scale, int runs, int w6Runs, long timeoutSeconds, int warmups) {
    /** The scale workload {@code w} runs at: {@link #scale}, but see {@link #SMOKE_HUNDREDTH}. */
    double scale(String w) {
      return name.equals("smoke") && SMOKE_HUNDREDTH.contains(w) ? scale / 10 : scale;
    }

    /** The runs of {@code w} not counted, before those that are. */
    int warmups(String w) {
      return w.equals("W6") ? 0 : warmups;
    }

    /** This mode with {@code k} uncounted runs before the counted ones. */
    Mode withWarmups(int k) {
      if (k < 0) {
        throw new IllegalArgumentException("warmups must be 0 or more: " + k);
      }
      return new Mode(name, scale, runs, w6Runs, timeoutSeconds * (runs + k) / runs, k);
    }
  }

  static Mode mode(String name) {
    return switch (name) {
      case "full" -> new Mode("full", 1.0, 3, 3, 1800, 0);
      case "quick" -> new Mode("quick", 0.1, 3, 1, 300, 0);
      case "smoke" -> new Mode("smoke", 0.1, 1, 1, 120, 0);
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
    Mode mode =
        mode(opts.getOrDefault("mode", "quick"))
            .withWarmups(Integer.parseInt(opts.getOrDefault("warmups", "0")));
    Path out = Path.of(opts.getOrDefault("out", "benchmarks/target")).toAbsolutePath();
    Path workDir = out.getParent();
    if (workDir == null) {
      throw new IllegalArgumentException("--out needs a parent directory to run the workloads in");
    }
    Path logs = out.resolve("bench-logs");
    Files.createDirectories(logs);
    ChildProcesses.writeTo(out.resolve("bench.pids"));
    List<String> only =
        opts.containsKey("only")
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
    String extra =
        opts.getOrDefault("jvm-flags", System.getenv().getOrDefault("BENCH_JVM_FLAGS", ""));
    if (!extra.isBlank()) {
      flags.addAll(Arrays.asList(extra.strip().split("\\s+")));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll));
    List<Side> sides = new ArrayList<>();
    if (sideNames.contains("distproc")) {
      sides.add(
          Sides.javaSide(
              "distproc",
              flags,
              opts.getOrDefault("distproc-classpath", System.getProperty("java.class.path")),
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
      sides.add(
          Sides.erlangSide(
              Path.of(dir).toAbsolutePath(), opts.getOrDefault("erl", "erl"), flags, remote, logs));
    }

    AotCache aot =
        Boolean.parseBoolean(opts.getOrDefault("aot", "false"))
            ? new AotCache(out.resolve("aot"))
            : null;

    String loadBefore = CpuLoad.loadAverage();
    Instant started = Instant.now();
    System.out.printf(
        "bench: mode %s (scale %s, %d runs after a warm-up at a tenth of the full size%s),"
            + " %d cores, load average %s%n",
        mode.name(),
        mode.scale(),
        mode.runs(),
        mode.warmups() == 0
            ? ""
            : " and " + mode.warmups() + " uncounted runs of the measured size (not W6)",
        Runtime.getRuntime().availableProcessors(),
        loadBefore);
    System.out.println("bench: JVM flags (distproc and Pekko): " + String.join(" ", flags));
    if (aot != null) {
      System.out.println(
          "bench: each JVM side's workload but W6 starts from an AOT cache of its own, written by"
              + " a training run of it at a tenth of the measured size just before");
    }
    for (Side side : sides) {
      if (side.name().equals("erlang")) {
        System.out.println(
            "bench: Erlang: "
                + String.join(" ", side.command())
                + (side.env().containsKey("ERL_EPMD_PORT")
                    ? " (epmd on 127.0.0.1:" + side.env().get("ERL_EPMD_PORT") + ")"
                    : "")
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
        Outcome o = runOne(side, w, mode, workDir, logs, aot);
        all.computeIfAbsent(side.name(), k -> new LinkedHashMap<>()).put(w, o);
        System.out.printf("bench: %s %s: %s in %.0f s%n", w, side.name(), o.status, o.seconds);
        failed |= !o.status.equals("ok");
      }
    }
    String loadAfter = CpuLoad.loadAverage();
    List<Row> rows = Rows.all();
    String table = Report.table(rows, all, mode);
    System.out.println();
    System.out.println(table);
    System.out.printf(
        "Load average before: %s; after: %s. Started %s, took %d s.%n",
        loadBefore,
        loadAfter,
        started,
        java.time.Duration.between(started, Instant.now()).toSeconds());
    Path json =
        out.resolve(
            mode.name().equals("full") ? "results.json" : "results-" + mode.name() + ".json");
    Files.writeString(
        json, ReportJson.json(mode, flags, aot != null, loadBefore, loadAfter, started, rows, all));
    Files.writeString(out.resolve("results-" + mode.name() + ".md"), table);
    System.out.println("bench: results in " + json);
    ChildProcesses.stopAll();
    System.exit(failed ? 1 : 0);
  }

  // ---- running one workload process ------------------------------------------------------------

  /**
   * Runs workload {@code w} on {@code side}; with {@code aot}, a JVM side's training run first
   * (whose failure is the outcome's).
   */
  private static Outcome runOne(
      Side side, String w, Mode mode, Path workDir, Path logs, @Nullable AotCache aot)
      throws IOException, InterruptedException {
    if (side.problem() != null) {
      Outcome o = new Outcome();
      o.status = "not run: " + side.problem();
      return o;
    }
    String base = mode.name() + "-" + w + "-" + side.name();
    Side measured = side;
    if (aot != null && side.jvm() && AotCache.trains(w)) {
      Side training = side.withJvmFlags(aot.trainingFlags(side.name(), w));
      Outcome t = launch(training, w, mode.scale(w) / 10, 1, 0, mode, workDir, logs, base + "-aot");
      System.out.printf(
          "bench: %s %s: AOT training run %s in %.0f s%n", w, side.name(), t.status, t.seconds);
      if (!t.status.equals("ok")) {
        t.status = "AOT training run " + t.status;
        return t;
      }
      measured = side.withJvmFlags(aot.useFlags(side.name(), w));
    }
    int warmups = mode.warmups(w);
    int runs = (w.equals("W6") ? mode.w6Runs() : mode.runs()) + warmups;
    Outcome o = launch(measured, w, mode.scale(w), runs, warmups, mode, workDir, logs, base);
    if (aot != null && measured != side) {
      aot.discard(side.name(), w); // some 40 MB each, and made anew by the next run
    }
    return o;
  }

  /** Runs one workload process, {@code run W SCALE RUNS WARMUPS}, logging to {@code base}.*. */
  private static Outcome launch(
      Side side,
      String w,
      double scale,
      int runs,
      int warmups,
      Mode mode,
      Path workDir,
      Path logs,
      String base)
      throws IOException, InterruptedException {
    Outcome o = new Outcome();
    List<String> cmd = new ArrayList<>(side.command());
    cmd.addAll(
        List.of(
            "run", w, Double.toString(scale), Integer.toString(runs), Integer.toString(warmups)));
    Path outLog = logs.resolve(base + ".out");
    Path errLog = logs.resolve(base + ".err");
    o.loadBefore = CpuLoad.loadAverage();
    o.busyBefore = CpuLoad.cpuBusy();
    System.out.printf(
        "bench: %s %s ... (CPU busy with other work %.0f %%, load average %s)%n",
        w, side.name(), 100 * o.busyBefore, o.loadBefore);
    long t0 = System.nanoTime();
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(workDir.toFile()).redirectError(errLog.toFile());
    pb.environment().putAll(side.env());
    java.lang.Process p = pb.start();
    ChildProcesses.track(p.pid());
    List<Long> children = Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (BufferedReader in =
                          new BufferedReader(
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
      o.status =
          p.exitValue() == 0 ? "ok" : "crashed (exit " + p.exitValue() + ", see " + errLog + ")";
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
}
