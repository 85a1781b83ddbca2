package io.distproc.runtime;

import io.distproc.MonitorRef;
import io.distproc.Pid;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** How the remoting starts a behaviour here for a process of another node. */
@FunctionalInterface
interface PeerSpawner<M> {

  /** What a spawn for another node does once the child is registered and before it runs. */
  @FunctionalInterface
  interface BeforeStart {
    /**
     * Called with the child's pid, the monitor installed on it (null if none), whether it was
     * linked with the spawner, and whether it was started at all.
     */
    void registered(Pid child, @Nullable MonitorRef monitor, boolean linked, boolean started);
  }

  /**
   * Spawns a registered behaviour for another node's process. The monitor, if asked for, is
   * installed, and the link made, and {@code beforeStart} told, before the child runs. If the
   * behaviour is unknown, the argument undecodable or the node shutting down, the pid names no
   * process and beforeStart is told it was not started.
   */
  Pid spawnForPeer(
      String name,
      Optional<M> argument,
      @Nullable Pid spawner,
      long monitorId,
      boolean link,
      BeforeStart beforeStart);
}
