/**
 * The event lines of a distproc node of the container image: one format, written by the image's
 * main and read by the testkit, so that neither waits on text the other only happens to print.
 *
 * <p>Exports {@code io.distproc.node.events}: {@link io.distproc.node.events.NodeEvent}, its
 * records, and the parser. The API is required transitively, since {@link io.distproc.NodeId} and
 * {@link io.distproc.NodeDownEvent.Cause} appear in the records.
 */
module io.distproc.node.events {
  requires transitive io.distproc;

  exports io.distproc.node.events;
}
