package io.distproc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README shows the testkit example exactly as ReadmeExampleIT compiles and runs it. */
class ReadmeSnippetTest {

  @Test
  void readme_containsTheCompiledExample() throws IOException {
    String source =
        Files.readString(Path.of("src/test/java/io/distproc/testkit/ReadmeExampleIT.java"));
    String start = "// README-EXAMPLE-START\n";
    String example =
        source
            .substring(
                source.indexOf(start) + start.length(), source.indexOf("// README-EXAMPLE-END"))
            .strip();

    assertThat(Files.readString(Path.of("../README.md"))).contains("```java\n" + example + "\n```");
  }
}
