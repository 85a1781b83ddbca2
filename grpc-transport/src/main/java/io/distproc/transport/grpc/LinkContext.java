package io.distproc.transport.grpc;

import io.distproc.runtime.internal.LinkHandler;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What a link needs of its node's transport, and no more: a link gets this record, never the
 * transport. Each link makes its own codecs (they cache per role, so they cannot be shared); the
 * clock is the timer's ({@link TimerThread}).
 *
 * @param identity who this node is in a handshake
 * @param handler the runtime, which the link's Inbox calls
 * @param limits the transport's sizes and the close grace
 * @param heartbeatInterval how often a link pings its peer
 * @param heartbeatTimeout how long a silent peer is given before its link is declared dead
 * @param handshakeTimeout how long a handshake may take, from the first frame
 * @param tls whether links run over TLS (a dialler then checks the accepting node's name)
 * @param writers runs the links' Outbox writers
 * @param threads makes the links' delivering virtual threads (one factory per link)
 * @param timer heartbeats and deadlines, and their clock
 * @param badLinks the log of links closed for their peer's fault
 * @param table the transport's links and tokens
 * @param faults where tests hang, crash and count; a no-op in production
 */
record LinkContext(
    Identity identity,
    LinkHandler handler,
    TransportSettings limits,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    Duration handshakeTimeout,
    boolean tls,
    Executor writers,
    IoThreads threads,
    TimerThread timer,
    BadLinkLog badLinks,
    LinkTable table,
    FaultSeam faults) {

  /** The node's name, for logs. */
  String nodeName() {
    return identity.self().name();
  }
}
