package io.distproc.transport.grpc;

import io.distproc.NodeId;
import io.distproc.proto.v1.GoodbyeReason;
import io.distproc.proto.v1.LinkFrame;
import io.distproc.proto.v1.Reject;
import io.distproc.proto.v1.RejectReason;
import io.distproc.runtime.internal.LinkRefusedException;
import org.jspecify.annotations.Nullable;

/**
 * What a handshake state machine ({@link DiallerHandshake}, {@link AcceptorHandshake}) decided
 * about the frame it was given; the link acts on it. Immutable.
 */
sealed interface HandshakeStep {

  /** Write {@code frame} to the peer and read its next frame. */
  record Reply(LinkFrame frame) implements HandshakeStep {}

  /**
   * Both sides agree: the runtime may now be asked about the link.
   *
   * @param token the link token of the acceptor's Welcome (dialler); empty on the acceptor, which
   *     makes one once the runtime kept the link
   */
  record Agreed(NodeId peer, String address, int minorVersion, byte[] token)
      implements HandshakeStep {}

  /**
   * The link is refused before the runtime has it.
   *
   * @param detail why, as the link's end reports it
   * @param last the frame that tells the peer (a Goodbye or Reject), or null for none
   * @param failure what a dialler's connect fails with, or null to leave that to the link's end
   * @param log how the refusal is logged
   * @param line the log line, after the link's name
   */
  record Refusal(
      String detail, @Nullable LinkFrame last, @Nullable Throwable failure, Log log, String line)
      implements HandshakeStep {

    /** How a refusal is logged. */
    enum Log {
      /** Not at all. */
      NONE,
      /** At DEBUG: an ordinary outcome (a duplicate link, a peer that said no). */
      DEBUG,
      /** At WARNING: this node refused a peer it dialled. */
      WARNING,
      /** In the bad-link log: the peer broke the handshake's rules. */
      PEERS_FAULT
    }

    /** The dialler's own checks refused the acceptor (cookie, name, certificate). */
    static Refusal byDialler(String why) {
      return new Refusal(
          why,
          Handshake.goodbye(GoodbyeReason.GOODBYE_REASON_REFUSED, why),
          new HandshakeException(why),
          Log.WARNING,
          "refusing the link: " + why);
    }

    /**
     * The acceptor answered the dialler's Hello with a Reject. REFUSED means the peer's runtime
     * declined the link (a duplicate of a link that is up or coming up): the runtime waits for that
     * other link instead of reporting a failure.
     */
    static Refusal rejected(String remote, Reject reject) {
      String why =
          "node at "
              + remote
              + " refused the link: "
              + reject.getReason()
              + " ("
              + reject.getDetail()
              + ")";
      return new Refusal(
          why,
          null,
          reject.getReason() == RejectReason.REJECT_REASON_REFUSED
              ? new LinkRefusedException(why)
              : new HandshakeException(why),
          Log.DEBUG,
          why);
    }

    /** The acceptor's checks refused the dialler's Hello or Proof. */
    static Refusal atAcceptor(Handshake.Refuse r) {
      return new Refusal(
          r.detail(),
          Handshake.reject(r.reason(), r.detail()),
          null,
          Log.PEERS_FAULT,
          "refused at the handshake"
              + (r.claimed() == null ? "" : " (the peer claimed to be " + r.claimed() + ")")
              + ": "
              + r.reason()
              + " ("
              + r.detail()
              + ")");
    }

    /** This node's runtime declined the link to {@code peer} in linkUp. */
    static Refusal byRuntime(boolean dialler, NodeId peer, String why) {
      return dialler
          ? new Refusal(
              why,
              Handshake.goodbye(GoodbyeReason.GOODBYE_REASON_REFUSED, why),
              new HandshakeException("link to " + peer + " " + why),
              Log.DEBUG,
              why)
          : new Refusal(
              why, Handshake.reject(RejectReason.REJECT_REASON_REFUSED, why), null, Log.DEBUG, why);
    }

    /** The dialler's connect was cancelled before the runtime had the link. */
    static Refusal cancelled() {
      String why = "connect cancelled";
      return new Refusal(
          why, Handshake.goodbye(GoodbyeReason.GOODBYE_REASON_REFUSED, why), null, Log.NONE, "");
    }
  }
}
