/**
 * Erlang-style processes for Java: spawn, send, selective receive, monitors.
 *
 * <h2>Overview</h2>
 *
 * <p>A {@link io.distproc.Node} hosts lightweight processes. A process is a plain Java method, a
 * {@link io.distproc.Process}, that runs on its own virtual thread with a {@link
 * io.distproc.ProcessContext} and a mailbox. Processes share nothing: they talk only by
 * asynchronous messages of the node's message type {@code M}, which a {@link io.distproc.Codec}
 * turns into bytes when a message leaves the JVM.
 *
 * <ul>
 *   <li><b>Spawn.</b> {@link io.distproc.ProcessContext#spawn(Process)} starts a process on the
 *       local node; {@link io.distproc.ProcessContext#spawn(NodeId, String, Object)} starts a
 *       behaviour registered by name in {@link io.distproc.Behaviours} on any node. The {@code
 *       spawnMonitored} variants also install a monitor before the child runs.
 *   <li><b>Send.</b> {@link io.distproc.ProcessContext#send(Pid, Object)} never blocks on the
 *       receiver. Messages from one process to another arrive in send order, at most once.
 *   <li><b>Receive.</b> {@link io.distproc.ProcessContext#receive(java.time.Duration, Matcher)}
 *       takes the oldest message that one of the given {@link io.distproc.Matcher}s accepts;
 *       messages nothing accepts stay in the mailbox in arrival order for a later receive.
 *   <li><b>Monitor.</b> {@link io.distproc.ProcessContext#monitor(Pid)} asks for exactly one {@link
 *       io.distproc.Down} notice, carrying a {@link io.distproc.MonitorReason}, when the watched
 *       process ends, crashes, or its node goes down.
 * </ul>
 *
 * <pre>{@code
 * try (Node<String> node = Node.start(NodeConfig.local("alpha"), Codec.utf8())) {
 *   Pid echo = node.spawn(ctx -> ctx.receiveLoop(
 *       Matcher.on(String.class, s -> { System.out.println("got " + s); return !s.equals("stop"); })));
 *   node.send(echo, "hello");
 *   node.send(echo, "stop");
 *   node.termination(echo).join();
 * }
 * }</pre>
 *
 * <p>Every type in this package documents its threading contract. Methods of {@link
 * io.distproc.ProcessContext} that act on the calling process's own mailbox or monitors must be
 * called from that process's thread only.
 */
package io.distproc;
