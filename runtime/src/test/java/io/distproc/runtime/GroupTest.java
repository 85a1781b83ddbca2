package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.Matcher.onGroupChange;
import static io.distproc.runtime.TestSupport.get;
import static io.distproc.runtime.TestSupport.inProcess;
import static io.distproc.runtime.TestSupport.localNode;
import static io.distproc.runtime.TestSupport.pass;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.GroupChange;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.Pid;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Process groups on one node (Erlang's pg): join, leave, members, the end of a member, watches. */
class GroupTest {

  /** Spawns a process that joins {@code group} and then waits for any message. */
  private static Pid member(Node<Object> node, String group) throws Exception {
    CountDownLatch joined = new CountDownLatch(1);
    Pid pid =
        node.spawn(
            ctx -> {
              ctx.joinGroup(group);
              joined.countDown();
              ctx.receive(any(x -> x));
            });
    pass(joined);
    return pid;
  }

  @Test
  void joinGroup_twoMembers_membersListsBothAndLeaveRemovesOne() throws Exception {
    try (Node<Object> node = localNode("groups")) {
      Pid first = member(node, "workers");
      List<Pid> after =
          inProcess(
              node,
              ctx -> {
                ctx.joinGroup("workers");
                ctx.joinGroup("workers"); // a second join does nothing
                assertThat(ctx.groupMembers("workers"))
                    .containsExactlyInAnyOrder(first, ctx.self());
                assertThat(ctx.localGroupMembers("workers")).hasSize(2);
                assertThat(ctx.leaveGroup("workers")).isTrue();
                assertThat(ctx.leaveGroup("workers")).isFalse();
                return ctx.groupMembers("workers");
              });
      assertThat(after).containsExactly(first);
      assertThat(node.groupMembers("nobody")).isEmpty();
    }
  }

  @Test
  void joinGroup_memberEnds_leavesItsGroups() throws Exception {
    try (Node<Object> node = localNode("groups")) {
      Pid first = member(node, "a");
      CompletableFuture<MonitorReason> end = node.termination(first);
      node.send(first, "end");
      get(end);
      assertThat(node.groupMembers("a")).isEmpty();
    }
  }

  @Test
  void monitorGroup_snapshotThenChanges_fitTogetherExactly() throws Exception {
    try (Node<Object> node = localNode("groups")) {
      Pid early = member(node, "g");
      CompletableFuture<List<Object>> seen = new CompletableFuture<>();
      CountDownLatch watching = new CountDownLatch(1);
      node.spawn(
          ctx -> {
            List<Pid> snapshot = ctx.monitorGroup("g");
            watching.countDown();
            GroupChange joined = ctx.receive(onGroupChange(c -> c));
            GroupChange left = ctx.receive(onGroupChange(c -> c));
            seen.complete(List.of(snapshot, joined, left));
          });
      pass(watching);
      Pid late = member(node, "g");
      CompletableFuture<MonitorReason> earlyEnd = node.termination(early);
      node.send(early, "end");
      get(earlyEnd);

      List<Object> got = get(seen);
      assertThat(got.get(0)).isEqualTo(List.of(early));
      assertThat(got.get(1)).isEqualTo(new GroupChange("g", List.of(late), List.of()));
      assertThat(got.get(2)).isEqualTo(new GroupChange("g", List.of(), List.of(early)));
    }
  }

  @Test
  void joinGroup_badNames_throwDocumentedExceptions() throws Exception {
    try (Node<Object> node = localNode("groups")) {
      inProcess(
          node,
          ctx -> {
            assertThatThrownBy(() -> ctx.joinGroup(""))
                .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ctx.joinGroup("g".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ctx.joinGroup(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> ctx.groupMembers(null))
                .isInstanceOf(NullPointerException.class);
            return null;
          });
    }
  }
}
