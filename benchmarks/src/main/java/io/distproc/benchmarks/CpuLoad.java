package io.distproc.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine is when the {@link Driver} looks, before each workload and around the whole
 * run: the share of the CPUs that other work takes, from /proc/stat, and the load average.
 */
final class CpuLoad {
  private CpuLoad() {}

  /**
   * How busy the CPUs are over one second while no workload JVM runs: the share of the machine that
   * other work takes (0 to 1), or NaN where /proc/stat is not there. Unlike the load average, it
   * does not remember the previous workload.
   */
  static double cpuBusy() {
    try {
      long[] a = cpuTimes();
      Thread.sleep(1000);
      long[] b = cpuTimes();
      long total = b[0] - a[0];
      return total <= 0 ? Double.NaN : 1.0 - (double) (b[1] - a[1]) / total;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  /** Total and idle (idle + iowait) jiffies of all CPUs. */
  private static long[] cpuTimes() throws IOException {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < f.length; i++) {
      total += Long.parseLong(f[i]);
    }
    return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
