package io.distproc.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which peer names this node is dialling right now, and which it was told to forget: the state that
 * the runtime's link arbitration (ClusterRemoting.linkUp) and its seed dialers share. Thread-safe.
 */
final class Dialling {
  /** Names this node is dialling right now, with how many dials each. */
  private final ConcurrentHashMap<String, Integer> dialing = new ConcurrentHashMap<>();

  /** Names removed with removeRemoteNode: seeds do not dial them again until added. */
  private final Set<String> removed = ConcurrentHashMap.newKeySet();

  void start(String name) {
    dialing.merge(name, 1, Integer::sum);
  }

  void stop(String name) {
    dialing.computeIfPresent(name, (n, count) -> count == 1 ? null : count - 1);
  }

  boolean isDialling(String name) {
    return dialing.containsKey(name);
  }

  void forget(String name) {
    removed.add(name);
  }

  void remember(String name) {
    removed.remove(name);
  }

  boolean isForgotten(String name) {
    return removed.contains(name);
  }
}
