/**
 * The node of the {@code distproc-node} image: {@link io.distproc.node.NodeMain} reads its
 * configuration from environment variables and starts a node with the built-in behaviours, whose
 * messages {@link io.distproc.node.NodeProtocol} describes.
 *
 * @since 0.1.0
 */
package io.distproc.node;
