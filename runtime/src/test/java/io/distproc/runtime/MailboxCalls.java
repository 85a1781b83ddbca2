package io.distproc.runtime;

import io.distproc.Down;
import io.distproc.Matcher;
import java.util.List;

/** What the mailbox tests call on a mailbox as the process's receive and monitors would. */
final class MailboxCalls {
  private MailboxCalls() {}

  /** The mailbox's select with one matcher or an array of them, as a receive hands them over. */
  static Object select(
      Mailbox mailbox, Stash.Segment after, Object matchers, boolean timed, long deadline) {
    if (matchers instanceof Matcher<?, ?> one) {
      return mailbox.select(after, Cases.one(one), Cases.NONE, timed, deadline);
    }
    return mailbox.select(
        after, null, Cases.of(List.of((Matcher<?, ?>[]) matchers)), timed, deadline);
  }

  /** Queues a notice of a monitor the owner holds. */
  static void offerHeldDown(Mailbox mailbox, Down d) {
    mailbox.hold(d.ref());
    mailbox.offerDown(d);
  }
}
