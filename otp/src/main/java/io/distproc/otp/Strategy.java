package io.distproc.otp;

/**
 * What a supervisor does when one of its children ends and is to be restarted (Erlang's {@code
 * strategy}).
 *
 * @since 0.1.0
 */
public enum Strategy {
  /** Restart only the child that ended (Erlang's {@code one_for_one}). */
  ONE_FOR_ONE,

  /**
   * Stop every other running child, in reverse start order, then start them all again in order
   * (Erlang's {@code one_for_all}): for children that cannot work without each other.
   */
  ONE_FOR_ALL,

  /**
   * Stop the running children started after the one that ended, in reverse start order, then start
   * it and them again in order (Erlang's {@code rest_for_one}): for children that depend on the
   * ones started before them.
   */
  REST_FOR_ONE
}
