package io.distproc;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * Why a monitored process is gone, as delivered in a {@link Down} notice.
 *
 * <p>A closed set of immutable values, so a {@code switch} over them is exhaustive:
 *
 * <pre>{@code
 * String text = switch (down.reason()) {
 *   case MonitorReason.Normal n -> "finished";
 *   case MonitorReason.Crashed c -> "crashed: " + c.exceptionClass() + ": " + c.message();
 *   case MonitorReason.UnknownNode u -> "used unknown node " + u.node();
 *   case MonitorReason.NoProcess p -> "no such process";
 *   case MonitorReason.NodeDown d -> "node " + d.node() + " went down";
 *   case MonitorReason.Killed k -> "killed";
 *   case MonitorReason.Shutdown s -> "asked to stop: " + s.detail();
 *   case MonitorReason.Exited e -> "exit signal from " + e.from() + ": " + e.cause();
 * };
 * }</pre>
 *
 * <p>Every reason names the monitored {@link #pid()}. Instances are thread-safe.
 *
 * <p>The same values say why a linked process sent an exit signal ({@link Exit#reason()}), and the
 * ones that are not {@linkplain #isAbnormal() abnormal} are the ends that kill no linked process
 * and that a supervisor does not restart a transient child for (Erlang's {@code normal} and {@code
 * shutdown}).
 *
 * @since 0.1.0
 */
public sealed interface MonitorReason {

  /**
   * Returns the process the reason is about.
   *
   * @return the monitored process
   */
  Pid pid();

  /**
   * Tells whether this is an abnormal end in Erlang's sense: every reason except {@link Normal},
   * {@link Shutdown}, and an {@link Exited} whose cause is one of those two. A supervisor restarts
   * a transient child only after an abnormal end.
   *
   * @return {@code true} for an abnormal end
   * @since 0.1.0
   */
  default boolean isAbnormal() {
    return switch (this) {
      case Normal n -> false;
      case Shutdown s -> false;
      case Exited e -> e.cause().isAbnormal();
      default -> true;
    };
  }

  /**
   * The process returned from its body.
   *
   * @param pid the process
   * @since 0.1.0
   */
  record Normal(Pid pid) implements MonitorReason {
    /**
     * Creates the reason.
     *
     * @throws NullPointerException if {@code pid} is null
     */
    public Normal {
      Objects.requireNonNull(pid, "pid");
    }
  }

  /**
   * The process's body threw. The exception is carried as text, the same on every node, never by
   * Java serialization.
   *
   * @param pid the process
   * @param exceptionClass the fully qualified class name of what was thrown
   * @param message the exception's message, empty if it had none
   * @param stackTrace the exception's stack trace as {@link Throwable#printStackTrace()} prints it
   * @since 0.1.0
   */
  record Crashed(Pid pid, String exceptionClass, String message, String stackTrace)
      implements MonitorReason {
    /**
     * Creates the reason.
     *
     * @throws NullPointerException if any component is null
     */
    public Crashed {
      Objects.requireNonNull(pid, "pid");
      Objects.requireNonNull(exceptionClass, "exceptionClass");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(stackTrace, "stackTrace");
    }

    /**
     * Describes a throwable as a crash reason.
     *
     * @param pid the process that threw
     * @param thrown what it threw
     * @return the reason
     * @throws NullPointerException if an argument is null
     */
    public static Crashed of(Pid pid, Throwable thrown) {
      Objects.requireNonNull(thrown, "thrown");
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      String message = thrown.getMessage();
      return new Crashed(
          pid, thrown.getClass().getName(), message == null ? "" : message, trace.toString());
    }

    /**
     * Returns {@code Crashed[<pid> class: message]}; the stack trace is left out, read it with
     * {@link #stackTrace()}.
     */
    @Override
    public String toString() {
      return "Crashed["
          + pid
          + " "
          + exceptionClass
          + (message.isEmpty() ? "" : ": " + message)
          + "]";
    }
  }

  /**
   * The process ended because it used a node this node did not know (an {@link
   * InvalidNodeException} escaped its body).
   *
   * @param pid the process
   * @param node the unknown node
   * @since 0.1.0
   */
  record UnknownNode(Pid pid, NodeId node) implements MonitorReason {
    /**
     * Creates the reason.
     *
     * @throws NullPointerException if any component is null
     */
    public UnknownNode {
      Objects.requireNonNull(pid, "pid");
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * There was no such process when the monitor was asked for: it never existed or had already
   * ended.
   *
   * @param pid the process
   * @since 0.1.0
   */
  record NoProcess(Pid pid) implements MonitorReason {
    /**
     * Creates the reason.
     *
     * @throws NullPointerException if {@code pid} is null
     */
    public NoProcess {
      Objects.requireNonNull(pid, "pid");
    }
  }

  /**
   * The node that runs the process went down, was removed, or shut down (Erlang's {@code
   * noconnection}); the process may or may not still be running there.
   *
   * @param pid the process
   * @param node the node that went down
   * @since 0.1.0
   */
  record NodeDown(Pid pid, NodeId node) implements MonitorReason {
    /**
     * Creates the reason.
     *
     * @throws NullPointerException if any component is null
     */
    public NodeDown {
      Objects.requireNonNull(pid, "pid");
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * The process was killed: {@link ProcessContext#kill(Pid)} sent it an exit signal that cannot be
   * trapped (Erlang's {@code killed}). Processes linked to it get an exit signal with this reason,
   * which they can trap.
   *
   * @param pid the process
   * @since 0.1.0
   */
  record Killed(Pid pid) implements MonitorReason {
    /**
     * Creates the reason.
     *
     * @throws NullPointerException if {@code pid} is null
     */
    public Killed {
      Objects.requireNonNull(pid, "pid");
    }
  }

  /**
   * The process asked for an orderly stop (Erlang's {@code shutdown}): it ended by throwing a
   * {@link ProcessExitException} with this reason, or, as the reason of an exit signal, {@code pid}
   * called {@link ProcessContext#exit(Pid, String)}. Not an {@linkplain #isAbnormal() abnormal}
   * end, but it still ends the linked processes that do not trap exits.
   *
   * @param pid the process that stopped, or that asked the receiver of the signal to stop
   * @param detail why, for people; may be empty
   * @since 0.1.0
   */
  record Shutdown(Pid pid, String detail) implements MonitorReason {
    /**
     * Creates the reason.
     *
     * @throws NullPointerException if any component is null
     */
    public Shutdown {
      Objects.requireNonNull(pid, "pid");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The process ended because an exit signal reached it while it did not trap exits: a process
   * linked to it ended abnormally (or with {@link Shutdown}), or {@code from} called {@link
   * ProcessContext#exit(Pid, String)} on it. {@code cause} is the signal's reason, about {@code
   * from}; along a chain of links it is the first process's reason, never another {@code Exited},
   * so every process of the chain names its neighbour and the cause that started it.
   *
   * @param pid the process
   * @param from the process whose exit signal ended it
   * @param cause the signal's reason: why {@code from} ended, or what it asked for
   * @since 0.1.0
   */
  record Exited(Pid pid, Pid from, MonitorReason cause) implements MonitorReason {
    /**
     * Creates the reason.
     *
     * @throws NullPointerException if any component is null
     * @throws IllegalArgumentException if {@code cause} is itself an {@code Exited}
     */
    public Exited {
      Objects.requireNonNull(pid, "pid");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(cause, "cause");
      if (cause instanceof Exited) {
        throw new IllegalArgumentException("the cause of an Exited is never an Exited: " + cause);
      }
    }

    /**
     * The reason a process ends with when a signal from {@code from} with {@code reason} reaches it
     * untrapped: an {@code Exited} that keeps the first cause of a chain.
     *
     * @param pid the process the signal ends
     * @param from the signal's sender
     * @param reason the signal's reason
     * @return the reason {@code pid} ends with
     * @throws NullPointerException if an argument is null
     */
    public static Exited of(Pid pid, Pid from, MonitorReason reason) {
      Objects.requireNonNull(reason, "reason");
      return new Exited(pid, from, reason instanceof Exited e ? e.cause() : reason);
    }
  }
}
