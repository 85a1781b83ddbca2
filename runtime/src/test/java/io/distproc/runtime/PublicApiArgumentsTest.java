package io.distproc.runtime;

import static io.distproc.runtime.TestSupport.WAIT;
import static io.distproc.runtime.TestSupport.get;
import static io.distproc.runtime.TestSupport.localNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.Behaviour;
import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.EmptyMatchersException;
import io.distproc.InitMoreThanOnceException;
import io.distproc.InvalidNodeException;
import io.distproc.LocalOnlyModeException;
import io.distproc.Matcher;
import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.ProcessContext;
import io.distproc.ReceiveMark;
import io.distproc.SeedNode;
import io.distproc.TlsConfig;
import io.distproc.spi.NodeStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every public method that takes arguments, given a null or an out-of-range one, throws the
 * exception its Javadoc's {@code @throws} promises, and the node it was called on still works. One
 * row per method and bad argument.
 */
class PublicApiArgumentsTest {
  private static final InMemoryNetwork NETWORK = new InMemoryNetwork();
  private static final NodeId NOWHERE = NodeId.of("nowhere", 1);
  private static final Pid FAR = Pid.of(NOWHERE, 1);
  private static final Matcher<Object, Object> ANY = Matcher.any(m -> m);

  private static Node<Object> local;
  private static Node<String> remote;
  private static Node<String> peer;
  private static Pid somebody;
  private static ProcessContext<Object> parked;
  private static final CompletableFuture<Void> release = new CompletableFuture<>();

  @TempDir static Path dir;

  @BeforeAll
  static void startNodes() throws Exception {
    local = localNode("sweep");
    remote = startRemote("remote");
    peer = startRemote("peer");
    somebody = local.spawn(ctx -> ctx.receive(ANY));
    CompletableFuture<ProcessContext<Object>> ctxOut = new CompletableFuture<>();
    local.spawn(
        ctx -> {
          ctxOut.complete(ctx);
          release.join();
        });
    parked = get(ctxOut);
  }

  private static Node<String> startRemote(String name) {
    return NodeImpl.start(
        new NodeStart<>(
            NodeConfig.remote(name).bind(InMemoryNetwork.HOST, 0).plaintext().build(),
            Codec.utf8(),
            Behaviours.none(),
            List.of(),
            Optional.empty()),
        NETWORK.factory());
  }

  @AfterAll
  static void stillWorkThenClose() throws Exception {
    release.complete(null);
    // Whatever was thrown, the nodes still spawn, deliver and link.
    assertThat(
            TestSupport.<Object>inProcess(
                local,
                ctx -> {
                  Pid self = ctx.self();
                  ctx.send(self, "still here");
                  return ctx.receive(ANY);
                }))
        .isEqualTo("still here");
    assertThat(remote.addRemoteNode(InMemoryNetwork.HOST, port(peer), "peer")).isEqualTo(peer.id());
    local.close();
    remote.close();
    peer.close();
  }

  private static int port(Node<?> node) {
    return node.boundAddress().orElseThrow().getPort();
  }

  /** A row: what is called, what it must throw. */
  private static Arguments row(
      String what, Class<? extends Throwable> expected, ThrowingCallable call) {
    return Arguments.of(what, expected, call);
  }

  /** Runs {@code body} in a process of the local node; rethrows what it threw. */
  private static ThrowingCallable inProcess(TestSupport.Body<?> body) {
    return () -> {
      try {
        TestSupport.inProcess(local, body);
      } catch (ExecutionException e) {
        throw e.getCause();
      }
    };
  }

  private static Path file(String name) throws Exception {
    Path p = dir.resolve(name);
    if (!Files.exists(p)) {
      Files.writeString(p, "not really a certificate");
    }
    return p;
  }

  private static NodeConfig.Builder remoteConfig() {
    return NodeConfig.remote("x").plaintext();
  }

  static Stream<Arguments> rows() throws Exception {
    Behaviour<Object> nothing = arg -> ctx -> {};
    Matcher<Object, Boolean> stop = Matcher.any(m -> false);
    X509KeyManager keys = null;
    X509TrustManager trust = null;
    MonitorRef ref = MonitorRef.of(Pid.of(NodeId.of("a", 1), 1), Pid.of(NodeId.of("b", 1), 1), 1);
    List<Arguments> rows = new ArrayList<>();
    // ---- Node and Node.Builder
    rows.add(
        row(
            "Node.start(null config)",
            NullPointerException.class,
            () -> Node.start(null, Codec.localOnly())));
    rows.add(
        row(
            "Node.start(null codec)",
            NullPointerException.class,
            () -> Node.start(NodeConfig.local("n").build(), null)));
    rows.add(
        row(
            "Node.builder(null config)",
            NullPointerException.class,
            () -> Node.builder(null, Codec.localOnly())));
    rows.add(
        row(
            "Node.builder(null codec)",
            NullPointerException.class,
            () -> Node.builder(NodeConfig.local("n").build(), null)));
    rows.add(
        row(
            "Builder.behaviours(null)",
            NullPointerException.class,
            () -> Node.builder(NodeConfig.local("n").build(), Codec.localOnly()).behaviours(null)));
    rows.add(
        row(
            "Builder.onNodeDown(null)",
            NullPointerException.class,
            () -> Node.builder(NodeConfig.local("n").build(), Codec.localOnly()).onNodeDown(null)));
    rows.add(
        row(
            "Builder.start(null initial)",
            NullPointerException.class,
            () -> Node.builder(NodeConfig.local("n").build(), Codec.localOnly()).start(null)));
    rows.add(
        row(
            "Builder.start() twice",
            InitMoreThanOnceException.class,
            () -> {
              Node.Builder<Object> builder =
                  Node.builder(NodeConfig.local("twice").build(), Codec.localOnly());
              Node<Object> once = builder.start();
              try {
                builder.start();
              } finally {
                once.close();
              }
            }));
    rows.add(row("Node.spawn(null)", NullPointerException.class, () -> local.spawn(null)));
    rows.add(row("Node.send(null pid)", NullPointerException.class, () -> local.send(null, "m")));
    rows.add(
        row(
            "Node.send(null message)",
            NullPointerException.class,
            () -> local.send(somebody, null)));
    rows.add(
        row(
            "Node.send(pid of an unknown node)",
            InvalidNodeException.class,
            () -> local.send(FAR, "m")));
    rows.add(
        row(
            "Node.broadcast(null node)",
            NullPointerException.class,
            () -> local.broadcast(null, "m")));
    rows.add(
        row(
            "Node.broadcast(null message)",
            NullPointerException.class,
            () -> local.broadcast(local.id(), null)));
    rows.add(
        row(
            "Node.broadcast(unknown node)",
            InvalidNodeException.class,
            () -> local.broadcast(NOWHERE, "m")));
    rows.add(
        row("Node.termination(null)", NullPointerException.class, () -> local.termination(null)));
    rows.add(
        row(
            "Node.termination(pid of another node)",
            IllegalArgumentException.class,
            () -> local.termination(FAR)));
    rows.add(
        row("Node.remoteNode(null)", NullPointerException.class, () -> local.remoteNode(null)));
    rows.add(
        row(
            "Node.addRemoteNode in local-only mode",
            LocalOnlyModeException.class,
            () -> local.addRemoteNode("127.0.0.1", 1, "peer")));
    rows.add(
        row(
            "Node.removeRemoteNode in local-only mode",
            LocalOnlyModeException.class,
            () -> local.removeRemoteNode(NOWHERE)));
    rows.add(
        row(
            "Node.addRemoteNode(null host)",
            NullPointerException.class,
            () -> remote.addRemoteNode(null, port(peer), "peer")));
    rows.add(
        row(
            "Node.addRemoteNode(null name)",
            NullPointerException.class,
            () -> remote.addRemoteNode(InMemoryNetwork.HOST, port(peer), null)));
    rows.add(
        row(
            "Node.addRemoteNode(blank host)",
            IllegalArgumentException.class,
            () -> remote.addRemoteNode(" ", port(peer), "peer")));
    rows.add(
        row(
            "Node.addRemoteNode(port 0)",
            IllegalArgumentException.class,
            () -> remote.addRemoteNode(InMemoryNetwork.HOST, 0, "peer")));
    rows.add(
        row(
            "Node.addRemoteNode(port 65536)",
            IllegalArgumentException.class,
            () -> remote.addRemoteNode(InMemoryNetwork.HOST, 65536, "peer")));
    rows.add(
        row(
            "Node.addRemoteNode(malformed name)",
            IllegalArgumentException.class,
            () -> remote.addRemoteNode(InMemoryNetwork.HOST, port(peer), "no spaces")));
    rows.add(
        row(
            "Node.removeRemoteNode(null)",
            NullPointerException.class,
            () -> remote.removeRemoteNode(null)));
    rows.add(
        row(
            "Node.awaitTermination(null)",
            NullPointerException.class,
            () -> local.awaitTermination(null)));
    // ---- ProcessContext
    rows.add(row("ctx.spawn(null)", NullPointerException.class, inProcess(ctx -> ctx.spawn(null))));
    rows.add(
        row(
            "ctx.spawnMonitored(null)",
            NullPointerException.class,
            inProcess(ctx -> ctx.spawnMonitored(null))));
    rows.add(
        row(
            "ctx.spawn(null node, behaviour, argument)",
            NullPointerException.class,
            inProcess(ctx -> ctx.spawn(null, "b", "a"))));
    rows.add(
        row(
            "ctx.spawn(node, null behaviour, argument)",
            NullPointerException.class,
            inProcess(ctx -> ctx.spawn(ctx.self().node(), null, "a"))));
    rows.add(
        row(
            "ctx.spawn(node, behaviour, null argument)",
            NullPointerException.class,
            inProcess(ctx -> ctx.spawn(ctx.self().node(), "b", null))));
    rows.add(
        row(
            "ctx.spawn(unknown node, ...)",
            InvalidNodeException.class,
            inProcess(ctx -> ctx.spawn(NOWHERE, "b", "a"))));
    rows.add(
        row(
            "ctx.spawnMonitored(unknown node, ...)",
            InvalidNodeException.class,
            inProcess(ctx -> ctx.spawnMonitored(NOWHERE, "b", "a"))));
    rows.add(
        row(
            "ctx.send(null pid)",
            NullPointerException.class,
            inProcess(
                ctx -> {
                  ctx.send(null, "m");
                  return null;
                })));
    rows.add(
        row(
            "ctx.send(null message)",
            NullPointerException.class,
            inProcess(
                ctx -> {
                  ctx.send(somebody, null);
                  return null;
                })));
    rows.add(
        row(
            "ctx.send(pid of an unknown node)",
            InvalidNodeException.class,
            inProcess(
                ctx -> {
                  ctx.send(FAR, "m");
                  return null;
                })));
    rows.add(
        row(
            "ctx.broadcast(null node)",
            NullPointerException.class,
            inProcess(
                ctx -> {
                  ctx.broadcast(null, "m");
                  return null;
                })));
    rows.add(
        row(
            "ctx.broadcast(unknown node)",
            InvalidNodeException.class,
            inProcess(
                ctx -> {
                  ctx.broadcast(NOWHERE, "m");
                  return null;
                })));
    rows.add(
        row(
            "ctx.receive(null matcher)",
            NullPointerException.class,
            inProcess(ctx -> ctx.receive((Matcher<Object, Object>) null))));
    rows.add(
        row(
            "ctx.receive(a null among the matchers)",
            NullPointerException.class,
            inProcess(ctx -> ctx.receive(java.util.Arrays.asList(ANY, null)))));
    rows.add(
        row(
            "ctx.receive(matcher, null)",
            NullPointerException.class,
            inProcess(ctx -> ctx.receive(ANY, null))));
    rows.add(
        row(
            "ctx.receiveLoop(null)",
            NullPointerException.class,
            inProcess(
                ctx -> {
                  ctx.receiveLoop((Matcher<Object, Boolean>) null);
                  return null;
                })));
    rows.add(
        row(
            "ctx.receiveLoop(null timeout, matcher)",
            NullPointerException.class,
            inProcess(ctx -> ctx.receiveLoop((Duration) null, stop))));
    rows.add(
        row(
            "ctx.receive(null mark, matcher)",
            NullPointerException.class,
            inProcess(ctx -> ctx.receive((ReceiveMark) null, ANY))));
    rows.add(
        row(
            "ctx.receive(no matchers)",
            EmptyMatchersException.class,
            inProcess(ctx -> ctx.receive(List.<Matcher<Object, Object>>of()))));
    rows.add(
        row(
            "ctx.receive(null timeout, matcher)",
            NullPointerException.class,
            inProcess(ctx -> ctx.receive((Duration) null, ANY))));
    rows.add(
        row(
            "ctx.receive(timeout, no matchers)",
            EmptyMatchersException.class,
            inProcess(ctx -> ctx.receive(WAIT, List.<Matcher<Object, Object>>of()))));
    rows.add(
        row(
            "ctx.receive(another process's mark, matcher)",
            IllegalArgumentException.class,
            inProcess(ctx -> ctx.receive(get(markOfAnotherProcess()), ANY))));
    rows.add(
        row(
            "ctx.receiveLoop(no matchers)",
            EmptyMatchersException.class,
            inProcess(
                ctx -> {
                  ctx.receiveLoop(List.<Matcher<Object, Boolean>>of());
                  return null;
                })));
    rows.add(
        row("ctx.monitor(null)", NullPointerException.class, inProcess(ctx -> ctx.monitor(null))));
    rows.add(
        row(
            "ctx.monitor(pid of an unknown node)",
            InvalidNodeException.class,
            inProcess(ctx -> ctx.monitor(FAR))));
    rows.add(
        row(
            "ctx.unmonitor(null)",
            NullPointerException.class,
            inProcess(
                ctx -> {
                  ctx.unmonitor(null);
                  return null;
                })));
    rows.add(
        row(
            "ctx.remoteNode(null)",
            NullPointerException.class,
            inProcess(ctx -> ctx.remoteNode(null))));
    rows.add(
        row(
            "ctx.addRemoteNode in local-only mode",
            LocalOnlyModeException.class,
            inProcess(ctx -> ctx.addRemoteNode("127.0.0.1", 1, "peer"))));
    rows.add(
        row(
            "ctx.removeRemoteNode in local-only mode",
            LocalOnlyModeException.class,
            inProcess(
                ctx -> {
                  ctx.removeRemoteNode(NOWHERE);
                  return null;
                })));
    rows.add(
        row(
            "ctx.receive from another thread",
            IllegalStateException.class,
            () -> parked.receive(Duration.ZERO, ANY)));
    rows.add(
        row(
            "ctx.spawnMonitored from another thread",
            IllegalStateException.class,
            () -> parked.spawnMonitored(ctx -> {})));
    rows.add(
        row(
            "ctx.monitor from another thread",
            IllegalStateException.class,
            () -> parked.monitor(somebody)));
    rows.add(
        row(
            "ctx.unmonitor from another thread",
            IllegalStateException.class,
            () -> parked.unmonitor(ref)));
    // ---- NodeConfig and its builder: nulls at once, the rest at build()
    rows.add(
        row("NodeConfig.local(null)", NullPointerException.class, () -> NodeConfig.local(null)));
    rows.add(
        row("NodeConfig.remote(null)", NullPointerException.class, () -> NodeConfig.remote(null)));
    rows.add(
        row(
            "NodeConfig.local(blank name).build()",
            IllegalArgumentException.class,
            () -> NodeConfig.local(" ").build()));
    rows.add(
        row(
            "NodeConfig.remote(malformed name).build()",
            IllegalArgumentException.class,
            () -> NodeConfig.remote("a/b").plaintext().build()));
    rows.add(
        row(
            "NodeConfig.local(..).bind(..) (remote only)",
            IllegalArgumentException.class,
            () -> NodeConfig.local("n").bind("127.0.0.1", 0).build()));
    rows.add(
        row("bind(null host)", NullPointerException.class, () -> remoteConfig().bind(null, 0)));
    rows.add(
        row(
            "bind(blank host)",
            IllegalArgumentException.class,
            () -> remoteConfig().bind(" ", 0).build()));
    rows.add(
        row(
            "bind(port -1)",
            IllegalArgumentException.class,
            () -> remoteConfig().bind("127.0.0.1", -1).build()));
    rows.add(
        row(
            "bind(port 65536)",
            IllegalArgumentException.class,
            () -> remoteConfig().bind("127.0.0.1", 65536).build()));
    rows.add(
        row(
            "advertise(null host)",
            NullPointerException.class,
            () -> remoteConfig().advertise(null, 1)));
    rows.add(
        row(
            "advertise(port 0)",
            IllegalArgumentException.class,
            () -> remoteConfig().advertise("h", 0).build()));
    rows.add(
        row(
            "advertise(port 65536)",
            IllegalArgumentException.class,
            () -> remoteConfig().advertise("h", 65536).build()));
    rows.add(
        row(
            "seedNode(null name, host, port)",
            NullPointerException.class,
            () -> remoteConfig().seedNode(null, "h", 1)));
    rows.add(
        row(
            "seedNode(name, null host, port)",
            NullPointerException.class,
            () -> remoteConfig().seedNode("n", null, 1)));
    rows.add(
        row(
            "seedNode(null host, port)",
            NullPointerException.class,
            () -> remoteConfig().seedNode(null, 1)));
    rows.add(
        row(
            "seedNode(host, port 0)",
            IllegalArgumentException.class,
            () -> remoteConfig().seedNode("h", 0).build()));
    rows.add(
        row(
            "seedNode(malformed name, host, port)",
            IllegalArgumentException.class,
            () -> remoteConfig().seedNode("a b", "h", 1).build()));
    rows.add(
        row(
            "seedNode(this node's own name)",
            IllegalArgumentException.class,
            () -> remoteConfig().seedNode("x", "h", 1).build()));
    rows.add(
        row(
            "heartbeat(null interval)",
            NullPointerException.class,
            () -> remoteConfig().heartbeat(null, Duration.ofSeconds(1))));
    rows.add(
        row(
            "heartbeat(null timeout)",
            NullPointerException.class,
            () -> remoteConfig().heartbeat(Duration.ofSeconds(1), null)));
    rows.add(
        row(
            "heartbeat(zero interval)",
            IllegalArgumentException.class,
            () -> remoteConfig().heartbeat(Duration.ZERO, Duration.ofSeconds(1)).build()));
    rows.add(
        row(
            "heartbeat(negative interval)",
            IllegalArgumentException.class,
            () -> remoteConfig().heartbeat(Duration.ofMillis(-1), Duration.ofSeconds(1)).build()));
    rows.add(
        row(
            "heartbeat(timeout under twice the interval)",
            IllegalArgumentException.class,
            () ->
                remoteConfig().heartbeat(Duration.ofSeconds(1), Duration.ofMillis(1999)).build()));
    rows.add(
        row(
            "requestTimeout(null)",
            NullPointerException.class,
            () -> remoteConfig().requestTimeout(null)));
    rows.add(
        row(
            "requestTimeout(zero)",
            IllegalArgumentException.class,
            () -> remoteConfig().requestTimeout(Duration.ZERO).build()));
    rows.add(
        row(
            "requestTimeout(negative)",
            IllegalArgumentException.class,
            () -> remoteConfig().requestTimeout(Duration.ofSeconds(-1)).build()));
    rows.add(row("cookie(null)", NullPointerException.class, () -> remoteConfig().cookie(null)));
    rows.add(
        row(
            "cookie(empty)",
            IllegalArgumentException.class,
            () -> remoteConfig().cookie("").build()));
    rows.add(
        row(
            "cookie(256 characters)",
            IllegalArgumentException.class,
            () -> remoteConfig().cookie("c".repeat(256)).build()));
    rows.add(row("tls(null)", NullPointerException.class, () -> remoteConfig().tls(null)));
    rows.add(
        row(
            "tls(..) and plaintext()",
            IllegalArgumentException.class,
            () -> remoteConfig().tls(TlsConfig.mutual(file("c"), file("k"), file("t"))).build()));
    rows.add(
        row(
            "neither tls(..) nor plaintext()",
            IllegalArgumentException.class,
            () -> NodeConfig.remote("x").build()));
    // ---- TlsConfig
    rows.add(
        row(
            "TlsConfig.mutual(null chain, ..)",
            NullPointerException.class,
            () -> TlsConfig.mutual(null, file("k"), file("t"))));
    rows.add(
        row(
            "TlsConfig.mutual(.., null key, ..)",
            NullPointerException.class,
            () -> TlsConfig.mutual(file("c"), null, file("t"))));
    rows.add(
        row(
            "TlsConfig.mutual(.., null trust)",
            NullPointerException.class,
            () -> TlsConfig.mutual(file("c"), file("k"), null)));
    rows.add(
        row(
            "TlsConfig.mutual(missing file, ..)",
            IllegalArgumentException.class,
            () -> TlsConfig.mutual(dir.resolve("missing"), file("k"), file("t"))));
    rows.add(
        row(
            "TlsConfig.serverOnly(directory, ..)",
            IllegalArgumentException.class,
            () -> TlsConfig.serverOnly(file("c"), dir, file("t"))));
    rows.add(
        row(
            "TlsConfig.serverOnly(null chain, ..)",
            NullPointerException.class,
            () -> TlsConfig.serverOnly(null, file("k"), file("t"))));
    rows.add(
        row(
            "TlsConfig.mutual(null key manager, ..)",
            NullPointerException.class,
            () -> TlsConfig.mutual(keys, trust)));
    rows.add(
        row(
            "TlsConfig.serverOnly(null key manager, ..)",
            NullPointerException.class,
            () -> TlsConfig.serverOnly(keys, trust)));
    rows.add(
        row(
            "TlsConfig.mutual(null SSLContext)",
            NullPointerException.class,
            () -> TlsConfig.mutual((SSLContext) null)));
    rows.add(
        row(
            "TlsConfig.serverOnly(null SSLContext)",
            NullPointerException.class,
            () -> TlsConfig.serverOnly((SSLContext) null)));
    // ---- identifiers
    rows.add(row("NodeId.of(null, 1)", NullPointerException.class, () -> NodeId.of(null, 1)));
    rows.add(row("NodeId.of(blank, 1)", IllegalArgumentException.class, () -> NodeId.of(" ", 1)));
    rows.add(
        row("NodeId.of(malformed, 1)", IllegalArgumentException.class, () -> NodeId.of("a b", 1)));
    rows.add(row("NodeId.of(name, 0)", IllegalArgumentException.class, () -> NodeId.of("a", 0)));
    rows.add(row("NodeId.of(name, -1)", IllegalArgumentException.class, () -> NodeId.of("a", -1)));
    rows.add(
        row("NodeId.checkName(null)", NullPointerException.class, () -> NodeId.checkName(null)));
    rows.add(
        row(
            "NodeId.checkName(too long)",
            IllegalArgumentException.class,
            () -> NodeId.checkName("n".repeat(1000))));
    rows.add(
        row("NodeId.compareTo(null)", NullPointerException.class, () -> NOWHERE.compareTo(null)));
    rows.add(row("Pid.of(null, 1)", NullPointerException.class, () -> Pid.of(null, 1)));
    rows.add(row("Pid.of(node, 0)", IllegalArgumentException.class, () -> Pid.of(NOWHERE, 0)));
    rows.add(row("Pid.of(node, -1)", IllegalArgumentException.class, () -> Pid.of(NOWHERE, -1)));
    rows.add(
        row(
            "MonitorRef.of(null watcher, ..)",
            NullPointerException.class,
            () -> MonitorRef.of(null, FAR, 1)));
    rows.add(
        row(
            "MonitorRef.of(.., null target, ..)",
            NullPointerException.class,
            () -> MonitorRef.of(FAR, null, 1)));
    rows.add(
        row(
            "MonitorRef.of(.., 0)",
            IllegalArgumentException.class,
            () -> MonitorRef.of(FAR, FAR, 0)));
    rows.add(
        row("SeedNode.of(null, port)", NullPointerException.class, () -> SeedNode.of(null, 1)));
    rows.add(
        row("SeedNode.of(blank, port)", IllegalArgumentException.class, () -> SeedNode.of(" ", 1)));
    rows.add(
        row("SeedNode.of(host, 0)", IllegalArgumentException.class, () -> SeedNode.of("h", 0)));
    rows.add(
        row(
            "SeedNode.of(host, 65536)",
            IllegalArgumentException.class,
            () -> SeedNode.of("h", 65536)));
    rows.add(
        row(
            "SeedNode.of(null name, host, port)",
            NullPointerException.class,
            () -> SeedNode.of(null, "h", 1)));
    rows.add(
        row(
            "SeedNode.of(malformed name, host, port)",
            IllegalArgumentException.class,
            () -> SeedNode.of("a b", "h", 1)));
    // ---- Matcher
    rows.add(
        row(
            "Matcher.on(null predicate, handler)",
            NullPointerException.class,
            () -> Matcher.on((java.util.function.Predicate<Object>) null, m -> m)));
    rows.add(
        row(
            "Matcher.on(predicate, null handler)",
            NullPointerException.class,
            () -> Matcher.on(m -> true, null)));
    rows.add(
        row(
            "Matcher.on(null class, handler)",
            NullPointerException.class,
            () -> Matcher.<Object, String, Object>on((Class<String>) null, s -> s)));
    rows.add(
        row(
            "Matcher.on(class, null predicate, handler)",
            NullPointerException.class,
            () -> Matcher.<Object, String, Object>on(String.class, null, s -> s)));
    rows.add(row("Matcher.any(null)", NullPointerException.class, () -> Matcher.any(null)));
    rows.add(row("Matcher.onDown(null)", NullPointerException.class, () -> Matcher.onDown(null)));
    rows.add(
        row(
            "Matcher.onDown(null ref, handler)",
            NullPointerException.class,
            () -> Matcher.onDown(null, d -> d)));
    rows.add(
        row(
            "Matcher.onDown(ref, null handler)",
            NullPointerException.class,
            () -> Matcher.onDown(ref, null)));
    // ---- Behaviours
    rows.add(
        row(
            "Behaviours.Builder.add(null name, ..)",
            NullPointerException.class,
            () -> Behaviours.builder().add(null, nothing)));
    rows.add(
        row(
            "Behaviours.Builder.add(name, null)",
            NullPointerException.class,
            () -> Behaviours.<Object>builder().add("b", null)));
    rows.add(
        row(
            "Behaviours.Builder.add(malformed name, ..)",
            IllegalArgumentException.class,
            () -> Behaviours.builder().add("", nothing)));
    rows.add(
        row(
            "Behaviours.Builder.add(the same name twice)",
            IllegalArgumentException.class,
            () -> Behaviours.builder().add("b", nothing).add("b", nothing)));
    rows.add(
        row(
            "Behaviours.find(null)",
            NullPointerException.class,
            () -> Behaviours.none().find(null)));
    return rows.stream();
  }

  /** A mark taken by another process, which then ends. */
  private static CompletableFuture<ReceiveMark> markOfAnotherProcess() {
    CompletableFuture<ReceiveMark> mark = new CompletableFuture<>();
    local.spawn(ctx -> mark.complete(ctx.mark()));
    return mark;
  }

  @ParameterizedTest(name = "{0} throws {1}")
  @MethodSource("rows")
  void badArgument_throwsTheDocumentedException(
      String what, Class<? extends Throwable> expected, ThrowingCallable call) {
    assertThatThrownBy(call).as(what).isExactlyInstanceOf(expected);
  }

  @Test
  void negativeTimeouts_meanDoNotWait_asDocumented() throws Exception {
    long began = System.nanoTime();
    assertThat(
            TestSupport.<Optional<Object>>inProcess(
                local, ctx -> ctx.receive(Duration.ofSeconds(-5), ANY)))
        .isEmpty();
    assertThat(local.awaitTermination(Duration.ofSeconds(-5))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(WAIT);
  }
}
