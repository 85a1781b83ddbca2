package io.distproc.transport.grpc;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The links of one transport: every link from creation until its last handler call (so that close
 * can reach and wait for them), and the heartbeats of accepted links by the token their Welcome
 * named (so that the dialler's heartbeat stream finds its link). Also whether the transport is
 * closed, which a link's handshake reads and close writes, once.
 *
 * <p>This class is thread-safe: concurrent maps and atomics, nothing held across calls.
 */
final class LinkTable {
  private final AtomicLong serials = new AtomicLong();
  private final Set<GrpcLink> links = ConcurrentHashMap.newKeySet(); // by identity
  private final ConcurrentHashMap<ByteString, Heartbeat> tokens = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A new link's number, for logs. */
  long nextSerial() {
    return serials.incrementAndGet();
  }

  /**
   * Adds a new link.
   *
   * @return false if the transport closed meanwhile (close may not have seen the link): the link
   *     must then shut itself down
   */
  boolean add(GrpcLink link) {
    links.add(link);
    return !closed.get();
  }

  /** Removes a link after its last handler call. */
  void remove(GrpcLink link) {
    links.remove(link);
  }

  /** Names an accepted link's heartbeat by the token of its Welcome. */
  void bindToken(byte[] token, Heartbeat heartbeat) {
    tokens.put(ByteString.copyFrom(token), heartbeat);
  }

  void forgetToken(byte[] token) {
    tokens.remove(ByteString.copyFrom(token));
  }

  /** The heartbeat of the open accepted link with this token, or null. */
  @Nullable Heartbeat heartbeatOf(ByteString token) {
    return tokens.get(token);
  }

  /** Marks the transport closed; true for the first call only. */
  boolean close() {
    return closed.compareAndSet(false, true);
  }

  boolean isClosed() {
    return closed.get();
  }

  /** The links from creation until their last handler call, a snapshot. */
  List<GrpcLink> links() {
    return List.copyOf(links);
  }
}
