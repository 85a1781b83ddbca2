package io.distproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {

  /** Builds a remote config with one change and returns the lines of the error it causes. */
  private static List<String> remoteErrors(UnaryOperator<NodeConfig.Builder> change) {
    IllegalArgumentException e =
        catchThrowableOfType(
            IllegalArgumentException.class,
            () -> change.apply(NodeConfig.remote("alpha").plaintext()).build());
    assertThat(e).as("build() should have rejected the configuration").isNotNull();
    List<String> lines = e.getMessage().lines().toList();
    assertThat(lines.get(0)).isEqualTo("invalid configuration of node 'alpha':");
    return lines.subList(1, lines.size()).stream().map(String::strip).toList();
  }

  @Test
  void build_remoteDefaults_areValid() {
    NodeConfig config = NodeConfig.remote("alpha").plaintext().build();

    assertThat(config.isRemote()).isTrue();
    assertThat(config.name()).isEqualTo("alpha");
    assertThat(config.bindHost()).isEqualTo("0.0.0.0");
    assertThat(config.bindPort()).isZero();
    assertThat(config.advertisedHost()).isEmpty();
    assertThat(config.advertisedPort()).isEmpty();
    assertThat(config.seedNodes()).isEmpty();
    assertThat(config.heartbeatInterval()).isEqualTo(NodeConfig.DEFAULT_HEARTBEAT_INTERVAL);
    assertThat(config.heartbeatTimeout()).isEqualTo(NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT);
    assertThat(config.requestTimeout()).isEqualTo(NodeConfig.DEFAULT_REQUEST_TIMEOUT);
    assertThat(config.cookie()).isEmpty();
    assertThat(config.tls()).isEmpty();
  }

  @Test
  void build_remoteWithoutASecurityChoice_isRefused() {
    IllegalArgumentException e =
        catchThrowableOfType(
            IllegalArgumentException.class, () -> NodeConfig.remote("alpha").build());

    assertThat(e).isNotNull();
    assertThat(e.getMessage().lines().skip(1).map(String::strip))
        .containsExactly(
            "security: choose tls(TlsConfig) for encrypted, authenticated links, or plaintext()"
                + " for links anyone on the network can read");
  }

  @Test
  void build_bothTlsAndPlaintext_isRefused(@TempDir Path dir) throws IOException {
    Path pem = Files.writeString(dir.resolve("any.pem"), "not checked until the node starts");
    TlsConfig tls = TlsConfig.mutual(pem, pem, pem);

    assertThat(remoteErrors(b -> b.tls(tls)))
        .containsExactly("security: both tls(...) and plaintext() were set; choose one");
    assertThat(NodeConfig.remote("alpha").tls(tls).build().tls()).contains(tls);
  }

  @Test
  void build_everyRemoteSetting_isKept() {
    NodeConfig config =
        NodeConfig.remote("alpha")
            .bind("127.0.0.1", 7001)
            .advertise("alpha.example", 17001)
            .seedNode("beta", "beta.example", 7002)
            .seedNode("gamma.example", 7003)
            .heartbeat(Duration.ofMillis(100), Duration.ofMillis(250))
            .requestTimeout(Duration.ofSeconds(3))
            .cookie("s3cret")
            .plaintext()
            .build();

    assertThat(config.bindHost()).isEqualTo("127.0.0.1");
    assertThat(config.bindPort()).isEqualTo(7001);
    assertThat(config.advertisedHost()).contains("alpha.example");
    assertThat(config.advertisedPort()).contains(17001);
    assertThat(config.seedNodes())
        .containsExactly(
            SeedNode.of("beta", "beta.example", 7002), SeedNode.of("gamma.example", 7003));
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.heartbeatTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.cookie()).contains("s3cret");
    assertThat(config.toString()).contains("cookie=set").doesNotContain("s3cret");
  }

  @Test
  void build_malformedName_saysWhichFieldAndWhy() {
    for (String bad : List.of("", "-lead", "has space", "x".repeat(64), "ünïcode", "a/b")) {
      assertThatThrownBy(() -> NodeConfig.local(bad).build())
          .as("name '%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("name: node name '" + bad + "' is malformed");
    }
    assertThat(NodeConfig.local("a.b_c-9").build().name()).isEqualTo("a.b_c-9");
    assertThat(NodeConfig.local("x".repeat(63)).build().name()).hasSize(63);
  }

  @Test
  void build_badBind_saysWhichFieldAndWhy() {
    assertThat(remoteErrors(b -> b.bind(" ", 1))).containsExactly("bind: host must not be blank");
    assertThat(remoteErrors(b -> b.bind("0.0.0.0", -1)))
        .containsExactly("bind: port must be 0 to 65535, was -1");
    assertThat(remoteErrors(b -> b.bind("0.0.0.0", 65536)))
        .containsExactly("bind: port must be 0 to 65535, was 65536");
  }

  @Test
  void build_badAdvertise_saysWhichFieldAndWhy() {
    assertThat(remoteErrors(b -> b.advertise("host", 0)))
        .containsExactly("advertise: port must be 1 to 65535, was 0");
    assertThat(remoteErrors(b -> b.advertise("host", 65536)))
        .containsExactly("advertise: port must be 1 to 65535, was 65536");
    assertThat(remoteErrors(b -> b.advertise("  ", 7000)))
        .containsExactly("advertise: host must not be blank");
  }

  @Test
  void build_badHeartbeat_saysWhichFieldAndWhy() {
    assertThat(remoteErrors(b -> b.heartbeat(Duration.ZERO, Duration.ofSeconds(1))))
        .containsExactly("heartbeat: interval must be positive, was PT0S");
    assertThat(remoteErrors(b -> b.heartbeat(Duration.ofMillis(-5), Duration.ofSeconds(1))))
        .singleElement()
        .asString()
        .startsWith("heartbeat: interval must be positive");
    assertThat(remoteErrors(b -> b.heartbeat(Duration.ofSeconds(1), Duration.ofMillis(1999))))
        .containsExactly(
            "heartbeat: timeout (PT1.999S) must be at least twice the interval (PT1S)");
    assertThat(
            NodeConfig.remote("alpha")
                .heartbeat(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .plaintext()
                .build())
        .isNotNull();
  }

  @Test
  void build_badRequestTimeout_saysWhichFieldAndWhy() {
    assertThat(remoteErrors(b -> b.requestTimeout(Duration.ZERO)))
        .containsExactly("requestTimeout: must be positive, was PT0S");
    assertThat(remoteErrors(b -> b.requestTimeout(Duration.ofSeconds(-1))))
        .containsExactly("requestTimeout: must be positive, was PT-1S");
  }

  @Test
  void build_badCookie_saysWhichFieldAndWhy() {
    assertThat(remoteErrors(b -> b.cookie("")))
        .containsExactly("cookie: must be 1 to 255 characters");
    assertThat(remoteErrors(b -> b.cookie("c".repeat(256))))
        .containsExactly("cookie: must be 1 to 255 characters");
    assertThat(NodeConfig.remote("alpha").cookie("c".repeat(255)).plaintext().build().cookie())
        .isPresent();
  }

  @Test
  void build_seedWithOwnName_saysWhichFieldAndWhy() {
    assertThat(remoteErrors(b -> b.seedNode("alpha", "elsewhere", 7000)))
        .containsExactly("seedNode: alpha@elsewhere:7000 has this node's own name");
  }

  @Test
  void build_badSeed_isReportedByBuildWithTheOtherErrors() {
    assertThat(remoteErrors(b -> b.seedNode("beta", "host", 0).bind("0.0.0.0", -1)))
        .containsExactly(
            "seedNode: port must be 1 to 65535, was 0", "bind: port must be 0 to 65535, was -1");
    assertThat(remoteErrors(b -> b.seedNode("bad name", "host", 7000)))
        .singleElement()
        .asString()
        .startsWith("seedNode: node name 'bad name' is malformed");
    assertThat(remoteErrors(b -> b.seedNode("", 7000)))
        .singleElement()
        .asString()
        .startsWith("seedNode: host must be a non-blank name or address");
  }

  @Test
  void build_manyBadFields_reportsAllOfThemAtOnce() {
    IllegalArgumentException e =
        catchThrowableOfType(
            IllegalArgumentException.class,
            () ->
                NodeConfig.remote("bad name")
                    .bind("", 70000)
                    .advertise("host", 0)
                    .heartbeat(Duration.ZERO, Duration.ZERO)
                    .requestTimeout(Duration.ZERO)
                    .cookie("")
                    .seedNode("host", 0)
                    .build());

    assertThat(e).isNotNull();
    assertThat(e.getMessage().lines().skip(1).map(String::strip))
        .hasSize(9)
        .anySatisfy(l -> assertThat(l).startsWith("name: "))
        .anySatisfy(l -> assertThat(l).isEqualTo("bind: host must not be blank"))
        .anySatisfy(l -> assertThat(l).startsWith("bind: port"))
        .anySatisfy(l -> assertThat(l).startsWith("advertise: port"))
        .anySatisfy(l -> assertThat(l).startsWith("heartbeat: "))
        .anySatisfy(l -> assertThat(l).startsWith("requestTimeout: "))
        .anySatisfy(l -> assertThat(l).startsWith("cookie: "))
        .anySatisfy(l -> assertThat(l).startsWith("seedNode: "))
        .anySatisfy(l -> assertThat(l).startsWith("security: "));
  }

  @Test
  void build_localWithRemoteOnlySettings_rejectsEachOfThem() {
    IllegalArgumentException e =
        catchThrowableOfType(
            IllegalArgumentException.class,
            () ->
                NodeConfig.local("solo")
                    .bind("127.0.0.1", 7000)
                    .advertise("solo.example", 7000)
                    .seedNode("peer", "peer.example", 7001)
                    .seedNode("peer.example", 7001)
                    .heartbeat(Duration.ofSeconds(1), Duration.ofSeconds(3))
                    .requestTimeout(Duration.ofSeconds(1))
                    .cookie("secret")
                    .plaintext()
                    .build());

    assertThat(e).isNotNull();
    assertThat(e.getMessage().lines().skip(1).map(String::strip))
        .containsExactly(
            "bind: applies to remote nodes only; use NodeConfig.remote(name)",
            "advertise: applies to remote nodes only; use NodeConfig.remote(name)",
            "seedNode: applies to remote nodes only; use NodeConfig.remote(name)",
            "seedNode: applies to remote nodes only; use NodeConfig.remote(name)",
            "heartbeat: applies to remote nodes only; use NodeConfig.remote(name)",
            "requestTimeout: applies to remote nodes only; use NodeConfig.remote(name)",
            "cookie: applies to remote nodes only; use NodeConfig.remote(name)",
            "plaintext: applies to remote nodes only; use NodeConfig.remote(name)");
  }

  @Test
  void build_localDefaults_areValidAndLocal() {
    NodeConfig config = NodeConfig.local("solo").build();

    assertThat(config.isRemote()).isFalse();
    assertThat(config.seedNodes()).isEmpty();
    assertThat(config).hasToString("NodeConfig{local solo}");
  }

  @Test
  void setters_null_throwNullPointerAtOnce() {
    NodeConfig.Builder b = NodeConfig.remote("alpha");

    assertThatThrownBy(() -> NodeConfig.local(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> NodeConfig.remote(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.bind(null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.advertise(null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.heartbeat(null, Duration.ofSeconds(1)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.heartbeat(Duration.ofSeconds(1), null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.requestTimeout(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.cookie(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.seedNode(null, 1)).isInstanceOf(NullPointerException.class);
  }
}
