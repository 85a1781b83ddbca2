package io.distproc.node;

import java.util.List;

/** The environment does not describe a node: one line per bad variable, each naming it. */
final class BadConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // an immutable List.copyOf; never serialized in practice
  private final List<String> problems;

  BadConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per bad variable, starting with its name. */
  List<String> problems() {
    return problems;
  }
}
