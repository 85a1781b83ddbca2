package io.distproc.node.events;

import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/*
 * The grammar of an event line, in one place for the writer (the records' format()) and the reader:
 *
 *   line   = [prefix] MARKER SP kind *(SP field) [SP "detail=" rest-of-line]
 *   field  = key "=" value        ; value without spaces
 *
 * The marker must start the line or follow a space, so that a word that merely ends in it is not
 * taken for one. Fields are read into a map; a record takes the keys it needs and ignores the rest.
 */
final class EventLines {
  private static final String DETAIL = "detail=";

  private EventLines() {}

  /** Joins a kind and its fields into a line; the detail field, if any, comes last. */
  static String line(String kind, String... fields) {
    StringBuilder b = new StringBuilder(NodeEvent.MARKER).append(' ').append(kind);
    for (String f : fields) {
      b.append(' ').append(f);
    }
    return b.toString();
  }

  /** A value that must be one word. */
  static String checkValue(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(what + " must be one word, was '" + value + "'");
    }
    return value;
  }

  /** A detail on one line: line breaks become spaces. */
  static String oneLine(String detail) {
    return Objects.requireNonNull(detail, "detail")
        .replace("\r\n", " ")
        .replace('\r', ' ')
        .replace('\n', ' ');
  }

  static Optional<NodeEvent> parse(String line) {
    int at = markerAt(line);
    if (at < 0) {
      return Optional.empty();
    }
    String rest = line.substring(at + NodeEvent.MARKER.length() + 1);
    int space = rest.indexOf(' ');
    String kind = space < 0 ? rest : rest.substring(0, space);
    Map<String, String> fields = fields(space < 0 ? "" : rest.substring(space + 1), line);
    return Optional.ofNullable(
        switch (kind) {
          case NodeEvent.Ready.KIND -> ready(fields, line);
          case NodeEvent.PeerUp.KIND -> new NodeEvent.PeerUp(node(fields, line));
          case NodeEvent.PeerDown.KIND ->
              new NodeEvent.PeerDown(
                  node(fields, line),
                  cause(required(fields, "cause", line), line),
                  fields.getOrDefault("detail", ""));
          default -> null; // a kind of a newer node
        });
  }

  private static int markerAt(String line) {
    String marker = NodeEvent.MARKER + " ";
    for (int at = line.indexOf(marker); at >= 0; at = line.indexOf(marker, at + 1)) {
      if (at == 0 || line.charAt(at - 1) == ' ') {
        return at;
      }
    }
    return -1;
  }

  private static Map<String, String> fields(String text, String line) {
    Map<String, String> fields = new HashMap<>();
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith(DETAIL, i)) {
        fields.put("detail", text.substring(i + DETAIL.length()));
        break;
      }
      int end = text.indexOf(' ', i);
      String field = text.substring(i, end < 0 ? text.length() : end);
      int eq = field.indexOf('=');
      if (eq <= 0) {
        throw malformed("'" + field + "' is not key=value", line);
      }
      fields.putIfAbsent(field.substring(0, eq), field.substring(eq + 1));
      i = end < 0 ? text.length() : end + 1;
    }
    return fields;
  }

  private static NodeEvent.Ready ready(Map<String, String> fields, String line) {
    String address = required(fields, "address", line);
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      throw malformed("address '" + address + "' is not host:port", line);
    }
    try {
      return new NodeEvent.Ready(
          node(fields, line), address.substring(0, colon),
          Integer.parseInt(address.substring(colon + 1)), fields.getOrDefault("detail", ""));
    } catch (IllegalArgumentException e) { // NumberFormatException too
      throw malformed("address '" + address + "': " + e.getMessage(), line);
    }
  }

  private static NodeId node(Map<String, String> fields, String line) {
    String text = required(fields, "node", line);
    int hash = text.lastIndexOf('#');
    try {
      if (hash <= 0) {
        throw new IllegalArgumentException("no '#'");
      }
      return NodeId.of(text.substring(0, hash), Long.parseLong(text.substring(hash + 1)));
    } catch (IllegalArgumentException e) { // NumberFormatException too
      throw malformed("node '" + text + "' is not name#incarnation: " + e.getMessage(), line);
    }
  }

  private static NodeDownEvent.Cause cause(String text, String line) {
    try {
      return NodeDownEvent.Cause.valueOf(text);
    } catch (IllegalArgumentException e) {
      throw malformed("unknown cause '" + text + "'", line);
    }
  }

  private static String required(Map<String, String> fields, String key, String line) {
    String value = fields.get(key);
    if (value == null) {
      throw malformed("no " + key + "= field", line);
    }
    return value;
  }

  private static IllegalArgumentException malformed(String why, String line) {
    return new IllegalArgumentException(
        "malformed " + NodeEvent.MARKER + " line (" + why + "): " + line);
  }
}
