package io.distproc.otp;

import io.distproc.Pid;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One child as {@link SupervisorRef#whichChildren(java.time.Duration)} reports it (Erlang's {@code
 * which_children} entry): its id, its process if it is running, its type and restart type.
 *
 * <p>A snapshot: instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ChildInfo {
  private final String id;
  private final @Nullable Pid pid;
  private final ChildType type;
  private final Restart restart;

  ChildInfo(String id, @Nullable Pid pid, ChildType type, Restart restart) {
    this.id = Objects.requireNonNull(id, "id");
    this.pid = pid;
    this.type = Objects.requireNonNull(type, "type");
    this.restart = Objects.requireNonNull(restart, "restart");
  }

  /**
   * Returns the child's id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Returns the child's process, if it was running when the snapshot was taken.
   *
   * @return the pid, or empty for a child that is not running (Erlang's {@code undefined}): ended
   *     and not restarted, or stopped by {@link SupervisorRef#terminateChild}
   */
  public Optional<Pid> pid() {
    return Optional.ofNullable(pid);
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
   * Returns when the child is restarted.
   *
   * @return the restart type
   */
  public Restart restart() {
    return restart;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ChildInfo other
        && id.equals(other.id)
        && Objects.equals(pid, other.pid)
        && type == other.type
        && restart == other.restart;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, pid, type, restart);
  }

  /** Returns {@code ChildInfo[id, pid or undefined, type, restart]}, for logs. */
  @Override
  public String toString() {
    return "ChildInfo["
        + id
        + ", "
        + (pid == null ? "undefined" : pid)
        + ", "
        + type.name().toLowerCase(java.util.Locale.ROOT)
        + ", "
        + restart.name().toLowerCase(java.util.Locale.ROOT)
        + "]";
  }
}
