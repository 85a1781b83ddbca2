/**
 * The distproc node of the container image: a main configured by environment variables, with
 * built-in behaviours for demos and tests, and the text protocol those behaviours speak. Its event
 * lines are written in the format of {@code io.distproc.node.events}, which the testkit reads.
 *
 * <p>The image runs it on the class path; the module descriptor states what it reads and exports
 * for users who put it on the module path. The runtime and the gRPC transport are found by {@code
 * io.distproc.Node#start} through their services and are not read here.
 */
module io.distproc.node {
  requires transitive io.distproc;
  requires io.distproc.node.events;
  requires io.distproc.otp;
  requires org.slf4j;

  exports io.distproc.node;
}
