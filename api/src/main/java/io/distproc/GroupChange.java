package io.distproc;

import java.util.List;
import java.util.Objects;

/**
 * A change of a process group's members, as a mailbox entry of a process that {@linkplain
 * ProcessContext#monitorGroup(String) monitors the group} (Erlang's {@code pg} join and leave
 * notifications). Taken by {@link Matcher#onGroupChange}.
 *
 * <p>Members that join or leave on one node are reported in the order that node made the changes;
 * when a node goes down, its members are reported gone in one change. Instances are immutable and
 * thread-safe.
 *
 * @param group the group
 * @param joined the processes that joined, possibly none
 * @param left the processes that left (or whose node went down), possibly none
 * @since 0.1.0
 */
public record GroupChange(String group, List<Pid> joined, List<Pid> left) {
  /**
   * Creates a change.
   *
   * @throws NullPointerException if any component or member is null
   */
  public GroupChange {
    Objects.requireNonNull(group, "group");
    joined = List.copyOf(joined);
    left = List.copyOf(left);
  }
}
