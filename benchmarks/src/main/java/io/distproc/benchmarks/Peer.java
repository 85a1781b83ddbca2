package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.jvmFlags;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another JVM with this class path and flags, running {@code mainClass args}: node B of the remote
 * workloads, or one of W9's nodes. It prints {@code READY port} once its node listens ({@link
 * #readyThenAwaitParent}), and ends when its parent's end closes its standard input. Uses the JDK
 * alone, as {@link Bench} does.
 */
final class Peer implements AutoCloseable {
  private final java.lang.Process process;
  private final int port;

  private Peer(java.lang.Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts the JVM and waits for its {@code READY port} line; its further output goes to {@code
   * log}. The peer ends by itself when this JVM goes (its standard input closes).
   */
  static Peer start(Path log, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags());
    String extra = System.getProperty("bench.peerFlags", ""); // e.g. a flight recording
    if (!extra.isBlank()) {
      cmd.addAll(Arrays.asList(extra.strip().split("\\|")));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(Arrays.asList(args));
    Files.createDirectories(log.toAbsolutePath().getParent());
    java.lang.Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    synchronized (Bench.class) {
      System.out.println("CHILD " + p.pid());
      System.out.flush();
    }
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int port = -1;
    try {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("READY ")) {
          port = Integer.parseInt(line.substring(6).strip());
          break;
        }
        if (System.nanoTime() > deadline) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
    if (port < 0) {
      p.destroyForcibly();
      throw new IOException(
          "peer " + mainClass + " " + Arrays.toString(args) + " did not get ready; see " + log);
    }
    Thread.ofPlatform()
        .daemon()
        .name("peer-out")
        .start(
            () -> {
              try {
                while (out.readLine() != null) {
                  // drained so that the peer never blocks on a full pipe
                }
              } catch (IOException ignored) {
                // the peer ended
              }
            });
    return new Peer(p, port);
  }

  /** The port the peer's node listens on, on 127.0.0.1. */
  int port() {
    return port;
  }

  /** The peer's OS process id. */
  long pid() {
    return process.pid();
  }

  /** Sends a signal (KILL, STOP, CONT) to the peer's OS process. */
  void signal(String signal) throws IOException, InterruptedException {
    if ("KILL".equals(signal)) {
      process.destroyForcibly(); // SIGKILL on Linux
      return;
    }
    new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
        .inheritIO()
        .start()
        .waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * Stops the peer whatever its state (also if it was stopped with SIGSTOP): it is asked to end by
   * closing its standard input, and killed if it has not within a few seconds.
   */
  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        signal("CONT");
        process.getOutputStream().close();
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        // it is killed below anyway
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
    }
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * For a peer JVM: tells the parent it is ready on {@code port}, then returns once the parent
   * closes this JVM's standard input (the parent ended or let go of it).
   */
  static void readyThenAwaitParent(int port) {
    System.out.println("READY " + port);
    System.out.flush();
    try {
      while (System.in.read() >= 0) {
        // nothing is sent on it; EOF means the parent is gone
      }
    } catch (IOException ignored) {
      // treat like EOF
    }
  }
}
