package io.distproc.otp;

import static io.distproc.Matcher.on;
import static io.distproc.otp.OtpTestSupport.WAIT;
import static io.distproc.otp.OtpTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distproc.Codec;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.Pid;
import io.distproc.Process;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The supervision example of the README (otp/README-snippet.md), compiled and checked. */
class SupervisionReadmeTest {
  private static final String START = "// readme:supervision-start";
  private static final String END = "// readme:supervision-end";

  @Test
  void readmeSnippet_javaBlock_isTheCompiledExample() throws Exception {
    List<String> source =
        Files.readAllLines(Path.of("src/test/java/io/distproc/otp/SupervisionReadmeTest.java"));
    int from = source.indexOf("      " + START);
    int to = source.indexOf("      " + END);
    List<String> example =
        source.subList(from + 1, to).stream().map(l -> l.replaceFirst("^ {6}", "")).toList();

    String snippet = Files.readString(Path.of("README-snippet.md"));
    String block = snippet.substring(snippet.indexOf("```java\n") + 8);
    block = block.substring(0, block.indexOf("```"));

    assertThat(from).isPositive();
    assertThat(block.lines().toList()).isEqualTo(example);
  }

  @Test
  void readmeExample_cacheCrashes_isReplacedByANewOne() throws Exception {
    try (Node<String> node = Node.start(NodeConfig.local("shop").build(), Codec.utf8())) {
      // readme:supervision-start
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
      // readme:supervision-end

      assertThat(get(end)).isInstanceOf(MonitorReason.Crashed.class);
      Pid second =
          await()
              .atMost(WAIT)
              .until(
                  () ->
                      sup.whichChildren(WAIT).get(0).pid().filter(p -> !p.equals(first)),
                  Optional::isPresent)
              .orElseThrow();
      assertThat(second).isNotEqualTo(first);
      CompletableFuture<MonitorReason> supEnd = node.termination(sup.pid());
      sup.stop(WAIT);
      assertThat(get(supEnd)).isEqualTo(new MonitorReason.Normal(sup.pid()));
    }
  }
}
