package io.distproc.otp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a supervisor works (Erlang's supervisor flags and child specifications): its {@link
 * Strategy}, its restart intensity, and the children it starts, in order.
 *
 * <p>The restart intensity bounds how often the supervisor restarts children: at most {@code
 * intensity} restarts within any {@code period} (Erlang's {@code intensity} and {@code period}). A
 * restart past that bound makes the supervisor give up: it stops its children in reverse start
 * order and ends with {@link io.distproc.MonitorReason.Shutdown}, leaving the decision to the
 * supervisor above it. Erlang's defaults apply: one restart in five seconds.
 *
 * <pre>{@code
 * SupervisorSpec<Msg> spec = SupervisorSpec.<Msg>builder()
 *     .strategy(Strategy.ONE_FOR_ALL)
 *     .intensity(3, Duration.ofSeconds(10))
 *     .child(ChildSpec.worker("db", db).build())
 *     .child(ChildSpec.worker("web", web).shutdown(ShutdownPolicy.brutalKill()).build())
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe, and may start any number of supervisors. The builder
 * is not thread-safe.
 *
 * @param <M> the node's message type
 * @since 0.1.0
 */
public final class SupervisorSpec<M> {
  /** The default restart intensity, as Erlang's: 1 restart in {@link #DEFAULT_PERIOD}. */
  public static final int DEFAULT_INTENSITY = 1;

  /** The default restart period, as Erlang's: 5 seconds. */
  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

  private final Strategy strategy;
  private final int intensity;
  private final Duration period;
  private final List<ChildSpec<M>> children;

  private SupervisorSpec(Builder<M> b) {
    this.strategy = b.strategy;
    this.intensity = b.intensity;
    this.period = b.period;
    this.children = List.copyOf(b.children);
  }

  /**
   * Returns a builder: {@link Strategy#ONE_FOR_ONE}, the default intensity, no children.
   *
   * @param <M> the node's message type
   * @return a new builder
   */
  public static <M> Builder<M> builder() {
    return new Builder<>();
  }

  /**
   * Returns what the supervisor does when a child is to be restarted.
   *
   * @return the strategy
   */
  public Strategy strategy() {
    return strategy;
  }

  /**
   * Returns the most restarts allowed within {@link #period()}.
   *
   * @return the intensity, 0 or more
   */
  public int intensity() {
    return intensity;
  }

  /**
   * Returns the window {@link #intensity()} counts restarts in.
   *
   * @return the period, positive
   */
  public Duration period() {
    return period;
  }

  /**
   * Returns the children the supervisor starts, in start order.
   *
   * @return an immutable list
   */
  public List<ChildSpec<M>> children() {
    return children;
  }

  @Override
  public String toString() {
    return "SupervisorSpec["
        + strategy.name().toLowerCase(java.util.Locale.ROOT)
        + ", intensity "
        + intensity
        + " in "
        + period.toMillis()
        + " ms, children "
        + children.stream().map(ChildSpec::id).toList()
        + "]";
  }

  /**
   * Collects a supervisor spec. Not thread-safe. Setters reject nulls at once; everything else is
   * checked by {@link #build()}.
   *
   * @param <M> the node's message type
   * @since 0.1.0
   */
  public static final class Builder<M> {
    private Strategy strategy = Strategy.ONE_FOR_ONE;
    private int intensity = DEFAULT_INTENSITY;
    private Duration period = DEFAULT_PERIOD;
    private final List<ChildSpec<M>> children = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the strategy; {@link Strategy#ONE_FOR_ONE} by default.
     *
     * @param strategy the strategy
     * @return this builder
     * @throws NullPointerException if {@code strategy} is null
     */
    public Builder<M> strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /**
     * Sets the restart intensity: at most {@code intensity} restarts within any {@code period}
     * (Erlang's {@code intensity} and {@code period}); 1 in 5 seconds by default.
     *
     * @param intensity the most restarts, 0 or more (0: the first restart ends the supervisor)
     * @param period the window restarts are counted in, positive
     * @return this builder
     * @throws NullPointerException if {@code period} is null
     */
    public Builder<M> intensity(int intensity, Duration period) {
      this.period = Objects.requireNonNull(period, "period");
      this.intensity = intensity;
      return this;
    }

    /**
     * Adds a child, started after the children added before it.
     *
     * @param child the child
     * @return this builder
     * @throws NullPointerException if {@code child} is null
     */
    public Builder<M> child(ChildSpec<M> child) {
      children.add(Objects.requireNonNull(child, "child"));
      return this;
    }

    /**
     * Checks every field and builds the spec.
     *
     * @return the supervisor spec
     * @throws IllegalArgumentException if a field is bad; the message has a line per bad field
     */
    public SupervisorSpec<M> build() {
      List<String> errors = new ArrayList<>();
      if (intensity < 0) {
        errors.add("intensity: must be 0 or more, was " + intensity);
      }
      if (period.isZero() || period.isNegative()) {
        errors.add("period: must be positive, was " + period);
      }
      Set<String> ids = new HashSet<>();
      for (ChildSpec<M> child : children) {
        if (!ids.add(child.id())) {
          errors.add("children: the id '" + child.id() + "' is given to more than one child");
        }
      }
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid supervisor spec:\n  " + String.join("\n  ", errors));
      }
      return new SupervisorSpec<>(this);
    }
  }
}
