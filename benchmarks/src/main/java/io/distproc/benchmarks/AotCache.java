package io.distproc.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDK's ahead-of-time caches of the JVM sides, with the driver's {@code --aot}: before a
 * workload's measured JVM, a training JVM runs the same workload once at a tenth of the measured
 * size and writes an AOT cache (JEP 483, 514, 515: the classes it loaded and linked, and the
 * profiles of the methods it ran), one for the workload's JVM and one for its other nodes; the
 * measured JVM and its nodes start from them ({@code -XX:AOTMode=on}: a cache the JVM cannot use
 * fails the run rather than being ignored). The JIT compilers still compile at run time, but with
 * the profiles at hand from the start. Each side gets the same treatment, trained on its own code.
 * Not for W6, which kills and stops its nodes. Used by the driver's thread only.
 */
final class AotCache {
  private static final String PEER_FLAGS = "-Dbench.peerFlags=";

  private final Path dir;

  /** Keeps the caches in {@code dir}, which it creates. */
  AotCache(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /** Whether workload {@code w} is trained first. */
  static boolean trains(String w) {
    return !w.equals("W6");
  }

  /**
   * The flags of the training JVM of {@code side}'s {@code w}: it writes the caches, its other
   * nodes' too (each its own; {@code %p} is the JVM's pid). Deletes what an earlier training left.
   */
  List<String> trainingFlags(String side, String w) throws IOException {
    discard(side, w);
    for (Path p : peerOutputs(side, w)) {
      Files.delete(p);
    }
    return List.of(
        "-XX:AOTCacheOutput=" + cache(side, w),
        PEER_FLAGS + "-XX:AOTCacheOutput=" + dir.resolve(side + "-" + w + "-peer-%p.aot"));
  }

  /**
   * The flags of the measured JVM of {@code side}'s {@code w}, after its training: its cache, and
   * for its other nodes one of theirs (they all ran the same code, and start with the same flags).
   *
   * @throws IOException if the training wrote no cache for the workload's JVM
   */
  List<String> useFlags(String side, String w) throws IOException {
    Path cache = cache(side, w);
    if (!Files.isRegularFile(cache)) {
      throw new IOException("the training run wrote no AOT cache " + cache);
    }
    List<String> flags = new ArrayList<>(List.of("-XX:AOTMode=on", "-XX:AOTCache=" + cache));
    List<Path> peers = peerOutputs(side, w);
    if (!peers.isEmpty()) {
      Path peer = peerCache(side, w);
      Files.move(peers.get(0), peer, StandardCopyOption.REPLACE_EXISTING);
      for (Path p : peers.subList(1, peers.size())) {
        Files.delete(p);
      }
      flags.add(PEER_FLAGS + "-XX:AOTMode=on|-XX:AOTCache=" + peer);
    }
    return flags;
  }

  /** Deletes the caches of {@code side}'s {@code w}. */
  void discard(String side, String w) throws IOException {
    Files.deleteIfExists(cache(side, w));
    Files.deleteIfExists(peerCache(side, w));
  }

  /**
   * {@code base} followed by {@code extra}, where a {@code -Dbench.peerFlags} in both becomes one,
   * with the flags of both ({@code |}-separated, as {@link Peer} reads them).
   */
  static List<String> merged(List<String> base, List<String> extra) {
    List<String> out = new ArrayList<>(base);
    for (String flag : extra) {
      int at = indexOfPeerFlags(out);
      if (flag.startsWith(PEER_FLAGS) && at >= 0) {
        out.set(at, out.get(at) + "|" + flag.substring(PEER_FLAGS.length()));
      } else {
        out.add(flag);
      }
    }
    return out;
  }

  private static int indexOfPeerFlags(List<String> flags) {
    for (int i = 0; i < flags.size(); i++) {
      if (flags.get(i).startsWith(PEER_FLAGS)) {
        return i;
      }
    }
    return -1;
  }

  private Path cache(String side, String w) {
    return dir.resolve(side + "-" + w + ".aot");
  }

  private Path peerCache(String side, String w) {
    return dir.resolve(side + "-" + w + "-peer.aot");
  }

  /** The caches the training's other nodes wrote, in name order. */
  private List<Path> peerOutputs(String side, String w) throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, side + "-" + w + "-peer-*.aot")) {
      s.forEach(found::add);
    }
    found.sort(null);
    return found;
  }
}
