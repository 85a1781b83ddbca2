package io.distproc.transport.grpc;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * Learns how gRPC closed a server call. When gRPC itself refuses an inbound message (larger than
 * the limit, or not decodable as a gRPC message) it closes the call with a status that says so, but
 * the handler hears only that the call was cancelled; this tracer keeps the status so that the link
 * can log why. It puts itself in the call's {@link Context}, where the handler finds it.
 *
 * <p>This class is thread-safe: gRPC writes {@link #closed} on its transport thread, and the link
 * reads it in its cancel callback.
 */
final class CallEndTracer extends ServerStreamTracer {
  private static final Context.Key<CallEndTracer> KEY = Context.key("distproc-call-end");

  /** Makes one tracer per server call. */
  static final ServerStreamTracer.Factory FACTORY =
      new ServerStreamTracer.Factory() {
        @Override
        public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
          return new CallEndTracer();
        }
      };

  private volatile @Nullable Status closed;

  /** The tracer of the call the current thread handles, or null if it has none. */
  static @Nullable CallEndTracer current() {
    return KEY.get();
  }

  @Override
  public Context filterContext(Context context) {
    return context.withValue(KEY, this);
  }

  @Override
  public void streamClosed(Status status) {
    closed = status;
  }

  /**
   * The status gRPC closed the call with, if it closed it for a reason of its own (not OK, not a
   * plain cancel); otherwise {@code otherwise}.
   */
  Status closedOr(Status otherwise) {
    Status s = closed;
    return s == null || s.isOk() || s.getCode() == Status.Code.CANCELLED ? otherwise : s;
  }

  /**
   * How a frames call ended, in words for linkDown and the log: {@code status} is null for a normal
   * end; a failure names the innermost cause, which says why (an untrusted certificate, a missing
   * client certificate) where the status only says UNAVAILABLE.
   */
  static String describe(@Nullable Status status) {
    if (status == null) {
      return "stream ended without goodbye";
    }
    String detail =
        "stream failed: "
            + status.getCode()
            + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")");
    Throwable root = status.getCause();
    if (root == null) {
      return detail;
    }
    for (int depth = 0; root.getCause() != null && depth < 16; depth++) {
      root = root.getCause();
    }
    return detail + ", because " + root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
