/**
 * A {@link io.distproc.Codec} for clusters whose messages are protobuf messages: {@link
 * io.distproc.protobuf.ProtobufCodec}.
 */
package io.distproc.protobuf;
