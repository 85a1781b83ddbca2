package io.distproc.transport.grpc;

import io.distproc.proto.v1.Chunk;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Puts a chunked frame back together (see {@code Chunk} in {@code link.proto}), refusing runs that
 * do not add up or exceed the limit.
 *
 * <p>Not thread-safe: confined to the link's inbound gRPC callbacks, which gRPC serializes.
 */
final class Reassembler {
  private final int limit;
  // Null when no run is in progress; grows towards total as pieces come.
  private byte @Nullable [] buffer;
  private int total;
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
   * The bytes this reassembler holds. A run's buffer grows with the pieces that arrive (doubling,
   * up to the announced total), so a peer that announces a large total and sends little costs
   * little.
   */
  int held() {
    return buffer == null ? 0 : buffer.length;
  }

  /**
   * Takes the next piece.
   *
   * @return the whole encoded frame once the last piece is in, otherwise null
   * @throws ProtocolException if the piece does not fit the run
   */
  byte @Nullable [] accept(Chunk chunk) throws ProtocolException {
    long total = chunk.getTotalSize();
    byte[] run = buffer;
    if (run == null) {
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
      this.total = (int) total;
      run = new byte[0];
      buffer = run;
      filled = 0;
    } else if (total != 0) {
      throw new ProtocolException(
          "a new chunk run started at " + filled + " of " + this.total + " bytes of the last");
    }
    int n = chunk.getData().size();
    if (n == 0) {
      throw new ProtocolException("empty chunk at " + filled + " of " + this.total + " bytes");
    }
    if (n > this.total - filled) {
      throw new ProtocolException(
          "chunks overrun their total: " + filled + " + " + n + " > " + this.total + " bytes");
    }
    if (n > run.length - filled) {
      long grown = Math.max((long) filled + n, 2L * run.length);
      run = Arrays.copyOf(run, (int) Math.min(grown, this.total));
      buffer = run;
    }
    chunk.getData().copyTo(run, filled);
    filled += n;
    if (chunk.getLast() != (filled == this.total)) {
      throw new ProtocolException(
          chunk.getLast()
              ? "last chunk at " + filled + " of " + this.total + " bytes"
              : "chunks reached their total of " + this.total + " bytes without a last piece");
    }
    if (!chunk.getLast()) {
      return null;
    }
    buffer = null;
    filled = 0;
    return run;
  }
}
