package io.distproc.runtime;

import io.distproc.NameTakenException;
import io.distproc.Pid;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * The registered names of one node (Erlang's register/whereis): name -> live process. A process
 * registers and unregisters itself on its own thread, and the node releases its name on that same
 * thread when it ends, BEFORE it is marked dead, so a name never outlives its process by more than
 * the instant between the release and the end. The process keeps its own name (owner-thread
 * field), which is how one process is held to one name. Lookups are lock-free reads of the map.
 */
final class NameRegistry<M> {
  /** The longest name, in characters. */
  static final int MAX_NAME = 255;

  private final ConcurrentHashMap<String, ProcessImpl<M>> names = new ConcurrentHashMap<>();

  static String check(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > MAX_NAME) {
      throw new IllegalArgumentException(
          "a registered name has 1 to " + MAX_NAME + " characters, not " + name.length());
    }
    return name;
  }

  /** Registers {@code p} under {@code name}. Called on p's own thread. */
  void register(ProcessImpl<M> p, String name) {
    check(name);
    if (p.registeredName() != null) {
      throw new IllegalStateException(
          "process " + p.pid() + " is already registered as '" + p.registeredName() + "'");
    }
    ProcessImpl<M> holder = names.putIfAbsent(name, p);
    if (holder != null) {
      throw new NameTakenException(name, holder.pid());
    }
    p.registeredName(name);
  }

  /** Releases {@code p}'s name, if it has one. Called on p's own thread (also as it ends). */
  boolean release(ProcessImpl<M> p) {
    String name = p.registeredName();
    if (name == null) {
      return false;
    }
    names.remove(name, p);
    p.registeredName(null);
    return true;
  }

  /** The process registered under {@code name}, or null. Any thread. */
  @Nullable ProcessImpl<M> get(String name) {
    return names.get(Objects.requireNonNull(name, "name"));
  }

  Optional<Pid> whereis(String name) {
    ProcessImpl<M> p = get(name);
    return p == null ? Optional.empty() : Optional.of(p.pid());
  }
}
