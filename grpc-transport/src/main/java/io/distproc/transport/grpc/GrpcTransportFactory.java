package io.distproc.transport.grpc;

import io.distproc.NodeConfig;
import io.distproc.NodeId;
import io.distproc.runtime.internal.LinkHandler;
import io.distproc.runtime.internal.Transport;
import io.distproc.runtime.internal.TransportFactory;
import java.util.Objects;

/**
 * Makes the gRPC transport of a remote node. The runtime finds this class with {@link
 * java.util.ServiceLoader} (declared both in {@code module-info} and in {@code META-INF/services});
 * applications never call it.
 *
 * <p>Limits that are not part of {@link NodeConfig} are read from system properties when a
 * transport starts: {@value TransportSettings#MAX_QUEUED_BYTES_PROPERTY} (the bytes of message
 * payload queued per link before {@code send} blocks, default 64 MiB) and {@value
 * TransportSettings#MAX_MESSAGE_BYTES_PROPERTY} (the largest message a link carries, default 128
 * MiB).
 *
 * <p>This class is thread-safe and stateless.
 *
 * @since 0.1.0
 */
public final class GrpcTransportFactory implements TransportFactory {

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public GrpcTransportFactory() {}

  @Override
  public Transport start(NodeConfig config, NodeId self, LinkHandler handler) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(handler, "handler");
    return GrpcTransport.start(
        config, self, handler, TransportSettings.fromSystemProperties(), FaultSeam.NONE);
  }
}
