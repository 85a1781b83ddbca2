package io.distproc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.distproc.NodeId;
import io.distproc.Pid;
import org.junit.jupiter.api.Test;

class DemoTest {

  @Test
  void run_everyScene_behavesAsTheModelPromises() {
    assertThat(Demo.run()).isEmpty();
  }

  @Test
  void codec_everyMessage_roundTrips() {
    DemoCodec codec = new DemoCodec();
    Pid pid = Pid.of(NodeId.of("alpha", 42), 7);
    for (DemoMessage m :
        new DemoMessage[] {
          new DemoMessage.Job(pid, "square", -3),
          new DemoMessage.Result(pid, "divide", 4, 25),
          new DemoMessage.Note(true, "über"),
          new DemoMessage.Signal(pid, "go")
        }) {
      assertThat(codec.decode(codec.encode(m))).isEqualTo(m);
    }
  }
}
