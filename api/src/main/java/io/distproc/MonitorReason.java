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
 * };
 * }</pre>
 *
 * <p>Every reason names the monitored {@link #pid()}. Instances are thread-safe.
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
}
