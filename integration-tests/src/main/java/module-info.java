/**
 * The distproc testkit: multi-node tests on real containers.
 *
 * <p>Exports {@code io.distproc.testkit}: {@link io.distproc.testkit.NodeContainer}, {@link
 * io.distproc.testkit.DistprocCluster} with its fault injection, {@link
 * io.distproc.testkit.TestProbe}, {@link io.distproc.testkit.TimeFactor} and the JUnit 5 extension
 * {@link io.distproc.testkit.DistprocClusterTest}. Testcontainers is read as the automatic module
 * {@code testcontainers}, since its jar names no module; its types appear in this module's
 * signatures ({@code NodeContainer} is a {@code GenericContainer}), so it is required transitively,
 * as are the API and JUnit Jupiter's. What the nodes log is read with {@code
 * io.distproc.node.events}, the format the node image writes.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.distproc.testkit {
  requires static transitive org.jspecify;
  requires transitive io.distproc;
  requires transitive org.junit.jupiter.api;
  requires transitive testcontainers;
  requires io.distproc.node.events;
  requires com.github.dockerjava.api;
  requires org.junit.platform.commons;

  exports io.distproc.testkit;
}
