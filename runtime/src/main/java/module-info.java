/**
 * The distproc runtime: a node with processes on virtual threads, mailboxes with selective
 * receive, monitor tables and a process registry. Found by {@code io.distproc.Node.start}
 * through the {@link io.distproc.spi.NodeProvider} service; exports no package of its own.
 */
module io.distproc.runtime {
  requires transitive io.distproc;

  provides io.distproc.spi.NodeProvider with
      io.distproc.runtime.RuntimeNodeProvider;
}
