package io.distproc.transport.grpc;

import static io.distproc.Matcher.any;

import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import java.time.Duration;

/**
 * A node in a JVM of its own, for tests that kill or stop a real process. Arguments: its name, the
 * seed's port on 127.0.0.1, the heartbeat interval and timeout in milliseconds. Registers "waiter",
 * a process that waits for one message, and runs until killed.
 */
public final class ChildNode {
  private ChildNode() {}

  /**
   * Starts the node and blocks.
   *
   * @param args name, seed port, heartbeat interval ms, heartbeat timeout ms
   * @throws InterruptedException never, in practice
   */
  public static void main(String[] args) throws InterruptedException {
    NodeConfig config =
        NodeConfig.remote(args[0])
            .bind("127.0.0.1", 0)
            .seedNode("alpha", "127.0.0.1", Integer.parseInt(args[1]))
            .heartbeat(
                Duration.ofMillis(Long.parseLong(args[2])),
                Duration.ofMillis(Long.parseLong(args[3])))
            .plaintext()
            .build();
    Behaviours<String> behaviours =
        Behaviours.<String>builder().add("waiter", arg -> ctx -> ctx.receive(any(s -> s))).build();
    Node<String> node = Node.builder(config, Codec.utf8()).behaviours(behaviours).start();
    System.out.println("child node " + node.id() + " ready");
    node.awaitTermination(Duration.ofDays(1));
  }
}
