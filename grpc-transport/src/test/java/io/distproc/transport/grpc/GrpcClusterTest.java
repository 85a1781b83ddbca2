package io.distproc.transport.grpc;

import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.runtime.testing.AbstractClusterTest;
import java.util.List;

/**
 * The cluster rules of the design, over real gRPC on loopback: nodes started through the public
 * API, which finds this transport on the module path by itself.
 */
class GrpcClusterTest extends AbstractClusterTest {

  @Override
  protected Node<String> startWith(NodeConfig.Builder config, List<NodeDownEvent> seen) {
    return Node.builder(config.build(), Codec.utf8())
        .behaviours(behaviours())
        .onNodeDown(seen::add)
        .start();
  }
}
