package io.distproc.protobuf;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.TextFormat;
import io.distproc.Codec;
import java.util.Objects;

/**
 * A {@link Codec} for a cluster whose messages are protobuf messages of one type: the natural
 * choice when the messages already are protobuf, and the way to evolve them compatibly. Use a
 * {@code oneof} in that type for several kinds of message.
 *
 * <pre>{@code
 * Codec<Envelope> codec = ProtobufCodec.of(Envelope.getDefaultInstance());
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param <M> the message type
 * @since 0.1.0
 */
public final class ProtobufCodec<M extends Message> implements Codec<M> {
  private final Parser<? extends M> parser;

  private ProtobufCodec(Parser<? extends M> parser) {
    this.parser = parser;
  }

  /**
   * Returns a codec for messages of the type of {@code defaultInstance}.
   *
   * @param defaultInstance the type's default instance, e.g. {@code Envelope.getDefaultInstance()}
   * @param <M> the message type
   * @return the codec
   * @throws NullPointerException if {@code defaultInstance} is null
   */
  @SuppressWarnings("unchecked")
  public static <M extends Message> ProtobufCodec<M> of(M defaultInstance) {
    Objects.requireNonNull(defaultInstance, "defaultInstance");
    return new ProtobufCodec<>((Parser<? extends M>) defaultInstance.getParserForType());
  }

  /**
   * Encodes a message in the protobuf binary format.
   *
   * @param message the message
   * @return its bytes
   */
  @Override
  public byte[] encode(M message) {
    return message.toByteArray();
  }

  /**
   * Decodes a message from the protobuf binary format.
   *
   * @param bytes the bytes
   * @return the message
   * @throws IllegalArgumentException if the bytes are not a valid message of this type
   */
  @Override
  public M decode(byte[] bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a valid protobuf message: " + e.getMessage(), e);
    }
  }

  /**
   * Describes a message on one line, in protobuf text format.
   *
   * @param message the message
   * @return the description
   */
  @Override
  public String describe(M message) {
    return message.getDescriptorForType().getName()
        + "{"
        + TextFormat.printer().emittingSingleLine(true).printToString(message)
        + "}";
  }
}
