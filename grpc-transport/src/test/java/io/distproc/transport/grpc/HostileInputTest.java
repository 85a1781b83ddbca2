package io.distproc.transport.grpc;

import static io.distproc.Matcher.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.distproc.Behaviours;
import io.distproc.Codec;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.NodeDownEvent;
import io.distproc.Pid;
import io.distproc.proto.v1.Batch;
import io.distproc.proto.v1.Chunk;
import io.distproc.proto.v1.Demonitor;
import io.distproc.proto.v1.DownNotice;
import io.distproc.proto.v1.Envelope;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.Monitor;
import io.distproc.proto.v1.MonitorReason;
import io.distproc.proto.v1.MonitorRef;
import io.distproc.proto.v1.SpawnReply;
import io.distproc.proto.v1.SpawnRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A live node under 10^5 hostile frames from raw gRPC clients: well-formed frames that make no
 * sense (unknown pids, undecodable payloads, monitors and notices of refs nobody made, spawns of
 * behaviours that do not exist, replies to requests never sent) and malformed or out-of-order
 * frames (garbage, truncated frames, bogus chunk runs, a second hello, frames with no kind,
 * oversized messages, wrong versions and cookies). The node never crashes, each malformed stream
 * is closed with a logged reason, its legitimate link keeps working, and memory stays bounded.
 */
class HostileInputTest {
  private static final int TIME_FACTOR = Integer.getInteger("distproc.test.timefactor", 1);
  private static final Duration WAIT = Duration.ofSeconds(30L * TIME_FACTOR);
  private static final int HOSTILE_STREAMS = 50;
  private static final int FRAMES_PER_STREAM = 2_000;
  private static final int MALFORMED_STREAMS = 600;
  private static final String COOKIE = "c00kie";

  private final List<Node<String>> nodes = new CopyOnWriteArrayList<>();
  private final List<NodeDownEvent> friendDowns = new CopyOnWriteArrayList<>();
  private final Random random = new Random(20261125);

  @AfterEach
  void closeNodes() {
    nodes.forEach(Node::close);
  }

  @Test
  @DisplayName("10^5 hostile and malformed frames never crash the node or disturb its other links")
  void hostileFrames_nodeSurvives_otherLinkWorks_memoryBounded() throws Exception {
    Node<String> target = start("target");
    Node<String> friend = start("friend");
    friend.addRemoteNode("127.0.0.1", target.boundAddress().orElseThrow().getPort(), "target");
    Pid echo = target.spawn(ctx -> ctx.receiveLoop(any(s -> {
      int space = s.indexOf(' ');
      if (space > 0 && s.startsWith("friend#")) {
        ctx.send(AbstractPids.parse(s.substring(0, space)), s.substring(space + 1));
      }
      return true;
    })));
    assertThat(roundTrip(friend, echo, "before")).isEqualTo("before");
    long processesBefore = target.metrics().liveProcesses();
    WarningCounter warnings = WarningCounter.install();
    int port = target.boundAddress().orElseThrow().getPort();
    long heapBefore = heapUsedAfterGc();

    int hostileFrames = 0;
    for (int s = 0; s < HOSTILE_STREAMS; s++) {
      hostileFrames += hostileStream(port, target, s);
    }
    int closedWithError = 0;
    for (int s = 0; s < MALFORMED_STREAMS; s++) {
      if (malformedStream(port, s)) {
        closedWithError++;
      }
    }

    assertThat(hostileFrames + MALFORMED_STREAMS).isGreaterThanOrEqualTo(100_000);
    assertThat(closedWithError).isEqualTo(MALFORMED_STREAMS);
    // The node is fine: its friend's link never dropped, and messages still flow both ways.
    assertThat(roundTrip(friend, echo, "after")).isEqualTo("after");
    assertThat(friendDowns).isEmpty();
    assertThat(target.isShutdown()).isFalse();
    assertThat(target.metrics().liveProcesses()).isEqualTo(processesBefore);
    // Hostile links come and go; none stays behind.
    await().atMost(WAIT).until(() -> target.remoteNodes().equals(List.of(friend.id())));
    // Each malformed stream that passed the handshake was closed with a logged warning.
    assertThat(warnings.count()).isGreaterThanOrEqualTo(MALFORMED_STREAMS / 2);
    warnings.uninstall();
    // Memory is bounded: once the closed links' grace timers have run, the heap is back near
    // where it was before the abuse (connection pools and caches may keep a little).
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(heapUsedAfterGc() - heapBefore)
                    .as("heap growth after 10^5 hostile frames, in bytes")
                    .isLessThan(16L << 20));
  }

  private static long heapUsedAfterGc() {
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private Node<String> start(String name) {
    Node<String> node =
        Node.builder(
                NodeConfig.remote(name).bind("127.0.0.1", 0).cookie(COOKIE).plaintext().build(), Codec.utf8())
            .behaviours(Behaviours.none())
            .onNodeDown(e -> {
              if (name.equals("friend")) {
                friendDowns.add(e);
              }
            })
            .start();
    nodes.add(node);
    return node;
  }

  private static String roundTrip(Node<String> from, Pid echo, String text) throws Exception {
    CompletableFuture<String> got = new CompletableFuture<>();
    from.spawn(ctx -> {
      ctx.send(echo, AbstractPids.text(ctx.self()) + " " + text);
      got.complete(ctx.receive(WAIT, any(s -> s)).orElse("(no answer)"));
    });
    return got.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A handshaken stream that sends FRAMES_PER_STREAM well-formed, senseless frames. */
  private int hostileStream(int port, Node<String> target, int index) throws Exception {
    try (RawPeer peer = new RawPeer(port)) {
      assertThat(peer.join("fuzz-" + index, 1 + index, COOKIE).hasWelcome()).isTrue();
      String node = target.id().name();
      long incarnation = target.id().incarnation();
      for (int i = 0; i < FRAMES_PER_STREAM; i++) {
        peer.send(hostileFrame(node, incarnation, "fuzz-" + index, 1 + index));
      }
      return FRAMES_PER_STREAM;
    }
  }

  private LinkFrame hostileFrame(String node, long incarnation, String me, long myIncarnation) {
    io.distproc.proto.v1.Pid there = pid(node, incarnation, 1 + random.nextInt(1_000_000_000));
    io.distproc.proto.v1.Pid here = pid(me, myIncarnation, 1 + random.nextInt(1000));
    MonitorRef toThere = MonitorRef.newBuilder().setWatcher(here).setTarget(there)
        .setId(1 + random.nextInt(1_000_000)).build();
    MonitorRef toHere = MonitorRef.newBuilder().setWatcher(there).setTarget(here)
        .setId(1 + random.nextInt(1_000_000)).build();
    return switch (random.nextInt(7)) {
      case 0 -> { // messages for processes that do not exist, some undecodable
        Batch.Builder batch = Batch.newBuilder();
        for (int n = 1 + random.nextInt(10); n > 0; n--) {
          batch.addEnvelopes(Envelope.newBuilder().setTo(pid(node, incarnation,
              1 + random.nextInt(1_000_000_000))).setPayload(randomBytes(64)));
        }
        yield LinkFrame.newBuilder().setBatch(batch).build();
      }
      case 1 -> LinkFrame.newBuilder() // broadcasts nobody can decode
          .setBatch(Batch.newBuilder().addEnvelopes(Envelope.newBuilder()
              .setBroadcast(io.distproc.proto.v1.Broadcast.getDefaultInstance())
              .setPayload(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xfe}))))
          .build();
      case 2 -> LinkFrame.newBuilder().setMonitor(Monitor.newBuilder().setRef(toThere)).build();
      case 3 -> LinkFrame.newBuilder().setDemonitor(Demonitor.newBuilder().setRef(toThere)).build();
      case 4 -> LinkFrame.newBuilder().setDownNotice(DownNotice.newBuilder().setRef(toHere)
          .setReason(MonitorReason.newBuilder().setPid(here)
              .setNormal(MonitorReason.Normal.getDefaultInstance()))).build();
      case 5 -> LinkFrame.newBuilder().setSpawnRequest(SpawnRequest.newBuilder()
          .setRequestId(random.nextInt(1_000_000)).setSpawner(here)
          .setBehaviour("no-such-behaviour-" + random.nextInt(100))
          .setArgument(ByteString.copyFromUtf8("x"))
          .setMonitorId(random.nextBoolean() ? 0 : 1 + random.nextInt(1000))).build();
      default -> LinkFrame.newBuilder().setSpawnReply(SpawnReply.newBuilder()
          .setRequestId(random.nextInt(1_000_000)).setChild(there)).build();
    };
  }

  /** A stream that breaks the protocol once; returns whether the node ended it with an error. */
  private boolean malformedStream(int port, int index) throws Exception {
    try (RawPeer peer = new RawPeer(port)) {
      int kind = index % 10;
      if (kind >= 7) { // refused at the handshake: wrong version, wrong cookie, or no hello at all
        switch (kind) {
          case 7 -> peer.send(RawPeer.hello("bad-" + index, 1, 99));
          case 8 -> peer.join("bad-" + index, 1, "wrong");
          default -> peer.send(randomBytes(32).toByteArray());
        }
        return endedBadly(peer, true);
      }
      if (!peer.join("bad-" + index, 1, COOKIE).hasWelcome()) {
        return false;
      }
      byte[] valid = LinkFrame.newBuilder().setMonitor(Monitor.newBuilder().setRef(
          MonitorRef.newBuilder().setWatcher(pid("bad-" + index, 1, 1))
              .setTarget(pid("target", 1, 1)).setId(1))).build().toByteArray();
      switch (kind) {
        case 0 -> peer.send(randomBytes(48).toByteArray()); // garbage
        case 1 -> peer.send(java.util.Arrays.copyOf(valid, valid.length / 2)); // truncated
        case 2 -> peer.send(RawPeer.hello("bad-" + index, 1, 1)); // a second hello
        case 3 -> peer.send(LinkFrame.getDefaultInstance()); // no kind at all
        case 4 -> peer // a chunk run broken by another frame
            .send(LinkFrame.newBuilder().setChunk(Chunk.newBuilder().setTotalSize(1 << 20)
                .setData(randomBytes(100))).build())
            .send(valid);
        case 5 -> peer.send(LinkFrame.newBuilder().setDownNotice(DownNotice.newBuilder() // no reason
            .setRef(MonitorRef.newBuilder().setWatcher(pid("target", 1, 1))
                .setTarget(pid("bad-" + index, 1, 1)).setId(1))).build());
        default -> { // oversized: over the 1 MiB + 64 KiB a gRPC message may have (a few only)
          if (index % 100 == 6) {
            peer.send(new byte[(2 << 20)]);
          } else {
            peer.send(LinkFrame.newBuilder().setBatch(Batch.getDefaultInstance()).build());
          }
        }
      }
      return endedBadly(peer, false);
    }
  }

  /**
   * Whether the node ended the stream as it should: after a handshake, with an error status; at
   * the handshake, by ending the call at all (a refusal is a Reject and then an end, with or
   * without an error). {@link RawPeer#awaitEnd()} fails the test if the node never ends it.
   */
  private static boolean endedBadly(RawPeer peer, boolean atHandshake) throws Exception {
    Status status = peer.awaitEnd();
    return atHandshake || !status.isOk();
  }

  private ByteString randomBytes(int max) {
    byte[] bytes = new byte[1 + random.nextInt(max)];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  private static io.distproc.proto.v1.Pid pid(String node, long incarnation, long id) {
    return io.distproc.proto.v1.Pid.newBuilder()
        .setNodeName(node).setIncarnation(incarnation).setId(id).build();
  }

  /** Pids as text in the test's messages. */
  static final class AbstractPids {
    private AbstractPids() {}

    static String text(Pid pid) {
      return pid.node().name() + "#" + pid.node().incarnation() + "." + pid.id();
    }

    static Pid parse(String text) {
      int hash = text.indexOf('#');
      int dot = text.lastIndexOf('.');
      return Pid.of(io.distproc.NodeId.of(text.substring(0, hash),
          Long.parseLong(text.substring(hash + 1, dot))), Long.parseLong(text.substring(dot + 1)));
    }
  }

  /** Counts WARNING records of the transport's logger (System.Logger goes to j.u.l here). */
  static final class WarningCounter extends Handler {
    private static final Logger TRANSPORT = Logger.getLogger("io.distproc.transport.grpc");
    private final AtomicInteger count = new AtomicInteger();

    static WarningCounter install() {
      WarningCounter counter = new WarningCounter();
      TRANSPORT.addHandler(counter);
      return counter;
    }

    void uninstall() {
      TRANSPORT.removeHandler(this);
    }

    int count() {
      return count.get();
    }

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        count.incrementAndGet();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
