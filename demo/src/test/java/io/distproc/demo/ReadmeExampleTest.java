package io.distproc.demo;

import static io.distproc.Matcher.on;
import static io.distproc.Matcher.onDown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.TlsConfig;
import io.distproc.otp.ChildSpec;
import io.distproc.otp.Restart;
import io.distproc.otp.ShutdownPolicy;
import io.distproc.otp.Strategy;
import io.distproc.otp.Supervisor;
import io.distproc.otp.SupervisorRef;
import io.distproc.otp.SupervisorSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Compiles and runs the README's example, and checks that the README quotes it verbatim. */
class ReadmeExampleTest {

  // spotless:off (quoted in the README as it is written)
  // README types begin
  sealed interface Msg permits Ping, Pong {}
  record Ping(Pid from, int n) implements Msg {}
  record Pong(int n) implements Msg {}
  // README types end
  // spotless:on

  @Test
  void readmeExample_runs_andPrintsWhatTheReadmeSays() throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      example();
    } finally {
      System.setOut(stdout);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).lines())
        .hasSize(2)
        .satisfies(lines -> assertThat(lines.get(0)).isEqualTo("pong 1"))
        .satisfies(
            lines ->
                assertThat(lines.get(1))
                    .startsWith("echo ended: Crashed[<alpha#")
                    .endsWith(" java.lang.IllegalStateException: unlucky number 13]"));
  }

  @Test
  void readme_quotesTheExampleVerbatim() throws IOException {
    String source =
        Files.readString(Path.of("src/test/java/io/distproc/demo/ReadmeExampleTest.java"));
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(readme)
        .contains(between(source, "// README types begin", "// README types end"))
        .contains(between(source, "// README example begins", "// README example ends"))
        .contains(between(source, "// README cluster begins", "// README cluster ends"))
        .contains(between(source, "// README supervision begins", "// README supervision ends"));
  }

  @Test
  void readmeSupervision_cacheCrashes_aNewCacheTakesItsPlace() throws Exception {
    try (Node<String> node = Node.start(NodeConfig.local("shop").build(), Codec.utf8())) {
      // spotless:off (quoted in the README as it is written)
      // README supervision begins
      Process<String> audit = ctx -> ctx.receiveLoop(on(String.class, line -> true));
      Process<String> cache = ctx -> ctx.receiveLoop(on(String.class, key -> {
        if (key.isEmpty()) {
          throw new IllegalArgumentException("empty key"); // a bug: the process crashes
        }
        return true;
      }));
      SupervisorRef<String> sup = Supervisor.start(node, SupervisorSpec.<String>builder()
          .strategy(Strategy.ONE_FOR_ONE)                  // or ONE_FOR_ALL, REST_FOR_ONE
          .intensity(3, Duration.ofSeconds(5))             // more restarts than that: give up
          .child(ChildSpec.worker("cache", cache).build()) // permanent, 5 s to stop
          .child(ChildSpec.worker("audit", audit)
              .restart(Restart.TRANSIENT)                  // restarted after a crash only
              .shutdown(ShutdownPolicy.brutalKill())       // killed when the tree stops
              .build())
          .build());
      Pid first = sup.whichChildren(Duration.ofSeconds(1)).get(0).pid().orElseThrow();
      CompletableFuture<MonitorReason> end = node.termination(first);
      node.send(first, "");                                // the cache crashes: end is Crashed,
      end.join();                                          // and a new cache takes its place
      // sup.stop(timeout) stops audit, then cache; in a tree, the supervisor above does that
      // README supervision ends
      // spotless:on

      assertThat(end.get(10, TimeUnit.SECONDS)).isInstanceOf(MonitorReason.Crashed.class);
      Pid second =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () ->
                      sup.whichChildren(Duration.ofSeconds(10))
                          .get(0)
                          .pid()
                          .filter(p -> !p.equals(first)),
                  Optional::isPresent)
              .orElseThrow();
      assertThat(second).isNotEqualTo(first);
      sup.stop(Duration.ofSeconds(10));
    }
  }

  private static void example() throws Exception {
    // spotless:off (quoted in the README as it is written)
    // README example begins
    try (Node<Msg> node = Node.start(NodeConfig.local("alpha").build(), Codec.localOnly())) {
      Pid echo = node.spawn(ctx -> ctx.receiveLoop(
          on(Ping.class, ping -> {
            if (ping.n() == 13) throw new IllegalStateException("unlucky number 13");
            ctx.send(ping.from(), new Pong(ping.n()));               // asynchronous, never blocks
            return true;                                             // keep looping
          })));
      Pid client = node.spawn(ctx -> {
        MonitorRef watch = ctx.monitor(echo);                        // exactly one Down notice
        ctx.send(echo, new Ping(ctx.self(), 1));
        int n = ctx.receive(on(Pong.class, Pong::n));                // selective receive
        System.out.println("pong " + n);
        ctx.send(echo, new Ping(ctx.self(), 13));                    // this one crashes echo
        Optional<MonitorReason> why =
            ctx.receive(Duration.ofSeconds(5), onDown(watch, Down::reason));
        System.out.println("echo ended: " + why.orElseThrow());      // Crashed[...: unlucky ...]
      });
      node.termination(client).get(10, TimeUnit.SECONDS);          // wait for the client's end
    }
    // README example ends
    // spotless:on
  }

  /** Compiled, not run: the README's cluster configuration (it needs real hosts). */
  @SuppressWarnings("unused")
  private static void clusterExample(Codec<Msg> codec) {
    // spotless:off (quoted in the README as it is written)
    // README cluster begins
    NodeConfig config = NodeConfig.remote("alpha")
        .bind("0.0.0.0", 7001).advertise("alpha.example", 7001)   // where it listens, how others reach it
        .seedNode("beta", "beta.example", 7002)                    // dialled in the background, and again
        .heartbeat(Duration.ofMillis(500), Duration.ofSeconds(2))  // a silent peer is down after 2 s
        .cookie("a-shared-secret")                                 // peers must prove the same one
        .tls(TlsConfig.mutual(Path.of("alpha.pem"), Path.of("alpha.key"), Path.of("ca.pem")))
        .build();                                                  // (or .plaintext(): a choice is required)

    Behaviours<Msg> behaviours = Behaviours.<Msg>builder()        // what other nodes may spawn here
        .add("echo", arg -> ctx -> ctx.receiveLoop(on(Ping.class, p -> {
          ctx.send(p.from(), new Pong(p.n()));
          return true;
        })))
        .build();

    try (Node<Msg> node = Node.builder(config, codec)
        .behaviours(behaviours)
        .onNodeDown(e -> System.err.println(e.node() + " is down: " + e.cause()))
        .start()) {
      node.awaitTermination(Duration.ofDays(365));                // serve until shut down
    }
    // README cluster ends
    // spotless:on
  }

  /** The lines between two marker-comment lines, without their common indentation. */
  private static String between(String text, String from, String to) throws IOException {
    List<String> all = text.lines().toList();
    int a = -1;
    int b = -1;
    for (int i = 0; i < all.size(); i++) {
      String line = all.get(i).strip();
      if (line.equals(from)) {
        a = i;
      } else if (line.equals(to) && a >= 0) {
        b = i;
        break;
      }
    }
    if (a < 0 || b < 0) {
      throw new IOException("marker lines not found: " + from + " / " + to);
    }
    List<String> lines = new ArrayList<>(all.subList(a + 1, b));
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      sb.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return sb.toString();
  }
}
