/**
 * Multi-node tests of distproc on real containers, in Apache Pekko's multi-node vocabulary.
 *
 * <p>A {@link io.distproc.testkit.DistprocCluster} starts N {@link
 * io.distproc.testkit.NodeContainer}s of the {@code distproc-node} image on private Docker networks
 * and injects faults between them: {@code kill} (SIGKILL), {@code pause}/{@code unpause} (a hung
 * process), {@code partition}/{@code heal} (a cut link between two chosen nodes) and {@code
 * restart} (a new incarnation). Awaits such as {@code awaitNodeDown} and {@code awaitCond} take
 * deadlines that {@link io.distproc.testkit.TimeFactor} scales by {@code
 * -Ddistproc.test.timefactor}. A node in the test JVM can join the cluster ({@link
 * io.distproc.testkit.DistprocCluster#startLocalNode(String)}) and talk to the containers through a
 * {@link io.distproc.testkit.TestProbe}.
 *
 * <pre>{@code
 * @DistprocClusterTest(nodes = {"alpha", "beta", "gamma"})
 * class FailoverTest {
 *   @Test
 *   void killedNodeIsReportedDown(DistprocCluster cluster) {
 *     cluster.kill("gamma");
 *     cluster.awaitNodeDown("gamma", Duration.ofSeconds(3)); // on alpha and beta
 *   }
 * }
 * }</pre>
 *
 * <p>Everything a cluster starts is removed by {@code close()}, also when a test fails. The testkit
 * never pulls an image: set {@code TESTCONTAINERS_RYUK_DISABLED=true} where Ryuk's image cannot be
 * pulled.
 *
 * @since 0.1.0
 */
package io.distproc.testkit;
