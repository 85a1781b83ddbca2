package io.distproc.transport.grpc;

import java.util.concurrent.ThreadFactory;

/**
 * Makes every thread one transport starts, all named {@code distproc-io-<node>-<role>-<n>} and with
 * a last-resort handler that logs. Virtual threads for gRPC callbacks, stream writers and per-link
 * delivery; one platform thread for the timer.
 */
final class IoThreads {
  private static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  private final String prefix;

  IoThreads(String nodeName) {
    this.prefix = "distproc-io-" + nodeName + "-";
  }

  /** Virtual threads named {@code distproc-io-<node>-<role>-<n>}. */
  ThreadFactory virtual(String role) {
    return Thread.ofVirtual()
        .name(prefix + role + "-", 1)
        .uncaughtExceptionHandler(IoThreads::uncaught)
        .factory();
  }

  /** Daemon platform threads named {@code distproc-io-<node>-<role>-<n>}, for the timer. */
  ThreadFactory platform(String role) {
    return Thread.ofPlatform()
        .daemon(true)
        .name(prefix + role + "-", 1)
        .uncaughtExceptionHandler(IoThreads::uncaught)
        .factory();
  }

  private static void uncaught(Thread thread, Throwable error) {
    // Every task the transport runs catches what it can handle; this is a bug in the transport.
    LOG.log(System.Logger.Level.ERROR, "uncaught exception in " + thread.getName(), error);
  }
}
