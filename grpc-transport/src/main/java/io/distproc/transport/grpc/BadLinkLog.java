package io.distproc.transport.grpc;

import java.time.Duration;

/*
 * Design notes for maintainers.
 *
 * A peer can open streams as fast as it can write HTTP/2 headers, and every stream it breaks costs
 * this node one line in the log. Written at WARNING each time, a hostile client turns the node's
 * log into its own flood (disk, shipping, the operator's attention). So each bad link still gets
 * exactly one line that names it and says why, but only the first WARNINGS_PER_PERIOD of a period
 * are at WARNING; the rest of that period's lines are at DEBUG, and when the period ends one
 * WARNING says how many were lowered. A period starts with its first line (there is no timer while
 * nothing goes wrong) and ends PERIOD later, on the transport's timer.
 *
 * State is guarded by `this`; nothing blocks under the monitor and logging happens outside it.
 */
/**
 * The log of links closed for the peer's fault: refused at the handshake, protocol errors, frames
 * gRPC refused. One line per link, at WARNING for the first {@value #WARNINGS_PER_PERIOD} of each
 * period of {@link #PERIOD} and at DEBUG after that, plus one WARNING at the end of such a period
 * that counts the lines it logged at DEBUG only.
 *
 * <p>This class is thread-safe.
 */
final class BadLinkLog {
  /** The WARNING lines for bad links in one period; the period's further lines are at DEBUG. */
  static final int WARNINGS_PER_PERIOD = 20;

  /** How long a period lasts, from its first line. */
  static final Duration PERIOD = Duration.ofSeconds(1);

  private static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  private final String nodeName;
  private final TimerThread timer;

  // Guarded by this.
  private int warned;
  private int lowered;

  BadLinkLog(String nodeName, TimerThread timer) {
    this.nodeName = nodeName;
    this.timer = timer;
  }

  /** Logs that {@code link} is closed because of {@code why}, naming the link (its toString). */
  void closing(Object link, String why) {
    closing(link.toString(), "closing the link: " + why);
  }

  /** Logs one bad stream that is not a link: {@code subject} names it, {@code what} says why. */
  void closing(String subject, String what) {
    boolean warn;
    boolean startsPeriod;
    synchronized (this) {
      warn = warned < WARNINGS_PER_PERIOD;
      startsPeriod = warned == 0;
      if (warn) {
        warned++;
      } else {
        lowered++;
      }
    }
    if (startsPeriod) {
      timer.schedule(this::endPeriod, PERIOD);
    }
    LOG.log(
        warn ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
        () -> subject + ": " + what);
  }

  private void endPeriod() {
    int n;
    synchronized (this) {
      n = lowered;
      warned = 0;
      lowered = 0;
    }
    if (n > 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          () ->
              "node "
                  + nodeName
                  + ": "
                  + n
                  + " more links closed for their peer's fault in the last "
                  + PERIOD.toMillis()
                  + " ms were logged at DEBUG only");
    }
  }
}
