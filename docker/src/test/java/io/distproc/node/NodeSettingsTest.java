package io.distproc.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.distproc.NodeConfig;
import io.distproc.SeedNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSettingsTest {

  /** The given variables, with DISTPROC_SECURITY=plaintext unless they set it themselves. */
  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("DISTPROC_SECURITY", "plaintext");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private static List<String> problems(Map<String, String> env) {
    return catchThrowableOfType(BadConfigException.class, () -> NodeSettings.parse(env)).problems();
  }

  @Test
  void parse_onlyName_usesDefaults() {
    NodeSettings s = NodeSettings.parse(env("DISTPROC_NODE_NAME", "alpha"));

    NodeConfig c = s.config();
    assertThat(c.name()).isEqualTo("alpha");
    assertThat(c.isRemote()).isTrue();
    assertThat(c.bindHost()).isEqualTo("0.0.0.0");
    assertThat(c.bindPort()).isEqualTo(7000);
    assertThat(c.advertisedHost()).isEmpty();
    assertThat(c.seedNodes()).isEmpty();
    assertThat(c.cookie()).isEmpty();
    assertThat(c.heartbeatInterval()).isEqualTo(NodeConfig.DEFAULT_HEARTBEAT_INTERVAL);
    assertThat(c.heartbeatTimeout()).isEqualTo(NodeConfig.DEFAULT_HEARTBEAT_TIMEOUT);
    assertThat(s.behaviours()).containsExactlyElementsOf(BuiltInBehaviours.NAMES);
    assertThat(s.initial()).isEmpty();
  }

  @Test
  void parse_everyVariable_buildsTheConfig() {
    NodeSettings s =
        NodeSettings.parse(
            env(
                "DISTPROC_NODE_NAME", "beta",
                "DISTPROC_BIND_HOST", "127.0.0.1",
                "DISTPROC_PORT", "7100",
                "DISTPROC_ADVERTISE_HOST", "beta.example",
                "DISTPROC_ADVERTISE_PORT", "17100",
                "DISTPROC_SEEDS", "alpha@alpha.example:7000, gamma:7002",
                "DISTPROC_COOKIE", "s3cret",
                "DISTPROC_HEARTBEAT_INTERVAL_MS", "200",
                "DISTPROC_HEARTBEAT_TIMEOUT_MS", "1000",
                "DISTPROC_REQUEST_TIMEOUT_MS", "3000",
                "DISTPROC_BEHAVIOURS", "echo, agent",
                "DISTPROC_INITIAL", "workload"));

    NodeConfig c = s.config();
    assertThat(c.bindHost()).isEqualTo("127.0.0.1");
    assertThat(c.bindPort()).isEqualTo(7100);
    assertThat(c.advertisedHost()).contains("beta.example");
    assertThat(c.advertisedPort()).contains(17100);
    assertThat(c.seedNodes())
        .containsExactly(SeedNode.of("alpha", "alpha.example", 7000), SeedNode.of("gamma", 7002));
    assertThat(c.cookie()).contains("s3cret");
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(c.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.behaviours()).containsExactly("echo", "agent");
    assertThat(s.initial()).contains("workload");
  }

  @Test
  void parse_noSecurityChoice_saysItIsRequired() {
    assertThat(problems(env("DISTPROC_NODE_NAME", "alpha", "DISTPROC_SECURITY", "")))
        .containsExactly(
            "DISTPROC_SECURITY: required: mtls (with DISTPROC_TLS_CERT, DISTPROC_TLS_KEY,"
                + " DISTPROC_TLS_TRUST), tls (the same files; diallers stay anonymous), or plaintext");
    assertThat(problems(env("DISTPROC_NODE_NAME", "alpha", "DISTPROC_SECURITY", "ssl")))
        .containsExactly("DISTPROC_SECURITY: must be mtls, tls or plaintext, was 'ssl'");
  }

  @Test
  void parse_mtlsWithItsFiles_buildsMutualTls(@TempDir Path dir) throws IOException {
    Path cert = Files.writeString(dir.resolve("node.pem"), "cert");
    Path key = Files.writeString(dir.resolve("node.key"), "key");
    Path trust = Files.writeString(dir.resolve("ca.pem"), "ca");
    String[] files = {
      "DISTPROC_TLS_CERT",
      cert.toString(),
      "DISTPROC_TLS_KEY",
      key.toString(),
      "DISTPROC_TLS_TRUST",
      trust.toString()
    };

    NodeConfig mutual = NodeSettings.parse(env(with(files, "DISTPROC_SECURITY", "mtls"))).config();
    NodeConfig server = NodeSettings.parse(env(with(files, "DISTPROC_SECURITY", "tls"))).config();

    assertThat(mutual.tls())
        .hasValueSatisfying(
            t -> {
              assertThat(t.isMutual()).isTrue();
              assertThat(t.certificateChain()).contains(cert);
              assertThat(t.privateKey()).contains(key);
              assertThat(t.trustedCertificates()).contains(trust);
            });
    assertThat(server.tls()).hasValueSatisfying(t -> assertThat(t.isMutual()).isFalse());
  }

  @Test
  void parse_tlsWithoutItsFiles_namesEachMissingOrUnreadableOne(@TempDir Path dir)
      throws IOException {
    assertThat(problems(env("DISTPROC_NODE_NAME", "alpha", "DISTPROC_SECURITY", "mtls")))
        .containsExactly(
            "DISTPROC_TLS_CERT: required when DISTPROC_SECURITY is mtls (a PEM file inside the container)",
            "DISTPROC_TLS_KEY: required when DISTPROC_SECURITY is mtls (a PEM file inside the container)",
            "DISTPROC_TLS_TRUST: required when DISTPROC_SECURITY is mtls (a PEM file inside the container)");
    Path cert = Files.writeString(dir.resolve("node.pem"), "cert");
    assertThat(
            problems(
                env(
                    "DISTPROC_NODE_NAME",
                    "alpha",
                    "DISTPROC_SECURITY",
                    "tls",
                    "DISTPROC_TLS_CERT",
                    cert.toString(),
                    "DISTPROC_TLS_KEY",
                    dir.resolve("missing.key").toString(),
                    "DISTPROC_TLS_TRUST",
                    dir.toString())))
        .containsExactly(
            "DISTPROC_TLS_KEY: " + dir.resolve("missing.key") + " is not a readable file",
            "DISTPROC_TLS_TRUST: " + dir + " is not a readable file");
  }

  @Test
  void parse_plaintextWithTlsFiles_isAnError() {
    assertThat(problems(env("DISTPROC_NODE_NAME", "alpha", "DISTPROC_TLS_CERT", "/certs/node.pem")))
        .containsExactly("DISTPROC_TLS_CERT: set, but DISTPROC_SECURITY is plaintext");
  }

  /** The pairs, then more pairs, then the name alpha. */
  private static String[] with(String[] pairs, String... more) {
    return Stream.of(pairs, more, new String[] {"DISTPROC_NODE_NAME", "alpha"})
        .flatMap(Arrays::stream)
        .toArray(String[]::new);
  }

  @Test
  void parse_advertiseHostWithoutPort_advertisesTheBindPort() {
    NodeConfig c =
        NodeSettings.parse(
                env(
                    "DISTPROC_NODE_NAME",
                    "alpha",
                    "DISTPROC_ADVERTISE_HOST",
                    "alpha",
                    "DISTPROC_PORT",
                    "7001"))
            .config();

    assertThat(c.advertisedHost()).contains("alpha");
    assertThat(c.advertisedPort()).contains(7001);
  }

  @Test
  void parse_blankValues_countAsUnset() {
    NodeConfig c =
        NodeSettings.parse(
                env(
                    "DISTPROC_NODE_NAME",
                    "alpha",
                    "DISTPROC_COOKIE",
                    "",
                    "DISTPROC_SEEDS",
                    " ",
                    "DISTPROC_PORT",
                    ""))
            .config();

    assertThat(c.cookie()).isEmpty();
    assertThat(c.seedNodes()).isEmpty();
    assertThat(c.bindPort()).isEqualTo(7000);
  }

  @Test
  void parseSeeds_everyForm_parses() {
    List<String> problems = new ArrayList<>();

    List<SeedNode> seeds =
        NodeSettings.parseSeeds(
            "alpha@alpha:7001,beta@beta,10.0.0.7:7003,cluster,[::1]:7004,gamma@[fd00::7]:7005,,",
            "delta",
            7000,
            problems);

    assertThat(problems).isEmpty();
    assertThat(seeds)
        .containsExactly(
            SeedNode.of("alpha", "alpha", 7001),
            SeedNode.of("beta", "beta", 7000),
            SeedNode.of("10.0.0.7", 7003),
            SeedNode.of("cluster", 7000),
            SeedNode.of("::1", 7004),
            SeedNode.of("gamma", "fd00::7", 7005));
  }

  @Test
  void parseSeeds_entryNamingThisNode_isSkipped() {
    List<String> problems = new ArrayList<>();

    List<SeedNode> seeds =
        NodeSettings.parseSeeds(
            "alpha@alpha:7000,beta@beta:7000,gamma@gamma:7000", "beta", 7000, problems);

    assertThat(problems).isEmpty();
    assertThat(seeds).extracting(s -> s.name().orElseThrow()).containsExactly("alpha", "gamma");
  }

  @Test
  void parseSeeds_badEntries_reportedInOneLine() {
    List<String> problems = new ArrayList<>();

    NodeSettings.parseSeeds(
        "alpha@alpha:x,b@d@e:1,gamma:0,ok:7000,bad name@h:1", "self", 7000, problems);

    assertThat(problems).hasSize(1);
    assertThat(problems.getFirst())
        .startsWith("DISTPROC_SEEDS: ")
        .contains("'alpha@alpha:x': port must be a number")
        .contains("'b@d@e:1' is not name@host:port")
        .contains("'gamma:0': port must be 1 to 65535")
        .contains("'bad name@h:1'")
        .doesNotContain("ok:7000");
  }

  @Test
  void parseSeeds_noPortWhenOwnPortIsZero_isAnError() {
    List<String> problems = new ArrayList<>();

    NodeSettings.parseSeeds("cluster", "alpha", 0, problems);

    assertThat(problems)
        .containsExactly(
            "DISTPROC_SEEDS: 'cluster' needs a port (DISTPROC_PORT is 0, so there is no default)");
  }

  @Test
  void parse_noName_takesTheHostName() {
    NodeSettings s = NodeSettings.parse(env("HOSTNAME", "3f9c2a1b7d0e"));

    assertThat(s.config().name()).isEqualTo("3f9c2a1b7d0e");
  }

  @Test
  void parse_givenName_winsOverTheHostName() {
    NodeSettings s =
        NodeSettings.parse(env("DISTPROC_NODE_NAME", "alpha", "HOSTNAME", "3f9c2a1b7d0e"));

    assertThat(s.config().name()).isEqualTo("alpha");
  }

  @Test
  void parse_malformedHostName_saysWhereTheNameCameFrom() {
    assertThat(problems(env("HOSTNAME", "-odd")))
        .singleElement()
        .asString()
        .startsWith("DISTPROC_NODE_NAME (unset, so HOSTNAME): node name '-odd' is malformed");
  }

  @Test
  void parse_missingName_saysItIsRequired() {
    assertThat(problems(env()))
        .containsExactly(
            "DISTPROC_NODE_NAME: required when HOSTNAME is unset: the node's name, unique in the cluster (e.g. alpha)");
  }

  @Test
  void parse_everyBadVariable_oneLineEachNamingIt() {
    List<String> problems =
        problems(
            env(
                "DISTPROC_NODE_NAME", "-bad",
                "DISTPROC_PORT", "70000",
                "DISTPROC_ADVERTISE_PORT", "x",
                "DISTPROC_HEARTBEAT_INTERVAL_MS", "0",
                "DISTPROC_HEARTBEAT_TIMEOUT_MS", "soon",
                "DISTPROC_REQUEST_TIMEOUT_MS", "-1",
                "DISTPROC_COOKIE", "c".repeat(256),
                "DISTPROC_BEHAVIOURS", "echo,dance,sing",
                "DISTPROC_INITIAL", "echo",
                "DISTPROC_SEEDS", "a@b:c"));

    assertThat(problems)
        .extracting(p -> p.substring(0, p.indexOf(':')))
        .containsExactlyInAnyOrder(
            "DISTPROC_NODE_NAME",
            "DISTPROC_PORT",
            "DISTPROC_ADVERTISE_PORT",
            "DISTPROC_HEARTBEAT_INTERVAL_MS",
            "DISTPROC_HEARTBEAT_TIMEOUT_MS",
            "DISTPROC_REQUEST_TIMEOUT_MS",
            "DISTPROC_COOKIE",
            "DISTPROC_BEHAVIOURS",
            "DISTPROC_INITIAL",
            "DISTPROC_SEEDS");
    assertThat(problems)
        .contains(
            "DISTPROC_PORT: must be a port from 0 (any free port) to 65535, was '70000'",
            "DISTPROC_HEARTBEAT_INTERVAL_MS: must be a positive number of milliseconds, was '0'",
            "DISTPROC_BEHAVIOURS: unknown dance, sing; choose from agent, echo, forward, crasher, sink,"
                + " emitter, workload, supervisor, or all",
            "DISTPROC_INITIAL: unknown initial process 'echo'; choose from workload, agent");
    assertThat(problems).noneMatch(p -> p.contains("\n"));
  }

  @Test
  void parse_heartbeatTimeoutBelowTwiceInterval_isAnError() {
    assertThat(
            problems(
                env(
                    "DISTPROC_NODE_NAME", "alpha",
                    "DISTPROC_HEARTBEAT_INTERVAL_MS", "500",
                    "DISTPROC_HEARTBEAT_TIMEOUT_MS", "900")))
        .containsExactly(
            "DISTPROC_HEARTBEAT_TIMEOUT_MS: must be at least twice the heartbeat interval (500 ms), was 900");
  }

  @Test
  void parse_advertisePortAlone_needsTheHost() {
    assertThat(problems(env("DISTPROC_NODE_NAME", "alpha", "DISTPROC_ADVERTISE_PORT", "7001")))
        .containsExactly("DISTPROC_ADVERTISE_PORT: needs DISTPROC_ADVERTISE_HOST as well");
  }

  @Test
  void run_badConfig_printsOneLinePerVariableAndExits2() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int status =
        NodeMain.run(
            env("DISTPROC_PORT", "abc"),
            new String[0],
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "distproc-node: DISTPROC_NODE_NAME: required when HOSTNAME is unset: the node's name, unique in the cluster (e.g. alpha)",
            "distproc-node: DISTPROC_PORT: must be a port from 0 (any free port) to 65535, was 'abc'");
  }

  @Test
  void run_check_printsTheConfigAndExits0() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int status =
        NodeMain.run(
            env(
                "DISTPROC_NODE_NAME",
                "alpha",
                "DISTPROC_SEEDS",
                "cluster",
                "DISTPROC_COOKIE",
                "secret"),
            new String[] {"--check"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);

    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("distproc-node: configuration OK: NodeConfig{remote alpha")
        .contains("seeds=[cluster:7000]")
        .contains("cookie=set")
        .doesNotContain("secret");
  }

  @Test
  void run_unexpectedArgument_exits2() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        NodeMain.run(
            env("DISTPROC_NODE_NAME", "alpha"),
            new String[] {"--help"},
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("distproc-node: unexpected arguments");
  }
}
