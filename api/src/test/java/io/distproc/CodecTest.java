package io.distproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {
  private final Codec<String> utf8 = Codec.utf8();

  @Test
  void utf8_wellFormedText_roundTrips() {
    for (String s : List.of("", "hello", "naïve café", "日本語", "emoji \uD83D\uDE00", "\u0000")) {
      assertThat(utf8.decode(utf8.encode(s))).isEqualTo(s);
    }
    assertThat(utf8.encode("é")).containsExactly(0xC3, 0xA9);
  }

  @Test
  void utf8_malformedBytes_throwsIllegalArgumentInsteadOfReplacing() {
    List<byte[]> malformed =
        List.of(
            new byte[] {(byte) 0x80}, // a continuation byte alone
            new byte[] {(byte) 0xC3, 0x28}, // a lead byte without its continuation
            new byte[] {(byte) 0xC0, (byte) 0xAF}, // an overlong encoding of '/'
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
            new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            new byte[] {'o', 'k', (byte) 0xE2, (byte) 0x82}); // truncated at the end
    for (byte[] bytes : malformed) {
      assertThatThrownBy(() -> utf8.decode(bytes))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("not valid UTF-8");
    }
  }

  @Test
  void utf8_describe_isTheText() {
    assertThat(utf8.describe("hi")).isEqualTo("hi");
    assertThat(new String(utf8.encode("x"), StandardCharsets.UTF_8)).isEqualTo("x");
  }

  @Test
  void localOnly_encodeOrDecode_throwsIllegalArgument() {
    Codec<Object> local = Codec.localOnly();

    assertThatThrownBy(() -> local.encode("m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot encode");
    assertThatThrownBy(() -> local.decode(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot decode");
  }
}
