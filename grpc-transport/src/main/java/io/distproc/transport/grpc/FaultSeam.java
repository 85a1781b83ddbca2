package io.distproc.transport.grpc;

/*
 * Design notes for maintainers.
 *
 * The one place where tests reach into a running transport: they make a node hang (pause), crash
 * (cut every connection without goodbye) and count what it writes, to test failure detection and
 * batching over real gRPC. Production passes NONE, whose methods do nothing: with no other
 * implementation loaded, each call site is monomorphic and the JIT removes it, so the data path
 * pays nothing for the hooks. The transport calls the seam from these places only:
 *
 *   - paused(): Heartbeat (no ping, no liveness verdict while paused) and Inbox (a paused
 *     transport delivers nothing on the reader; its frames go to the link's virtual thread);
 *   - awaitUnpaused(): Inbox, before each frame it hands to the runtime;
 *   - wrote(): FrameStream, for each gRPC message written on a frames stream;
 *   - started(crash): GrpcTransport.start, once the server is up.
 *
 * An implementation must be thread-safe: every link's threads call it.
 */
/** Where tests inject faults into one transport; {@link #NONE} in production. */
interface FaultSeam {
  /** The production seam: nothing is paused, counted or crashed. */
  FaultSeam NONE = new FaultSeam() {};

  /**
   * Tells whether the node is hung: it sends no heartbeats, checks no liveness, delivers nothing.
   */
  default boolean paused() {
    return false;
  }

  /** Blocks a delivering thread while the node is hung. */
  default void awaitUnpaused() {}

  /** One gRPC message was written on a link's frames stream. */
  default void wrote() {}

  /** The transport is up; {@code crash} cuts every connection at once, without goodbye. */
  default void started(Runnable crash) {}
}
