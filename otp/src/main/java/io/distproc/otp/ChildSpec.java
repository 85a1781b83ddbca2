package io.distproc.otp;

import io.distproc.NodeId;
import io.distproc.Process;
import io.distproc.ProcessContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a supervisor starts and keeps alive (Erlang's child specification): an id unique among the
 * supervisor's children, how to start the child, when to restart it ({@link Restart}), how to stop
 * it ({@link ShutdownPolicy}) and whether it is a worker or a supervisor ({@link ChildType}).
 *
 * <p>A child is one of three kinds, each made by its factory:
 *
 * <ul>
 *   <li>{@link #worker(String, Process)}: a process body, run on the supervisor's node.
 *   <li>{@link #remote(String, NodeId, String, Object)}: a behaviour registered under a name on a
 *       node, which may be another node of the cluster, started with an argument (Erlang's {@code
 *       {M, F, A}}) by {@link ProcessContext#spawnLinked(NodeId, String, Object)}.
 *   <li>{@link #supervisor(String, SupervisorSpec)}: a nested supervisor on the supervisor's node,
 *       which counts as started once its own children are.
 * </ul>
 *
 * <pre>{@code
 * ChildSpec<Msg> cache = ChildSpec.worker("cache", ctx -> runCache(ctx))
 *     .restart(Restart.TRANSIENT)
 *     .shutdown(ShutdownPolicy.timeout(Duration.ofSeconds(1)))
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe, and may be reused by several supervisors. The builder
 * is not thread-safe.
 *
 * @param <M> the node's message type
 * @since 0.1.0
 */
public final class ChildSpec<M> {
  private final String id;
  private final ChildStart<M> start;
  private final Restart restart;
  private final ShutdownPolicy shutdown;
  private final ChildType type;

  private ChildSpec(Builder<M> b, ShutdownPolicy shutdown, ChildType type) {
    this.id = b.id;
    this.start = b.start;
    this.restart = b.restart;
    this.shutdown = shutdown;
    this.type = type;
  }

  /**
   * Starts a child spec for a process body run on the supervisor's node. Every start of the child,
   * and every restart, runs {@code body} again in a new process; keep it free of state of its own.
   *
   * @param id the child's id, 1 to 128 characters without control characters (checked by {@link
   *     Builder#build()})
   * @param body the child's body
   * @param <M> the node's message type
   * @return a builder, {@link Restart#PERMANENT} and {@link ChildType#WORKER} unless told otherwise
   * @throws NullPointerException if an argument is null
   */
  public static <M> Builder<M> worker(String id, Process<M> body) {
    Objects.requireNonNull(body, "body");
    return new Builder<>(id, new ChildStart.Local<>(body), ChildType.WORKER);
  }

  /**
   * Starts a child spec for the behaviour registered under {@code behaviour} on {@code node},
   * started with {@code argument} (Erlang's {@code {M, F, A}}). {@code node} may be another node of
   * the cluster or the supervisor's own; the child runs on the node of that name that is connected
   * when it starts, so after a restart of the node, on its new incarnation. A first start fails, as
   * any child's may, if the node is not known or does not answer, or if the name is not registered
   * there; a restart while the node is not connected waits for it, without counting against the
   * supervisor's intensity, tried again with a delay growing to two seconds.
   *
   * @param id the child's id, 1 to 128 characters without control characters (checked by {@link
   *     Builder#build()})
   * @param node where the child runs
   * @param behaviour the name the behaviour is registered under there, 1 to 128 characters without
   *     control characters (checked by {@link Builder#build()})
   * @param argument given to the behaviour at every start
   * @param <M> the node's message type
   * @return a builder, {@link Restart#PERMANENT} and {@link ChildType#WORKER} unless told otherwise
   * @throws NullPointerException if an argument is null
   */
  public static <M> Builder<M> remote(String id, NodeId node, String behaviour, M argument) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(behaviour, "behaviour");
    Objects.requireNonNull(argument, "argument");
    return new Builder<>(id, new ChildStart.Remote<>(node, behaviour, argument), ChildType.WORKER);
  }

  /**
   * Starts a child spec for a nested supervisor on the supervisor's node. It counts as started once
   * its own children have started; if one of them fails to start, so does this child.
   *
   * @param id the child's id, 1 to 128 characters without control characters (checked by {@link
   *     Builder#build()})
   * @param spec the nested supervisor
   * @param <M> the node's message type
   * @return a builder, {@link Restart#PERMANENT}, {@link ChildType#SUPERVISOR} and {@link
   *     ShutdownPolicy#infinity()} unless told otherwise
   * @throws NullPointerException if an argument is null
   */
  public static <M> Builder<M> supervisor(String id, SupervisorSpec<M> spec) {
    Objects.requireNonNull(spec, "spec");
    return new Builder<>(id, new ChildStart.Nested<>(spec), ChildType.SUPERVISOR);
  }

  /**
   * Returns the child's id, unique among its supervisor's children.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Returns when the child is restarted.
   *
   * @return the restart type
   */
  public Restart restart() {
    return restart;
  }

  /**
   * Returns how the child is stopped.
   *
   * @return the shutdown policy
   */
  public ShutdownPolicy shutdown() {
    return shutdown;
  }

  /**
   * Returns whether the child is a worker or a supervisor.
   *
   * @return the type
   */
  public ChildType type() {
    return type;
  }

  /**
   * Returns the node a child made by {@link #remote(String, NodeId, String, Object)} runs on.
   *
   * @return the node, or empty for a child that runs on its supervisor's node
   */
  public Optional<NodeId> node() {
    return start instanceof ChildStart.Remote<M> r ? Optional.of(r.node()) : Optional.empty();
  }

  ChildStart<M> start() {
    return start;
  }

  /** Returns the id, the kind and the settings, for logs. */
  @Override
  public String toString() {
    String kind =
        switch (start) {
          case ChildStart.Local<M> l -> "local";
          case ChildStart.Remote<M> r -> "'" + r.behaviour() + "' on " + r.node();
          case ChildStart.Nested<M> n -> "nested";
        };
    return "ChildSpec["
        + id
        + ", "
        + kind
        + ", "
        + type.name().toLowerCase(java.util.Locale.ROOT)
        + ", "
        + restart.name().toLowerCase(java.util.Locale.ROOT)
        + ", shutdown "
        + shutdown
        + "]";
  }

  /**
   * Collects a child spec. Not thread-safe. Setters reject nulls at once; everything else is
   * checked by {@link #build()}.
   *
   * @param <M> the node's message type
   * @since 0.1.0
   */
  public static final class Builder<M> {
    private final String id;
    private final ChildStart<M> start;
    private final ChildType defaultType;
    private Restart restart = Restart.PERMANENT;
    private @Nullable ShutdownPolicy shutdown;
    private @Nullable ChildType type;

    private Builder(String id, ChildStart<M> start, ChildType defaultType) {
      this.id = Objects.requireNonNull(id, "id");
      this.start = start;
      this.defaultType = defaultType;
    }

    /**
     * Sets when the child is restarted; {@link Restart#PERMANENT} by default.
     *
     * @param restart the restart type
     * @return this builder
     * @throws NullPointerException if {@code restart} is null
     */
    public Builder<M> restart(Restart restart) {
      this.restart = Objects.requireNonNull(restart, "restart");
      return this;
    }

    /**
     * Sets how the child is stopped; by default {@link ShutdownPolicy#DEFAULT_WORKER_TIMEOUT} for a
     * worker and {@link ShutdownPolicy#infinity()} for a supervisor.
     *
     * @param shutdown the shutdown policy
     * @return this builder
     * @throws NullPointerException if {@code shutdown} is null
     */
    public Builder<M> shutdown(ShutdownPolicy shutdown) {
      this.shutdown = Objects.requireNonNull(shutdown, "shutdown");
      return this;
    }

    /**
     * Sets whether the child is a worker or a supervisor, which sets its default shutdown policy:
     * say {@link ChildType#SUPERVISOR} for a process body or remote behaviour that runs a
     * supervisor ({@link Supervisor#body(SupervisorSpec)}). A child made by {@link
     * ChildSpec#supervisor(String, SupervisorSpec)} is always a supervisor.
     *
     * @param type the type
     * @return this builder
     * @throws NullPointerException if {@code type} is null
     */
    public Builder<M> type(ChildType type) {
      this.type = Objects.requireNonNull(type, "type");
      return this;
    }

    /**
     * Checks every field and builds the spec.
     *
     * @return the child spec
     * @throws IllegalArgumentException if a field is bad; the message has a line per bad field
     */
    public ChildSpec<M> build() {
      List<String> errors = new ArrayList<>();
      checkName("id", id, errors);
      if (start instanceof ChildStart.Remote<M> r) {
        checkName("behaviour", r.behaviour(), errors);
      }
      if (start instanceof ChildStart.Nested<M> && type == ChildType.WORKER) {
        errors.add("type: a child made by ChildSpec.supervisor(...) is a SUPERVISOR, not a WORKER");
      }
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid child spec '" + id + "':\n  " + String.join("\n  ", errors));
      }
      ChildType t = type == null ? defaultType : type;
      ShutdownPolicy s =
          shutdown != null
              ? shutdown
              : t == ChildType.SUPERVISOR
                  ? ShutdownPolicy.infinity()
                  : ShutdownPolicy.timeout(ShutdownPolicy.DEFAULT_WORKER_TIMEOUT);
      return new ChildSpec<>(this, s, t);
    }

    private static void checkName(String field, String value, List<String> errors) {
      if (value.isEmpty()
          || value.length() > 128
          || value.chars().anyMatch(Character::isISOControl)) {
        errors.add(
            field
                + ": must be 1 to 128 characters without control characters, was '"
                + value
                + "'");
      }
    }
  }
}
