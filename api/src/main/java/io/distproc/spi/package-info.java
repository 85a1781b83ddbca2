/**
 * The service interface between the API and a runtime: how {@link io.distproc.Node#start} finds the
 * implementation. User code never needs it.
 */
package io.distproc.spi;
