package io.distproc.runtime;

import java.util.concurrent.ThreadFactory;

/** Makes every thread the runtime starts, named and with a last-resort handler. */
final class Threads {
  private static final System.Logger LOG = System.getLogger("io.distproc.runtime");

  private Threads() {}

  /**
   * Virtual threads for the processes of one node, all named {@code distproc-proc-<node>}. They
   * share one name string: a numbered name would cost every waiting process a string of its own
   * (about 70 bytes, a tenth of a parked process), and the pid a process reports is a better name
   * than a counter.
   */
  static ThreadFactory processThreads(String nodeName) {
    return Thread.ofVirtual()
        .name("distproc-proc-" + nodeName)
        .uncaughtExceptionHandler(Threads::uncaught)
        .factory();
  }

  /** A builder of the virtual thread that dials one seed, {@code distproc-seed-<node>-<seed>}. */
  static Thread.Builder seedThread(String nodeName, String seed) {
    return Thread.ofVirtual()
        .name("distproc-seed-" + nodeName + "-" + seed)
        .uncaughtExceptionHandler(Threads::uncaught);
  }

  /** The platform daemon thread that fires a node's timers, named {@code distproc-timer-<node>}. */
  static ThreadFactory timerThreads(String nodeName) {
    return Thread.ofPlatform()
        .daemon()
        .name("distproc-timer-" + nodeName)
        .uncaughtExceptionHandler(Threads::uncaught)
        .factory();
  }

  private static void uncaught(Thread thread, Throwable error) {
    // Process bodies are wrapped and never get here; this is a bug in the runtime itself.
    LOG.log(System.Logger.Level.ERROR, "uncaught exception in " + thread.getName(), error);
  }
}
