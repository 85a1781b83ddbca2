/**
 * The distproc wire contract: the Java classes generated from {@code distproc/wire/v1/link.proto}
 * (protobuf messages and the gRPC {@code NodeLink} service descriptors), in package {@code
 * io.distproc.proto.v1}. Only the gRPC transport uses it; applications never need it.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.distproc.proto {
  requires transitive com.google.protobuf;
  requires transitive io.grpc;
  requires transitive io.grpc.protobuf;
  requires transitive io.grpc.stub;

  exports io.distproc.proto.v1;
}
