/**
 * Erlang/OTP behaviours for distproc, written against the public API alone.
 *
 * <p>Exports {@code io.distproc.otp}: supervisors ({@link io.distproc.otp.Supervisor}), which keep
 * their children alive with Erlang's strategies, restart types, restart intensity and ordered,
 * deadline-bounded shutdown. The module needs a runtime on the class path or module path only to
 * run, as every user of the API does.
 */
module io.distproc.otp {
  requires static transitive org.jspecify;
  requires transitive io.distproc;

  exports io.distproc.otp;
}
