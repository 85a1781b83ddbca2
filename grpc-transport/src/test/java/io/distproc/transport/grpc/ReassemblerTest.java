package io.distproc.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.distproc.proto.v1.Chunk;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReassemblerTest {
  private static final int LIMIT = 128 << 20;

  private static Chunk piece(long total, byte[] data, boolean last) {
    return Chunk.newBuilder()
        .setTotalSize(total)
        .setData(ByteString.copyFrom(data))
        .setLast(last)
        .build();
  }

  @Test
  void accept_hugeTotalAndLittleData_holdsOnlyWhatArrived() throws Exception {
    Reassembler reassembler = new Reassembler(LIMIT);

    assertThat(reassembler.accept(piece(LIMIT, new byte[100], false))).isNull();

    assertThat(reassembler.inProgress()).isTrue();
    assertThat(reassembler.held()).isLessThanOrEqualTo(200);
  }

  @Test
  void accept_piecesOfARun_growTheBufferAndReturnTheWholeFrame() throws Exception {
    Reassembler reassembler = new Reassembler(LIMIT);
    byte[] whole = new byte[10_000];
    new Random(7).nextBytes(whole);
    byte[] got = null;
    for (int at = 0; at < whole.length; at += 999) {
      int n = Math.min(999, whole.length - at);
      byte[] data = Arrays.copyOfRange(whole, at, at + n);
      got = reassembler.accept(piece(at == 0 ? whole.length : 0, data, at + n == whole.length));
      assertThat(reassembler.held()).isLessThanOrEqualTo(whole.length);
    }

    assertThat(got).isEqualTo(whole);
    assertThat(reassembler.inProgress()).isFalse();
    assertThat(reassembler.held()).isZero();
  }

  @Test
  void accept_piecesOverrunningTheTotal_throwBeforeGrowing() throws Exception {
    Reassembler reassembler = new Reassembler(LIMIT);
    reassembler.accept(piece(100, new byte[60], false));

    assertThatThrownBy(() -> reassembler.accept(piece(0, new byte[60], false)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("overrun");
  }
}
