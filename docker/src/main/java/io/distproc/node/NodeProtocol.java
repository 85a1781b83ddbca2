package io.distproc.node;

import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The messages the built-in behaviours of the {@code distproc-node} image understand and send:
 * UTF-8 strings (the node's codec is {@link io.distproc.Codec#utf8()}) of words separated by single
 * spaces, the first word a verb. A pid is written {@code name#incarnation.id} (see {@link
 * #pid(Pid)}), a node {@code name#incarnation}, a monitor {@code id@watcherPid} ({@link
 * #ref(MonitorRef)}).
 *
 * <p>The behaviours, by the name a spawn uses, and what they take ({@code →} marks a reply):
 *
 * <ul>
 *   <li>{@value #ECHO} (argument ignored): {@code ping <replyTo> <text>} → {@code pong <self>
 *       <text>}; {@code stop} ends it normally.
 *   <li>{@value #FORWARD} (argument: a pid): every message {@code m} → {@code got <self> <m>} to
 *       that pid, broadcasts included; {@code stop} ends it normally.
 *   <li>{@value #CRASHER} (argument ignored): {@code crash <text>} makes it throw {@link
 *       IllegalStateException} with that text; {@code ping <replyTo> <text>} → {@code pong <self>
 *       <text>}, as echo answers; {@code exit} ends it normally.
 *   <li>{@value #SINK} (argument: the pid to report to): takes {@code seq <n>} messages; {@code end
 *       <last>} (sent by the emitter after its last {@code seq}) → {@code sunk <self>
 *       received=<count> duplicates=<d> reordered=<r> ranges=<ranges>} and ends. {@code ranges}
 *       lists what arrived, as in {@code 1-40,44-90} ({@code -} when nothing did).
 *   <li>{@value #EMITTER} (argument: {@code <sink> <intervalMs> <replyTo> [burst]}): sends {@code
 *       seq 1}, {@code seq 2}, ... to the sink, {@code burst} (default 1) every interval, waiting
 *       the interval in a receive so that it leaves its carrier thread to others (a process that
 *       never waits keeps its carrier: virtual threads are not preempted); a send that fails
 *       because the sink's node is not connected is counted as failed and not retried. {@code mark}
 *       → {@code mark <self> <lastSeq>}; {@code stop} → {@code end <lastSeq>} to the sink, then
 *       {@code emitted <self> last=<lastSeq> failed=<ranges>} to the reply pid, and it ends.
 *   <li>{@value #AGENT} (argument ignored): a remote control for tests. It answers {@code ping}
 *       like echo and runs these commands, where {@code <node>} is a node name:
 *       <ul>
 *         <li>{@code spawn <replyTo> <node> <behaviour> [argument]} → {@code spawned <pid>};
 *         <li>{@code spawn-monitored <replyTo> <node> <behaviour> [argument]} → {@code spawned
 *             <pid> <ref>}, and later the monitor's {@code down} notice;
 *         <li>{@code monitor <replyTo> <pid>} → {@code monitoring <pid> <ref>}, later {@code down
 *             <ref> <pid> <Reason> <detail>} where Reason is the simple name of the {@link
 *             io.distproc.MonitorReason} record, exactly once per monitor;
 *         <li>{@code send <pid> <text>}; {@code broadcast <node> <text>};
 *         <li>{@code nodes <replyTo>} → {@code nodes <self node> <node,node,...>};
 *         <li>{@code watch-nodes <replyTo>} → {@code watching <self node>}, and from then on {@code
 *             nodeup <node>} and {@code nodedown <node> <cause>} as this node sees them;
 *         <li>{@code stop} ends it. A command that fails → {@code error <command> <message>}.
 *       </ul>
 *   <li>{@value #WORKLOAD} (argument: an interval in milliseconds, default 2000): every interval,
 *       spawns an echo on every connected node with a monitor, pings it, logs the round trip, stops
 *       it and checks it ended normally. The compose cluster runs it as the initial process.
 *   <li>{@value #SUPERVISOR} (argument: {@code <replyTo> <intensity> <periodMs> <node> <behaviour>
 *       [argument]}): starts, linked to itself, a one-for-one supervisor ({@code io.distproc.otp})
 *       with that restart intensity, whose one permanent child, {@code child}, is {@code
 *       <behaviour>} started with {@code [argument]} on {@code <node>} (a node name, taken in the
 *       incarnation connected when the supervisor starts), and → {@code supervising <self>
 *       <supervisorPid> child=<childPid>}, or → {@code error supervisor <message>} if it cannot
 *       start it, and ends. Then {@code children <replyTo>} → {@code children <self> child=<pid>},
 *       the supervisor's {@code which_children}, with {@code undefined} for a child not running;
 *       {@code stop} stops the supervisor, which stops its child, and ends normally. It does not
 *       trap exits: a supervisor that gives up ends it too, through their link.
 * </ul>
 *
 * <p>Besides these messages the node writes event lines a harness can wait for (ready, node-up,
 * node-down), in the format of {@code io.distproc.node.events.NodeEvent}, which writes and reads
 * them.
 *
 * <p>This class is thread-safe (it has no state).
 *
 * @since 0.1.0
 */
public final class NodeProtocol {
  /** The echo behaviour's name. */
  public static final String ECHO = "echo";

  /** The forward behaviour's name. */
  public static final String FORWARD = "forward";

  /** The crasher behaviour's name. */
  public static final String CRASHER = "crasher";

  /** The sink behaviour's name. */
  public static final String SINK = "sink";

  /** The emitter behaviour's name. */
  public static final String EMITTER = "emitter";

  /** The agent behaviour's name. */
  public static final String AGENT = "agent";

  /** The workload behaviour's name. */
  public static final String WORKLOAD = "workload";

  /** The supervisor behaviour's name. */
  public static final String SUPERVISOR = "supervisor";

  private static final Pattern PID = Pattern.compile("([^#\\s]+)#(\\d+)\\.(\\d+)");
  private static final Pattern NODE = Pattern.compile("([^#\\s]+)#(\\d+)");

  private NodeProtocol() {}

  /**
   * Writes a pid as {@code name#incarnation.id}.
   *
   * @param pid the pid
   * @return its text
   * @throws NullPointerException if {@code pid} is null
   */
  public static String pid(Pid pid) {
    return node(pid.node()) + "." + pid.id();
  }

  /**
   * Reads a pid written by {@link #pid(Pid)}.
   *
   * @param text the text
   * @return the pid
   * @throws IllegalArgumentException if the text is not a pid
   */
  public static Pid parsePid(String text) {
    Matcher m = PID.matcher(Objects.requireNonNull(text, "text"));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a pid (name#incarnation.id): '" + text + "'");
    }
    return Pid.of(NodeId.of(m.group(1), Long.parseLong(m.group(2))), Long.parseLong(m.group(3)));
  }

  /**
   * Writes a node id as {@code name#incarnation}.
   *
   * @param node the node
   * @return its text
   * @throws NullPointerException if {@code node} is null
   */
  public static String node(NodeId node) {
    return node.name() + "#" + node.incarnation();
  }

  /**
   * Writes a monitor as {@code id@watcher}, the watcher's pid as {@link #pid(Pid)} writes it: ids
   * are unique per watching node, so the pid makes the text unique in the cluster.
   *
   * @param ref the monitor
   * @return its text
   * @throws NullPointerException if {@code ref} is null
   */
  public static String ref(MonitorRef ref) {
    return ref.id() + "@" + pid(ref.watcher());
  }

  /**
   * Reads a node id written by {@link #node(NodeId)}.
   *
   * @param text the text
   * @return the node id
   * @throws IllegalArgumentException if the text is not a node id
   */
  public static NodeId parseNode(String text) {
    Matcher m = NODE.matcher(Objects.requireNonNull(text, "text"));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a node id (name#incarnation): '" + text + "'");
    }
    return NodeId.of(m.group(1), Long.parseLong(m.group(2)));
  }

  /**
   * Splits a message into its first {@code limit - 1} words and the rest of the text.
   *
   * @param message the message
   * @param limit the most parts to return, at least 1
   * @return the parts; fewer when the message has fewer words
   * @throws NullPointerException if {@code message} is null
   */
  public static List<String> words(String message, int limit) {
    return List.of(message.split(" ", limit));
  }

  /**
   * Joins words into a message.
   *
   * @param words the words, each without spaces but the last
   * @return the message
   */
  public static String message(Object... words) {
    StringBuilder b = new StringBuilder();
    for (Object w : words) {
      if (!b.isEmpty()) {
        b.append(' ');
      }
      b.append(w instanceof Pid p ? pid(p) : w instanceof NodeId n ? node(n) : String.valueOf(w));
    }
    return b.toString();
  }

  /**
   * Writes a sorted set of sequence numbers as ranges, {@code 1-40,44,46-90}, or {@code -} when
   * empty.
   *
   * @param sorted ascending numbers without duplicates
   * @return the ranges
   */
  public static String ranges(List<Long> sorted) {
    if (sorted.isEmpty()) {
      return "-";
    }
    StringBuilder b = new StringBuilder();
    long start = sorted.getFirst();
    long prev = start;
    for (int i = 1; i <= sorted.size(); i++) {
      long n = i < sorted.size() ? sorted.get(i) : Long.MIN_VALUE;
      if (n != prev + 1) {
        if (!b.isEmpty()) {
          b.append(',');
        }
        b.append(start == prev ? String.valueOf(start) : start + "-" + prev);
        start = n;
      }
      prev = n;
    }
    return b.toString();
  }

  /**
   * Reads ranges written by {@link #ranges(List)}.
   *
   * @param text the ranges
   * @return the numbers, ascending
   * @throws IllegalArgumentException if the text is not ranges
   */
  public static List<Long> parseRanges(String text) {
    if (text.equals("-")) {
      return List.of();
    }
    java.util.ArrayList<Long> out = new java.util.ArrayList<>();
    try {
      for (String part : text.split(",")) {
        int dash = part.indexOf('-');
        long from = Long.parseLong(dash < 0 ? part : part.substring(0, dash));
        long to = dash < 0 ? from : Long.parseLong(part.substring(dash + 1));
        for (long n = from; n <= to; n++) {
          out.add(n);
        }
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not ranges: '" + text + "'", e);
    }
    return out;
  }
}
