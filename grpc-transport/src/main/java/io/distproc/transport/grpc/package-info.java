/**
 * The gRPC transport: {@link io.distproc.transport.grpc.GrpcTransportFactory}, found by the runtime
 * through {@link java.util.ServiceLoader}, and the package-private classes behind it.
 *
 * <p>Not API: the package is not exported, and only the factory is public, because {@code
 * ServiceLoader} needs it so. The wire contract it speaks is {@code distproc/wire/v1/link.proto} in
 * the {@code distproc-proto} module.
 */
package io.distproc.transport.grpc;
