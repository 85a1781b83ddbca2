/**
 * The distproc API: everything user code touches.
 *
 * <p>Exports {@code io.distproc} (processes, matchers, ids, monitor reasons, node configuration,
 * exceptions and codecs) and {@code io.distproc.spi}, the service interface through which
 * {@link io.distproc.Node#start(io.distproc.NodeConfig, io.distproc.Codec) Node.start} finds a
 * runtime on the class path or module path. This module depends on the JDK alone.
 */
module io.distproc {
  requires static transitive org.jspecify;

  exports io.distproc;
  exports io.distproc.spi;

  uses io.distproc.spi.NodeProvider;
}
