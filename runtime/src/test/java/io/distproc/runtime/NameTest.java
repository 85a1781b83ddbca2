package io.distproc.runtime;

import static io.distproc.Matcher.any;
import static io.distproc.runtime.TestSupport.get;
import static io.distproc.runtime.TestSupport.inProcess;
import static io.distproc.runtime.TestSupport.localNode;
import static io.distproc.runtime.TestSupport.pass;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distproc.MonitorReason;
import io.distproc.NameTakenException;
import io.distproc.Node;
import io.distproc.Pid;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Registered names on one node (Erlang's register, whereis, Name ! Msg). */
class NameTest {

  /** Spawns a process that registers {@code name}, then returns the first message it gets. */
  private static CompletableFuture<Object> registered(Node<Object> node, String name)
      throws Exception {
    CompletableFuture<Object> got = new CompletableFuture<>();
    CountDownLatch done = new CountDownLatch(1);
    node.spawn(
        ctx -> {
          ctx.register(name);
          done.countDown();
          got.complete(ctx.receive(any(x -> x)));
        });
    pass(done);
    return got;
  }

  @Test
  void sendNamed_registeredProcess_receivesAndWhereisFindsIt() throws Exception {
    try (Node<Object> node = localNode("names")) {
      CompletableFuture<Object> got = registered(node, "server");
      Pid where = node.whereis("server").orElseThrow();

      inProcess(
          node,
          ctx -> {
            assertThat(ctx.whereis("server")).contains(where);
            ctx.sendNamed("server", "hello");
            return null;
          });

      assertThat(get(got)).isEqualTo("hello");
    }
  }

  @Test
  void register_nameTakenByALiveProcess_throwsNameTakenNamingTheHolder() throws Exception {
    try (Node<Object> node = localNode("names")) {
      registered(node, "server");
      Pid holder = node.whereis("server").orElseThrow();

      assertThatThrownBy(
              () ->
                  inProcess(
                      node,
                      ctx -> {
                        ctx.register("server");
                        return null;
                      }))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              NameTakenException.class,
              e -> {
                assertThat(e.name()).isEqualTo("server");
                assertThat(e.holder()).isEqualTo(holder);
              });
    }
  }

  @Test
  void register_processEnds_nameIsReleasedAndCanBeTakenAgain() throws Exception {
    try (Node<Object> node = localNode("names")) {
      CompletableFuture<Object> got = registered(node, "server");
      Pid first = node.whereis("server").orElseThrow();
      CompletableFuture<MonitorReason> end = node.termination(first);
      node.send(first, "bye");
      get(got);
      get(end);

      assertThat(node.whereis("server")).isEmpty();
      registered(node, "server");
      assertThat(node.whereis("server")).isPresent().get().isNotEqualTo(first);
    }
  }

  @Test
  void register_secondNameForOneProcess_throwsIllegalStateAndUnregisterReleases() throws Exception {
    try (Node<Object> node = localNode("names")) {
      boolean released =
          inProcess(
              node,
              ctx -> {
                ctx.register("one");
                assertThatThrownBy(() -> ctx.register("two"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("one");
                boolean r = ctx.unregister();
                assertThat(ctx.unregister()).isFalse();
                ctx.register("two");
                return r;
              });
      assertThat(released).isTrue();
      assertThat(node.whereis("one")).isEmpty();
    }
  }

  @Test
  void sendNamed_unregisteredName_isADeadLetterAndThrowsNothing() throws Exception {
    try (Node<Object> node = localNode("names")) {
      long before = node.metrics().deadLetters();
      inProcess(
          node,
          ctx -> {
            ctx.sendNamed("nobody", "lost");
            ctx.sendNamed(ctx.node(), "nobody", "lost too");
            return null;
          });
      assertThat(node.metrics().deadLetters()).isEqualTo(before + 2);
    }
  }

  @Test
  void register_badNames_throwDocumentedExceptions() throws Exception {
    try (Node<Object> node = localNode("names")) {
      inProcess(
          node,
          ctx -> {
            assertThatThrownBy(() -> ctx.register("")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ctx.register("x".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ctx.register(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> ctx.sendNamed("", "m"))
                .isInstanceOf(IllegalArgumentException.class);
            return null;
          });
      assertThatThrownBy(() -> node.whereis(null)).isInstanceOf(NullPointerException.class);
    }
  }
}
