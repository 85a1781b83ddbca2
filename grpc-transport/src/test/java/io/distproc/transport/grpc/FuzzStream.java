package io.distproc.transport.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.distproc.NodeId;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.Proof;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * One hostile stream on a shared channel, run without a thread of its own: it sends its {@link
 * MalformedFrames.Script} (proving the cookie first if the script says so) and completes {@link
 * #outcome()} with how the node ended the stream.
 */
final class FuzzStream extends ClientCall.Listener<byte[]> {
  /** How a stream went. */
  enum Outcome {
    /** The node refused it with a Reject and ended the call. */
    REJECTED,
    /** The node ended the call with an error status. */
    FAILED,
    /** The node ended the call with OK and no Reject: not a refusal. */
    ENDED_QUIETLY,
    /** The node took the frame as a valid hello (a harmless mutation); the test hung up. */
    ACCEPTED,
    /** The handshake of a joining script did not end in a Welcome. */
    NOT_JOINED
  }

  private final MalformedFrames.Script script;
  private final byte[] cookie;
  private final ClientCall<byte[], byte[]> call;
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private byte[] helloNonce; // guarded by this
  private boolean rejected; // guarded by this
  private volatile Status status = Status.UNKNOWN;

  FuzzStream(Channel channel, MalformedFrames.Script script, String cookie) {
    this.script = script;
    this.cookie = cookie.getBytes(StandardCharsets.UTF_8);
    this.call = channel.newCall(RawPeer.FRAMES, CallOptions.DEFAULT);
  }

  /** Starts the call and sends what goes before any answer. */
  synchronized CompletableFuture<Outcome> start() {
    call.start(this, new Metadata());
    call.request(Integer.MAX_VALUE);
    if (script.join()) {
      LinkFrame hello = RawPeer.hello(script.name(), 1, FrameCodec.PROTOCOL_VERSION);
      helloNonce = hello.getHello().getNonce().toByteArray();
      call.sendMessage(hello.toByteArray());
    } else {
      script.before().forEach(call::sendMessage);
    }
    return outcome;
  }

  CompletableFuture<Outcome> outcome() {
    return outcome;
  }

  /** How the call closed, once it has. */
  Status status() {
    return status;
  }

  @Override
  public synchronized void onMessage(byte[] bytes) {
    LinkFrame frame;
    try {
      frame = LinkFrame.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the node sent an unreadable frame", e);
    }
    switch (frame.getKindCase()) {
      case REJECT -> rejected = true;
      case CHALLENGE -> {
        if (!script.join()) {
          if (script.before().size() > 1) {
            return; // the hello was good; what follows it is the fault
          }
          outcome.complete(Outcome.ACCEPTED);
          call.halfClose(); // hangs up without a reset: the node ends the link as a peer's EOF
          return;
        }
        byte[] proof =
            Handshake.proof(
                cookie,
                "distproc-v1-client",
                helloNonce,
                frame.getChallenge().getNonce().toByteArray(),
                NodeId.of(script.name(), 1));
        call.sendMessage(
            LinkFrame.newBuilder()
                .setProof(Proof.newBuilder().setProof(ByteString.copyFrom(proof)))
                .build()
                .toByteArray());
      }
      case WELCOME -> script.after().forEach(call::sendMessage);
      default -> {} // the node's own frames after a welcome: none are expected, none matter
    }
  }

  @Override
  public synchronized void onClose(Status status, Metadata trailers) {
    this.status = status;
    if (rejected) {
      outcome.complete(script.join() ? Outcome.NOT_JOINED : Outcome.REJECTED);
    } else {
      outcome.complete(status.isOk() ? Outcome.ENDED_QUIETLY : Outcome.FAILED);
    }
  }
}
