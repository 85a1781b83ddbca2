package io.distproc;

/** For messages that never leave the JVM: refuses to encode or decode. */
enum LocalOnlyCodec implements Codec<Object> {
  INSTANCE;

  @Override
  public byte[] encode(Object message) {
    throw new IllegalArgumentException(
        "Codec.localOnly() cannot encode a message for another node; give the node a real codec");
  }

  @Override
  public Object decode(byte[] bytes) {
    throw new IllegalArgumentException(
        "Codec.localOnly() cannot decode a message from another node; give the node a real codec");
  }
}
