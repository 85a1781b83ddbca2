package io.distproc.runtime;

import io.distproc.CallException;
import io.distproc.CallTimeoutException;
import io.distproc.Matcher;
import io.distproc.MonitorReason;
import io.distproc.MonitorRef;
import io.distproc.NodeId;
import io.distproc.Pid;
import io.distproc.Process;
import io.distproc.ProcessContext;
import io.distproc.ProcessInterruptedException;
import io.distproc.ReceiveMark;
import io.distproc.Spawned;
import io.distproc.TimerRef;
import io.distproc.internal.Case;
import io.distproc.runtime.internal.Frame.ExitKind;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ProcessContext} a process's body is given: what user code calls, checked and turned
 * into calls on its {@link ProcessImpl}, its {@link Mailbox} and its node. Made when the process
 * starts; the operations that only the process itself may call check that they run on its thread.
 */
final class Context<M> implements ProcessContext<M> {
  private final ProcessImpl<M> p;

  Context(ProcessImpl<M> p) {
    this.p = p;
  }

  /** The node this process runs on. */
  private ProcessHost<M> local() {
    return p.node();
  }

  @Override
  public Pid self() {
    return p.pid();
  }

  @Override
  public NodeId node() {
    return p.pid().node();
  }

  @Override
  public Pid spawn(Process<M> child) {
    return local().spawnLocal(child);
  }

  @Override
  public Spawned spawnMonitored(Process<M> child) {
    p.checkOwner("spawnMonitored");
    return local().spawnLocalMonitored(child, p);
  }

  @Override
  public Pid spawn(NodeId where, String behaviour, M argument) {
    return local().spawnBehaviour(where, behaviour, argument);
  }

  @Override
  public Spawned spawnMonitored(NodeId where, String behaviour, M argument) {
    p.checkOwner("spawnMonitored");
    return local().spawnBehaviourMonitored(where, behaviour, argument, p);
  }

  @Override
  public void send(Pid to, M message) {
    p.checkExit();
    local().send(p.pid(), to, message);
    p.reduce();
  }

  @Override
  public void broadcast(NodeId where, M message) {
    p.checkExit();
    local().broadcast(p.pid(), where, message);
    p.reduce();
  }

  @Override
  public <R> R receive(Matcher<? super M, ? extends R> matcher) {
    return untimed(Cases.one(matcher), Cases.NONE);
  }

  @Override
  public <R> R receive(
      Matcher<? super M, ? extends R> first, Matcher<? super M, ? extends R> second) {
    return untimed(null, Cases.of(first, second));
  }

  @Override
  public <R> R receive(
      Matcher<? super M, ? extends R> first,
      Matcher<? super M, ? extends R> second,
      Matcher<? super M, ? extends R> third) {
    return untimed(null, Cases.of(first, second, third));
  }

  @Override
  public <R> R receive(List<? extends Matcher<? super M, ? extends R>> matchers) {
    return untimed(null, Cases.of(matchers));
  }

  @Override
  public <R> Optional<R> receive(Duration timeout, Matcher<? super M, ? extends R> matcher) {
    return timed(timeout, Cases.one(matcher), Cases.NONE);
  }

  @Override
  public <R> Optional<R> receive(
      Duration timeout,
      Matcher<? super M, ? extends R> first,
      Matcher<? super M, ? extends R> second) {
    return timed(timeout, null, Cases.of(first, second));
  }

  @Override
  public <R> Optional<R> receive(
      Duration timeout,
      Matcher<? super M, ? extends R> first,
      Matcher<? super M, ? extends R> second,
      Matcher<? super M, ? extends R> third) {
    return timed(timeout, null, Cases.of(first, second, third));
  }

  @Override
  public <R> Optional<R> receive(
      Duration timeout, List<? extends Matcher<? super M, ? extends R>> matchers) {
    return timed(timeout, null, Cases.of(matchers));
  }

  /** A mark: the owning process and the stash segment that collects what came after it. */
  private record Mark(ProcessImpl<?> owner, Stash.Segment segment) implements ReceiveMark {}

  @Override
  public ReceiveMark mark() {
    p.checkOwner("mark");
    return new Mark(p, p.mailbox().markEnd());
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> R receive(ReceiveMark after, Matcher<? super M, ? extends R> matcher) {
    Stash.Segment segment = segmentOf(after);
    Case<?, ?> c = Cases.one(matcher);
    p.checkOwner("receive");
    p.reduce();
    try {
      return (R) p.mailbox().select(segment, c, Cases.NONE, false, 0);
    } catch (ProcessInterruptedException e) {
      throw p.interrupted(e);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> Optional<R> receive(
      ReceiveMark after, Duration timeout, Matcher<? super M, ? extends R> matcher) {
    Stash.Segment segment = segmentOf(after);
    Case<?, ?> c = Cases.one(matcher);
    p.checkOwner("receive");
    p.reduce();
    Object r;
    try {
      r = p.mailbox().select(segment, c, Cases.NONE, true, deadline(timeout));
    } catch (ProcessInterruptedException e) {
      throw p.interrupted(e);
    }
    return r == Mailbox.TIMEOUT ? Optional.empty() : Optional.ofNullable((R) r);
  }

  private Stash.Segment segmentOf(ReceiveMark mark) {
    Objects.requireNonNull(mark, "after");
    if (!(mark instanceof Mark m) || m.owner() != p) {
      throw new IllegalArgumentException("the mark was taken by another process than " + p.pid());
    }
    return m.segment();
  }

  @Override
  public void receiveLoop(Matcher<? super M, ? extends Boolean> matcher) {
    loop(false, Duration.ZERO, Cases.one(matcher), Cases.NONE);
  }

  @Override
  public void receiveLoop(
      Matcher<? super M, ? extends Boolean> first, Matcher<? super M, ? extends Boolean> second) {
    loop(false, Duration.ZERO, null, Cases.of(first, second));
  }

  @Override
  public void receiveLoop(List<? extends Matcher<? super M, ? extends Boolean>> matchers) {
    loop(false, Duration.ZERO, null, Cases.of(matchers));
  }

  @Override
  public boolean receiveLoop(Duration timeout, Matcher<? super M, ? extends Boolean> matcher) {
    return loop(true, timeout, Cases.one(matcher), Cases.NONE);
  }

  @Override
  public boolean receiveLoop(
      Duration timeout, List<? extends Matcher<? super M, ? extends Boolean>> matchers) {
    return loop(true, timeout, null, Cases.of(matchers));
  }

  @SuppressWarnings("unchecked")
  private <R> R untimed(@Nullable Case<?, ?> one, Case<?, ?>[] many) {
    p.checkOwner("receive");
    p.reduce();
    try {
      return (R) p.mailbox().select(null, one, many, false, 0);
    } catch (ProcessInterruptedException e) {
      throw p.interrupted(e);
    }
  }

  @SuppressWarnings("unchecked")
  private <R> Optional<R> timed(Duration timeout, @Nullable Case<?, ?> one, Case<?, ?>[] many) {
    p.checkOwner("receive");
    p.reduce();
    Object r;
    try {
      r = p.mailbox().select(null, one, many, true, deadline(timeout));
    } catch (ProcessInterruptedException e) {
      throw p.interrupted(e);
    }
    return r == Mailbox.TIMEOUT ? Optional.empty() : Optional.ofNullable((R) r);
  }

  private boolean loop(
      boolean timed, Duration timeout, @Nullable Case<?, ?> one, Case<?, ?>[] many) {
    p.checkOwner("receiveLoop");
    long nanos = timed ? nanos(timeout) : 0;
    for (; ; ) {
      p.reduce();
      long deadline = timed ? System.nanoTime() + nanos : 0;
      Object r;
      try {
        r = p.mailbox().select(null, one, many, timed, deadline);
      } catch (ProcessInterruptedException e) {
        throw p.interrupted(e);
      }
      if (r == Mailbox.TIMEOUT) {
        return false;
      }
      if (!Boolean.TRUE.equals(r)) {
        return true;
      }
    }
  }

  // Each receive catches the interrupt of an exit signal itself, rather than through a shared
  // wrapper: the stack of every waiting process would carry that wrapper's frame.

  private static long deadline(Duration timeout) {
    return System.nanoTime() + nanos(timeout);
  }

  /** The timeout in nanoseconds, 0 if negative, capped where nanoTime arithmetic stays exact. */
  private static long nanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      return 0;
    }
    return timeout.compareTo(MAX_WAIT) >= 0 ? MAX_WAIT.toNanos() : timeout.toNanos();
  }

  private static final Duration MAX_WAIT = Duration.ofDays(365 * 100);

  @Override
  public MonitorRef monitor(Pid target) {
    Objects.requireNonNull(target, "pid");
    p.checkOwner("monitor");
    return local().monitor(p, target);
  }

  @Override
  public void unmonitor(MonitorRef ref) {
    Objects.requireNonNull(ref, "ref");
    p.checkOwner("unmonitor");
    if (!ref.watcher().equals(p.pid()) || !p.mailbox().release(ref)) {
      return; // not ours, or already fired: a no-op, as in the seed
    }
    local().demonitor(ref);
  }

  // ---- links, exit signals, names, timers, calls --------------------------------------------

  @Override
  public void link(Pid target) {
    Objects.requireNonNull(target, "pid");
    p.checkOwner("link");
    local().signals().link(p, target);
    p.checkExit(); // a link to a process that is gone may have ended this one
  }

  @Override
  public void unlink(Pid target) {
    Objects.requireNonNull(target, "pid");
    p.checkOwner("unlink");
    local().signals().unlink(p, target);
  }

  @Override
  public Pid spawnLinked(Process<M> child) {
    p.checkOwner("spawnLinked");
    return local().spawnLocalLinked(child, p);
  }

  @Override
  public Pid spawnLinked(NodeId where, String behaviour, M argument) {
    p.checkOwner("spawnLinked");
    Pid child;
    try {
      child = local().spawnBehaviourLinked(where, behaviour, argument, p);
    } catch (ProcessInterruptedException e) {
      p.checkExit(); // the NoProcess signal of a behaviour that is not there interrupted the wait
      throw e;
    }
    p.checkExit(); // a behaviour that does not exist there has ended this process
    return child;
  }

  @Override
  public boolean trapExits(boolean trap) {
    p.checkOwner("trapExits");
    return p.trapExits(trap);
  }

  @Override
  public void joinGroup(String group) {
    ProcessGroups.check(group);
    p.checkOwner("joinGroup");
    p.sociable(true);
    local().groups().join(p.pid(), group);
  }

  @Override
  public boolean leaveGroup(String group) {
    ProcessGroups.check(group);
    p.checkOwner("leaveGroup");
    return local().groups().leave(p.pid(), group);
  }

  @Override
  public List<Pid> groupMembers(String group) {
    return local().groups().members(group);
  }

  @Override
  public List<Pid> localGroupMembers(String group) {
    return local().groups().localMembers(group);
  }

  @Override
  public List<Pid> monitorGroup(String group) {
    ProcessGroups.check(group);
    p.checkOwner("monitorGroup");
    p.sociable(true);
    return local().groups().watch(p, group);
  }

  @Override
  public void demonitorGroup(String group) {
    Objects.requireNonNull(group, "group");
    p.checkOwner("demonitorGroup");
    local().groups().unwatch(p, group);
  }

  @Override
  public void monitorNodes(boolean watch) {
    p.checkOwner("monitorNodes");
    p.sociable(true);
    local().watchNodes(p, watch);
  }

  @Override
  public void exit(Pid target, String reason) {
    Objects.requireNonNull(target, "pid");
    Objects.requireNonNull(reason, "reason");
    p.checkExit();
    local()
        .signals()
        .send(p.pid(), target, new MonitorReason.Shutdown(p.pid(), reason), ExitKind.EXIT);
    p.checkExit(); // exit of itself
  }

  @Override
  public void kill(Pid target) {
    Objects.requireNonNull(target, "pid");
    p.checkExit();
    local().signals().send(p.pid(), target, new MonitorReason.Killed(target), ExitKind.KILL);
    p.checkExit(); // kill of itself
  }

  @Override
  public void register(String registered) {
    NameRegistry.check(registered);
    p.checkOwner("register");
    local().names().register(p, registered);
  }

  @Override
  public boolean unregister() {
    p.checkOwner("unregister");
    return local().names().release(p);
  }

  @Override
  public Optional<Pid> whereis(String registered) {
    return local().whereis(registered);
  }

  @Override
  public void sendNamed(String registered, M message) {
    p.checkExit();
    local().sendNamed(p.pid(), local().id(), registered, message);
    p.reduce();
  }

  @Override
  public void sendNamed(NodeId where, String registered, M message) {
    p.checkExit();
    local().sendNamed(p.pid(), where, registered, message);
    p.reduce();
  }

  @Override
  public TimerRef sendAfter(Duration delay, Pid to, M message) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    return local().sendAfter(p.pid(), delay, to, message);
  }

  /** What a call's monitor hands back when the server is gone: never a reply handler's result. */
  private record ServerGone(MonitorReason reason) {}

  @Override
  @SuppressWarnings("unchecked")
  public <R> R call(
      Pid server, M request, Matcher<? super M, ? extends R> reply, Duration timeout) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(reply, "reply");
    long deadline = deadline(timeout);
    p.checkOwner("call");
    Mailbox mailbox = p.mailbox();
    Stash.Segment after = mailbox.markEnd(); // before the monitor: its NoProcess notice comes after
    MonitorRef watch = local().monitor(p, server);
    try {
      local().send(p.pid(), server, request);
      Matcher<M, ServerGone> gone = Matcher.onDown(watch, d -> new ServerGone(d.reason()));
      Object r;
      try {
        r = mailbox.select(after, null, Cases.of(reply, gone), true, deadline);
      } catch (ProcessInterruptedException e) {
        throw p.interrupted(e);
      }
      if (r == Mailbox.TIMEOUT) {
        throw new CallTimeoutException(server, timeout);
      }
      if (r instanceof ServerGone g) {
        throw new CallException(server, g.reason());
      }
      return (R) r;
    } finally {
      if (mailbox.release(watch)) { // not taken: the server lives, or the call failed
        local().demonitor(watch);
      }
    }
  }

  @Override
  public Optional<NodeId> remoteNode(String name) {
    return local().remoteNode(name);
  }

  @Override
  public List<NodeId> remoteNodes() {
    return local().remoteNodes();
  }

  @Override
  public NodeId addRemoteNode(String host, int port, String name) {
    return local().addRemoteNode(host, port, name);
  }

  @Override
  public void removeRemoteNode(NodeId which) {
    local().removeRemoteNode(which);
  }

  @Override
  public String toString() {
    return "Process" + p.pid();
  }
}
