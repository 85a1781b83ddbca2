package io.distproc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterDemoTest {

  @Test
  void run_threeJvmsOverGrpc_everyStepBehavesAsExpected() throws Exception {
    assertThat(ClusterDemo.run()).isEmpty();
  }
}
