package io.distproc.transport.grpc;

import io.distproc.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The last two nodes a link's reader met (its peer and this node, mostly), by name and incarnation:
 * a known node costs no string and no name check, whichever path read it (by hand from the name's
 * bytes, or by protobuf as a string). One per reading codec.
 *
 * <p>Not thread-safe: confined to the link's reader.
 */
final class NodeCache {
  private static final byte[] NO_NAME = {};

  // A name is NO_NAME while its node is null.
  private @Nullable NodeId a;
  private byte[] aName = NO_NAME;
  private @Nullable NodeId b;
  private byte[] bName = NO_NAME;
  private boolean replaceA = true;

  /** The node whose name is the UTF-8 bytes {@code bytes[from, to)}, if met; else null. */
  @Nullable NodeId find(byte[] bytes, int from, int to, long incarnation) {
    if (a != null
        && a.incarnation() == incarnation
        && Arrays.equals(aName, 0, aName.length, bytes, from, to)) {
      return a;
    }
    if (b != null
        && b.incarnation() == incarnation
        && Arrays.equals(bName, 0, bName.length, bytes, from, to)) {
      return b;
    }
    return null;
  }

  /** The node named {@code name}, if met; else null. */
  @Nullable NodeId find(String name, long incarnation) {
    if (a != null && a.incarnation() == incarnation && a.name().equals(name)) {
      return a;
    }
    if (b != null && b.incarnation() == incarnation && b.name().equals(name)) {
      return b;
    }
    return null;
  }

  /** Remembers {@code node}, whose name's UTF-8 bytes are {@code name} (null: from the node). */
  void remember(NodeId node, byte @Nullable [] name) {
    byte[] bytes = name != null ? name : node.name().getBytes(StandardCharsets.UTF_8);
    if (replaceA) {
      a = node;
      aName = bytes;
    } else {
      b = node;
      bName = bytes;
    }
    replaceA = !replaceA;
  }
}
