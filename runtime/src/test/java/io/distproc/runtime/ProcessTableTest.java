package io.distproc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.NodeId;
import io.distproc.Pid;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The registry on its own: lookups after puts and removes, growing and shrinking stripes, and a
 * reader that never misses a process that stays registered while writers churn around it.
 */
class ProcessTableTest {
  private static final NodeId NODE = NodeId.of("table", 1);

  private final ProcessTable<Object> table = new ProcessTable<>();

  private static ProcessImpl<Object> process(long id) {
    return new ProcessImpl<>(null, Pid.of(NODE, id), ctx -> {});
  }

  @Test
  void get_afterPut_returnsTheProcess() {
    ProcessImpl<Object> p = process(7);
    table.put(p);

    assertThat(table.get(7)).isSameAs(p);
    assertThat(table.get(8)).isNull();
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.isEmpty()).isFalse();
  }

  @Test
  void get_afterRemove_returnsNullAndCountsNothing() {
    ProcessImpl<Object> p = process(7);
    table.put(p);
    table.remove(process(7)); // another process with the same pid number: not this one
    assertThat(table.get(7)).isSameAs(p);
    table.remove(p);
    table.remove(p); // a second remove is a no-op

    assertThat(table.get(7)).isNull();
    assertThat(table.size()).isZero();
    assertThat(table.isEmpty()).isTrue();
  }

  @Test
  void putAndRemove_manyIdsThroughGrowthAndShrinking_keepsExactlyTheLiveOnes() {
    int n = 100_000;
    List<ProcessImpl<Object>> all = new ArrayList<>();
    for (long id = 1; id <= n; id++) {
      all.add(process(id));
      table.put(all.getLast());
    }
    assertThat(table.size()).isEqualTo(n);
    for (ProcessImpl<Object> p : all) {
      if (p.pid().id() % 3 != 0) {
        table.remove(p);
      }
    }
    for (long id = 1; id <= n; id++) {
      ProcessImpl<Object> p = table.get(id);
      if (id % 3 == 0) {
        assertThat(p).isNotNull();
        assertThat(p.pid().id()).isEqualTo(id);
      } else {
        assertThat(p).isNull();
      }
    }
    Set<Long> seen = new HashSet<>();
    table.forEach(p -> seen.add(p.pid().id()));
    assertThat(seen).hasSize(n / 3).allMatch(id -> id % 3 == 0);
    assertThat(table.size()).isEqualTo(n / 3);
  }

  @Test
  void get_whileOtherIdsAreAddedAndRemoved_neverMissesARegisteredProcess() throws Exception {
    List<ProcessImpl<Object>> resident = new ArrayList<>();
    for (long id = 1; id <= 1_000; id++) {
      ProcessImpl<Object> p = process(id);
      resident.add(p);
      table.put(p);
    }
    CountDownLatch writersDone = new CountDownLatch(2);
    for (int w = 0; w < 2; w++) {
      long base = 1_000_000L * (w + 1);
      Thread.ofPlatform()
          .start(
              () -> {
                ArrayDeque<ProcessImpl<Object>> recent = new ArrayDeque<>();
                for (long id = base; id < base + 200_000; id++) {
                  recent.addLast(process(id));
                  table.put(recent.getLast());
                  if (recent.size() > 64) {
                    table.remove(recent.removeFirst()); // churn: tombstones, growth and shrinking
                  }
                }
                writersDone.countDown();
              });
    }
    AtomicReference<String> miss = new AtomicReference<>();
    while (writersDone.getCount() > 0 && miss.get() == null) {
      for (ProcessImpl<Object> p : resident) {
        if (table.get(p.pid().id()) != p) {
          miss.set("missed " + p.pid());
        }
      }
    }
    writersDone.await();
    assertThat(miss.get()).isNull();
    assertThat(table.size()).isEqualTo(1_000 + 2 * 64);
  }
}
