package io.distproc;

import java.io.Serial;
import java.util.Objects;

/**
 * Thrown by {@link ProcessContext#register(String)} when the name is already registered on the node
 * by a live process (Erlang's {@code badarg} from {@code register/2}).
 *
 * @since 0.1.0
 */
public class NameTakenException extends DistprocException {
  @Serial private static final long serialVersionUID = 1L;

  private final String name;
  private final transient Pid holder;

  /**
   * Creates the exception.
   *
   * @param name the name asked for
   * @param holder the process that holds it
   * @throws NullPointerException if an argument is null
   */
  public NameTakenException(String name, Pid holder) {
    super(
        "the name '"
            + Objects.requireNonNull(name, "name")
            + "' is registered by "
            + Objects.requireNonNull(holder, "holder"));
    this.name = name;
    this.holder = holder;
  }

  /**
   * Returns the name that was asked for.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the process that holds the name.
   *
   * @return the holder
   */
  public Pid holder() {
    return holder;
  }
}
