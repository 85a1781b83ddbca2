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
import io.distproc.proto.v1.Demonitor;
import io.distproc.proto.v1.DownNotice;
import io.distproc.proto.v1.Envelope;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.Monitor;
import io.distproc.proto.v1.MonitorReason;
import io.distproc.proto.v1.MonitorRef;
import io.distproc.proto.v1.SpawnReply;
import io.distproc.proto.v1.SpawnRequest;
import io.distproc.runtime.testing.TestTimeFactor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A live node under hostile raw gRPC clients. First 10^5 well-formed frames that make no sense
 * (unknown pids, undecodable payloads, monitors and notices of refs nobody made, spawns of
 * behaviours that do not exist, replies to requests never sent); then at least 10^5 malformed,
 * truncated, oversized and out-of-order frames, one per stream, many streams at once over a few
 * channels (see {@link MalformedFrames}). The node never crashes, each bad stream is closed with
 * one logged line that says which link and why, its friend's link keeps working all along, and
 * memory stays bounded while the abuse runs and after it. The run's seed is printed; set {@code
 * -Ddistproc.fuzz.seed} to replay it.
 */
class HostileInputTest {
  private static final int TIME_FACTOR = TestTimeFactor.FACTOR;
  private static final Duration WAIT = Duration.ofSeconds(30L * TIME_FACTOR);
  private static final int HOSTILE_STREAMS = 50;
  private static final int FRAMES_PER_STREAM = 2_000;
  private static final int MALFORMED_FRAMES = 100_000;
  private static final int CHANNELS = 4;
  private static final int IN_FLIGHT = 512;
  private static final long SEED = Long.getLong("distproc.fuzz.seed", 20261126L);
  private static final long HEAP_BOUND_DURING = 96L << 20;
  private static final String COOKIE = "c00kie";
  private static final Pattern CLOSING =
      Pattern.compile("^node target: link #(\\d+) .*?: closing the link: (.+)$", Pattern.DOTALL);
  private static final Pattern LOWERED =
      Pattern.compile("^node target: (\\d+) more links closed for their peer's fault .*");

  private final List<Node<String>> nodes = new CopyOnWriteArrayList<>();
  private final List<NodeDownEvent> friendDowns = new CopyOnWriteArrayList<>();
  private final Random random = new Random(SEED);

  @AfterEach
  void closeNodes() {
    nodes.forEach(Node::close);
  }

  @Test
  @DisplayName(
      "10^5 hostile and 10^5 malformed frames never crash the node or disturb its other links")
  void hostileFrames_nodeSurvives_otherLinkWorks_memoryBounded() throws Exception {
    System.out.println("HostileInputTest seed: " + SEED + " (-Ddistproc.fuzz.seed to replay)");
    Node<String> target = start("target");
    Node<String> friend = start("friend");
    friend.addRemoteNode("127.0.0.1", target.boundAddress().orElseThrow().getPort(), "target");
    Pid echo =
        target.spawn(
            ctx ->
                ctx.receiveLoop(
                    any(
                        s -> {
                          int space = s.indexOf(' ');
                          if (space > 0 && s.startsWith("friend#")) {
                            ctx.send(
                                AbstractPids.parse(s.substring(0, space)), s.substring(space + 1));
                          }
                          return true;
                        })));
    assertThat(roundTrip(friend, echo, "before")).isEqualTo("before");
    long processesBefore = target.metrics().liveProcesses();
    int port = target.boundAddress().orElseThrow().getPort();
    long heapBefore = heapUsedAfterGc();
    LogRecorder log = LogRecorder.install();
    FriendPump pump = FriendPump.start(friend, echo);
    HeapSampler heap = HeapSampler.start(Duration.ofSeconds(2));
    long began = System.nanoTime();

    int hostileFrames = 0;
    for (int s = 0; s < HOSTILE_STREAMS; s++) {
      hostileFrames += hostileStream(port, target, s);
    }
    long fuzzBegan = System.nanoTime();
    Fuzz fuzz = fuzz(port);
    Duration fuzzTime = Duration.ofNanos(System.nanoTime() - fuzzBegan);
    int pumped = pump.stop();
    long heapMaxDuring = heap.stop();
    System.out.printf(
        "HostileInputTest: %d senseless frames, then %d malformed frames judged in %d streams "
            + "(%d ms): %s; by kind %s; friend round trips meanwhile %d; heap after GC during the "
            + "abuse at most %d KiB above the start%n",
        hostileFrames,
        fuzz.judged(),
        fuzz.streams(),
        fuzzTime.toMillis(),
        fuzz.outcomes(),
        fuzz.kinds(),
        pumped,
        (heapMaxDuring - heapBefore) >> 10);

    assertThat(hostileFrames).isEqualTo(HOSTILE_STREAMS * FRAMES_PER_STREAM);
    // At least 10^5 malformed frames, each judged by the node: refused, or its stream failed.
    assertThat(fuzz.judged()).isGreaterThanOrEqualTo(MALFORMED_FRAMES);
    assertThat(fuzz.count(FuzzStream.Outcome.ENDED_QUIETLY)).isZero();
    assertThat(fuzz.count(FuzzStream.Outcome.NOT_JOINED)).isZero();
    assertThat(fuzz.hung()).isZero();
    // The friend's link worked during the abuse, not only before and after it.
    assertThat(pump.failures()).isEmpty();
    assertThat(pumped).isPositive();
    assertThat(roundTrip(friend, echo, "after")).isEqualTo("after");
    assertThat(friendDowns).isEmpty();
    assertThat(target.isShutdown()).isFalse();
    assertThat(target.metrics().liveProcesses()).isEqualTo(processesBefore);
    // Hostile links come and go; none stays behind.
    await().atMost(WAIT).until(() -> target.remoteNodes().equals(List.of(friend.id())));
    // Each bad stream was closed with exactly one line naming the node, the link and the reason;
    // only a few lines a second are warnings, and the rest are counted by a warning.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(log.closingLines()).isEqualTo(log.warnings() + log.lowered()));
    log.uninstall();
    assertThat(log.closingLines()).isEqualTo(fuzz.judged());
    assertThat(log.linksWithMoreThanOneLine()).isEmpty();
    assertThat(log.withoutReason()).isZero();
    long seconds = 1 + Duration.ofNanos(System.nanoTime() - began).toSeconds();
    assertThat((long) log.warnings()).isLessThanOrEqualTo(BadLinkLog.WARNINGS_PER_PERIOD * seconds);
    // Memory stayed bounded while the abuse ran (sampled after a collection every 2 s) ...
    assertThat(heapMaxDuring - heapBefore)
        .as("heap growth during the abuse, in bytes")
        .isLessThan(HEAP_BOUND_DURING);
    // ... and once the closed links' grace timers have run, the heap is back near where it was
    // before the abuse (connection pools and caches may keep a little).
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(heapUsedAfterGc() - heapBefore)
                    .as("heap growth after the abuse, in bytes")
                    .isLessThan(16L << 20));
  }

  /** What the malformed streams came to. */
  record Fuzz(
      int streams,
      Map<FuzzStream.Outcome, Integer> outcomes,
      Map<String, Integer> kinds,
      int hung) {
    int count(FuzzStream.Outcome outcome) {
      return outcomes.getOrDefault(outcome, 0);
    }

    /** The streams the node ended for their fault: each judged exactly one malformed frame. */
    int judged() {
      return count(FuzzStream.Outcome.REJECTED) + count(FuzzStream.Outcome.FAILED);
    }
  }

  /**
   * Opens malformed streams, {@value #IN_FLIGHT} at a time over {@value #CHANNELS} channels, until
   * the node has judged {@value #MALFORMED_FRAMES} of them (a mutation can leave a hello valid:
   * such a stream is hung up and not counted).
   */
  private static Fuzz fuzz(int port) throws InterruptedException {
    List<ManagedChannel> channels = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      channels.add(
          NettyChannelBuilder.forAddress("127.0.0.1", port)
              .usePlaintext()
              .directExecutor()
              .maxInboundMessageSize(8 << 20)
              .build());
    }
    Semaphore slots = new Semaphore(IN_FLIGHT);
    Map<FuzzStream.Outcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> kinds = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> codes = new ConcurrentHashMap<>();
    AtomicInteger judged = new AtomicInteger();
    AtomicInteger hung = new AtomicInteger();
    int streams = 0;
    try {
      while (judged.get() < MALFORMED_FRAMES && streams < MALFORMED_FRAMES * 3 / 2) {
        slots.acquire();
        MalformedFrames.Script script = MalformedFrames.script("target", SEED, streams);
        ManagedChannel channel = channels.get(streams % CHANNELS);
        streams++;
        FuzzStream stream = new FuzzStream(channel, script, COOKIE);
        stream
            .start()
            .orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS)
            .whenComplete(
                (outcome, error) -> {
                  if (outcome == null) {
                    hung.incrementAndGet();
                  } else {
                    outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
                    Status status = stream.status();
                    boolean odd =
                        status.getCode() == Status.Code.UNAVAILABLE
                            || status.getCode() == Status.Code.INTERNAL;
                    codes
                        .computeIfAbsent(
                            outcome
                                + " "
                                + status.getCode()
                                + (odd ? " " + status.getDescription() : ""),
                            o -> new AtomicInteger())
                        .incrementAndGet();
                    if (outcome == FuzzStream.Outcome.REJECTED
                        || outcome == FuzzStream.Outcome.FAILED) {
                      kinds
                          .computeIfAbsent(script.kind(), k -> new AtomicInteger())
                          .incrementAndGet();
                      judged.incrementAndGet();
                    }
                  }
                  slots.release();
                });
      }
      assertThat(slots.tryAcquire(IN_FLIGHT, 2 * WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .as("every malformed stream ended")
          .isTrue();
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
    }
    Map<FuzzStream.Outcome, Integer> byOutcome = new TreeMap<>();
    outcomes.forEach((o, n) -> byOutcome.put(o, n.get()));
    Map<String, Integer> byKind = new TreeMap<>();
    kinds.forEach((k, n) -> byKind.put(k, n.get()));
    System.out.println("HostileInputTest: outcomes by status " + codes);
    return new Fuzz(streams, byOutcome, byKind, hung.get());
  }

  private static long heapUsedAfterGc() {
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private Node<String> start(String name) {
    Node<String> node =
        Node.builder(
                NodeConfig.remote(name).bind("127.0.0.1", 0).cookie(COOKIE).plaintext().build(),
                Codec.utf8())
            .behaviours(Behaviours.none())
            .onNodeDown(
                e -> {
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
    from.spawn(
        ctx -> {
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
    MonitorRef toThere =
        MonitorRef.newBuilder()
            .setWatcher(here)
            .setTarget(there)
            .setId(1 + random.nextInt(1_000_000))
            .build();
    MonitorRef toHere =
        MonitorRef.newBuilder()
            .setWatcher(there)
            .setTarget(here)
            .setId(1 + random.nextInt(1_000_000))
            .build();
    return switch (random.nextInt(7)) {
      case 0 -> { // messages for processes that do not exist, some undecodable
        Batch.Builder batch = Batch.newBuilder();
        for (int n = 1 + random.nextInt(10); n > 0; n--) {
          batch.addEnvelopes(
              Envelope.newBuilder()
                  .setTo(pid(node, incarnation, 1 + random.nextInt(1_000_000_000)))
                  .setPayload(randomBytes(64)));
        }
        yield LinkFrame.newBuilder().setBatch(batch).build();
      }
      case 1 ->
          LinkFrame.newBuilder() // broadcasts nobody can decode
              .setBatch(
                  Batch.newBuilder()
                      .addEnvelopes(
                          Envelope.newBuilder()
                              .setBroadcast(io.distproc.proto.v1.Broadcast.getDefaultInstance())
                              .setPayload(
                                  ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xfe}))))
              .build();
      case 2 -> LinkFrame.newBuilder().setMonitor(Monitor.newBuilder().setRef(toThere)).build();
      case 3 -> LinkFrame.newBuilder().setDemonitor(Demonitor.newBuilder().setRef(toThere)).build();
      case 4 ->
          LinkFrame.newBuilder()
              .setDownNotice(
                  DownNotice.newBuilder()
                      .setRef(toHere)
                      .setReason(
                          MonitorReason.newBuilder()
                              .setPid(here)
                              .setNormal(MonitorReason.Normal.getDefaultInstance())))
              .build();
      case 5 ->
          LinkFrame.newBuilder()
              .setSpawnRequest(
                  SpawnRequest.newBuilder()
                      .setRequestId(random.nextInt(1_000_000))
                      .setSpawner(here)
                      .setBehaviour("no-such-behaviour-" + random.nextInt(100))
                      .setArgument(ByteString.copyFromUtf8("x"))
                      .setMonitorId(random.nextBoolean() ? 0 : 1 + random.nextInt(1000)))
              .build();
      default ->
          LinkFrame.newBuilder()
              .setSpawnReply(
                  SpawnReply.newBuilder().setRequestId(random.nextInt(1_000_000)).setChild(there))
              .build();
    };
  }

  private ByteString randomBytes(int max) {
    byte[] bytes = new byte[1 + random.nextInt(max)];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  private static io.distproc.proto.v1.Pid pid(String node, long incarnation, long id) {
    return io.distproc.proto.v1.Pid.newBuilder()
        .setNodeName(node)
        .setIncarnation(incarnation)
        .setId(id)
        .build();
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
      return Pid.of(
          io.distproc.NodeId.of(
              text.substring(0, hash), Long.parseLong(text.substring(hash + 1, dot))),
          Long.parseLong(text.substring(dot + 1)));
    }
  }

  /**
   * Round trips from the friend to the target's echo, one after another on a virtual thread, until
   * stopped: the friend's link must keep working while the abuse runs.
   */
  static final class FriendPump {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger done = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private Thread thread;

    static FriendPump start(Node<String> friend, Pid echo) {
      FriendPump pump = new FriendPump();
      pump.thread =
          Thread.ofVirtual()
              .name("friend-pump")
              .start(
                  () -> {
                    while (!pump.stop.get()) {
                      String text = "during-" + pump.done.get();
                      try {
                        String got = roundTrip(friend, echo, text);
                        if (!got.equals(text)) {
                          pump.failures.add("sent " + text + ", got " + got);
                        }
                      } catch (Exception e) {
                        pump.failures.add(text + ": " + e);
                      }
                      pump.done.incrementAndGet();
                    }
                  });
      return pump;
    }

    /** Stops after the round trip in progress; returns how many were made. */
    int stop() throws InterruptedException {
      stop.set(true);
      thread.join(2 * WAIT.toMillis());
      return done.get();
    }

    List<String> failures() {
      return List.copyOf(failures);
    }
  }

  /** The heap used after a collection, sampled periodically while the abuse runs. */
  static final class HeapSampler {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong max = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Thread thread;

    static HeapSampler start(Duration every) {
      HeapSampler sampler = new HeapSampler();
      sampler.thread =
          Thread.ofPlatform()
              .daemon()
              .name("heap-sampler")
              .start(
                  () -> {
                    try {
                      while (!sampler.stopped.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
                        sampler.max.accumulateAndGet(heapUsedAfterGc(), Math::max);
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      return sampler;
    }

    /** Stops sampling; returns the largest sample (the heap after a collection, in bytes). */
    long stop() throws InterruptedException {
      stopped.countDown();
      thread.join();
      return max.get();
    }
  }

  /**
   * Records the transport's lines about links closed for their peer's fault, at any level (the
   * logger is opened to DEBUG while it is installed): per link, and the lowered-lines counts.
   */
  static final class LogRecorder extends Handler {
    private static final Logger TRANSPORT = Logger.getLogger("io.distproc.transport.grpc");
    private final Map<Long, AtomicInteger> perLink = new ConcurrentHashMap<>();
    private final AtomicInteger warnings = new AtomicInteger();
    private final AtomicInteger lowered = new AtomicInteger();
    private final AtomicInteger withoutReason = new AtomicInteger();
    private Level levelBefore;

    static LogRecorder install() {
      LogRecorder recorder = new LogRecorder();
      recorder.levelBefore = TRANSPORT.getLevel();
      TRANSPORT.setLevel(Level.FINE);
      TRANSPORT.addHandler(recorder);
      return recorder;
    }

    void uninstall() {
      TRANSPORT.removeHandler(this);
      TRANSPORT.setLevel(levelBefore);
    }

    @Override
    public void publish(LogRecord record) {
      String message = record.getMessage();
      Matcher closing = CLOSING.matcher(message);
      if (closing.matches()) {
        perLink
            .computeIfAbsent(Long.parseLong(closing.group(1)), l -> new AtomicInteger())
            .incrementAndGet();
        if (closing.group(2).isBlank()) {
          withoutReason.incrementAndGet();
        }
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.incrementAndGet();
        }
        return;
      }
      Matcher summary = LOWERED.matcher(message);
      if (summary.matches()) {
        lowered.addAndGet(Integer.parseInt(summary.group(1)));
      }
    }

    int closingLines() {
      return perLink.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    List<Long> linksWithMoreThanOneLine() {
      return perLink.entrySet().stream()
          .filter(e -> e.getValue().get() > 1)
          .map(Map.Entry::getKey)
          .toList();
    }

    int warnings() {
      return warnings.get();
    }

    int lowered() {
      return lowered.get();
    }

    int withoutReason() {
      return withoutReason.get();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
