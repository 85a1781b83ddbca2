package io.distproc.testkit;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.testcontainers.utility.DockerImageName;

/**
 * The JUnit 5 extension behind {@link DistprocClusterTest}: skips (or, with {@code CI=true}, fails)
 * without a Docker engine, starts the class's cluster before all tests, hands it to parameters of
 * type {@link DistprocCluster}, and closes it after all tests whatever happened.
 *
 * <p>Registered with {@code @ExtendWith(DistprocClusterExtension.class)} alone, without {@link
 * DistprocClusterTest}, it only applies the Docker condition: for test classes that build their own
 * {@link DistprocCluster}s.
 *
 * <p>Instances are created by JUnit and hold no state; the cluster lives in the test class's
 * extension store. This class is thread-safe.
 *
 * @since 0.1.0
 */
public final class DistprocClusterExtension
    implements ExecutionCondition, BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(DistprocClusterExtension.class);

  /**
   * Whether a Docker engine can be used (empty) or why not, and whether this is CI: the real ones
   * unless the testkit's own tests replace them, to show how the extension behaves without an
   * engine.
   */
  interface Surroundings {
    Surroundings REAL =
        new Surroundings() {
          @Override
          public Optional<String> dockerUnavailable() {
            return DockerEngine.unavailableReason();
          }

          @Override
          public boolean onCi() {
            return "true".equalsIgnoreCase(System.getenv("CI"));
          }
        };

    Optional<String> dockerUnavailable();

    boolean onCi();
  }

  // Replaced only by the testkit's own tests, which put REAL back.
  static volatile Surroundings surroundings = Surroundings.REAL;

  /** Creates the extension; JUnit does, through {@link DistprocClusterTest}. */
  public DistprocClusterExtension() {}

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Surroundings here = surroundings;
    Optional<String> reason = here.dockerUnavailable();
    if (reason.isEmpty()) {
      return ConditionEvaluationResult.enabled("a Docker engine answers");
    }
    if (here.onCi()) {
      return ConditionEvaluationResult.enabled(
          "CI=true: the cluster start will fail: " + reason.get());
    }
    return ConditionEvaluationResult.disabled("container tests skipped: " + reason.get());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Optional<String> reason = surroundings.dockerUnavailable();
    if (reason.isPresent()) {
      throw new ExtensionConfigurationException(
          "CI=true requires a Docker engine for the container tests: " + reason.get());
    }
    Optional<DistprocClusterTest> annotation =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), DistprocClusterTest.class);
    if (annotation.isEmpty()) {
      return; // @ExtendWith alone: the class only needs an engine and manages its own clusters
    }
    DistprocClusterTest spec = annotation.get();
    DistprocCluster.Builder b =
        DistprocCluster.builder()
            .nodes(spec.nodes())
            .heartbeat(
                Duration.ofMillis(spec.heartbeatIntervalMillis()),
                Duration.ofMillis(spec.heartbeatTimeoutMillis()));
    if (!spec.image().isEmpty()) {
      b.image(DockerImageName.parse(spec.image()));
    }
    DistprocCluster cluster = b.build();
    context.getStore(NS).put(DistprocCluster.class, cluster);
    cluster.start(); // removes what it started if it fails
  }

  @Override
  public void afterAll(ExtensionContext context) {
    DistprocCluster cluster =
        context.getStore(NS).remove(DistprocCluster.class, DistprocCluster.class);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == DistprocCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    DistprocCluster cluster =
        context.getStore(NS).get(DistprocCluster.class, DistprocCluster.class);
    if (cluster == null) {
      throw new ExtensionConfigurationException("no cluster: it did not start");
    }
    return cluster;
  }
}
