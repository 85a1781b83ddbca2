/**
 * The distproc runtime: a node with processes on virtual threads, mailboxes with selective receive,
 * monitor tables and a process registry. Found by {@code io.distproc.Node.start} through the {@link
 * io.distproc.spi.NodeProvider} service. Exports only its transport seam, and only to the transport
 * module; a remote node finds its transport through the {@link
 * io.distproc.runtime.internal.TransportFactory} service.
 */
@SuppressWarnings("module") // the transport module is not always on the module path
module io.distproc.runtime {
  requires transitive io.distproc;

  exports io.distproc.runtime.internal to
      io.distproc.transport.grpc;

  uses io.distproc.runtime.internal.TransportFactory;

  provides io.distproc.spi.NodeProvider with
      io.distproc.runtime.RuntimeNodeProvider;
}
