#!/usr/bin/env bash
# Checks the BOM the way a user meets it:
#  1. every published module (one that does not set maven.deploy.skip) is listed in bom/pom.xml,
#     at the project's version, and the BOM lists distproc artifacts only;
#  2. a throwaway consumer project that imports the BOM and names no distproc version compiles,
#     starts a node, and runs a process on it.
# Installs the project into the local Maven repository first (tests skipped: run them apart).
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/select-jdk.sh

version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml)
fail=0

# --- 1. published modules vs. the BOM ----------------------------------------------------------
managed=$(sed '/<!--/,/-->/d' bom/pom.xml | sed -n '/<dependencyManagement>/,/<\/dependencyManagement>/p')
bom_artifacts=$(sed -n 's:.*<artifactId>\(.*\)</artifactId>.*:\1:p' <<<"$managed" | sort -u)
if sed -n 's:.*<groupId>\(.*\)</groupId>.*:\1:p' <<<"$managed" | grep -vqx 'io.distproc'; then
  echo "check-bom: bom/pom.xml manages an artifact that is not distproc's" >&2
  fail=1
fi
if sed -n 's:.*<version>\(.*\)</version>.*:\1:p' <<<"$managed" | grep -vqx "$version"; then
  echo "check-bom: bom/pom.xml manages a distproc version other than $version" >&2
  fail=1
fi
bom_version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' bom/pom.xml)
if [ "$bom_version" != "$version" ]; then
  echo "check-bom: bom version $bom_version differs from the project version $version" >&2
  fail=1
fi
for module in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml); do
  [ "$module" = bom ] && continue
  pom="$module/pom.xml"
  artifact=$(sed -n '/<parent>/,/<\/parent>/d; s:.*<artifactId>\(.*\)</artifactId>.*:\1:p' "$pom" | head -1)
  if grep -q '<maven.deploy.skip>true</maven.deploy.skip>' "$pom"; then
    continue # not published
  fi
  if ! grep -qx "$artifact" <<<"$bom_artifacts"; then
    echo "check-bom: published module $module ($artifact) is missing from bom/pom.xml" >&2
    fail=1
  fi
done
[ "$fail" = 0 ] || exit 1
echo "check-bom: the BOM lists every published module: $(echo $bom_artifacts)"

# --- 2. a consumer that imports the BOM ---------------------------------------------------------
./mvnw -B -q install -DskipTests
consumer=$(mktemp -d "${TMPDIR:-/tmp}/distproc-bom-consumer.XXXXXX")
trap 'rm -rf "$consumer"' EXIT
mkdir -p "$consumer/src/main/java/example"
cat >"$consumer/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>bom-consumer</artifactId>
  <version>1</version>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <maven.compiler.release>21</maven.compiler.release>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>io.distproc</groupId>
        <artifactId>distproc-bom</artifactId>
        <version>$version</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>io.distproc</groupId>
      <artifactId>distproc-api</artifactId>
    </dependency>
    <dependency>
      <groupId>io.distproc</groupId>
      <artifactId>distproc-runtime</artifactId>
      <scope>runtime</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.14.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-resources-plugin</artifactId>
        <version>3.3.1</version>
      </plugin>
      <plugin>
        <groupId>org.codehaus.mojo</groupId>
        <artifactId>exec-maven-plugin</artifactId>
        <version>3.5.1</version>
        <configuration>
          <executable>\${java.home}/bin/java</executable>
          <arguments>
            <argument>-classpath</argument>
            <classpath/>
            <argument>example.Main</argument>
          </arguments>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
cat >"$consumer/src/main/java/example/Main.java" <<'JAVA'
package example;

import io.distproc.Codec;
import io.distproc.Matcher;
import io.distproc.MonitorReason;
import io.distproc.Node;
import io.distproc.NodeConfig;
import io.distproc.Pid;
import java.util.concurrent.CompletableFuture;

public class Main {
  public static void main(String[] args) throws Exception {
    CompletableFuture<String> got = new CompletableFuture<>();
    try (Node<String> node = Node.start(NodeConfig.local("consumer").build(), Codec.utf8())) {
      Pid pid = node.spawn(ctx -> got.complete(ctx.receive(Matcher.on(String.class, s -> s))));
      CompletableFuture<MonitorReason> ended = node.termination(pid); // asked before it can end
      node.send(pid, "hello from a BOM consumer");
      MonitorReason end = ended.get();
      if (!got.get().equals("hello from a BOM consumer") || !(end instanceof MonitorReason.Normal)) {
        throw new AssertionError("unexpected: " + got.get() + " / " + end);
      }
      System.out.println("bom-consumer: OK: " + got.get());
    }
  }
}
JAVA
./mvnw -B -q -f "$consumer/pom.xml" compile exec:exec
echo "check-bom: a project importing distproc-bom $version builds and runs"
