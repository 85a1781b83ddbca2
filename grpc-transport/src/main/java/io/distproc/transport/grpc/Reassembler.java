package io.distproc.transport.grpc;

import io.distproc.proto.v1.Chunk;

/**
 * Puts a chunked frame back together (see {@code Chunk} in {@code link.proto}), refusing runs that
 * do not add up or exceed the limit.
 *
 * <p>Not thread-safe: confined to the link's inbound gRPC callbacks, which gRPC serializes.
 */
final class Reassembler {
  private final int limit;
  private byte[] buffer; // null when no run is in progress
  private int filled;

  Reassembler(int limit) {
    this.limit = limit;
  }

  /** Tells whether a run has started and not yet ended. */
  boolean inProgress() {
    return buffer != null;
  }

  /** The bytes received so far in the current run, for the log. */
  int filled() {
    return filled;
  }

  /**
   * Takes the next piece.
   *
   * @return the whole encoded frame once the last piece is in, otherwise null
   * @throws ProtocolException if the piece does not fit the run
   */
  byte[] accept(Chunk chunk) throws ProtocolException {
    long total = chunk.getTotalSize();
    if (buffer == null) {
      if (total == 0) {
        throw new ProtocolException("chunk without a run: the first piece must carry total_size");
      }
      if (total < 0 || total > limit) {
        throw new ProtocolException(
            "chunked frame of "
                + Long.toUnsignedString(total)
                + " bytes exceeds this node's limit of "
                + limit
                + " bytes ("
                + TransportSettings.MAX_MESSAGE_BYTES_PROPERTY
                + ")");
      }
      buffer = new byte[(int) total];
      filled = 0;
    } else if (total != 0) {
      throw new ProtocolException(
          "a new chunk run started at " + filled + " of " + buffer.length + " bytes of the last");
    }
    int n = chunk.getData().size();
    if (n == 0) {
      throw new ProtocolException("empty chunk at " + filled + " of " + buffer.length + " bytes");
    }
    if (n > buffer.length - filled) {
      throw new ProtocolException(
          "chunks overrun their total: " + filled + " + " + n + " > " + buffer.length + " bytes");
    }
    chunk.getData().copyTo(buffer, filled);
    filled += n;
    if (chunk.getLast() != (filled == buffer.length)) {
      throw new ProtocolException(
          chunk.getLast()
              ? "last chunk at " + filled + " of " + buffer.length + " bytes"
              : "chunks reached their total of " + buffer.length + " bytes without a last piece");
    }
    if (!chunk.getLast()) {
      return null;
    }
    byte[] whole = buffer;
    buffer = null;
    filled = 0;
    return whole;
  }
}
