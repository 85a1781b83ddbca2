package io.distproc.benchmarks;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one gRPC link costs in heap beyond the first: a hub and four spokes in this JVM, the heap
 * after full collections with no link, after the hub's first link, and after its other three. W9's
 * "heap per link" divides a node's whole growth by its three links, so it counts once more for each
 * link what only the first sets up (the transport's shared state); this tells the two apart. Prints
 * one line; both ends of each link are in this JVM.
 *
 * <pre>{@code
 * java -cp 'benchmarks/target/classes:benchmarks/target/lib/*' io.distproc.benchmarks.LinkHeap
 * }</pre>
 */
public final class LinkHeap {
  private static final String LOOPBACK = "127.0.0.1";
  private static final int SPOKES = 4;

  private LinkHeap() {}

  /**
   * Measures and prints the heap of the first link and of each further one.
   *
   * @param args none
   * @throws InterruptedException if interrupted while a link comes up
   */
  public static void main(String[] args) throws InterruptedException {
    List<Node<String>> nodes = new ArrayList<>();
    try {
      for (int i = 0; i <= SPOKES; i++) {
        NodeConfig config = NodeConfig.remote("n" + i).bind(LOOPBACK, 0).plaintext().build();
        nodes.add(Node.builder(config, Codec.utf8()).start());
      }
      Node<String> hub = nodes.get(0);
      long none = Bench.heapAfterFullGc();
      link(hub, nodes.get(1));
      long first = Bench.heapAfterFullGc();
      for (int i = 2; i <= SPOKES; i++) {
        link(hub, nodes.get(i));
      }
      long all = Bench.heapAfterFullGc();
      System.out.printf(
          Locale.ROOT,
          "heap with no link: %d KiB; the first link: +%d KiB; each further link, both ends:"
              + " %.1f KiB%n",
          none / 1024,
          (first - none) / 1024,
          (all - first) / (SPOKES - 1.0) / 1024);
    } finally {
      nodes.forEach(Node::close);
    }
  }

  /** Links the hub to the spoke and waits until both ends have it. */
  private static void link(Node<String> hub, Node<String> spoke) throws InterruptedException {
    int port = spoke.boundAddress().orElseThrow().getPort();
    hub.addRemoteNode(LOOPBACK, port, spoke.id().name());
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!spoke.remoteNodes().contains(hub.id())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(spoke.id() + " did not see the link from " + hub.id());
      }
      Thread.sleep(10);
    }
  }
}
