package io.distproc.node.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.NodeDownEvent;
import io.distproc.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeEventTest {
  private static final NodeId ALPHA = NodeId.of("alpha", 17);
  private static final NodeId BETA = NodeId.of("beta", 5);

  /** What the node image's Logback pattern puts before a message. */
  private static final String PREFIX = "21:44:37.688 INFO  membership               ";

  @Test
  void format_eachKind_parsesBackToAnEqualEvent() {
    List<NodeEvent> events =
        List.of(
            new NodeEvent.Ready(
                ALPHA, "alpha", 7000, "listening on 0.0.0.0:7000, seeds [beta@beta:7000]"),
            new NodeEvent.Ready(ALPHA, "::1", 1, ""),
            new NodeEvent.PeerUp(BETA),
            new NodeEvent.PeerDown(
                BETA, NodeDownEvent.Cause.HEARTBEAT_TIMEOUT, "no heartbeat for 1000 ms"),
            new NodeEvent.PeerDown(BETA, NodeDownEvent.Cause.PEER_LEFT, ""),
            new NodeEvent.PeerDown(
                BETA, NodeDownEvent.Cause.CONNECTION_LOST, "detail=x cause=REMOVED  "));

    for (NodeEvent e : events) {
      assertThat(NodeEvent.parse(e.format())).as(e.format()).contains(e);
      assertThat(NodeEvent.parse(PREFIX + e.format())).as("after a logger's prefix").contains(e);
    }
  }

  @Test
  void format_eachKind_writesTheDocumentedLine() {
    assertThat(new NodeEvent.Ready(ALPHA, "alpha", 7000, "listening on 0.0.0.0:7000").format())
        .isEqualTo(
            "distproc-event ready node=alpha#17 address=alpha:7000 detail=listening on 0.0.0.0:7000");
    assertThat(new NodeEvent.PeerUp(BETA).format()).isEqualTo("distproc-event node-up node=beta#5");
    assertThat(new NodeEvent.PeerDown(BETA, NodeDownEvent.Cause.CONNECTION_LOST, "reset").format())
        .isEqualTo("distproc-event node-down node=beta#5 cause=CONNECTION_LOST detail=reset");
  }

  @Test
  void parse_linesAsTheNodeImageLogsThem_givesTheirEvents() {
    assertThat(
            NodeEvent.parse(
                "21:44:37.688 INFO  NodeMain                 distproc-event ready node=alpha#17"
                    + " address=alpha:7000 detail=listening on 0.0.0.0:7000, seeds [], behaviours [all]"))
        .contains(
            new NodeEvent.Ready(
                ALPHA, "alpha", 7000, "listening on 0.0.0.0:7000, seeds [], behaviours [all]"));
    assertThat(
            NodeEvent.parse(
                "21:44:38.001 INFO  membership               distproc-event node-up node=beta#5"))
        .contains(new NodeEvent.PeerUp(BETA));
    assertThat(
            NodeEvent.parse(
                "21:44:39.120 WARN  membership               distproc-event node-down node=beta#5"
                    + " cause=HEARTBEAT_TIMEOUT detail=no heartbeat for 1000 ms"))
        .contains(
            new NodeEvent.PeerDown(
                BETA, NodeDownEvent.Cause.HEARTBEAT_TIMEOUT, "no heartbeat for 1000 ms"));
  }

  @Test
  void parse_linesWithoutAnEvent_giveNone() {
    assertThat(NodeEvent.parse("")).isEmpty();
    assertThat(NodeEvent.parse("21:44:37.688 INFO  node  distproc node alpha stopping")).isEmpty();
    assertThat(NodeEvent.parse("x node-up beta#5")).as("the words alone are no event").isEmpty();
    assertThat(NodeEvent.parse("x not-distproc-event node-up node=beta#5")).isEmpty();
    assertThat(NodeEvent.parse("x distproc-event")).isEmpty();
  }

  @Test
  void parse_newerLines_ignoreUnknownKindsAndFields() {
    assertThat(NodeEvent.parse("distproc-event node-paused node=beta#5")).isEmpty();
    assertThat(NodeEvent.parse("distproc-event node-up node=beta#5 via=tls"))
        .contains(new NodeEvent.PeerUp(BETA));
    assertThat(NodeEvent.parse("distproc-event node-up zone=a node=beta#5"))
        .contains(new NodeEvent.PeerUp(BETA));
  }

  @Test
  void parse_malformedEventLines_throwNamingTheLine() {
    for (String line :
        List.of(
            "distproc-event node-up",
            "distproc-event node-up node=beta",
            "distproc-event node-up node=beta#x",
            "distproc-event node-up node=#5",
            "distproc-event node-up node=be ta#5",
            "distproc-event node-up nodebeta#5",
            "distproc-event node-down node=beta#5",
            "distproc-event node-down node=beta#5 cause=EATEN",
            "distproc-event ready node=alpha#17",
            "distproc-event ready node=alpha#17 address=alpha",
            "distproc-event ready node=alpha#17 address=alpha:http",
            "distproc-event ready node=alpha#17 address=alpha:70000")) {
      assertThatThrownBy(() -> NodeEvent.parse(line))
          .as(line)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("malformed distproc-event line")
          .hasMessageEndingWith(line);
    }
  }

  @Test
  void detail_withLineBreaks_isWrittenOnOneLine() {
    NodeEvent.PeerDown down =
        new NodeEvent.PeerDown(
            BETA, NodeDownEvent.Cause.CONNECTION_LOST, "io error:\nreset\r\nby peer");

    assertThat(down.detail()).isEqualTo("io error: reset by peer");
    assertThat(down.format()).doesNotContain("\n", "\r");
    assertThat(NodeEvent.parse(down.format())).contains(down);
  }

  @Test
  void records_badValues_areRefused() {
    assertThatThrownBy(() -> new NodeEvent.Ready(ALPHA, "al pha", 7000, ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NodeEvent.Ready(ALPHA, "", 7000, ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NodeEvent.Ready(ALPHA, "alpha", -1, ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeEvent.parse(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void peerDown_ofAListenersEvent_keepsWhatItWasTold() {
    NodeDownEvent told = new NodeDownEvent(BETA, NodeDownEvent.Cause.REMOVED, "removed by alpha");

    assertThat(NodeEvent.PeerDown.of(told))
        .isEqualTo(new NodeEvent.PeerDown(BETA, NodeDownEvent.Cause.REMOVED, "removed by alpha"));
  }
}
