package io.distproc.benchmarks;

import static io.distproc.benchmarks.Bench.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several peers (W9's mesh), started at the same time so that their JVMs' starts overlap, and
 * stopped together. Uses the JDK alone, as {@link Bench} does.
 */
final class Peers implements AutoCloseable {
  private final List<Peer> peers;

  private Peers(List<Peer> peers) {
    this.peers = peers;
  }

  /** Starts {@code count} peers at once; if one fails, stops the others and throws. */
  static Peers start(int count, PeerStarter starter) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Peer[] started = new Peer[count];
    IOException[] failed = new IOException[count];
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int index = i;
      threads.add(
          Thread.ofPlatform()
              .name("peer-start-" + i)
              .start(
                  () -> {
                    try {
                      started[index] = starter.start(index);
                    } catch (IOException | RuntimeException e) {
                      failed[index] = e instanceof IOException io ? io : new IOException(e);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    Peers peers = new Peers(Arrays.stream(started).filter(p -> p != null).toList());
    IOException first = Arrays.stream(failed).filter(e -> e != null).findFirst().orElse(null);
    if (first != null) {
      peers.close();
      throw first;
    }
    log(count + " peers ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    return peers;
  }

  /** The {@code index}-th peer. */
  Peer get(int index) {
    return peers.get(index);
  }

  /** How many there are. */
  int size() {
    return peers.size();
  }

  /** Stops them all at once (each may take seconds to end). */
  @Override
  public void close() {
    List<Thread> closing =
        peers.stream().map(p -> Thread.ofPlatform().name("peer-stop").start(p::close)).toList();
    for (Thread t : closing) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Starts one peer of several, the {@code index}-th. */
  @FunctionalInterface
  interface PeerStarter {
    /**
     * Starts the peer.
     *
     * @param index which one, from 0
     * @return the peer, ready
     * @throws IOException if it does not start or get ready
     */
    Peer start(int index) throws IOException;
  }
}
