package io.distproc.testkit;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of every module's main code, checked on its class files: the classes that hold other
 * classes (in a field, or in a collection in a field) are not called back by them. This test runs
 * here because this module's test class path holds every module's main code (api, runtime, otp,
 * grpc-transport, node-events, the node image's main and the testkit); the benchmarks and the demo
 * are leaves that nothing else reads.
 *
 * <p>A class and its nested classes count as one; generated protobuf code is left out. Creating a
 * part (a constructor call) is not a call back, and neither is naming a type; a part that needs
 * something of its holder gets a narrow interface (the runtime's {@code LinkHandler}, a link's
 * {@code Link}, a process's {@code ProcessHost}) or a plain function.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(location -> !location.contains("/io/distproc/proto/"))
          .importPackages("io.distproc");

  @Test
  void theImportSeesEveryModule() {
    Set<String> packages = new TreeSet<>();
    MAIN.forEach(c -> packages.add(c.getPackageName()));
    assertThat(packages)
        .contains(
            "io.distproc",
            "io.distproc.internal",
            "io.distproc.runtime",
            "io.distproc.runtime.internal",
            "io.distproc.otp",
            "io.distproc.transport.grpc",
            "io.distproc.node.events",
            "io.distproc.testkit");
  }

  @Test
  void noPartCallsBackTheClassThatHoldsIt() {
    List<String> knots = new ArrayList<>();
    for (JavaClass holder : MAIN) {
      if (holder.getEnclosingClass().isPresent()) {
        continue; // its fields are looked at with its top-level class's
      }
      Set<JavaClass> parts = new LinkedHashSet<>();
      nest(holder)
          .flatMap(c -> c.getFields().stream())
          .map(JavaField::getType)
          .flatMap(t -> t.getAllInvolvedRawTypes().stream())
          .filter(t -> !t.isArray() && t.getPackageName().startsWith("io.distproc"))
          .map(ArchitectureTest::top)
          .filter(t -> !t.equals(holder))
          .forEach(parts::add);
      for (JavaClass part : parts) {
        Optional<String> down = firstCall(holder, part);
        Optional<String> back = firstCall(part, holder);
        if (down.isPresent() && back.isPresent()) {
          knots.add(
              holder.getSimpleName()
                  + " holds and calls "
                  + part.getSimpleName()
                  + ", which calls it back:\n    "
                  + back.get()
                  + "\n  while\n    "
                  + down.get());
        }
      }
    }
    assertThat(knots).as("classes called back by a part they hold").isEmpty();
  }

  @Test
  void theKnotsOfIssue11StayUndone() {
    // 1. The node and its remoting: remoting reaches the local node through narrow interfaces
    //    (LocalDelivery, PeerSpawner, NodeWatch), never the node itself.
    noClasses()
        .that()
        .haveNameNotMatching("io\\.distproc\\.runtime\\.(NodeImpl|RuntimeNodeProvider)(\\$.*)?")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.distproc.runtime.NodeImpl")
        .because(
            "the node is made by its provider and reached through ProcessHost and the"
                + " remoting's narrow interfaces")
        .check(MAIN);
    // 2. A link's parts and the transport: a part gets a narrow view, a link its LinkContext.
    noClasses()
        .that()
        .haveNameNotMatching("io\\.distproc\\.transport\\.grpc\\.GrpcTransport(Factory)?(\\$.*)?")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.distproc.transport.grpc.GrpcTransport")
        .because("links get a LinkContext, not the transport")
        .check(MAIN);
    noClasses()
        .that()
        .haveSimpleNameStartingWith("Outbox")
        .or()
        .haveSimpleNameStartingWith("Inbox")
        .or()
        .haveSimpleNameStartingWith("Heartbeat")
        .or()
        .haveSimpleNameStartingWith("WireReader")
        .or()
        .haveSimpleNameEndingWith("Handshake")
        .or()
        .haveSimpleNameEndingWith("Format")
        .or()
        .haveSimpleNameStartingWith("FrameCodec")
        .should()
        .dependOnClassesThat()
        .haveNameMatching(
            "io\\.distproc\\.transport\\.grpc\\."
                + "(GrpcLink|DialledLink|AcceptedLink|LinkContext|GrpcTransport)(\\$.*)?")
        .because("a link's parts get the link as a runtime Link or a plain function")
        .check(MAIN.that(resideInAPackage("io.distproc.transport.grpc")));
    // 3. One frame codec: its caches and the payload's size in one place.
    assertThat(
            MAIN.that(resideInAPackage("io.distproc.transport.grpc")).stream()
                .filter(c -> c.getSimpleName().endsWith("Codec"))
                .map(JavaClass::getSimpleName))
        .containsExactly("FrameCodec");
    // 4. A process has a mailbox; the mailbox knows nothing of the process.
    noClasses()
        .that()
        .haveSimpleNameStartingWith("Mailbox")
        .or()
        .haveSimpleNameStartingWith("Stash")
        .should()
        .dependOnClassesThat()
        .haveSimpleNameStartingWith("ProcessImpl")
        .orShould()
        .dependOnClassesThat()
        .haveSimpleNameStartingWith("Context")
        .check(MAIN);
    // 5. The node image's event lines are written and read by node-events alone: the testkit
    //    reads them through it, not by its own text matching (NodeEvent's parser).
    classes()
        .that()
        .resideInAPackage("io.distproc.testkit")
        .and()
        .haveSimpleName("NodeContainer")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.distproc.node.events")
        .check(MAIN);
  }

  /** The first method call or field access from {@code from}'s nest into {@code to}'s. */
  private static Optional<String> firstCall(JavaClass from, JavaClass to) {
    return nest(from)
        .flatMap(
            c ->
                Stream.concat(
                    c.getMethodCallsFromSelf().stream(), c.getFieldAccessesFromSelf().stream()))
        .filter(a -> top(a.getTargetOwner()).equals(to))
        .map(JavaAccess::getDescription)
        .sorted()
        .findFirst();
  }

  /** A top-level class and every class nested in it, at any depth (lambdas are methods). */
  private static Stream<JavaClass> nest(JavaClass top) {
    return MAIN.stream().filter(c -> top(c).equals(top));
  }

  private static JavaClass top(JavaClass c) {
    JavaClass t = c;
    while (t.getEnclosingClass().isPresent()) {
      t = t.getEnclosingClass().get();
    }
    return t;
  }
}
