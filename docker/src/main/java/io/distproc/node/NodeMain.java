package io.distproc.node;

import io.distproc.Codec;
import io.distproc.DistprocException;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.node.events.NodeEvent;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.Security;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main of the {@code distproc-node} image: starts one remote node configured by environment
 * variables, registers the built-in behaviours of {@link NodeProtocol}, and runs until the
 * container is stopped (SIGTERM shuts the node down cleanly, telling its peers).
 *
 * <table class="striped">
 *   <caption>Environment variables (an empty value counts as unset)</caption>
 *   <thead><tr><th>variable</th><th>meaning</th><th>default</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code DISTPROC_NODE_NAME}</td><td>the node's name, unique in the cluster</td>
 *       <td>the container's host name ({@code HOSTNAME}: the container id under Docker, the pod's
 *       name under Kubernetes)</td></tr>
 *   <tr><td>{@code DISTPROC_BIND_HOST}</td><td>the address to listen on</td>
 *       <td>{@code 0.0.0.0}</td></tr>
 *   <tr><td>{@code DISTPROC_PORT}</td><td>the port to listen on; 0 picks one</td>
 *       <td>{@code 7000}</td></tr>
 *   <tr><td>{@code DISTPROC_ADVERTISE_HOST}</td><td>how other nodes reach this one (a container
 *       alias, a pod's DNS name)</td><td>derived by the runtime</td></tr>
 *   <tr><td>{@code DISTPROC_ADVERTISE_PORT}</td><td>the port other nodes use</td>
 *       <td>{@code DISTPROC_PORT}</td></tr>
 *   <tr><td>{@code DISTPROC_SEEDS}</td><td>nodes to connect to: comma-separated {@code
 *       name@host:port}, {@code host:port} or {@code host} (port {@code DISTPROC_PORT}); a host
 *       may be one DNS name that resolves to every node (a compose service, a Kubernetes headless
 *       service); entries naming this node are skipped, so all nodes can share one list</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code DISTPROC_COOKIE}</td><td>the cluster's shared secret</td><td>none</td></tr>
 *   <tr><td>{@code DISTPROC_SECURITY}</td><td>how links are secured: {@code mtls} (mutual TLS),
 *       {@code tls} (diallers stay anonymous) or {@code plaintext}</td><td>required</td></tr>
 *   <tr><td>{@code DISTPROC_TLS_CERT}, {@code DISTPROC_TLS_KEY}, {@code DISTPROC_TLS_TRUST}</td>
 *       <td>with TLS: this node's certificate chain, its PKCS#8 private key, and the trusted
 *       authorities, as PEM files in the container; the certificate names the node</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code DISTPROC_HEARTBEAT_INTERVAL_MS}</td><td>between heartbeats</td>
 *       <td>500</td></tr>
 *   <tr><td>{@code DISTPROC_HEARTBEAT_TIMEOUT_MS}</td><td>silence before a peer is down; at least
 *       twice the interval</td><td>2000</td></tr>
 *   <tr><td>{@code DISTPROC_REQUEST_TIMEOUT_MS}</td><td>deadline of requests to peers</td>
 *       <td>5000</td></tr>
 *   <tr><td>{@code DISTPROC_BEHAVIOURS}</td><td>comma-separated built-in behaviours to register,
 *       or {@code all}</td><td>{@code all}</td></tr>
 *   <tr><td>{@code DISTPROC_INITIAL}</td><td>a behaviour to run as the initial process: {@code
 *       workload} or {@code agent}</td><td>none</td></tr>
 *   <tr><td>{@code DISTPROC_LOG_LEVEL}</td><td>level of distproc's loggers</td>
 *       <td>{@code INFO}</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>Bad configuration: prints one line per bad variable on standard error, each starting with
 * {@code distproc-node: } and the variable's name, and exits with status 2. A node that cannot
 * start (no transport on the class path, the port taken) exits with status 1. Once running it logs
 * the event line {@code distproc-event ready node=<name#incarnation> address=<host>:<port>
 * detail=...}, and then {@code node-up}/{@code node-down} event lines as peers come and go, in the
 * format of {@code io.distproc.node.events.NodeEvent}. With the argument {@code --check} it only
 * validates the environment, prints the configuration and exits.
 *
 * <p>DNS answers are cached for one second and failures not at all, so a seed name that resolves to
 * the cluster's nodes follows the cluster as containers come and go.
 *
 * @since 0.1.0
 */
public final class NodeMain {
  private NodeMain() {}

  /**
   * Runs the node.
   *
   * @param args empty, or {@code --check}
   */
  public static void main(String[] args) {
    // Before anything resolves a name: a seed's DNS name must follow containers that come and go.
    Security.setProperty("networkaddress.cache.ttl", "1");
    Security.setProperty("networkaddress.cache.negative.ttl", "0");
    int status = run(System.getenv(), args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** What the runtime advertises without DISTPROC_ADVERTISE_HOST: the host name on a wildcard. */
  private static String derivedHost(InetSocketAddress bound) {
    if (bound.getAddress() == null || !bound.getAddress().isAnyLocalAddress()) {
      return bound.getHostString();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return bound.getHostString();
    }
  }

  /**
   * Runs the node and blocks until the JVM shuts down, or returns an exit status on bad
   * configuration or a failed start.
   */
  static int run(Map<String, String> env, String[] args, PrintStream out, PrintStream err) {
    boolean checkOnly = args.length == 1 && args[0].equals("--check");
    if (args.length > 0 && !checkOnly) {
      err.println(
          "distproc-node: unexpected arguments; the node is configured by DISTPROC_*"
              + " environment variables (see NodeMain), and takes only --check");
      return 2;
    }
    NodeSettings settings;
    try {
      settings = NodeSettings.parse(env);
    } catch (BadConfigException e) {
      for (String problem : e.problems()) {
        err.println("distproc-node: " + problem);
      }
      return 2;
    }
    if (checkOnly) {
      out.println(
          "distproc-node: configuration OK: "
              + settings.config()
              + " behaviours="
              + settings.behaviours()
              + " initial="
              + settings.initial().orElse("none"));
      return 0;
    }
    Logger log = LoggerFactory.getLogger("io.distproc.node");
    TreeSet<String> unknown = new TreeSet<>();
    for (String name : env.keySet()) {
      if (name.startsWith("DISTPROC_") && !NodeSettings.KNOWN.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      log.warn(
          "ignoring unknown variables {} (known: {})", unknown, new TreeSet<>(NodeSettings.KNOWN));
    }

    NodeConfig config = settings.config();
    NodeEvents events = new NodeEvents();
    Node.Builder<String> builder =
        Node.builder(config, Codec.utf8())
            .behaviours(BuiltInBehaviours.create(settings.behaviours(), events))
            .onNodeDown(events::onNodeDown);
    Node<String> node;
    try {
      node =
          settings.initial().isPresent()
              ? builder.start(
                  BuiltInBehaviours.behaviour(settings.initial().get(), events).create(""))
              : builder.start();
    } catch (IllegalStateException | DistprocException e) {
      log.error("distproc node {} could not start: {}", config.name(), e.getMessage());
      err.println("distproc-node: could not start node " + config.name() + ": " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("distproc node {} stopping", node.id().name());
                  node.close();
                  log.info("distproc node {} stopped", node.id().name());
                  stopped.countDown();
                },
                "distproc-node-shutdown"));
    InetSocketAddress bound = node.boundAddress().orElseThrow();
    String host = config.advertisedHost().orElseGet(() -> derivedHost(bound));
    int port = config.advertisedPort().orElse(bound.getPort());
    String detail =
        "listening on "
            + bound.getHostString()
            + ":"
            + bound.getPort()
            + ", seeds "
            + config.seedNodes()
            + ", behaviours "
            + settings.behaviours()
            + ", heartbeat "
            + config.heartbeatInterval().toMillis()
            + "/"
            + config.heartbeatTimeout().toMillis()
            + " ms";
    log.info("{}", new NodeEvent.Ready(node.id(), host, port, detail).format());
    // Only now: a reader takes the ready event as the start of this incarnation's events, so no
    // node-up may come before it (a peer that linked meanwhile is reported at the first poll).
    events.attach(node);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
