package io.distproc.transport.grpc;

import java.time.Duration;

/**
 * The transport's limits that {@link io.distproc.NodeConfig} does not carry. Production code reads
 * them from system properties once per transport ({@link #fromSystemProperties()}); tests build
 * their own.
 *
 * @param maxQueuedBytes payload bytes of {@code Send}/{@code Broadcast} frames queued on one link
 *     before {@code Link.send} blocks its caller
 * @param maxMessageBytes the largest encoded frame a link sends or reassembles from chunks
 * @param chunkBytes the largest gRPC message this side writes; a larger frame is chunked
 * @param inboundWindow how many gRPC messages of a link may wait for delivery at once
 * @param closeGrace how long a closing link may take to flush its queue and say goodbye before it
 *     is cut
 */
record TransportSettings(
    long maxQueuedBytes,
    int maxMessageBytes,
    int chunkBytes,
    int inboundWindow,
    Duration closeGrace) {

  /** System property: payload bytes queued per link before {@code send} blocks. */
  static final String MAX_QUEUED_BYTES_PROPERTY = "distproc.grpc.maxQueuedBytes";

  /** System property: the largest message (encoded frame) a link carries, in bytes. */
  static final String MAX_MESSAGE_BYTES_PROPERTY = "distproc.grpc.maxMessageBytes";

  /** Default of {@link #maxQueuedBytes()}: 64 MiB. */
  static final long DEFAULT_MAX_QUEUED_BYTES = 64L << 20;

  /** Default of {@link #maxMessageBytes()}: 128 MiB. */
  static final int DEFAULT_MAX_MESSAGE_BYTES = 128 << 20;

  /** The largest gRPC message this side writes: 1 MiB (see {@code link.proto}, SIZES). */
  static final int CHUNK_BYTES = 1 << 20;

  /**
   * What a receiver accepts per gRPC message: one chunk plus room for headers and future fields.
   * gRPC refuses anything larger before it allocates it.
   */
  static final int MAX_INBOUND_GRPC_MESSAGE = CHUNK_BYTES + (64 << 10);

  /** Checks the values. */
  TransportSettings {
    if (maxQueuedBytes <= 0) {
      throw new IllegalArgumentException("maxQueuedBytes must be positive, was " + maxQueuedBytes);
    }
    if (chunkBytes <= 0 || chunkBytes > CHUNK_BYTES) {
      throw new IllegalArgumentException("chunkBytes must be 1 to " + CHUNK_BYTES);
    }
    if (maxMessageBytes < chunkBytes || maxMessageBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "maxMessageBytes must be at least " + chunkBytes + ", was " + maxMessageBytes);
    }
    if (inboundWindow <= 0) {
      throw new IllegalArgumentException("inboundWindow must be positive");
    }
  }

  /** The defaults. */
  static TransportSettings defaults() {
    return new TransportSettings(
        DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_MESSAGE_BYTES, CHUNK_BYTES, 8, Duration.ofSeconds(2));
  }

  /** The defaults, overridden by the system properties that are set. */
  static TransportSettings fromSystemProperties() {
    TransportSettings d = defaults();
    return new TransportSettings(
        longProperty(MAX_QUEUED_BYTES_PROPERTY, d.maxQueuedBytes()),
        (int) longProperty(MAX_MESSAGE_BYTES_PROPERTY, d.maxMessageBytes()),
        d.chunkBytes(),
        d.inboundWindow(),
        d.closeGrace());
  }

  TransportSettings withMaxQueuedBytes(long bytes) {
    return new TransportSettings(bytes, maxMessageBytes, chunkBytes, inboundWindow, closeGrace);
  }

  TransportSettings withMaxMessageBytes(int bytes) {
    return new TransportSettings(maxQueuedBytes, bytes, chunkBytes, inboundWindow, closeGrace);
  }

  private static long longProperty(String name, long fallback) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "system property " + name + " must be a number of bytes, was '" + value + "'", e);
    }
  }
}
