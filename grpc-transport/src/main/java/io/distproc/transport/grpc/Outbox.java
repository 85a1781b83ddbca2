package io.distproc.transport.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.distproc.proto.v1.Chunk;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.runtime.internal.Frame;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/*
 * Design notes for maintainers.
 *
 * The outbound half of one link: a queue that any thread may add to, and ONE writer that drains
 * it into the gRPC stream. The writer is not a thread but a role: `signal()` counts requests in
 * `wip`, and the caller that raises `wip` from 0 submits `drainLoop` to the executor; the loop
 * runs until it has seen every request, so at most one drain runs at a time and every field
 * marked "writer" is confined to it (happens-before through `wip`). gRPC's onReady callback just
 * signals, so writes never run on a gRPC callback and never overlap. One exception to where the
 * drain runs: a sender that raises `wip` from 0 after the writer has been idle for IDLE_NANOS runs
 * the drain itself (it is still the one writer, by the same `wip` rule). Lone frames, the
 * request/reply traffic, so skip a thread hand-off; a stream of frames still goes to the writer
 * thread and is batched, because its second frame finds the writer busy or only just idle.
 *
 * Flow control: the writer writes only while `stream.isReady()` and leaves when it is not; the
 * next onReady signals it back. So gRPC buffers at most about one message beyond its window,
 * and everything else waits here, in the queue, where it is counted.
 *
 * Bound: `queuedBytes` counts the payload bytes of Send/Broadcast frames from `send` until they
 * are handed to gRPC (for a chunked one, until its last chunk is). A sender whose frame would take
 * the count over `maxQueuedBytes` parks on `space` (a ReentrantLock condition: senders are often
 * virtual threads, and nothing parks inside `synchronized`); a frame is always admitted into an
 * empty queue, so one message larger than the bound still goes. Control frames are not counted
 * and never wait. Lost wake-ups are impossible: a sender registers in `waiters` before it checks
 * the count under the lock, and the writer checks `waiters` after it lowers the count.
 *
 * Batching: consecutive Send/Broadcast frames become one `Batch` of at most `chunkBytes` encoded,
 * written by hand (FrameCodec); a control frame ends the batch (frames keep their order). A
 * frame larger than `chunkBytes` is encoded whole and written as a run of `Chunk`s, back to back:
 * nothing else is written until the run ends, which is what keeps per-link order.
 *
 * End: `finish` says how the stream ends. A flushing finish (Link.close) writes everything queued,
 * then the goodbye, then completes; a non-flushing one drops the queue and writes its last frame,
 * if any, and completes; an aborting one drops the queue and ends the stream with an error; a
 * `gone` one (gRPC has ended the call already) drops the queue and writes nothing at all. A
 * holding one (Link.retire) flushes and writes the goodbye like a flushing one, then leaves the
 * stream open until `release` (the peer has closed its side) or an abort (the close grace): a
 * server that completed its side could read nothing more of the peer's. Once `done`, the writer
 * only drops what is still queued (and wakes its senders), and ends a held stream when it may.
 *
 * Size: somewhat over the 500 lines the style reviews, a fifth of it this note. The queue, the
 * bound, batching, chunking and the end share the writer-confined state (`done`, the chunk run,
 * the batch) and the one `wip` rule; split, each part would reach back into the others' state
 * on every write, on the hottest path of the transport.
 */
/** The outbound queue and single writer of one link. */
final class Outbox {
  private static final System.Logger LOG = System.getLogger("io.distproc.transport.grpc");

  /**
   * How a link's frame stream ends; {@code callEnded} says gRPC has ended the call already, so
   * nothing more may be written to it, not even an end; {@code hold} keeps the stream open after
   * {@code last} until {@link #release}.
   */
  record Finish(
      @Nullable LinkFrame last,
      boolean flush,
      @Nullable Status abort,
      boolean callEnded,
      boolean hold) {
    static Finish flushThen(@Nullable LinkFrame last) {
      return new Finish(last, true, null, false, false);
    }

    /**
     * Flushes, writes {@code last}, and then writes nothing more but leaves the stream open until
     * {@link #release} (or an abort): a server that ended its side could read no more.
     */
    static Finish flushThenHold(LinkFrame last) {
      return new Finish(last, true, null, false, true);
    }

    static Finish now(@Nullable LinkFrame last) {
      return new Finish(last, false, null, false, false);
    }

    static Finish abort(Status status) {
      return new Finish(null, false, status, false, false);
    }

    /**
     * The call has already ended from gRPC's side (the peer reset it, or gRPC refused a message).
     * Writing its end again would be a second close of the call, which on a server stream makes
     * gRPC send a second end of stream, and Netty answers that by failing the whole connection,
     * with every other stream on it.
     */
    static Finish gone() {
      return new Finish(null, false, null, true, false);
    }
  }

  /**
   * How long the writer must have been idle for a sender to write its frame itself. A frame that
   * follows others closely goes to the writer thread, which batches; one that comes alone (a
   * request, a reply) is written at once, without waking another thread: a round trip across the
   * link then costs two thread hand-offs fewer.
   */
  private static final long IDLE_NANOS = 50_000;

  private final Object link; // names the link in logs (its toString)
  private final Runnable streamFinished;
  private final Executor executor;
  private final long maxQueuedBytes;
  private final int chunkBytes;

  private final ConcurrentLinkedQueue<Frame> queue = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<LinkFrame> handshake = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition space = lock.newCondition();
  private final AtomicInteger waiters = new AtomicInteger();

  /** Cleared once by {@link #stopAccepting()}; read by senders. */
  private volatile boolean accepting = true;

  /**
   * Senders inside {@link #send}: a sender that found the outbox accepting may queue its frame
   * after the writer last looked at the queue, so a flushing finish waits until none is left (the
   * last one out signals the writer).
   */
  private final AtomicInteger sending = new AtomicInteger();

  /** Set once by {@link #open()} when the handshake is done; read by the writer. */
  private volatile boolean open;

  /** Set once, before the first signal, by the thread that starts the stream. */
  private volatile @Nullable FrameStream stream;

  /** When the writer last emptied the queue; written by the writer, read by senders. */
  private volatile long lastDrained = System.nanoTime();

  /**
   * How the stream ends: set by {@link #finish(Finish)}, called once (under the link's one end
   * decision), and replaced by {@link #abortIfNotDone} (the close grace's timer task, after it);
   * read by the writer.
   */
  private volatile @Nullable Finish finish;

  // Writer-confined.
  private final FrameCodec codec = new FrameCodec();
  private final ArrayList<Frame> batch = new ArrayList<>();
  private int[] batchSizes = new int[64];
  private byte @Nullable [] chunkSource;
  private int chunkOffset;
  private long chunkRelease;
  private boolean done;

  /** The stream a {@link Finish#flushThenHold} finish left open, until it is released. */
  private @Nullable FrameStream held;

  /** Set by {@link #release}; {@code releasedGone} if the call has ended already. */
  private volatile boolean released;

  private volatile boolean releasedGone;

  /**
   * @param link names the link in logs (its toString)
   * @param streamFinished told, by the writer, once it has ended the stream or found it gone
   */
  Outbox(Object link, Runnable streamFinished, Executor executor, TransportSettings settings) {
    this.link = link;
    this.streamFinished = streamFinished;
    this.executor = executor;
    this.maxQueuedBytes = settings.maxQueuedBytes();
    this.chunkBytes = settings.chunkBytes();
  }

  /** Binds the stream to write to. Called once, before anything is written. */
  void attach(FrameStream stream) {
    this.stream = stream;
    signal();
  }

  /** Queues a handshake frame, written before everything else. */
  void handshake(LinkFrame frame) {
    handshake.add(frame);
    signal();
  }

  /** The handshake is done: frames may flow. Optionally writes one handshake frame first. */
  void open(@Nullable LinkFrame first) {
    if (first != null) {
      handshake.add(first);
    }
    open = true;
    signal();
  }

  /**
   * Queues a frame, blocking while the link's payload bound is reached (Send and Broadcast only).
   *
   * @return {@code false} if the link stopped accepting frames and this one was dropped
   */
  boolean send(Frame frame) {
    sending.incrementAndGet();
    try {
      if (!accepting) {
        return false;
      }
      long bytes = FrameCodec.payloadBytes(frame);
      if (bytes > 0 && !reserve(bytes)) {
        return false;
      }
      queue.add(frame);
      if (wip.getAndIncrement() == 0) {
        if (System.nanoTime() - lastDrained > IDLE_NANOS) {
          drainLoop(); // an isolated frame on an idle link: written now, by its sender
        } else {
          startWriter();
        }
      }
      return true;
    } finally {
      if (sending.decrementAndGet() == 0 && !accepting) {
        signal(); // a flushing finish may have waited for this sender's frame
      }
    }
  }

  /** Stops taking frames and wakes every blocked sender; their frames are dropped. */
  void stopAccepting() {
    accepting = false;
    lock.lock();
    try {
      space.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Says how the stream ends; the first call wins. */
  void finish(Finish how) {
    if (finish == null) {
      finish = how;
    }
    signal();
  }

  /**
   * Ends a stream that a {@link Finish#flushThenHold} finish keeps open, once its last frame is
   * written; {@code gone} if gRPC has ended the call already, so that nothing is written to it.
   */
  void release(boolean gone) {
    releasedGone = gone;
    released = true;
    signal();
  }

  /** Ends the stream with an error if it has not ended yet (the close grace ran out). */
  void abortIfNotDone(Status status) {
    Finish current = finish;
    if (current == null || (current.abort() == null && !current.callEnded())) {
      finish = Finish.abort(status);
    }
    signal();
  }

  /** Payload bytes queued and not yet handed to gRPC; for tests and metrics. */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /** Tells whether a sender is parked waiting for room; for tests. */
  boolean hasBlockedSenders() {
    return waiters.get() > 0;
  }

  // ---- the bound -------------------------------------------------------------------------------

  private boolean reserve(long bytes) {
    while (true) {
      long q = queuedBytes.get();
      if (q == 0 || q + bytes <= maxQueuedBytes) {
        if (queuedBytes.compareAndSet(q, q + bytes)) {
          return true;
        }
        continue;
      }
      switch (awaitSpace(bytes)) {
        case RETRY -> {}
        case CLOSED -> {
          return false;
        }
        case FORCED -> {
          return true;
        }
      }
    }
  }

  private enum Wait {
    RETRY,
    CLOSED,
    FORCED
  }

  private Wait awaitSpace(long bytes) {
    lock.lock();
    waiters.incrementAndGet();
    try {
      while (accepting) {
        long q = queuedBytes.get();
        if (q == 0 || q + bytes <= maxQueuedBytes) {
          return Wait.RETRY;
        }
        try {
          space.await();
        } catch (InterruptedException e) {
          // The sender is being interrupted (its node is stopping it). Dropping its frame would
          // lose a message on a live link, so it goes out over the bound, and the interrupt stays.
          Thread.currentThread().interrupt();
          queuedBytes.addAndGet(bytes);
          return Wait.FORCED;
        }
      }
      return Wait.CLOSED;
    } finally {
      waiters.decrementAndGet();
      lock.unlock();
    }
  }

  private void release(long bytes) {
    if (bytes == 0) {
      return;
    }
    queuedBytes.addAndGet(-bytes);
    if (waiters.get() > 0) {
      lock.lock();
      try {
        space.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  // ---- the writer ------------------------------------------------------------------------------

  /** Asks the writer to run. Any thread. */
  void signal() {
    if (wip.getAndIncrement() == 0) {
      startWriter();
    }
  }

  /** Runs the writer on the executor. Called by whoever raised {@code wip} from 0. */
  private void startWriter() {
    try {
      executor.execute(this::drainLoop);
    } catch (RejectedExecutionException e) {
      // The transport is gone; nothing will be written any more.
      wip.set(0);
      dropFrames(0);
    }
  }

  private void drainLoop() {
    int missed = 1;
    while (true) {
      try {
        drain();
      } catch (RuntimeException e) {
        // gRPC refused a write: the call is already closed. The stream's own callbacks report it.
        LOG.log(System.Logger.Level.DEBUG, () -> link + ": write failed: " + e);
        done = true;
        dropQueued();
        streamFinished.run();
      }
      lastDrained = System.nanoTime(); // before wip reaches 0: the next sender sees it
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private void drain() {
    FrameStream s = stream;
    if (done) {
      dropQueued();
      endHeldIfDue();
      return;
    }
    if (s == null) {
      return;
    }
    Finish end = finish;
    if (end != null && end.callEnded()) {
      done = true;
      dropQueued();
      streamFinished.run();
      return;
    }
    for (LinkFrame first; (first = handshake.poll()) != null; ) {
      s.write(first);
    }
    if (end != null && end.abort() != null) {
      done = true;
      dropQueued();
      try {
        s.abort(end.abort());
      } finally {
        streamFinished.run();
      }
      return;
    }
    if (end != null && !end.flush()) {
      finishNow(s, end);
      return;
    }
    if (open) {
      while (s.isReady()) {
        byte[] source = chunkSource;
        if (source != null) {
          writeChunk(s, source);
          continue;
        }
        Frame next = queue.poll();
        if (next == null) {
          break;
        }
        if (FrameCodec.isEnvelope(next)) {
          writeBatch(s, next);
        } else {
          writeWhole(s, codec.encode(next), 0);
        }
      }
    }
    if (end != null && (!open || (queue.isEmpty() && chunkSource == null && sending.get() == 0))) {
      finishNow(s, end);
    }
  }

  private void finishNow(FrameStream s, Finish end) {
    done = true;
    dropQueued();
    if (end.hold()) {
      if (end.last() != null) {
        s.write(end.last());
      }
      held = s;
      endHeldIfDue();
      return;
    }
    try {
      if (end.last() != null) {
        s.write(end.last());
      }
      s.complete();
    } finally {
      streamFinished.run();
    }
  }

  /** Ends the held stream once it is released (or the finish became an abort). Writer. */
  private void endHeldIfDue() {
    FrameStream h = held;
    Finish end = finish;
    if (h == null || end == null) {
      return;
    }
    Status abort = end.abort();
    if (abort == null && !released) {
      return;
    }
    held = null;
    try {
      if (abort != null) {
        h.abort(abort);
      } else if (!releasedGone) {
        h.complete();
      }
    } finally {
      streamFinished.run();
    }
  }

  /** Writes {@code first} and the Send/Broadcast frames after it that fit in one batch. */
  private void writeBatch(FrameStream s, Frame first) {
    int room = chunkBytes - FrameCodec.HEADER_BYTES; // the LinkFrame's tag and length
    int total = 0;
    long released = 0;
    Frame next = first;
    while (true) {
      int size = codec.envelopeSize(next);
      int inBatch = FrameCodec.inBatch(size);
      if (!batch.isEmpty()) {
        if (total + inBatch > room) {
          break; // next stays queued for the following batch
        }
        queue.poll(); // next was peeked: only the writer polls, so it is still the head
      }
      if (batch.size() == batchSizes.length) {
        batchSizes = Arrays.copyOf(batchSizes, batchSizes.length * 2);
      }
      batchSizes[batch.size()] = size;
      batch.add(next);
      total += inBatch;
      released += FrameCodec.payloadBytes(next);
      if (total > room) {
        break; // one envelope larger than a batch: written as a run of chunks
      }
      next = queue.peek();
      if (next == null || !FrameCodec.isEnvelope(next)) {
        break;
      }
    }
    byte[] frame;
    try {
      frame = codec.batch(batch, batchSizes, total);
    } finally {
      batch.clear();
    }
    writeWhole(s, frame, released);
  }

  /** Writes one encoded frame, as a run of chunks if it is too large for one gRPC message. */
  private void writeWhole(FrameStream s, byte[] frame, long release) {
    if (frame.length <= chunkBytes) {
      s.write(frame);
      release(release);
      return;
    }
    chunkSource = frame;
    chunkOffset = 0;
    chunkRelease = release;
    writeChunk(s, frame);
  }

  /** Writes the next chunk of {@code source}, the run in progress ({@code chunkSource}). */
  private void writeChunk(FrameStream s, byte[] source) {
    int n = Math.min(chunkBytes, source.length - chunkOffset);
    boolean last = chunkOffset + n == source.length;
    Chunk.Builder chunk =
        Chunk.newBuilder()
            .setData(UnsafeByteOperations.unsafeWrap(source, chunkOffset, n))
            .setLast(last);
    if (chunkOffset == 0) {
      chunk.setTotalSize(source.length);
    }
    s.write(LinkFrame.newBuilder().setChunk(chunk).build());
    chunkOffset += n;
    if (last) {
      chunkSource = null;
      long release = chunkRelease;
      chunkRelease = 0;
      release(release);
    }
  }

  /** Drops everything queued, releasing its bytes so that blocked senders wake up. Writer. */
  private void dropQueued() {
    long bytes = chunkRelease;
    chunkRelease = 0;
    chunkSource = null;
    dropFrames(bytes);
  }

  /** Drops the queued frames and releases their bytes plus {@code more}. Any thread. */
  private void dropFrames(long more) {
    long bytes = more;
    for (Frame f; (f = queue.poll()) != null; ) {
      bytes += FrameCodec.payloadBytes(f);
    }
    release(bytes);
  }
}
