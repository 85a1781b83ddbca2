package io.distproc.node;

import static io.distproc.Matcher.any;

import io.distproc.InvalidNodeException;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.ProcessContext;
import io.distproc.otp.ChildSpec;
import io.distproc.otp.Strategy;
import io.distproc.otp.Supervisor;
import io.distproc.otp.SupervisorException;
import io.distproc.otp.SupervisorRef;
import io.distproc.otp.SupervisorSpec;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@value NodeProtocol#SUPERVISOR} behaviour: a process that starts, linked to itself, a
 * one-for-one supervisor of one permanent child, a behaviour started by name on a node of the
 * cluster, and then answers for it (see {@link NodeProtocol}). It does not trap exits: should the
 * supervisor give up, the link ends this process too.
 */
final class SupervisorBehaviour {
  private static final Logger LOG = LoggerFactory.getLogger("io.distproc.node.behaviours");

  /** The id of the supervisor's one child. */
  static final String CHILD = "child";

  /** How long a command to the supervisor may take. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

  private SupervisorBehaviour() {}

  /**
   * The process for an argument {@code <replyTo> <intensity> <periodMs> <node> <behaviour>
   * [argument]}.
   *
   * @throws IllegalArgumentException if the argument is malformed
   */
  static Process<String> create(String arg) {
    List<String> a = NodeProtocol.words(arg.strip(), 6);
    if (a.size() < 5) {
      throw new IllegalArgumentException(
          "supervisor argument must be '<replyTo> <intensity> <periodMs> <node> <behaviour>"
              + " [argument]', was '"
              + arg
              + "'");
    }
    Pid replyTo = NodeProtocol.parsePid(a.get(0));
    int intensity = Integer.parseInt(a.get(1));
    Duration period = Duration.ofMillis(Long.parseLong(a.get(2)));
    String node = a.get(3);
    String behaviour = a.get(4);
    String argument = a.size() > 5 ? a.get(5) : "";
    return ctx -> run(ctx, replyTo, intensity, period, node, behaviour, argument);
  }

  private static void run(
      ProcessContext<String> ctx,
      Pid replyTo,
      int intensity,
      Duration period,
      String node,
      String behaviour,
      String argument) {
    SupervisorRef<String> sup;
    try {
      NodeId where = BuiltInBehaviours.nodeNamed(ctx, node);
      SupervisorSpec<String> spec =
          SupervisorSpec.<String>builder()
              .strategy(Strategy.ONE_FOR_ONE)
              .intensity(intensity, period)
              .child(ChildSpec.remote(CHILD, where, behaviour, argument).build())
              .build();
      sup = Supervisor.startLink(ctx, spec);
    } catch (SupervisorException | IllegalArgumentException | InvalidNodeException e) {
      LOG.info("{}: supervisor failed to start: {}", NodeProtocol.pid(ctx.self()), e.toString());
      send(ctx, replyTo, NodeProtocol.message("error", NodeProtocol.SUPERVISOR, e.toString()));
      return;
    }
    send(ctx, replyTo, NodeProtocol.message("supervising", ctx.self(), sup.pid(), children(sup)));
    ctx.receiveLoop(any(m -> command(ctx, sup, m)));
  }

  /** Runs one command; returns false once the supervisor was stopped. */
  private static boolean command(ProcessContext<String> ctx, SupervisorRef<String> sup, String m) {
    List<String> w = NodeProtocol.words(m, 2);
    switch (w.getFirst()) {
      case "children" -> {
        if (w.size() < 2) {
          LOG.warn("{}: malformed '{}'", NodeProtocol.pid(ctx.self()), m);
          return true;
        }
        Pid to = NodeProtocol.parsePid(w.get(1).strip());
        try {
          send(ctx, to, NodeProtocol.message("children", ctx.self(), children(sup)));
        } catch (SupervisorException e) {
          send(ctx, to, NodeProtocol.message("error", "children", String.valueOf(e.getMessage())));
        }
        return true;
      }
      case "stop" -> {
        try {
          sup.stop(COMMAND_TIMEOUT);
        } catch (SupervisorException e) {
          LOG.info("{}: stop: {}", NodeProtocol.pid(ctx.self()), e.getMessage());
        }
        return false;
      }
      default -> {
        LOG.debug("{}: ignored '{}'", NodeProtocol.pid(ctx.self()), m);
        return true;
      }
    }
  }

  /** The supervisor's children as {@code id=pid,...}, {@code undefined} for one not running. */
  private static String children(SupervisorRef<String> sup) {
    return sup.whichChildren(COMMAND_TIMEOUT).stream()
        .map(c -> c.id() + "=" + c.pid().map(NodeProtocol::pid).orElse("undefined"))
        .collect(Collectors.joining(","));
  }

  private static void send(ProcessContext<String> ctx, Pid to, String message) {
    try {
      ctx.send(to, message);
    } catch (InvalidNodeException e) {
      LOG.debug(
          "{}: could not send '{}' to {}: {}",
          NodeProtocol.pid(ctx.self()),
          message,
          NodeProtocol.pid(to),
          e.getMessage());
    }
  }
}
