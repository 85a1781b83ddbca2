package io.distproc;

/**
 * Turns a node's messages into bytes and back, for messages that leave the JVM.
 *
 * <p>Messages between processes of one node are handed over by reference and never encoded, so
 * messages should be immutable. distproc never uses Java serialization. Shipped codecs: {@link
 * #utf8()} for strings, {@link #localOnly()} for nodes whose messages never leave the JVM, and
 * {@code io.distproc.protobuf.ProtobufCodec} (in distproc-grpc-transport) for protobuf messages;
 * any other format is an implementation of this interface.
 *
 * <p>Implementations must be thread-safe: many processes encode and decode at once.
 *
 * @param <M> the node's message type
 * @since 0.1.0
 */
public interface Codec<M> {

  /**
   * Encodes a message.
   *
   * @param message the message
   * @return its bytes; the caller does not modify them
   * @throws IllegalArgumentException if the message cannot be encoded
   */
  byte[] encode(M message);

  /**
   * Decodes a message.
   *
   * @param bytes bytes made by {@link #encode(Object)} on some node; not modified
   * @return the message
   * @throws IllegalArgumentException if the bytes are not a valid message
   */
  M decode(byte[] bytes);

  /**
   * Describes a message for logs. The default is {@link String#valueOf(Object)}; override it to
   * keep secrets or bulk out of logs.
   *
   * @param message the message
   * @return a short description
   */
  default String describe(M message) {
    return String.valueOf(message);
  }

  /**
   * Returns a codec of strings as UTF-8 bytes that rejects malformed input.
   *
   * @return the codec
   */
  static Codec<String> utf8() {
    return Utf8Codec.INSTANCE;
  }

  /**
   * Returns a codec for messages that never leave this JVM: for local-only nodes, where messages
   * are handed over by reference and never encoded. Encoding or decoding with it throws.
   *
   * @param <M> the node's message type
   * @return the codec
   */
  @SuppressWarnings("unchecked")
  static <M> Codec<M> localOnly() {
    return (Codec<M>) LocalOnlyCodec.INSTANCE;
  }
}
