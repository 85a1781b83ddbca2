package io.distproc.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * How the {@link Driver} launches a side's workload processes: the command line of a JVM side
 * (distproc, Pekko), and for Erlang/OTP the VM's command line, the compile of its sources with
 * {@code erlc}, and the epmd of its own that the remote workloads need.
 */
final class Sides {
  private Sides() {}

  /** The flags of every workload JVM, on both sides (the peers were measured with these). */
  static final List<String> JVM_FLAGS =
      List.of("-Xmx4g", "-XX:+UseG1GC", "--enable-native-access=ALL-UNNAMED");

  /**
   * The flags of every Erlang VM (node B's too): two schedulers, as the peer's figures in
   * BENCHMARKS.md were taken, and room for W1's 10^6 processes (the default limit is 262,144).
   */
  static final List<String> ERLANG_FLAGS = List.of("+S", "2", "+P", "2000000");

  /** The Erlang side's module, in {@code benchmarks-erlang/src}. */
  private static final String ERLANG_MODULE = "erlang_workloads";

  /**
   * One side: its name, the command that runs a workload (followed by {@code run W SCALE RUNS}),
   * the environment it adds, why it cannot run (null when it can), and whether it is a JVM.
   */
  record Side(
      String name,
      List<String> command,
      Map<String, String> env,
      @Nullable String problem,
      boolean jvm) {

    /** This JVM side with {@code flags} after its own (merged by {@link AotCache#merged}). */
    Side withJvmFlags(List<String> flags) {
      if (!jvm) {
        throw new IllegalStateException(name + " is not a JVM side");
      }
      int main = command.indexOf("-cp"); // the flags end where the class path begins
      List<String> cmd = new ArrayList<>(AotCache.merged(command.subList(1, main), flags));
      cmd.add(0, command.get(0));
      cmd.addAll(command.subList(main, command.size()));
      return new Side(name, cmd, env, problem, true);
    }
  }

  static Side javaSide(String name, List<String> flags, String classPath, String mainClass) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    cmd.addAll(List.of("-cp", classPath, mainClass));
    return new Side(name, cmd, Map.of(), null, true);
  }

  /**
   * The Erlang side: compiles its sources, and when a workload needs node B, starts epmd on a free
   * port of 127.0.0.1. Either failing makes the side's problem, reported for each workload.
   */
  static Side erlangSide(Path dir, String erl, List<String> jvmFlags, boolean remote, Path logs)
      throws IOException, InterruptedException {
    Path ebin = dir.resolve("target").resolve("ebin");
    List<String> cmd = new ArrayList<>();
    cmd.add(erl);
    cmd.addAll(ERLANG_FLAGS);
    cmd.addAll(
        List.of(
            "-noshell",
            "-start_epmd",
            "false",
            "-pa",
            ebin.toString(),
            "-run",
            ERLANG_MODULE,
            "main"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("BENCH_ERL_FLAGS", String.join(" ", ERLANG_FLAGS)); // for node B
    // The window of W4, when the Java sides are given another one (-Dbench.w4.window=N).
    for (String f : jvmFlags) {
      if (f.startsWith("-Dbench.w4.window=")) {
        env.put("BENCH_W4_WINDOW", f.substring(f.indexOf('=') + 1));
      }
    }
    String problem = compileErlang(dir, ebin, sibling(erl, "erlc"), logs.resolve("erlc.log"));
    if (problem == null && remote) {
      int port = freeLoopbackPort();
      env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
      env.put("ERL_EPMD_PORT", Integer.toString(port));
      problem = startEpmd(sibling(erl, "epmd"), port, env, logs.resolve("epmd.log"));
    }
    return new Side("erlang", cmd, env, problem, false);
  }

  /** {@code erlc} or {@code epmd} where {@code erl} is (on the PATH if erl is). */
  private static String sibling(String erl, String tool) {
    Path p = Path.of(erl);
    return p.getParent() == null ? tool : p.resolveSibling(tool).toString();
  }

  /** Compiles the Erlang side's sources into ebin; null, or what went wrong. */
  private static @Nullable String compileErlang(Path dir, Path ebin, String erlc, Path log)
      throws IOException, InterruptedException {
    Files.createDirectories(ebin);
    List<String> cmd = new ArrayList<>(List.of(erlc, "-Wall", "-o", ebin.toString()));
    try (Stream<Path> files = Files.list(dir.resolve("src"))) {
      files.filter(f -> f.toString().endsWith(".erl")).sorted().forEach(f -> cmd.add(f.toString()));
    }
    try {
      java.lang.Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "erlc timed out (see " + log + ")";
      }
      return p.exitValue() == 0
          ? null
          : "erlc failed (exit " + p.exitValue() + ", see " + log + ")";
    } catch (IOException e) {
      return "erlc not found (" + e.getMessage() + "); scripts/bench.sh installs Erlang/OTP";
    }
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts epmd in the foreground (no {@code -daemon}, so that it stays this driver's child and is
   * stopped with the rest), bound to 127.0.0.1 by ERL_EPMD_ADDRESS; null once it answers a NAMES
   * request, or what went wrong.
   */
  private static @Nullable String startEpmd(
      String epmd, int port, Map<String, String> env, Path log) throws InterruptedException {
    java.lang.Process p;
    try {
      ProcessBuilder pb =
          new ProcessBuilder(epmd, "-port", Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      p = pb.start();
    } catch (IOException e) {
      return "epmd did not start (" + e.getMessage() + ")";
    }
    ChildProcesses.track(p.pid());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && p.isAlive()) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        s.setSoTimeout(2000);
        s.getOutputStream().write(new byte[] {0, 1, 'n'}); // NAMES_REQ: epmd's port, then names
        if (s.getInputStream().readNBytes(4).length == 4) {
          return null;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    return "epmd did not come up on 127.0.0.1:" + port + " (see " + log + ")";
  }
}
