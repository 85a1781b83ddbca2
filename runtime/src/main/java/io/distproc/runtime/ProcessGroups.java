package io.distproc.runtime;

import io.distproc.GroupChange;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.runtime.internal.Frame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/*
 * Design notes for maintainers.
 *
 * Process groups of one node, in the manner of Erlang's pg (not global): no global lock, no
 * leader. Each node owns its LOCAL members and tells every peer of each change (GroupJoin,
 * GroupLeave); a peer that connects is first sent a GroupSync of every local member. What a node
 * knows of a peer's members (its VIEW of that peer) is that peer's sync, then its joins and leaves,
 * in link order; it is dropped when the peer goes down. So after a node joins, every view of it
 * converges to its members, and members() is the local members plus every view.
 *
 * Everything is guarded by `lock` (a ReentrantLock; nothing under it blocks: a control frame is
 * only queued, a signal entry only linked): the lock orders a join's broadcast against a new
 * peer's sync, so that a peer never gets a join older than its sync after it, nor misses one.
 * WATCHERS (ProcessContext.monitorGroup) get each change as a GroupChange entry under the same
 * lock, so the snapshot monitorGroup returns and the changes after it fit together exactly.
 */
final class ProcessGroups<M> {
  /** The longest group name, in characters. */
  static final int MAX_NAME = 255;

  private final ReentrantLock lock = new ReentrantLock();

  /** Sends a frame to a connected peer; drops it if the peer is gone. */
  private final BiConsumer<NodeId, Frame> toPeer;

  /** Guarded by lock: group -> local members, in join order. */
  private final Map<String, Set<Pid>> local = new HashMap<>();

  /** Guarded by lock: local pid -> its groups, for its end. */
  private final Map<Pid, Set<String>> groupsOf = new HashMap<>();

  /** Guarded by lock: peer -> group -> its members, as that peer told us. */
  private final Map<NodeId, Map<String, Set<Pid>>> views = new HashMap<>();

  /** Guarded by lock: group -> processes that watch it. */
  private final Map<String, Set<ProcessImpl<M>>> watchers = new HashMap<>();

  /** Guarded by lock: processes that watch some group -> the groups, for their end. */
  private final Map<ProcessImpl<M>, Set<String>> watched = new HashMap<>();

  ProcessGroups(BiConsumer<NodeId, Frame> toPeer) {
    this.toPeer = toPeer;
  }

  static String check(String group) {
    Objects.requireNonNull(group, "group");
    if (group.isEmpty() || group.length() > MAX_NAME) {
      throw new IllegalArgumentException(
          "a group name has 1 to " + MAX_NAME + " characters, not " + group.length());
    }
    return group;
  }

  // ---- local members ---------------------------------------------------------------------------

  void join(Pid pid, String group) {
    check(group);
    lock.lock();
    try {
      if (local.computeIfAbsent(group, g -> new LinkedHashSet<>()).add(pid)) {
        groupsOf.computeIfAbsent(pid, p -> new HashSet<>()).add(group);
        changed(group, List.of(pid), List.of());
        broadcast(new Frame.GroupJoin(group, List.of(pid)));
      }
    } finally {
      lock.unlock();
    }
  }

  boolean leave(Pid pid, String group) {
    check(group);
    lock.lock();
    try {
      Set<Pid> members = local.get(group);
      if (members == null || !members.remove(pid)) {
        return false;
      }
      if (members.isEmpty()) {
        local.remove(group);
      }
      Set<String> mine = groupsOf.get(pid);
      if (mine != null && mine.remove(group) && mine.isEmpty()) {
        groupsOf.remove(pid);
      }
      changed(group, List.of(), List.of(pid));
      broadcast(new Frame.GroupLeave(group, List.of(pid)));
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** A local process ended: it leaves its groups and stops watching any. On its own thread. */
  void ended(ProcessImpl<M> p) {
    lock.lock();
    try {
      Set<String> mine = groupsOf.get(p.pid());
      if (mine != null) {
        for (String group : List.copyOf(mine)) {
          leave(p.pid(), group);
        }
      }
      Set<String> seen = watched.remove(p);
      if (seen != null) {
        for (String group : seen) {
          unwatch(group, p);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void broadcast(Frame frame) {
    for (NodeId peer : views.keySet()) {
      toPeer.accept(peer, frame);
    }
  }

  // ---- reading ---------------------------------------------------------------------------------

  List<Pid> members(String group) {
    Objects.requireNonNull(group, "group");
    lock.lock();
    try {
      return membersLocked(group);
    } finally {
      lock.unlock();
    }
  }

  private List<Pid> membersLocked(String group) {
    List<Pid> all = new ArrayList<>(local.getOrDefault(group, Set.of()));
    for (Map<String, Set<Pid>> view : views.values()) {
      all.addAll(view.getOrDefault(group, Set.of()));
    }
    return List.copyOf(all);
  }

  List<Pid> localMembers(String group) {
    Objects.requireNonNull(group, "group");
    lock.lock();
    try {
      return List.copyOf(local.getOrDefault(group, Set.of()));
    } finally {
      lock.unlock();
    }
  }

  // ---- watchers --------------------------------------------------------------------------------

  List<Pid> watch(ProcessImpl<M> p, String group) {
    check(group);
    lock.lock();
    try {
      watchers.computeIfAbsent(group, g -> new LinkedHashSet<>()).add(p);
      watched.computeIfAbsent(p, x -> new HashSet<>()).add(group);
      return membersLocked(group);
    } finally {
      lock.unlock();
    }
  }

  void unwatch(ProcessImpl<M> p, String group) {
    Objects.requireNonNull(group, "group");
    lock.lock();
    try {
      unwatch(group, p);
      Set<String> seen = watched.get(p);
      if (seen != null) {
        seen.remove(group);
        if (seen.isEmpty()) {
          watched.remove(p);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void unwatch(String group, ProcessImpl<M> p) {
    Set<ProcessImpl<M>> ws = watchers.get(group);
    if (ws != null) {
      ws.remove(p);
      if (ws.isEmpty()) {
        watchers.remove(group);
      }
    }
  }

  private void changed(String group, List<Pid> joined, List<Pid> left) {
    if (joined.isEmpty() && left.isEmpty()) {
      return;
    }
    Set<ProcessImpl<M>> ws = watchers.get(group);
    if (ws != null) {
      GroupChange change = new GroupChange(group, joined, left);
      for (ProcessImpl<M> w : ws) {
        w.mailbox().offerSignal(change);
      }
    }
  }

  // ---- peers -----------------------------------------------------------------------------------

  /** A peer connected: it is sent every local member, then every change. */
  void peerUp(NodeId peer) {
    lock.lock();
    try {
      views.put(peer, new HashMap<>());
      Map<String, List<Pid>> all = new HashMap<>();
      local.forEach((group, members) -> all.put(group, List.copyOf(members)));
      toPeer.accept(peer, new Frame.GroupSync(all));
    } finally {
      lock.unlock();
    }
  }

  /** A peer went down: its members are gone. */
  void peerDown(NodeId peer) {
    lock.lock();
    try {
      Map<String, Set<Pid>> view = views.remove(peer);
      if (view != null) {
        view.forEach((group, members) -> changed(group, List.of(), List.copyOf(members)));
      }
    } finally {
      lock.unlock();
    }
  }

  /** A frame of group traffic from {@code peer}; pids not of that peer are ignored. */
  void fromPeer(NodeId peer, Frame frame) {
    lock.lock();
    try {
      Map<String, Set<Pid>> view = views.get(peer);
      if (view == null) {
        return; // not (or no longer) a peer here
      }
      switch (frame) {
        case Frame.GroupSync sync -> {
          Map<String, Set<Pid>> old = new HashMap<>(view);
          view.clear();
          sync.groups()
              .forEach(
                  (group, pids) -> {
                    Set<Pid> members = ofPeer(peer, pids);
                    if (!members.isEmpty()) {
                      view.put(group, members);
                    }
                  });
          Set<String> groups = new HashSet<>(old.keySet());
          groups.addAll(view.keySet());
          for (String group : groups) {
            Set<Pid> before = old.getOrDefault(group, Set.of());
            Set<Pid> after = view.getOrDefault(group, Set.of());
            changed(group, minus(after, before), minus(before, after));
          }
        }
        case Frame.GroupJoin join -> {
          Set<Pid> members = view.computeIfAbsent(join.group(), g -> new LinkedHashSet<>());
          List<Pid> added = new ArrayList<>();
          for (Pid pid : ofPeer(peer, join.pids())) {
            if (members.add(pid)) {
              added.add(pid);
            }
          }
          changed(join.group(), added, List.of());
        }
        case Frame.GroupLeave leave -> {
          Set<Pid> members = view.getOrDefault(leave.group(), new HashSet<>());
          List<Pid> removed = new ArrayList<>();
          for (Pid pid : leave.pids()) {
            if (members.remove(pid)) {
              removed.add(pid);
            }
          }
          if (members.isEmpty()) {
            view.remove(leave.group());
          }
          changed(leave.group(), List.of(), removed);
        }
        default -> throw new IllegalArgumentException("not group traffic: " + frame);
      }
    } finally {
      lock.unlock();
    }
  }

  private static Set<Pid> ofPeer(NodeId peer, List<Pid> pids) {
    Set<Pid> out = new LinkedHashSet<>();
    for (Pid pid : pids) {
      if (pid.node().equals(peer)) {
        out.add(pid);
      }
    }
    return out;
  }

  private static List<Pid> minus(Set<Pid> a, Set<Pid> b) {
    List<Pid> out = new ArrayList<>();
    for (Pid pid : a) {
      if (!b.contains(pid)) {
        out.add(pid);
      }
    }
    return out;
  }
}
