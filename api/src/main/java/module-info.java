/**
 * The distproc API: everything user code touches.
 *
 * <p>Exports {@code io.distproc} (processes, matchers, ids, monitor reasons, node configuration,
 * exceptions and codecs) and {@code io.distproc.spi}, the service interface through which {@link
 * io.distproc.Node#start(io.distproc.NodeConfig, io.distproc.Codec) Node.start} finds a runtime on
 * the class path or module path. {@code io.distproc.internal}, the runtime's view of the matchers,
 * is exported to the runtime alone. This module depends on the JDK alone.
 */
@SuppressWarnings("module") // the runtime module is not on the module path when this one builds
module io.distproc {
  requires static transitive org.jspecify;

  exports io.distproc;
  exports io.distproc.spi;
  exports io.distproc.internal to
      io.distproc.runtime;

  uses io.distproc.spi.NodeProvider;
}
