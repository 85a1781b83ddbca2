/**
 * What a node of the {@code distproc-node} image tells the world on its log, as {@link
 * io.distproc.node.events.NodeEvent}s: it is ready, a peer linked up, a peer went down. {@link
 * io.distproc.node.events.NodeEvent#format()} writes the one line of an event and {@link
 * io.distproc.node.events.NodeEvent#parse(String)} reads it back from a log line.
 *
 * @since 0.1.0
 */
package io.distproc.node.events;
