package io.distproc.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.distproc.benchmarks.Sides.Side;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotCacheTest {
  @TempDir Path dir;

  @Test
  void aJvmSidesFlagsGoBeforeItsClassPathAndPeerFlagsAreJoined() {
    Side side =
        Sides.javaSide("distproc", List.of("-Xmx4g", "-Dbench.peerFlags=-Xss1m"), "a.jar", "Main");

    Side with =
        side.withJvmFlags(List.of("-XX:AOTCache=x.aot", "-Dbench.peerFlags=-XX:AOTMode=on"));

    assertThat(with.command().subList(1, with.command().size()))
        .containsExactly(
            "-Xmx4g",
            "-Dbench.peerFlags=-Xss1m|-XX:AOTMode=on",
            "-XX:AOTCache=x.aot",
            "-cp",
            "a.jar",
            "Main");
    assertThat(with.command().get(0)).isEqualTo(side.command().get(0));
  }

  @Test
  void erlangTakesNoJvmFlags() {
    Side erlang = new Side("erlang", List.of("erl"), Map.of(), null, false);

    assertThatIllegalStateException().isThrownBy(() -> erlang.withJvmFlags(List.of("-Xmx1g")));
  }

  @Test
  void theMeasuredRunStartsFromItsCacheAndOneOfItsPeersCaches() throws Exception {
    AotCache aot = new AotCache(dir);
    List<String> training = aot.trainingFlags("pekko", "W9");
    assertThat(training)
        .containsExactly(
            "-XX:AOTCacheOutput=" + dir.resolve("pekko-W9.aot"),
            "-Dbench.peerFlags=-XX:AOTCacheOutput=" + dir.resolve("pekko-W9-peer-%p.aot"));
    // what the training JVM and its three other nodes would write
    Files.writeString(dir.resolve("pekko-W9.aot"), "a");
    for (String pid : new String[] {"pid12", "pid10", "pid11"}) {
      Files.writeString(dir.resolve("pekko-W9-peer-" + pid + ".aot"), pid);
    }
    Files.writeString(dir.resolve("pekko-W1-peer-pid9.aot"), "another workload's");

    List<String> use = aot.useFlags("pekko", "W9");

    assertThat(use)
        .containsExactly(
            "-XX:AOTMode=on",
            "-XX:AOTCache=" + dir.resolve("pekko-W9.aot"),
            "-Dbench.peerFlags=-XX:AOTMode=on|-XX:AOTCache=" + dir.resolve("pekko-W9-peer.aot"));
    assertThat(Files.readString(dir.resolve("pekko-W9-peer.aot"))).isEqualTo("pid10");
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("pekko-W9.aot", "pekko-W9-peer.aot", "pekko-W1-peer-pid9.aot");
    }
  }

  @Test
  void aWorkloadWithoutOtherNodesGetsNoPeerFlagsAndAMissingCacheFails() throws Exception {
    AotCache aot = new AotCache(dir);
    aot.trainingFlags("distproc", "W1");

    assertThatIOException()
        .isThrownBy(() -> aot.useFlags("distproc", "W1"))
        .withMessageContaining("wrote no AOT cache");

    Files.writeString(dir.resolve("distproc-W1.aot"), "a");
    assertThat(aot.useFlags("distproc", "W1"))
        .containsExactly("-XX:AOTMode=on", "-XX:AOTCache=" + dir.resolve("distproc-W1.aot"));
  }
}
