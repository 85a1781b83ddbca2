package io.distproc.node;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;

import io.distproc.Behaviour;
import io.distproc.Behaviours;
import io.distproc.Down;
import io.distproc.InvalidNodeException;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.ProcessContext;
import io.distproc.Spawned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The behaviours of the node image, speaking {@link NodeProtocol}. Each is a small state machine on
 * one process: they never share state, and a malformed message is logged and skipped rather than
 * crashing the process (except the crasher's {@code crash}, whose purpose it is).
 */
final class BuiltInBehaviours {
  private static final Logger LOG = LoggerFactory.getLogger("io.distproc.node.behaviours");
  private static final Duration WORKLOAD_PATIENCE = Duration.ofSeconds(5);
  private static final java.util.Set<String> REPLYING =
      java.util.Set.of("spawn", "spawn-monitored", "monitor", "nodes", "watch-nodes");

  /** Every behaviour name, in the order DISTPROC_BEHAVIOURS=all registers them. */
  static final List<String> NAMES =
      List.of(
          NodeProtocol.AGENT,
          NodeProtocol.ECHO,
          NodeProtocol.FORWARD,
          NodeProtocol.CRASHER,
          NodeProtocol.SINK,
          NodeProtocol.EMITTER,
          NodeProtocol.WORKLOAD,
          NodeProtocol.SUPERVISOR);

  /** The behaviours that may run as the initial process (DISTPROC_INITIAL), with no argument. */
  static final List<String> INITIAL_NAMES = List.of(NodeProtocol.WORKLOAD, NodeProtocol.AGENT);

  private BuiltInBehaviours() {}

  /** Registers the named behaviours. */
  static Behaviours<String> create(List<String> names, NodeEvents events) {
    Behaviours.Builder<String> b = Behaviours.builder();
    for (String name : names) {
      b.add(name, behaviour(name, events));
    }
    return b.build();
  }

  /** The behaviour of a name in {@link #NAMES}. */
  static Behaviour<String> behaviour(String name, NodeEvents events) {
    return switch (name) {
      case NodeProtocol.ECHO -> arg -> BuiltInBehaviours::echo;
      case NodeProtocol.FORWARD -> arg -> ctx -> forward(ctx, NodeProtocol.parsePid(arg.strip()));
      case NodeProtocol.CRASHER -> arg -> BuiltInBehaviours::crasher;
      case NodeProtocol.SINK -> arg -> ctx -> sink(ctx, NodeProtocol.parsePid(arg.strip()));
      case NodeProtocol.EMITTER -> BuiltInBehaviours::emitter;
      case NodeProtocol.AGENT -> arg -> ctx -> agent(ctx, events);
      case NodeProtocol.WORKLOAD ->
          arg ->
              ctx ->
                  workload(
                      ctx, Duration.ofMillis(arg.isBlank() ? 2000 : Long.parseLong(arg.strip())));
      case NodeProtocol.SUPERVISOR -> SupervisorBehaviour::create;
      default -> throw new IllegalArgumentException("no built-in behaviour '" + name + "'");
    };
  }

  // ---- echo, forward, crasher
  // --------------------------------------------------------------------

  static void echo(ProcessContext<String> ctx) {
    ctx.receiveLoop(any(m -> pingOrStop(ctx, m)));
  }

  /** Answers {@code ping}; returns false for {@code stop}. */
  private static boolean pingOrStop(ProcessContext<String> ctx, String m) {
    List<String> w = NodeProtocol.words(m, 3);
    switch (w.getFirst()) {
      case "ping" -> {
        if (w.size() < 2) {
          LOG.warn("{}: malformed ping '{}'", NodeProtocol.pid(ctx.self()), m);
          return true;
        }
        String text = w.size() == 3 ? w.get(2) : "";
        sendQuietly(
            ctx, NodeProtocol.parsePid(w.get(1)), NodeProtocol.message("pong", ctx.self(), text));
        return true;
      }
      case "stop" -> {
        return false;
      }
      default -> {
        LOG.debug("{}: ignored '{}'", NodeProtocol.pid(ctx.self()), m);
        return true;
      }
    }
  }

  static void forward(ProcessContext<String> ctx, Pid target) {
    ctx.receiveLoop(
        any(
            m -> {
              if (m.equals("stop")) {
                return false;
              }
              sendQuietly(ctx, target, NodeProtocol.message("got", ctx.self(), m));
              return true;
            }));
  }

  static void crasher(ProcessContext<String> ctx) {
    ctx.receiveLoop(
        any(
            m -> {
              List<String> w = NodeProtocol.words(m, 2);
              switch (w.getFirst()) {
                case "crash" -> throw new IllegalStateException(w.size() > 1 ? w.get(1) : "crash");
                case "ping" -> {
                  return pingOrStop(ctx, m);
                }
                default -> {
                  return !w.getFirst().equals("exit");
                }
              }
            }));
  }

  // ---- sink and emitter
  // --------------------------------------------------------------------------

  static void sink(ProcessContext<String> ctx, Pid reportTo) {
    BitSet received = new BitSet();
    long[] counts = new long[3]; // messages, duplicates, reordered
    long[] highest = {0};
    ctx.receiveLoop(
        any(
            m -> {
              List<String> w = NodeProtocol.words(m, 3);
              switch (w.getFirst()) {
                case "seq" -> {
                  int n = Integer.parseInt(w.get(1));
                  counts[0]++;
                  if (received.get(n)) {
                    counts[1]++;
                  } else if (n < highest[0]) {
                    counts[2]++;
                  }
                  received.set(n);
                  highest[0] = Math.max(highest[0], n);
                  return true;
                }
                case "end", "report" -> {
                  Pid to =
                      w.getFirst().equals("report") ? NodeProtocol.parsePid(w.get(1)) : reportTo;
                  List<Long> got = received.stream().mapToObj(i -> (long) i).toList();
                  sendQuietly(
                      ctx,
                      to,
                      NodeProtocol.message(
                          "sunk",
                          ctx.self(),
                          "received=" + counts[0],
                          "duplicates=" + counts[1],
                          "reordered=" + counts[2],
                          "ranges=" + NodeProtocol.ranges(got)));
                  return w.getFirst().equals("report");
                }
                default -> {
                  return true;
                }
              }
            }));
  }

  static Process<String> emitter(String arg) {
    List<String> a = NodeProtocol.words(arg.strip(), 4);
    if (a.size() < 3) {
      throw new IllegalArgumentException(
          "emitter argument must be '<sink> <intervalMs> <replyTo> [burst]'");
    }
    Pid sink = NodeProtocol.parsePid(a.get(0));
    Duration interval = Duration.ofMillis(Long.parseLong(a.get(1)));
    Pid replyTo = NodeProtocol.parsePid(a.get(2));
    int burst = a.size() > 3 ? Integer.parseInt(a.get(3)) : 1;
    if (burst < 1) {
      throw new IllegalArgumentException("emitter burst must be at least 1, was " + burst);
    }
    return ctx -> {
      long seq = 0;
      List<Long> failed = new ArrayList<>();
      while (true) {
        for (int i = 0; i < burst; i++) {
          seq++;
          try {
            ctx.send(sink, "seq " + seq);
          } catch (InvalidNodeException e) {
            failed.add(seq);
          }
        }
        long last = seq;
        Optional<String> control =
            ctx.receive(interval, on(m -> m.equals("mark") || m.equals("stop"), m -> m));
        if (control.isEmpty()) {
          continue;
        }
        if (control.get().equals("mark")) {
          sendQuietly(ctx, replyTo, NodeProtocol.message("mark", ctx.self(), last));
          continue;
        }
        sendQuietly(ctx, sink, "end " + last);
        sendQuietly(
            ctx,
            replyTo,
            NodeProtocol.message(
                "emitted", ctx.self(), "last=" + last, "failed=" + NodeProtocol.ranges(failed)));
        return;
      }
    };
  }

  // ---- agent
  // -------------------------------------------------------------------------------------

  static void agent(ProcessContext<String> ctx, NodeEvents events) {
    Map<MonitorRef, Pid> monitors = new HashMap<>();
    ctx.receiveLoop(
        onDown(
            (Down d) -> {
              Pid to = monitors.remove(d.ref());
              if (to != null) {
                sendQuietly(
                    ctx,
                    to,
                    NodeProtocol.message(
                        "down",
                        NodeProtocol.ref(d.ref()),
                        d.pid(),
                        d.reason().getClass().getSimpleName(),
                        detail(d.reason())));
              }
              return true;
            }),
        any(
            m -> {
              try {
                return command(ctx, events, monitors, m);
              } catch (RuntimeException e) {
                LOG.info(
                    "{}: command '{}' failed: {}", NodeProtocol.pid(ctx.self()), m, e.toString());
                List<String> w = NodeProtocol.words(m, 3);
                if (w.size() > 1 && REPLYING.contains(w.getFirst())) {
                  sendQuietly(
                      ctx,
                      NodeProtocol.parsePid(w.get(1)),
                      NodeProtocol.message("error", w.getFirst(), e.toString()));
                }
                return true;
              }
            }));
  }

  private static boolean command(
      ProcessContext<String> ctx, NodeEvents events, Map<MonitorRef, Pid> monitors, String m) {
    List<String> w = NodeProtocol.words(m, 2);
    String verb = w.getFirst();
    String rest = w.size() > 1 ? w.get(1) : "";
    switch (verb) {
      case "ping", "stop" -> {
        return pingOrStop(ctx, m);
      }
      case "spawn", "spawn-monitored" -> {
        List<String> a = NodeProtocol.words(rest, 4); // replyTo node behaviour [argument]
        Pid replyTo = NodeProtocol.parsePid(a.get(0));
        NodeId node = nodeNamed(ctx, a.get(1));
        String argument = a.size() > 3 ? a.get(3) : "";
        if (verb.equals("spawn")) {
          ctx.send(replyTo, NodeProtocol.message("spawned", ctx.spawn(node, a.get(2), argument)));
        } else {
          Spawned s = ctx.spawnMonitored(node, a.get(2), argument);
          monitors.put(s.monitor(), replyTo);
          ctx.send(
              replyTo, NodeProtocol.message("spawned", s.pid(), NodeProtocol.ref(s.monitor())));
        }
      }
      case "monitor" -> {
        List<String> a = NodeProtocol.words(rest, 2);
        Pid replyTo = NodeProtocol.parsePid(a.get(0));
        Pid target = NodeProtocol.parsePid(a.get(1).strip());
        MonitorRef ref = ctx.monitor(target);
        monitors.put(ref, replyTo);
        ctx.send(replyTo, NodeProtocol.message("monitoring", target, NodeProtocol.ref(ref)));
      }
      case "send" -> {
        List<String> a = NodeProtocol.words(rest, 2);
        ctx.send(NodeProtocol.parsePid(a.get(0)), a.size() > 1 ? a.get(1) : "");
      }
      case "broadcast" -> {
        List<String> a = NodeProtocol.words(rest, 2);
        ctx.broadcast(nodeNamed(ctx, a.get(0)), a.size() > 1 ? a.get(1) : "");
      }
      case "nodes" -> {
        String nodes =
            ctx.remoteNodes().stream().map(NodeProtocol::node).collect(Collectors.joining(","));
        ctx.send(
            NodeProtocol.parsePid(rest.strip()),
            NodeProtocol.message("nodes", ctx.node(), nodes.isEmpty() ? "-" : nodes));
      }
      case "watch-nodes" -> {
        Pid watcher = NodeProtocol.parsePid(rest.strip());
        events.watch(watcher);
        ctx.send(watcher, NodeProtocol.message("watching", ctx.node()));
      }
      default -> LOG.info("{}: unknown command '{}'", NodeProtocol.pid(ctx.self()), m);
    }
    return true;
  }

  /** This node or the connected node of that name, in its current incarnation. */
  static NodeId nodeNamed(ProcessContext<String> ctx, String name) {
    if (name.equals(ctx.node().name())) {
      return ctx.node();
    }
    return ctx.remoteNode(name)
        .orElseThrow(() -> new IllegalArgumentException("node " + name + " is not connected"));
  }

  private static String detail(MonitorReason reason) {
    return switch (reason) {
      case MonitorReason.Crashed c ->
          c.exceptionClass() + (c.message().isEmpty() ? "" : ": " + c.message());
      case MonitorReason.NodeDown d -> NodeProtocol.node(d.node());
      case MonitorReason.UnknownNode u -> NodeProtocol.node(u.node());
      case MonitorReason.Normal n -> "-";
      case MonitorReason.NoProcess p -> "-";
      case MonitorReason.Killed k -> "-";
      case MonitorReason.Shutdown s -> s.detail().isEmpty() ? "-" : s.detail();
      case MonitorReason.Exited e -> e.from() + " " + e.cause().getClass().getSimpleName();
    };
  }

  // ---- workload
  // ----------------------------------------------------------------------------------

  /** Pings an echo on every connected node, forever: the compose cluster's visible heartbeat. */
  static void workload(ProcessContext<String> ctx, Duration interval) {
    LOG.info(
        "workload: every {} ms, a round trip to an echo spawned on each connected node",
        interval.toMillis());
    long round = 0;
    while (true) {
      round++;
      for (NodeId node : ctx.remoteNodes()) {
        try {
          long t0 = System.nanoTime();
          Spawned echo = ctx.spawnMonitored(node, NodeProtocol.ECHO, "");
          ctx.send(echo.pid(), NodeProtocol.message("ping", ctx.self(), "round-" + round));
          Optional<String> pong =
              ctx.receive(
                  WORKLOAD_PATIENCE,
                  on(m -> m.startsWith("pong " + NodeProtocol.pid(echo.pid()) + " "), m -> m));
          long micros = (System.nanoTime() - t0) / 1000;
          ctx.send(echo.pid(), "stop");
          Optional<MonitorReason> end =
              ctx.receive(WORKLOAD_PATIENCE, onDown(echo.monitor(), Down::reason));
          if (end.isEmpty()) {
            ctx.unmonitor(echo.monitor());
          }
          if (pong.isPresent() && end.orElse(null) instanceof MonitorReason.Normal) {
            LOG.info(
                "workload: round {}: spawn + ping {} on {} took {} us, it ended normally",
                round,
                NodeProtocol.pid(echo.pid()),
                NodeProtocol.node(node),
                micros);
          } else {
            LOG.warn(
                "workload: round {}: echo on {}: pong {}, end {}",
                round,
                NodeProtocol.node(node),
                pong.isPresent() ? "received" : "missing",
                end.map(Object::toString).orElse("not seen"));
          }
        } catch (InvalidNodeException e) {
          LOG.info("workload: round {}: {} left meanwhile", round, NodeProtocol.node(node));
        }
      }
      ctx.receive(interval, any(m -> m)); // paces the rounds; drops stray replies
    }
  }

  private static void sendQuietly(ProcessContext<String> ctx, Pid to, String message) {
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
