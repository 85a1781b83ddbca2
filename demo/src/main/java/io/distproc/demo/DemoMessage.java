package io.distproc.demo;

import io.distproc.Pid;

/** The demo cluster's message type. Records, so matchers can take them by class. */
sealed interface DemoMessage {

  /** Asks a worker to compute something and reply to {@code replyTo}. */
  record Job(Pid replyTo, String op, long n) implements DemoMessage {}

  /** A worker's answer. */
  record Result(Pid from, String op, long n, long value) implements DemoMessage {}

  /** A note for the triage process; urgent ones are handled first. */
  record Note(boolean urgent, String text) implements DemoMessage {}

  /** Tells a process to start, or report, or stop; the text says which. */
  record Signal(Pid from, String text) implements DemoMessage {}
}
