package io.distproc.node.events;

import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import java.util.Objects;
import java.util.Optional;

/**
 * Something a node of the {@code distproc-node} image reports on its log, one line per event: it is
 * {@linkplain Ready ready}, a peer {@linkplain PeerUp linked up}, a peer {@linkplain PeerDown went
 * down}. The node writes each line with {@link #format()}; a harness reads it back with {@link
 * #parse(String)}, which finds the event wherever the logger put it in the line.
 *
 * <p>The line is {@value #MARKER}, the event's {@linkplain #kind() kind}, and {@code key=value}
 * fields, each separated by one space:
 *
 * <pre>
 * distproc-event ready node=alpha#17 address=alpha:7000 detail=listening on 0.0.0.0:7000, ...
 * distproc-event node-up node=beta#5
 * distproc-event node-down node=beta#5 cause=HEARTBEAT_TIMEOUT detail=no heartbeat for 1000 ms
 * </pre>
 *
 * <ul>
 *   <li>A node is written {@code name#incarnation}, as {@link NodeId#toString()} writes it.
 *   <li>Values have no spaces, except {@code detail}: when present it is the last field and its
 *       value is the rest of the line (line breaks in it are written as spaces).
 *   <li>Readers ignore fields they do not know and return no event for a kind they do not know, so
 *       a newer node may add both; a field is never renamed or given another meaning.
 * </ul>
 *
 * <p>Events are immutable values and thread-safe; {@link #parse(String)} has no state.
 *
 * @since 0.1.0
 */
public sealed interface NodeEvent permits NodeEvent.Ready, NodeEvent.PeerUp, NodeEvent.PeerDown {
  /** The word that starts every event line: text before it on the line is not part of it. */
  String MARKER = "distproc-event";

  /**
   * Returns the node this event is about: the node itself for {@link Ready}, the peer otherwise.
   *
   * @return the node id
   */
  NodeId node();

  /**
   * Returns the word that names this kind of event in its line.
   *
   * @return {@code ready}, {@code node-up} or {@code node-down}
   */
  String kind();

  /**
   * Writes this event as its line, without a line break.
   *
   * @return the line, starting with {@value #MARKER}
   */
  String format();

  /**
   * Reads the event in a log line, which may carry a logger's prefix (time, level, logger name)
   * before the {@value #MARKER}.
   *
   * @param line one line of a node's log, without its line break
   * @return the event, or empty if the line holds none (no marker, or a kind this version does not
   *     know)
   * @throws NullPointerException if {@code line} is null
   * @throws IllegalArgumentException if the line has the marker and a known kind but is malformed:
   *     a field missing, a node, port or cause that does not parse
   */
  static Optional<NodeEvent> parse(String line) {
    return EventLines.parse(Objects.requireNonNull(line, "line"));
  }

  /**
   * The node runs: it listens, and other nodes reach it at {@code host:port}.
   *
   * @param node the node's own id
   * @param host the host other nodes dial, without spaces
   * @param port the port other nodes dial
   * @param detail more for humans (where it listens, its seeds, its heartbeat); may be empty
   * @since 0.1.0
   */
  record Ready(NodeId node, String host, int port, String detail) implements NodeEvent {
    /** The word of this kind. */
    public static final String KIND = "ready";

    /**
     * Creates the event; line breaks in {@code detail} become spaces.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if {@code host} is empty or has spaces, or {@code port} is
     *     not in 0..65535
     */
    public Ready {
      Objects.requireNonNull(node, "node");
      host = EventLines.checkValue("host", host);
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in 0..65535, was " + port);
      }
      detail = EventLines.oneLine(detail);
    }

    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public String format() {
      return EventLines.line(
          KIND, "node=" + node, "address=" + host + ":" + port, "detail=" + detail);
    }
  }

  /**
   * The node linked to a peer, or to a new incarnation of one.
   *
   * @param node the peer
   * @since 0.1.0
   */
  record PeerUp(NodeId node) implements NodeEvent {
    /** The word of this kind. */
    public static final String KIND = "node-up";

    /**
     * Creates the event.
     *
     * @throws NullPointerException if {@code node} is null
     */
    public PeerUp {
      Objects.requireNonNull(node, "node");
    }

    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public String format() {
      return EventLines.line(KIND, "node=" + node);
    }
  }

  /**
   * The node's link to a peer ended, and why, as its node-down listener was told.
   *
   * @param node the peer
   * @param cause why the link ended
   * @param detail the runtime's explanation; may be empty
   * @since 0.1.0
   */
  record PeerDown(NodeId node, NodeDownEvent.Cause cause, String detail) implements NodeEvent {
    /** The word of this kind. */
    public static final String KIND = "node-down";

    /**
     * Creates the event; line breaks in {@code detail} become spaces.
     *
     * @throws NullPointerException if a component is null
     */
    public PeerDown {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(cause, "cause");
      detail = EventLines.oneLine(detail);
    }

    /**
     * Returns the event of a node-down listener.
     *
     * @param event what the listener was told
     * @return the event
     * @throws NullPointerException if {@code event} is null
     */
    public static PeerDown of(NodeDownEvent event) {
      return new PeerDown(event.node(), event.cause(), event.detail());
    }

    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public String format() {
      return EventLines.line(KIND, "node=" + node, "cause=" + cause.name(), "detail=" + detail);
    }
  }
}
