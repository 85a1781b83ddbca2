package io.distproc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StripedCounterTest {
  @Test
  void theSumIsExactOnceEveryAddHasReturned() throws Exception {
    StripedCounter counter = new StripedCounter();
    int threads = 64; // more than the cells of a small machine: some share a cell
    int each = 10_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread.Builder builder = t % 2 == 0 ? Thread.ofVirtual() : Thread.ofPlatform();
      started.add(
          builder.start(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < each; i++) {
                  counter.increment();
                }
              }));
    }
    assertThat(counter.sum()).isZero();
    go.countDown();
    for (Thread t : started) {
      t.join();
    }
    assertThat(counter.sum()).isEqualTo((long) threads * each);
  }
}
