package io.distproc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The behaviours a node can spawn by name, for spawns that come from other nodes (and for local
 * spawns by name).
 *
 * <p>Register the same names on every node of a cluster. Instances are immutable and thread-safe;
 * the builder is not thread-safe.
 *
 * <pre>{@code
 * Behaviours<Msg> behaviours = Behaviours.<Msg>builder()
 *     .add("echo", arg -> ctx -> ctx.receiveLoop(
 *         Matcher.on(Ping.class, p -> { ctx.send(p.from(), new Pong(p.n())); return true; })))
 *     .build();
 * }</pre>
 *
 * @param <M> the node's message type
 * @since 0.1.0
 */
public final class Behaviours<M> {
  private static final Behaviours<?> NONE = new Behaviours<>(Map.of());

  private final Map<String, Behaviour<M>> byName;

  private Behaviours(Map<String, Behaviour<M>> byName) {
    this.byName = byName;
  }

  /**
   * Returns an empty set of behaviours: the node can spawn only process bodies given locally.
   *
   * @param <M> the node's message type
   * @return the empty set
   */
  @SuppressWarnings("unchecked")
  public static <M> Behaviours<M> none() {
    return (Behaviours<M>) NONE;
  }

  /**
   * Returns a builder.
   *
   * @param <M> the node's message type
   * @return a new builder
   */
  public static <M> Builder<M> builder() {
    return new Builder<>();
  }

  /**
   * Looks a behaviour up by name.
   *
   * @param name the name
   * @return the behaviour, or empty if none has that name
   * @throws NullPointerException if {@code name} is null
   */
  public Optional<Behaviour<M>> find(String name) {
    return Optional.ofNullable(byName.get(Objects.requireNonNull(name, "name")));
  }

  /**
   * Returns the registered names.
   *
   * @return the names, in registration order
   */
  public Set<String> names() {
    return byName.keySet();
  }

  @Override
  public String toString() {
    return "Behaviours" + byName.keySet();
  }

  /**
   * Collects behaviours. Not thread-safe.
   *
   * @param <M> the node's message type
   * @since 0.1.0
   */
  public static final class Builder<M> {
    private final Map<String, Behaviour<M>> byName = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Registers a behaviour.
     *
     * @param name the name spawns will use: 1 to 128 characters, no control characters
     * @param behaviour makes a process body from the spawn's argument
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is malformed or already registered
     */
    public Builder<M> add(String name, Behaviour<M> behaviour) {
      checkName(name);
      Objects.requireNonNull(behaviour, "behaviour");
      if (byName.putIfAbsent(name, behaviour) != null) {
        throw new IllegalArgumentException("behaviour '" + name + "' is already registered");
      }
      return this;
    }

    /**
     * Builds the immutable set.
     *
     * @return the behaviours
     */
    public Behaviours<M> build() {
      return new Behaviours<>(Collections.unmodifiableMap(new LinkedHashMap<>(byName)));
    }
  }

  static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 128 || name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "behaviour name must be 1 to 128 characters without control characters: '" + name + "'");
    }
    return name;
  }
}
