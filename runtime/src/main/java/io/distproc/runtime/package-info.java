/**
 * The distproc runtime: nodes, processes on virtual threads, mailboxes with selective receive, and
 * monitor tables. Nothing here is API: user code reaches it through {@link io.distproc.Node#start}.
 */
package io.distproc.runtime;
