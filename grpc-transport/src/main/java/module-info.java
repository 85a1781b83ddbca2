/**
 * The gRPC transport of distproc: connects a remote node to its peers over grpc-java with shaded
 * Netty. The runtime finds it through the {@link io.distproc.runtime.internal.TransportFactory}
 * service when a node's configuration is remote; applications only put it on the class path or
 * module path and never name its classes.
 *
 * <p>It exports only {@code io.distproc.protobuf}: {@link io.distproc.protobuf.ProtobufCodec}, a
 * codec for clusters whose messages are protobuf. The transport itself is implementation. It reads
 * the runtime's transport seam ({@code io.distproc.runtime.internal}, exported to this module only)
 * and the generated wire contract of {@code io.distproc.proto}. The gRPC jars are automatic
 * modules.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.distproc.transport.grpc {
  requires static transitive org.jspecify;
  requires transitive io.distproc;
  requires io.distproc.runtime;
  requires io.distproc.proto;
  requires transitive com.google.protobuf;
  requires io.grpc;
  requires io.grpc.stub;
  requires io.grpc.protobuf;
  requires io.grpc.netty.shaded;

  exports io.distproc.protobuf;

  provides io.distproc.runtime.internal.TransportFactory with
      io.distproc.transport.grpc.GrpcTransportFactory;
}
