package io.distproc.runtime;

import io.distproc.Behaviour;
import io.distproc.Behaviours;
import io.distproc.Down;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.Spawned;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * Spawn: allocate the pid (never reused: an AtomicLong), install the spawner's monitor or link if
 * asked (so it exists before the child's first line), register, re-check the lifecycle, start the
 * thread. The re-check after registering closes the race with shutdownNow: either shutdownNow's
 * sweep sees the registration and kills the child, or the spawner sees the shutdown, unregisters
 * and throws.
 *
 * A behaviour this node does not have is spawned as a pid that names no process: its monitor says
 * NoProcess, its link ends the parent (as a spawn that failed at once).
 *
 * The spawner holds the node (as the ProcessHost a process asks things of) only to hand it to
 * each new process; it calls nothing on it.
 */
/** Starts this node's processes, for its own processes and for peers; hands out pids and refs. */
final class Spawner<M> implements PeerSpawner<M> {
  private static final System.Logger LOG = System.getLogger("io.distproc.runtime");

  private final ProcessHost<M> node;
  private final NodeId id;
  private final Behaviours<M> behaviours;
  private final ProcessTable<M> processes;
  private final NodeCounters counters;
  private final ThreadFactory threads;
  private final Lifecycle lifecycle;
  private final AtomicLong lastPid = new AtomicLong();
  private final AtomicLong lastRef = new AtomicLong();

  Spawner(
      NodeId id,
      ProcessHost<M> node,
      Behaviours<M> behaviours,
      ProcessTable<M> processes,
      NodeCounters counters,
      ThreadFactory threads,
      Lifecycle lifecycle) {
    this.node = node;
    this.id = id;
    this.behaviours = behaviours;
    this.processes = processes;
    this.counters = counters;
    this.threads = threads;
    this.lifecycle = lifecycle;
  }

  /** A new pid of this node; never reused. */
  Pid newPid() {
    return Pid.of(id, lastPid.incrementAndGet());
  }

  /** A new monitor ref, unique on this node. */
  MonitorRef newRef(Pid watcher, Pid target) {
    return MonitorRef.of(watcher, target, newRefId());
  }

  /** A new monitor number, unique on this node. */
  long newRefId() {
    return lastRef.incrementAndGet();
  }

  /** Spawns a local process. */
  Pid spawn(Process<M> body) {
    Objects.requireNonNull(body, "body");
    lifecycle.checkRunning();
    Pid pid = newPid();
    start(new ProcessImpl<>(node, pid, body), null, null);
    return pid;
  }

  /** Spawns a local process with a monitor held by {@code watcher} installed before it runs. */
  Spawned spawnMonitored(Process<M> body, ProcessImpl<M> watcher) {
    Objects.requireNonNull(body, "body");
    lifecycle.checkRunning();
    Pid pid = newPid();
    MonitorRef ref = newRef(watcher.pid(), pid);
    start(new ProcessImpl<>(node, pid, body), watcher, ref);
    return new Spawned(pid, ref);
  }

  /** Spawns a local process linked with {@code parent} before it runs. */
  Pid spawnLinked(Process<M> body, ProcessImpl<M> parent) {
    Objects.requireNonNull(body, "body");
    lifecycle.checkRunning();
    Pid pid = newPid();
    ProcessImpl<M> child = new ProcessImpl<>(node, pid, body);
    child.addLink(parent.pid());
    parent.addLink(pid);
    try {
      start(child, null, null);
    } catch (RuntimeException e) {
      parent.removeLink(pid);
      throw e;
    }
    return pid;
  }

  private void start(ProcessImpl<M> p, @Nullable ProcessImpl<M> watcher, @Nullable MonitorRef ref) {
    if (ref != null && watcher != null) {
      p.addWatch(ref);
      watcher.mailbox().hold(ref);
    }
    processes.put(p);
    if (!lifecycle.running()) {
      processes.remove(p);
      if (ref != null && watcher != null) {
        watcher.mailbox().release(ref);
      }
      lifecycle.checkTerminated();
      throw lifecycle.shutDown();
    }
    counters.spawned.increment();
    p.start(threads.newThread(p));
  }

  /** A spawned child and, if one was asked for, the monitor on it (else null). */
  record Child(Pid pid, @Nullable MonitorRef monitor) {}

  /** Spawns this node's behaviour {@code name}, monitored by {@code watcher} if it is not null. */
  Child spawnBehaviour(String name, M argument, @Nullable ProcessImpl<M> watcher) {
    Optional<Behaviour<M>> behaviour = behaviours.find(name);
    if (behaviour.isPresent()) {
      Process<M> body = bodyOf(behaviour.get(), argument);
      if (watcher == null) {
        return new Child(spawn(body), null);
      }
      Spawned s = spawnMonitored(body, watcher);
      return new Child(s.pid(), s.monitor());
    }
    Pid none = noSuchBehaviour(name);
    if (watcher == null) {
      return new Child(none, null);
    }
    MonitorRef ref = newRef(watcher.pid(), none);
    watcher.mailbox().hold(ref);
    watcher.mailbox().offerDown(new Down(ref, new MonitorReason.NoProcess(none)));
    return new Child(none, ref);
  }

  /** Spawns this node's behaviour {@code name} linked with {@code parent}. */
  Pid spawnBehaviourLinked(String name, M argument, ProcessImpl<M> parent) {
    Optional<Behaviour<M>> behaviour = behaviours.find(name);
    if (behaviour.isPresent()) {
      return spawnLinked(bodyOf(behaviour.get(), argument), parent);
    }
    Pid none = noSuchBehaviour(name);
    parent.signal(none, new MonitorReason.NoProcess(none), false);
    return none;
  }

  private static <M> Process<M> bodyOf(Behaviour<M> b, M argument) {
    return ctx -> b.create(argument).run(ctx);
  }

  /** Like a spawn that failed at once: a pid that names no process. */
  private Pid noSuchBehaviour(String name) {
    Pid none = newPid();
    LOG.log(
        System.Logger.Level.WARNING,
        () -> "node " + id + " has no behaviour '" + name + "' to spawn; pid " + none + " is dead");
    return none;
  }

  /**
   * Spawns a registered behaviour for another node's process. The monitor, if asked for, is
   * installed and {@code beforeStart} told before the child runs. If the behaviour is unknown, the
   * argument undecodable or the node shutting down, the pid names no process and beforeStart gets
   * no monitor.
   */
  @Override
  public Pid spawnForPeer(
      String name,
      Optional<M> argument,
      @Nullable Pid spawner,
      long monitorId,
      boolean link,
      BeforeStart beforeStart) {
    Optional<Behaviour<M>> behaviour = behaviours.find(name);
    Pid pid = newPid();
    if (behaviour.isEmpty() || argument.isEmpty() || !lifecycle.running()) {
      LOG.log(
          System.Logger.Level.WARNING,
          () ->
              "cannot spawn '"
                  + name
                  + "' for "
                  + spawner
                  + ": "
                  + (behaviour.isEmpty()
                      ? "no such behaviour"
                      : argument.isEmpty() ? "undecodable argument" : "node shutting down"));
      beforeStart.registered(pid, null, false, false);
      return pid;
    }
    ProcessImpl<M> p = new ProcessImpl<>(node, pid, bodyOf(behaviour.get(), argument.get()));
    MonitorRef ref =
        monitorId == 0 ? null : MonitorRef.of(Objects.requireNonNull(spawner), pid, monitorId);
    if (ref != null) {
      p.addWatch(ref);
    }
    if (link) {
      p.addLink(Objects.requireNonNull(spawner));
    }
    processes.put(p);
    if (!lifecycle.running()) {
      processes.remove(p);
      lifecycle.checkTerminated();
      beforeStart.registered(pid, null, false, false);
      return pid;
    }
    beforeStart.registered(pid, ref, link, true);
    counters.spawned.increment();
    p.start(threads.newThread(p));
    return pid;
  }
}
