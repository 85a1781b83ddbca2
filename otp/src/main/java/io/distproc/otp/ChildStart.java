package io.distproc.otp;

import io.distproc.NodeId;
import io.distproc.Process;

/** How a child is started: the three kinds of {@link ChildSpec}. */
sealed interface ChildStart<M> {

  /** A process body run on the supervisor's node. */
  record Local<M>(Process<M> body) implements ChildStart<M> {}

  /** A behaviour started by name on a node, which may be another one. */
  record Remote<M>(NodeId node, String behaviour, M argument) implements ChildStart<M> {}

  /** A supervisor run on the supervisor's node, which answers only once its children started. */
  record Nested<M>(SupervisorSpec<M> spec) implements ChildStart<M> {}
}
