package io.distproc;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Names one monitor: which process watches which, and a number the watcher's node never reuses.
 *
 * <p>Returned by {@link ProcessContext#monitor(Pid)} and the {@code spawnMonitored} methods,
 * carried by the {@link Down} notice the monitor delivers, and given to {@link
 * ProcessContext#unmonitor(MonitorRef)} to cancel it. Each ref fires at most once.
 *
 * <p>Instances are immutable values and thread-safe; two refs are equal when they were made by the
 * same watcher node incarnation with the same number.
 *
 * @since 0.1.0
 */
public final class MonitorRef {
  private final Pid watcher;
  private final Pid target;
  private final long id;

  private MonitorRef(Pid watcher, Pid target, long id) {
    this.watcher = watcher;
    this.target = target;
    this.id = id;
  }

  /**
   * Returns a monitor ref. Only runtimes and codecs need this; user code gets refs from the
   * runtime.
   *
   * @param watcher the process that watches
   * @param target the process that is watched
   * @param id a number unique within the watcher's node incarnation, positive
   * @return the ref
   * @throws NullPointerException if {@code watcher} or {@code target} is null
   * @throws IllegalArgumentException if {@code id} is not positive
   */
  public static MonitorRef of(Pid watcher, Pid target, long id) {
    Objects.requireNonNull(watcher, "watcher");
    Objects.requireNonNull(target, "target");
    if (id <= 0) {
      throw new IllegalArgumentException("monitor id must be positive, was " + id);
    }
    return new MonitorRef(watcher, target, id);
  }

  /**
   * Returns the process that holds this monitor and receives its {@link Down} notice.
   *
   * @return the watcher
   */
  public Pid watcher() {
    return watcher;
  }

  /**
   * Returns the process being watched.
   *
   * @return the target
   */
  public Pid target() {
    return target;
  }

  /**
   * Returns the ref's number, unique within the watcher's node incarnation.
   *
   * @return the number
   */
  public long id() {
    return id;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof MonitorRef other
        && id == other.id
        && watcher.node().equals(other.watcher.node());
  }

  @Override
  public int hashCode() {
    return watcher.node().hashCode() * 31 + Long.hashCode(id);
  }

  /** Returns {@code #Ref<id watcher->target>}, for logs. */
  @Override
  public String toString() {
    return "#Ref<" + id + " " + watcher + "->" + target + ">";
  }
}
