package org.delta4j.dsl.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rebuilding a spec while an earlier build's output is on the paths works as a first build does: with the old classes
 * on the class path (where javac itself warns under {@code -Xlint:processing} that the generated type exists already)
 * or the old generated sources on the source path, and under Gradle's isolating mode, which needs each generated file
 * to name its spec as its one originating element. (Maven's compiler plugin deletes the classes of its previous
 * compilation before compiling again, so that it starts clean.)
 */
class IncrementalBuildTest {
  private static String spec(int units) {
    return Specs.HEADER + "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)\n"
        + "public interface ASpec {\n  @Dense(units = " + units + ", name = \"out" + units + "\") void out();\n}\n";
  }

  /**
   * Runs javac with the processor on the test class path, with every lint but javac's own {@code processing} (see
   * {@link #javacWarnsOfTheEarlierClassOnTheClassPath}) and {@code -Werror}; returns its diagnostics, failing if it
   * fails.
   */
  private static String javac(Path dir, String units, String... options) throws IOException {
    List<String> args = new ArrayList<>(List.of("-Xlint:all,-processing", "-Werror"));
    args.addAll(Arrays.asList(options));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = run(dir, units, out, args);
    assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Runs javac on the spec of {@code units} with the processor and {@code options}; returns its exit status. */
  private static int run(Path dir, String units, ByteArrayOutputStream out, List<String> options) throws IOException {
    Path source = dir.resolve("src/test/ASpec.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, spec(Integer.parseInt(units)));
    List<String> args = new ArrayList<>(options);
    args.addAll(List.of("-processor", NetworkProcessor.class.getName(), "-s", dir.resolve("generated").toString(),
        source.toString()));
    Files.createDirectories(dir.resolve("generated"));
    Files.createDirectories(dir.resolve("classes"));
    return ToolProvider.getSystemJavaCompiler().run(null, out, out, args.toArray(String[]::new));
  }

  private static String classPath(Path... extra) {
    StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
    for (Path p : extra) {
      cp.append(File.pathSeparator).append(p);
    }
    return cp.toString();
  }

  private static String generated(Path dir) throws IOException {
    return Files.readString(dir.resolve("generated/test/ANetwork.java"), StandardCharsets.UTF_8);
  }

  @Test
  void aChangedSpecRecompiledWithItsEarlierOutputOnTheClassPath(@TempDir Path dir) throws IOException {
    Path classes = dir.resolve("classes");
    javac(dir, "4", "-d", classes.toString(), "-cp", classPath());
    javac(dir, "5", "-d", classes.toString(), "-cp", classPath(classes));
    assertTrue(generated(dir).contains("\\\"units\\\":5"), generated(dir));
    String compiled = new String(Files.readAllBytes(classes.resolve("test/ANetwork.class")), StandardCharsets.ISO_8859_1);
    assertTrue(compiled.contains("out5") && !compiled.contains("out4"));
  }

  /**
   * With an earlier output on the class path, javac itself warns under {@code -Xlint:processing} (part of {@code
   * -Xlint:all}) that the type the processor generates again already exists, which {@code -Werror} makes an error:
   * such a build needs {@code -Xlint:all,-processing}, or a clean output directory, as the README says.
   */
  @Test
  void javacWarnsOfTheEarlierClassOnTheClassPath(@TempDir Path dir) throws IOException {
    Path classes = dir.resolve("classes");
    javac(dir, "4", "-d", classes.toString(), "-cp", classPath());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = run(dir, "5", out, List.of("-Xlint:all", "-Werror", "-d", classes.toString(), "-cp",
        classPath(classes)));
    String diagnostics = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, status, diagnostics);
    assertTrue(diagnostics.contains("warning: A file for type 'test.ANetwork' already exists on the sourcepath or "
        + "classpath") && diagnostics.contains("warnings found and -Werror specified"), diagnostics);
    Path clean = dir.resolve("clean");
    out.reset();
    assertEquals(0, run(dir, "5", out, List.of("-Xlint:all", "-Werror", "-d", clean.toString(), "-cp", classPath())),
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void javacWithTheOldGeneratedSourcesOnTheSourcePath(@TempDir Path dir) throws IOException {
    javac(dir, "4", "-d", dir.resolve("classes").toString(), "-cp", classPath());
    Path again = dir.resolve("again");
    Files.createDirectories(again);
    // -implicit says what to do with the old source javac reads when the processor looks the class up
    javac(dir, "6", "-d", again.toString(), "-cp", classPath(), "-sourcepath", dir.resolve("generated").toString(),
        "-implicit:class");
    assertTrue(generated(dir).contains("\\\"units\\\":6"), generated(dir));
    String compiled = new String(Files.readAllBytes(again.resolve("test/ANetwork.class")), StandardCharsets.ISO_8859_1);
    assertTrue(compiled.contains("out6") && !compiled.contains("out4"));
  }

  @Test
  void anOldClassOfAnotherSpecStillClashes(@TempDir Path dir) throws IOException {
    Path classes = dir.resolve("classes");
    javac(dir, "4", "-d", classes.toString(), "-cp", classPath());
    Compilation c = Compiler.javac().withProcessors(new NetworkProcessor()).withOptions("-cp", classPath(classes))
        .compile(Specs.spec("BSpec",
            "@NeuralNetwork(className = \"ANetwork\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
            "interface BSpec {", "  @Dense(units = 1) void out();", "}"));
    assertThat(c).hadErrorContaining("the generated class ANetwork would clash with the existing type test.ANetwork");
  }

  @Test
  void gradleIsolatingModeSeesTheSpecAsTheOneOriginatingElement() throws IOException {
    // The originating elements of each file created, recorded as Gradle's filer does.
    List<List<Element>> originating = new ArrayList<>();
    WrappedProcessor recording = new WrappedProcessor(env -> WrappedProcessor.replacing(ProcessingEnvironment.class, env,
        "getFiler", (p, m, args) -> WrappedProcessor.replacing(Filer.class, env.getFiler(), "createSourceFile",
            (q, n, a) -> {
              originating.add(List.of((Element[]) a[1]));
              return WrappedProcessor.invoke(n, env.getFiler(), a);
            })));
    Compilation c = Compiler.javac().withProcessors(recording).compile(NetworkProcessorTest.XOR);
    assertThat(c).succeeded();
    assertEquals(1, originating.size());
    assertEquals(List.of("test.XorSpec"), originating.get(0).stream()
        .map(e -> ((TypeElement) e).getQualifiedName().toString()).toList());
    String declared = new String(NetworkProcessor.class.getResourceAsStream(
        "/META-INF/gradle/incremental.annotation.processors").readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(NetworkProcessor.class.getName() + ",isolating", declared);
  }
}
