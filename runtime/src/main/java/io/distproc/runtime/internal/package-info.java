/**
 * INTERNAL API: the seam between the runtime and a transport. Exported only to {@code
 * io.distproc.transport.grpc}; it may change in any release.
 *
 * <p>The runtime owns the meaning of every remote operation (spawn, send, broadcast, monitors,
 * node-down); a {@link io.distproc.runtime.internal.Transport} only carries {@link
 * io.distproc.runtime.internal.Frame}s between nodes over {@link
 * io.distproc.runtime.internal.Link}s, and tells the runtime through a {@link
 * io.distproc.runtime.internal.LinkHandler} when a link comes up, what arrives on it, and when it
 * goes down and why. Handshake, authentication, heartbeats, flow control and framing are the
 * transport's.
 */
package io.distproc.runtime.internal;
