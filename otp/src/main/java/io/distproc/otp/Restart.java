package io.distproc.otp;

import io.distproc.MonitorReason;

/**
 * When a supervisor restarts a child that ended (Erlang's {@code restart}).
 *
 * @since 0.1.0
 */
public enum Restart {
  /** Always restarted, however it ended (Erlang's {@code permanent}). */
  PERMANENT,

  /**
   * Restarted only after an {@linkplain MonitorReason#isAbnormal() abnormal} end: not after it
   * returned normally or stopped with {@link MonitorReason.Shutdown} (Erlang's {@code transient}).
   */
  TRANSIENT,

  /**
   * Never restarted, and forgotten by the supervisor once it ends (Erlang's {@code temporary}). The
   * restarts of a {@link Strategy#ONE_FOR_ALL} or {@link Strategy#REST_FOR_ONE} group stop it
   * without starting it again.
   */
  TEMPORARY
}
