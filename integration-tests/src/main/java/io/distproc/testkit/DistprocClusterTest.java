package io.distproc.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against one {@link DistprocCluster} of containers, started before the first
 * test and removed after the last, also when tests fail. Test methods, constructors and lifecycle
 * methods receive it as a {@code DistprocCluster} parameter.
 *
 * <pre>{@code
 * @DistprocClusterTest(nodes = {"alpha", "beta", "gamma"}, heartbeatIntervalMillis = 200)
 * class PartitionTest {
 *   @Test
 *   void partitionedNodesSeeEachOtherDown(DistprocCluster cluster) {
 *     cluster.partition("alpha", "beta");
 *     cluster.awaitNodeDown("alpha", "beta", Duration.ofSeconds(3));
 *   }
 * }
 * }</pre>
 *
 * <p>Without a Docker engine the class is skipped with a one-line reason; with the environment
 * variable {@code CI=true} it fails instead, so a CI machine without an engine cannot pass
 * silently. Tests are tagged {@code containers}.
 *
 * @since 0.1.0
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(DistprocClusterExtension.class)
@Tag("containers")
public @interface DistprocClusterTest {
  /**
   * Returns the nodes' names.
   *
   * @return one to six distinct names
   */
  String[] nodes() default {"alpha", "beta", "gamma"};

  /**
   * Returns the interval between heartbeats, in milliseconds (not scaled by {@link TimeFactor}: it
   * is the system under test's setting).
   *
   * @return the interval
   */
  long heartbeatIntervalMillis() default 200;

  /**
   * Returns the silence after which a peer is declared down, in milliseconds.
   *
   * @return the timeout, at least twice the interval
   */
  long heartbeatTimeoutMillis() default 1000;

  /**
   * Returns the image; empty means {@link NodeContainer#defaultImage()}.
   *
   * @return the image name
   */
  String image() default "";
}
