package io.distproc.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.proto.v1.Pid;
import org.junit.jupiter.api.Test;

class ProtobufCodecTest {
  private final ProtobufCodec<Pid> codec = ProtobufCodec.of(Pid.getDefaultInstance());

  @Test
  void decode_encodedMessage_roundTrips() {
    Pid pid = Pid.newBuilder().setNodeName("alpha").setIncarnation(7).setId(42).build();

    assertThat(codec.decode(codec.encode(pid))).isEqualTo(pid);
  }

  @Test
  void decode_malformedBytes_throwsIllegalArgument() {
    assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid protobuf message");
  }

  @Test
  void describe_message_isOneLineOfTextFormat() {
    Pid pid = Pid.newBuilder().setNodeName("alpha").setIncarnation(7).setId(42).build();

    assertThat(codec.describe(pid))
        .isEqualTo("Pid{node_name: \"alpha\" incarnation: 7 id: 42}")
        .doesNotContain("\n");
  }
}
