package io.distproc.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.NodeId;
import io.distproc.Pid;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeProtocolTest {

  @Test
  void pid_roundTrips_evenWithDotsInTheName() {
    Pid pid = Pid.of(NodeId.of("node.a-1", 1764000000123456L), 42);

    assertThat(NodeProtocol.pid(pid)).isEqualTo("node.a-1#1764000000123456.42");
    assertThat(NodeProtocol.parsePid(NodeProtocol.pid(pid))).isEqualTo(pid);
  }

  @Test
  void parsePid_malformed_saysWhatItExpected() {
    assertThatThrownBy(() -> NodeProtocol.parsePid("<alpha#1.2>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name#incarnation.id");
  }

  @Test
  void node_roundTrips() {
    NodeId id = NodeId.of("gamma", 7);

    assertThat(NodeProtocol.parseNode(NodeProtocol.node(id))).isEqualTo(id);
  }

  @Test
  void ranges_roundTrip() {
    List<Long> numbers = List.of(1L, 2L, 3L, 5L, 7L, 8L);

    assertThat(NodeProtocol.ranges(numbers)).isEqualTo("1-3,5,7-8");
    assertThat(NodeProtocol.parseRanges("1-3,5,7-8")).isEqualTo(numbers);
    assertThat(NodeProtocol.ranges(List.of())).isEqualTo("-");
    assertThat(NodeProtocol.parseRanges("-")).isEmpty();
  }

  @Test
  void message_writesPidsAndNodesInProtocolForm() {
    Pid pid = Pid.of(NodeId.of("alpha", 3), 9);

    assertThat(NodeProtocol.message("ping", pid, "hello world"))
        .isEqualTo("ping alpha#3.9 hello world");
    assertThat(NodeProtocol.words("ping alpha#3.9 hello world", 3))
        .containsExactly("ping", "alpha#3.9", "hello world");
  }
}
