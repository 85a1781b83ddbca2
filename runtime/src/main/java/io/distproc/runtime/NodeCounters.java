package io.distproc.runtime;

import io.distproc.NodeId;
import io.distproc.NodeMetrics;
import io.distproc.Pid;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one node, and the {@link NodeMetrics} view over them, its process table and its
 * remoting. Thread-safe: every counter is a LongAdder, or, for the two that every message adds to,
 * a {@link StripedCounter}.
 */
final class NodeCounters {
  final LongAdder spawned = new LongAdder();
  final StripedCounter sent = new StripedCounter();
  final LongAdder deadLetters = new LongAdder();
  final StripedCounter received = new StripedCounter();
  final LongAdder undecodable = new LongAdder();
  final LongAdder unsent = new LongAdder();
  final LongAdder downsToOtherNodes = new LongAdder();

  /** The metrics of a node with these counters, its processes and its remoting. */
  <M> NodeMetrics metrics(NodeId self, ProcessTable<M> processes, Remoting<M> remoting) {
    return new NodeMetrics() {
      @Override
      public long liveProcesses() {
        return processes.size();
      }

      @Override
      public long processesSpawned() {
        return spawned.sum();
      }

      @Override
      public long messagesSent() {
        return sent.sum();
      }

      @Override
      public long deadLetters() {
        return deadLetters.sum();
      }

      @Override
      public long messagesReceived() {
        return received.sum();
      }

      @Override
      public long messagesDropped() {
        return deadLetters.sum() + undecodable.sum() + unsent.sum();
      }

      @Override
      public OptionalLong mailboxDepth(Pid pid) {
        Objects.requireNonNull(pid, "pid");
        ProcessImpl<M> p = pid.node().equals(self) ? processes.get(pid.id()) : null;
        return p == null ? OptionalLong.empty() : OptionalLong.of(p.mailbox().depth());
      }

      @Override
      public long maxMailboxDepth() {
        long[] max = {0};
        processes.forEach(p -> max[0] = Math.max(max[0], p.mailbox().depth()));
        return max[0];
      }

      @Override
      public long linksUp() {
        return remoting.nodes().size();
      }

      @Override
      public long linksDown() {
        return remoting.linksDown();
      }

      @Override
      public Optional<Duration> heartbeatRoundTrip(NodeId node) {
        return remoting.roundTrip(node);
      }

      @Override
      public String toString() {
        return "NodeMetrics[" + self + "]";
      }
    };
  }
}
