package org.delta4j.dsl.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.delta4j.dsl.processor.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.JavaFileObject;
import org.delta4j.dsl.processor.testkinds.BrokenKinds;
import org.delta4j.dsl.processor.testkinds.BrokenSpec;
import org.delta4j.spec.KindProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever the input, the processor never crashes: what javac cannot resolve waits for a later round (where another
 * processor may generate it) and is otherwise left to javac's own error; a kind whose code fails is an error on its
 * use, a processor path that lacks a library one error saying so, and anything else unexpected one error on the spec.
 */
class RobustnessTest {
  private static final String MSE = "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)";

  /**
   * Asserts that the only error is javac's, on {@code line}: "cannot find symbol" (javac 25 says of a misspelt enum
   * constant that "an enum annotation value must be an enum constant").
   */
  private static void onlyJavacReports(JavaFileObject source, int line) {
    Compilation c = Specs.compile(source);
    assertThat(c).hadErrorCount(1);
    String message = c.errors().get(0).getMessage(null);
    assertTrue(message.contains("cannot find symbol") || message.contains("must be an enum constant"), message);
    assertThat(c).hadErrorContaining(message).inFile(source).onLine(line);
  }

  @Test
  void undefinedOrMisspeltConstantsInEveryAnnotation() {
    onlyJavacReports(spec("A", MSE, "interface A {", "  @Dense(units = UNITS) void out();", "}"), 9);
    onlyJavacReports(spec("B", MSE, "interface B {", "  @Dropout(RATE) void drop();", "  @Dense(units = 1) void out();",
        "}"), 9);
    onlyJavacReports(spec("C", "@NeuralNetwork @Input(SIZE) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface C {",
        "  @Dense(units = 1) void out();", "}"), 7);
    onlyJavacReports(spec("D", "@NeuralNetwork(seed = SEED) @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface D {", "  @Dense(units = 1) void out();", "}"), 7);
    onlyJavacReports(spec("E", MSE, "@Adam(learningRate = Rates.FAST)", "interface E {",
        "  @Dense(units = 1) void out();", "}"), 8);
    onlyJavacReports(spec("F", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUAREDERROR)", "interface F {",
        "  @Dense(units = 1) void out();", "}"), 7);
    onlyJavacReports(spec("G", MSE, "interface G {", "  @Dense(units = 2, activation = ActivationFunction.RELUU)",
        "  void hidden();", "  @Dense(units = 1) void out();", "}"), 9);
    onlyJavacReports(spec("H", MSE, "@StepDecay(stepSize = STEPS, gamma = 0.5)", "interface H {",
        "  @Dense(units = 1) void out();", "}"), 8);
    onlyJavacReports(spec("I", MSE, "interface I {", "  @Dense(units = 1, init = Initializer.Kind.HE)", "  void out();",
        "}"), 9);
  }

  @Test
  void misspeltAnnotationsAndUnknownSuperInterfaces() {
    onlyJavacReports(spec("A", MSE, "interface A {", "  @Dens(units = 4) void hidden();", "  @Dense(units = 1) void out();",
        "}"), 9);
    onlyJavacReports(spec("B", "@NeuralNetwok @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface B {",
        "  @Dense(units = 1) void out();", "}"), 7);
    onlyJavacReports(spec("C", MSE, "interface C extends Missing {", "  @Dense(units = 1) void out();", "}"), 8);
  }

  /**
   * javac gives a String or Class value it could not resolve as the text "<error>", which is never read as the value
   * (a class name, a layer's or a block's output's name, a block's nodes).
   */
  @Test
  void undefinedStringsAndClassesAreJavacsErrorsAlone() {
    onlyJavacReports(spec("A", "@NeuralNetwork(className = NAME) @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface A {", "  @Dense(units = 1) void out();", "}"), 7);
    onlyJavacReports(spec("B", MSE, "interface B {", "  @Dense(units = 1, name = NAME) void out();", "}"), 9);
    onlyJavacReports(spec("C", MSE, "interface C {", "  @Block(nodes = Missing.class) void block();",
        "  @Dense(units = 1) void out();", "}"), 9);
    onlyJavacReports(spec("D", MSE, "interface D {", "  @Block(nodes = Unit.class, output = NAME) void block();",
        "  @Dense(units = 1) void out();", "  @BlockNodes interface Unit {", "    @Dense(units = 3) void fc();", "  }",
        "}"), 9);
  }

  /**
   * An annotation the processor does not read may name the class it generates: the spec does not wait for that class,
   * which only its own generation brings, and javac resolves the name once it is generated.
   */
  @Test
  void anotherAnnotationNamingTheGeneratedClassDoesNotHoldTheSpecBack() {
    JavaFileObject refers = JavaFileObjects.forSourceString("test.Refers",
        "package test;\n@interface Refers { Class<?>[] value(); }\n");
    Compilation c = Specs.compile(spec("ASpec", MSE, "interface ASpec {", "  @Dense(units = 1) void out();",
        "  @Refers(ANetwork.class) class Holder {}", "  @Refers({ANetwork.class, String.class}) default void help() {}",
        "}"), refers);
    assertThat(c).succeeded();
    assertThat(c).generatedSourceFile("test.ANetwork");
  }

  /** What javac cannot resolve in a block's nodes, at any depth, is its error alone, as it is in the spec's layers. */
  @Test
  void undefinedOrMisspeltNamesInABlocksNodesAreJavacsErrorsAlone() {
    String block = "  @Block(nodes = Unit.class) void block();";
    onlyJavacReports(spec("A", MSE, "interface A {", block, "  @Dense(units = 1) void out();",
        "  @BlockNodes interface Unit {", "    @Dense(units = UNITS) void fc();", "  }", "}"), 12);
    onlyJavacReports(spec("B", MSE, "interface B {", block, "  @Dense(units = 1) void out();",
        "  @BlockNodes interface Unit {", "    @Dens(units = 3) void fc();", "  }", "}"), 12);
    onlyJavacReports(spec("C", MSE, "interface C {", block, "  @Dense(units = 1) void out();",
        "  @BlockNodes interface Unit {", "    @Dense(units = 3) void fc();",
        "    @From(NAME) @Dense(units = 3) void sum();", "  }", "}"), 13);
    onlyJavacReports(spec("D", MSE, "interface D {", block, "  @Dense(units = 1) void out();",
        "  @BlockNodes interface Unit {", "    @Block(nodes = Inner.class) void inner();", "  }",
        "  @BlockNodes interface Inner {", "    @Dense(units = 3, activation = ActivationFunction.RELUU) void fc();",
        "  }", "}"), 15);
  }

  /** A kind annotation's {@code @Field} that javac could not resolve is its error alone, not a field the kind lacks. */
  @Test
  void anUndefinedFieldNameOfAKindAnnotationIsJavacsErrorAlone() {
    JavaFileObject units = JavaFileObjects.forSourceString("test.Units", String.join("\n", "package test;", "",
        "import org.delta4j.dsl.*;", "", "@LayerAnnotation(type = \"dense\")",
        "@interface Units { @Field(NAME) int size(); }", ""));
    Compilation c = Specs.compile(spec("ASpec", MSE, "interface ASpec {", "  @Units(size = 2) void hidden();",
        "  @Dense(units = 1) void out();", "}"), units);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("cannot find symbol").inFile(units).onLine(6);
  }

  /**
   * A type annotation (TYPE_USE) before the return type of a spec's default or static method, or of a method of a
   * class nested in it, belongs to that type: the spec is generated, where it waited for an annotation javac had
   * resolved all along and generated nothing without a word.
   */
  @Test
  void aTypeAnnotationBeforeAHelpersReturnTypeLeavesTheSpecGenerated() {
    JavaFileObject source = spec("ASpec", "@java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE_USE)",
        "@interface NonNull {}", MSE, "interface ASpec {", "  @Dense(units = 1) void out();",
        "  @NonNull default String helper() { return \"\"; }", "  @NonNull static String tool() { return \"\"; }",
        "  class Nested { @NonNull String name() { return \"\"; } }", "}");
    Compilation c = Specs.compile(source);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.ANetwork");
    // before an array's elements, or on a constructor, the type annotation is the element type's or javac's to place
    source = spec("BSpec", "@java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE_USE)",
        "@interface NonNull {}", MSE, "interface BSpec {", "  @Dense(units = 1) void out();",
        "  @NonNull default int[] sizes() { return null; }", "  class Nested { @NonNull Nested() {} }", "}");
    c = Specs.compile(source);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.BNetwork");
    // a layer method that returns something is an error, whatever annotates its type
    Specs.fails(spec("CSpec", "@java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE_USE)",
        "@interface NonNull {}", MSE, "interface CSpec {", "  @Dense(units = 1) @NonNull int[] out();", "}"),
        new Specs.Expected("a layer method returns nothing: make out() void", 11));
  }

  /** Generates {@code test.Sizes} with the constant {@code UNITS = 4} in its first round. */
  static final class SizesGenerator extends AbstractProcessor {
    private boolean done;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!done) {
        done = true;
        try (Writer w = processingEnv.getFiler().createSourceFile("test.Sizes").openWriter()) {
          w.write("package test;\npublic final class Sizes {\n  public static final int UNITS = 4;\n}\n");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  @Test
  void aConstantAnotherProcessorGeneratesIsWaitedFor() {
    JavaFileObject source = spec("ASpec", MSE, "interface ASpec {", "  @Dense(units = Sizes.UNITS) void hidden();",
        "  @Dense(units = 1) void out();", "}");
    // Sizes is parsed in round 2, so the spec cannot be resolved in round 1 whichever processor runs first.
    Compilation c = Compiler.javac().withProcessors(new SizesGenerator(), new NetworkProcessor())
        .withOptions("-Xlint:all").compile(source);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.ANetwork").contentsAsUtf8String().contains("\\\"units\\\":4");
  }

  /**
   * A kind on the processor path whose own code fails — a class it cannot link, a static initializer that throws, a
   * stack overflow, an unexpected exception, reading, computing its shape or writing its JSON — is an error on the use
   * of its annotation, naming the kind, its class and the exception, and blaming the kind: javac never crashes.
   */
  @Test
  void aKindWhoseCodeFailsIsAnErrorOnItsUseBlamingTheKind(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services/" + KindProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, BrokenKinds.class.getName() + "\n");
    String[] failures = {"linkage", "initializer", "stack", "state", "shape", "write"};
    List<String> lines = new ArrayList<>(List.of("import org.delta4j.dsl.processor.testkinds.Broken;"));
    for (String failure : failures) {
      lines.add(MSE + " interface " + Character.toUpperCase(failure.charAt(0)) + failure.substring(1) + "Spec {");
      lines.add("  @Broken(\"" + failure + "\") void broken();");
      lines.add("  @Dense(units = 1) void out();");
      lines.add("}");
    }
    JavaFileObject source = spec("Specs", lines.toArray(String[]::new));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Compilation c = Compiler.javac().withProcessors(new NetworkProcessor(loader)).compile(source);
      String kind = "the layer kind 'broken' (" + BrokenSpec.class.getName() + ", registered by "
          + BrokenKinds.class.getName() + ") failed ";
      String[] errors = {"reading @Broken: java.lang.NoClassDefFoundError: org/example/Missing",
          "reading @Broken: java.lang.ExceptionInInitializerError: a static initializer failed",
          "reading @Broken: java.lang.StackOverflowError",
          "reading @Broken: java.lang.IllegalStateException: an unexpected state",
          "computing its output shape: java.lang.NoClassDefFoundError: org/example/Shapes",
          "writing its JSON: java.lang.IllegalStateException: the broken layer 'broken' (" + BrokenSpec.class.getName()
              + "): its writeFields failed: cannot write"};
      for (int i = 0; i < failures.length; i++) {
        assertThat(c).hadErrorContaining(kind + errors[i]).inFile(source)
            .onLineContaining("@Broken(\"" + failures[i] + "\")");
      }
      assertThat(c).hadErrorContaining("; the fault is the kind's, not the spec's: report it to the kind's authors, "
          + "or take its module off the annotation processor path");
      assertThat(c).hadErrorCount(failures.length);
    }
  }

  /**
   * Without Jackson on the processor path nothing can be read: one error says what the path lacks, the processor's
   * own class loading without it, instead of javac's crash.
   */
  @Test
  void aProcessorPathWithoutJacksonIsOneErrorNamingWhatItLacks() throws ReflectiveOperationException, IOException {
    List<URL> path = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.contains("jackson")) {
        path.add(Path.of(entry).toUri().toURL());
      }
    }
    // javac's tree API (jdk.compiler) from the application's loader, nothing else of the class path
    ClassLoader jdkOnly = new ClassLoader(ClassLoader.getPlatformClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (name.startsWith("com.sun.source.")) {
          return ClassLoader.getSystemClassLoader().loadClass(name);
        }
        throw new ClassNotFoundException(name);
      }
    };
    try (URLClassLoader loader = new URLClassLoader(path.toArray(URL[]::new), jdkOnly)) {
      Processor processor = (Processor) loader.loadClass(NetworkProcessor.class.getName()).getConstructor()
          .newInstance();
      JavaFileObject source = spec("ASpec", MSE, "interface ASpec {", "  @Dense(units = 1) void out();", "}");
      Compilation c = Compiler.javac().withProcessors(processor).withOptions("-Xlint:all").compile(source);
      assertThat(c).hadErrorContaining("the Delta4j processor cannot run: the annotation processor path lacks "
          + "com.fasterxml.jackson.core:jackson-annotations, com.fasterxml.jackson.core:jackson-core, "
          + "com.fasterxml.jackson.core:jackson-databind, which the processor needs");
      assertThat(c).hadErrorCount(1);
      assertThat(c).hadWarningCount(0);
    }
  }

  @Test
  void anUnexpectedExceptionIsOneErrorOnTheSpec() {
    JavaFileObject source = spec("ASpec", MSE, "interface ASpec {", "  @Dense(units = 1) void out();", "}");
    // The processor, with its element utilities failing as a bug in it would.
    WrappedProcessor failing = new WrappedProcessor(env -> WrappedProcessor.replacing(ProcessingEnvironment.class, env,
        "getElementUtils", (p, m, args) -> WrappedProcessor.replacing(Elements.class, env.getElementUtils(),
            "getAllMembers", (q, n, a) -> {
              throw new IllegalStateException("broken");
            })));
    Compilation c = Compiler.javac().withProcessors(failing).compile(source);
    assertThat(c).hadErrorContaining("the Delta4j processor failed on ASpec (java.lang.IllegalStateException: broken")
        .inFile(source).onLine(8);
    assertThat(c).hadErrorCount(1);
  }
}
