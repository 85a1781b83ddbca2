package io.distproc.testkit;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The nodes of a cluster by name, in the order they were declared, and their containers. Both are
 * fixed when the cluster is built, so this class is thread-safe.
 */
final class ClusterNodes {
  private final List<String> names;
  private final Map<String, NodeContainer> containers;

  ClusterNodes(List<String> names, Function<String, NodeContainer> container) {
    this.names = List.copyOf(names);
    Map<String, NodeContainer> byName = new LinkedHashMap<>();
    for (String name : this.names) {
      byName.put(name, container.apply(name));
    }
    this.containers = Collections.unmodifiableMap(byName);
  }

  List<String> names() {
    return names;
  }

  /** The container of a node, by its name. */
  NodeContainer container(String node) {
    NodeContainer c = containers.get(Objects.requireNonNull(node, "node"));
    if (c == null) {
      throw new IllegalArgumentException("no node '" + node + "' in cluster " + names);
    }
    return c;
  }

  Collection<NodeContainer> containers() {
    return containers.values();
  }

  /** Where every container's log stands now, by node. */
  Map<String, Long> logMarks() {
    Map<String, Long> marks = new LinkedHashMap<>();
    containers.forEach((n, c) -> marks.put(n, c.logMark()));
    return marks;
  }
}
