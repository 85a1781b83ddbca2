package io.distproc.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The OS processes the {@link Driver} started, and those they named on their {@code CHILD} lines:
 * tracks them, keeps their pids in a file for scripts/bench.sh, and stops them.
 */
final class ChildProcesses {
  private ChildProcesses() {}

  /** The workload processes, the node-B processes they started and epmd, to stop what is left. */
  private static final Set<Long> LIVE = ConcurrentHashMap.newKeySet();

  /**
   * Where the pids in {@link #LIVE} are written, one a line, for scripts/bench.sh to stop them if
   * this driver is killed: Erlang's node B runs in a session of its own (the VM starts every port
   * program with setsid), out of reach of a signal to the driver's process group.
   */
  private static @Nullable Path pidFile;

  /** From now on writes the pids to {@code file}, beginning with those tracked so far. */
  static void writeTo(Path file) {
    pidFile = file;
    writePids();
  }

  static void track(long pid) {
    LIVE.add(pid);
    writePids();
  }

  static void untrack(long pid) {
    LIVE.remove(pid);
    writePids();
  }

  private static synchronized void writePids() {
    if (pidFile != null) {
      StringBuilder b = new StringBuilder();
      for (long pid : LIVE) {
        b.append(pid).append('\n');
      }
      try {
        Files.writeString(pidFile, b);
      } catch (IOException e) {
        System.err.println("bench: writing " + pidFile + ": " + e);
      }
    }
  }

  /** Stops a process for sure: continue it (it may be SIGSTOPped), then SIGKILL. */
  static void stop(ProcessHandle h) {
    h.descendants().forEach(ChildProcesses::stop);
    if (h.isAlive()) {
      try {
        new ProcessBuilder("kill", "-CONT", Long.toString(h.pid()))
            .start()
            .waitFor(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        // SIGKILL works on a stopped process too
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      h.destroyForcibly();
      h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> h).join();
    }
  }

  static void stopAll() {
    for (long pid : LIVE.toArray(new Long[0])) {
      ProcessHandle.of(pid).ifPresent(ChildProcesses::stop);
      untrack(pid);
    }
  }
}
