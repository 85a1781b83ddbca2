package io.distproc.runtime;

import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.SeedNode;
import io.distproc.runtime.internal.Link;
import io.distproc.runtime.internal.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/*
 * Design notes for maintainers.
 *
 * One virtual thread per configured seed dials every address the seed's host resolves to
 * (skipping this node's own addresses), retries with capped exponential backoff and jitter while
 * it fails, and dials again after the link goes down, until the node shuts down or the name is
 * removed. A name is marked as being dialled around each dial (Dialling), so that the link
 * arbitration can refuse the peer's crossing dial instead of keeping two links.
 */
final class SeedDialer {
  private static final System.Logger LOG = System.getLogger("io.distproc.runtime.cluster");
  private static final Duration BACKOFF_MIN = Duration.ofMillis(50);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(2);

  private final NodeId self;
  private final NodeConfig config;
  private final Transport transport;
  private final Dialling dialling;
  private final Predicate<String> linked;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param linked whether a live link to a node of that name exists
   */
  SeedDialer(
      NodeId self,
      NodeConfig config,
      Transport transport,
      Dialling dialling,
      Predicate<String> linked) {
    this.self = self;
    this.config = config;
    this.transport = transport;
    this.dialling = dialling;
    this.linked = linked;
  }

  /** Starts one dialler per seed of the configuration. Called once. */
  void start() {
    for (SeedNode seed : config.seedNodes()) {
      threads.add(Threads.seedThread(self.name(), seed.toString()).start(() -> dial(seed)));
    }
  }

  /** Stops every dialler. Idempotent. */
  void close() {
    closed = true;
    for (Thread t : threads) {
      t.interrupt();
    }
  }

  /** Keeps a link to every node the seed's host resolves to. Runs on its own virtual thread. */
  private void dial(SeedNode seed) {
    Map<InetSocketAddress, String> known = new HashMap<>(); // address -> the name it answered with
    Map<InetSocketAddress, Long> backoff = new HashMap<>();
    Map<InetSocketAddress, Long> notBefore = new HashMap<>();
    while (!closed && !Thread.currentThread().isInterrupted()) {
      for (InetSocketAddress address : resolve(seed)) {
        String name = known.getOrDefault(address, seed.name().orElse(""));
        boolean up = !name.isEmpty() && linked.test(name);
        if (up
            || dialling.isForgotten(name)
            || System.nanoTime() < notBefore.getOrDefault(address, 0L)) {
          continue;
        }
        if (!name.isEmpty()) {
          dialling.start(name);
        }
        try {
          if (!name.isEmpty() && linked.test(name)) {
            continue; // it dialled us meanwhile
          }
          Link link =
              transport
                  // The address this round resolved, not the name: a name that resolves to several
                  // nodes would be resolved again, to any of them, this node included.
                  .connect(address.getAddress().getHostAddress(), address.getPort(), seed.name())
                  .get(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
          known.put(address, link.peer().name());
          backoff.remove(address);
        } catch (ExecutionException | TimeoutException e) {
          long next =
              Math.min(
                  BACKOFF_MAX.toNanos(),
                  backoff.getOrDefault(address, BACKOFF_MIN.toNanos() / 2) * 2);
          backoff.put(address, next);
          notBefore.put(
              address,
              System.nanoTime() + next / 2 + ThreadLocalRandom.current().nextLong(next / 2 + 1));
          Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
          LOG.log(
              System.Logger.Level.DEBUG,
              () -> "seed " + seed + " (" + address + ") not reached: " + cause);
        } catch (InterruptedException e) {
          return;
        } finally {
          if (!name.isEmpty()) {
            dialling.stop(name);
          }
        }
      }
      LockSupport.parkNanos(this, BACKOFF_MIN.toNanos());
    }
  }

  /** The seed's addresses, minus this node's own. Empty while the name does not resolve. */
  private List<InetSocketAddress> resolve(SeedNode seed) {
    List<InetSocketAddress> out = new ArrayList<>();
    try {
      for (InetAddress a : InetAddress.getAllByName(seed.host())) {
        if (!isSelf(a, seed.port())) {
          out.add(new InetSocketAddress(a, seed.port()));
        }
      }
    } catch (UnknownHostException e) {
      LOG.log(
          System.Logger.Level.DEBUG, () -> "seed host " + seed.host() + " does not resolve yet");
    }
    return out;
  }

  private boolean isSelf(InetAddress address, int port) {
    InetSocketAddress bound = transport.boundAddress();
    if (port != bound.getPort()) {
      return false;
    }
    if (!bound.getAddress().isAnyLocalAddress()) {
      return bound.getAddress().equals(address);
    }
    try {
      return address.isAnyLocalAddress()
          || address.isLoopbackAddress()
          || NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
