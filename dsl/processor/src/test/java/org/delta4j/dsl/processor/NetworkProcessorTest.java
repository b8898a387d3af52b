package org.delta4j.dsl.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor's contract, compiled for real: the reference spec generates exactly the golden source, without
 * warnings and identically every time; every mistake is a compile error on its line, and all are reported at once.
 */
class NetworkProcessorTest {
  private static final String HEADER = String.join("\n",
      "package test;",
      "",
      "import org.delta4j.dsl.*;",
      "import org.delta4j.spec.ActivationFunction;",
      "import org.delta4j.spec.LossFunction;",
      "") + "\n";

  /** A spec source whose body starts on line 7. */
  private static JavaFileObject spec(String name, String... body) {
    return JavaFileObjects.forSourceString("test." + name, HEADER + String.join("\n", body) + "\n");
  }

  private static Compilation compile(JavaFileObject... sources) {
    // Every lint but "processing", which only notes annotations no processor claims (such as @Generated).
    return Compiler.javac().withProcessors(new NetworkProcessor()).withOptions("-Xlint:all,-processing")
        .compile(sources);
  }

  private static final JavaFileObject XOR = spec("XorSpec",
      "@NeuralNetwork(seed = 7)",
      "@Input(2)",
      "@Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)",
      "@Adam(learningRate = 0.05)",
      "public interface XorSpec {",
      "  @Dense(units = 4, activation = ActivationFunction.TANH)",
      "  void hidden();",
      "",
      "  @Dense(units = 2)",
      "  void output();",
      "}");

  @Test
  void theReferenceSpecGeneratesTheGoldenSourceWithoutWarnings() throws IOException {
    Compilation c = compile(XOR);
    assertThat(c).succeededWithoutWarnings();
    String golden = new String(NetworkProcessorTest.class.getResourceAsStream("/golden/XorNetwork.java")
        .readAllBytes(), StandardCharsets.UTF_8);
    assertThat(c).generatedSourceFile("test.XorNetwork").contentsAsUtf8String().isEqualTo(golden);
  }

  @Test
  void theSameSpecGivesByteIdenticalOutput() throws IOException {
    String first = compile(XOR).generatedSourceFile("test.XorNetwork").orElseThrow().getCharContent(true).toString();
    String second = compile(XOR).generatedSourceFile("test.XorNetwork").orElseThrow().getCharContent(true).toString();
    assertEquals(first, second);
  }

  private record Expected(String message, int line) {}

  private static void fails(JavaFileObject source, Expected... errors) {
    Compilation c = compile(source);
    assertThat(c).failed();
    for (Expected e : errors) {
      assertThat(c).hadErrorContaining(e.message()).inFile(source).onLine(e.line());
    }
    assertThat(c).hadErrorCount(errors.length);
  }

  @Test
  void aSpecWithErrorsGeneratesNothing() {
    JavaFileObject bad = spec("BSpec", "@NeuralNetwork @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface BSpec {",
        "  @Dense(units = 1) void out();", "}");
    JavaFileObject user = JavaFileObjects.forSourceString("test.User", "package test;\nclass User {\n  BNetwork n;\n}\n");
    Compilation c = compile(bad, user);
    assertThat(c).hadErrorContaining("the network has no input").inFile(bad).onLine(8);
    assertThat(c).hadErrorContaining("cannot find symbol").inFile(user).onLine(3);
  }

  @Test
  void noInput() {
    fails(spec("A", "@NeuralNetwork @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 1) void out();", "}"), new Expected("the network has no input: add @Input(size)", 8));
  }

  @Test
  void sizesAtMostZero() {
    fails(spec("A", "@NeuralNetwork @Input(0) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 4) void hidden();", "  @Dense(units = -1) void out();", "}"),
        new Expected("input sizes must be at least 1, got 0", 7), new Expected("units must be at least 1, got -1", 10));
  }

  @Test
  void dropoutOutsideItsRange() {
    fails(spec("A", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 4) void hidden();", "  @Dropout(1.0) void drop();", "  @Dense(units = 1) void out();", "}"),
        new Expected("dropout rate must be in [0, 1), got 1.0", 10));
  }

  @Test
  void softmaxAnywhereButLast() {
    fails(spec("A", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 4, activation = ActivationFunction.SOFTMAX) void hidden();",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("softmax must be the last layer", 9));
  }

  @Test
  void lossesThatDoNotFitTheLastLayer() {
    fails(spec("A", "@NeuralNetwork @Input(3)", "@Loss(LossFunction.BINARY_CROSS_ENTROPY)", "interface A {",
        "  @Dense(units = 10, activation = ActivationFunction.SOFTMAX) void out();", "}"),
        new Expected("does not fit a softmax over 10 units", 8));
    fails(spec("B", "@NeuralNetwork @Input(3)", "@Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)", "interface B {",
        "  @Dense(units = 10, activation = ActivationFunction.SOFTMAX) void out();", "}"),
        new Expected("remove the final softmax layer", 8));
  }

  @Test
  void optimizerHyperparametersOutOfRange() {
    fails(spec("A", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "@Adam(learningRate = 0,", "      beta2 = 1.0)", "interface A {", "  @Dense(units = 1) void out();", "}"),
        new Expected("learning rate must be positive and finite, got 0.0", 8),
        new Expected("beta2 must be in [0, 1), got 1.0", 9));
  }

  @Test
  void duplicateLayerNames() {
    fails(spec("A", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 4, name = \"x\") void first();", "  @Dense(units = 1, name = \"x\") void second();", "}"),
        new Expected("duplicate layer name 'x' (also layer 0)", 10));
  }

  @Test
  void specsTheProcessorDoesNotSupport() {
    fails(spec("A", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A<T> {",
        "  @Dense(units = 1) void out();", "}"), new Expected("a network spec cannot be generic", 8));
    fails(spec("B", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "abstract class B {",
        "  @Dense(units = 1) abstract void out();", "}"), new Expected("@NeuralNetwork goes on an interface", 7));
    fails(spec("C", "public class C {", "  public class Inner {",
        "    @NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "    interface Spec {",
        "      @Dense(units = 1) void out();", "    }", "  }", "}"),
        new Expected("cannot be nested in the inner (non-static) class Inner", 10));
  }

  @Test
  void aGeneratedNameThatClashes() {
    JavaFileObject existing = JavaFileObjects.forSourceString("test.ANetwork", "package test;\nclass ANetwork {}\n");
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, existing);
    assertThat(c).hadErrorContaining("the generated class ANetwork would clash with the existing type test.ANetwork")
        .inFile(source).onLine(7);
  }

  @Test
  void severalMistakesAreAllReportedInOneCompilation() {
    fails(spec("A", "@NeuralNetwork", "@Adam(learningRate = -1)", "interface A {",
        "  @Dense(units = 0) void hidden();", "  @Dropout(2) void drop();", "  void plain();", "}"),
        new Expected("learning rate must be positive", 8),
        new Expected("the network has no input", 9),
        new Expected("units must be at least 1, got 0", 10),
        new Expected("dropout rate must be in [0, 1), got 2.0", 11),
        new Expected("annotate plain() with exactly one of @Dense, @Dropout, @Conv2D", 12),
        new Expected("the network has no loss", 9));
  }

  @Test
  void aConvolutionalSpecCompilesWithoutWarnings() {
    Compilation c = compile(spec("CnnSpec", "@NeuralNetwork @Input({1, 28, 28}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)",
        "interface CnnSpec {",
        "  @Conv2D(filters = 8, kernel = 3, padding = org.delta4j.spec.Padding.Mode.SAME, bias = false) void conv1();",
        "  @BatchNorm void norm1();",
        "  @MaxPool2D(kernel = 2) void pool1();",
        "  @Conv2D(filters = 16, kernel = {3, 2}, stride = 2, activation = ActivationFunction.RELU) void conv2();",
        "  @AvgPool2D(kernel = 3, stride = 1, padding = org.delta4j.spec.Padding.Mode.EXPLICIT, pad = 1) void pool2();",
        "  @GlobalAveragePool2D void gap();",
        "  @Flatten void flat();",
        "  @Dense(units = 10) void out();", "}"));
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.CnnNetwork").contentsAsUtf8String().contains("Conv2DLayer conv1()");
  }

  @Test
  void aKernelLargerThanItsPaddedInputIsAnErrorOnItsLineWithTheShapes() {
    fails(spec("A", "@NeuralNetwork @Input({1, 4, 4}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)", "interface A {",
        "  @Conv2D(filters = 2, kernel = 5, padding = org.delta4j.spec.Padding.Mode.EXPLICIT, pad = {0, 1})",
        "  void conv();",
        "  @Dense(units = 2) void out();", "}"),
        new Expected("conv2d layer 'conv' cannot take an input of shape [1, 4, 4]: the 5×5 window is larger than the "
            + "height of the input [1, 4, 4]", 9));
  }

  @Test
  void aWindowLargerThanWhatTheLayersBeforeLeaveIsAnErrorOnItsLine() {
    fails(spec("A", "@NeuralNetwork @Input({1, 6, 6}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)", "interface A {",
        "  @Conv2D(filters = 2, kernel = 3) void conv();",
        "  @MaxPool2D(kernel = 2) void pool1();",
        "  @MaxPool2D(kernel = 3) void pool2();",
        "  @Dense(units = 2) void out();", "}"),
        new Expected("max_pool2d layer 'pool2' cannot take an input of shape [2, 2, 2]", 11));
    fails(spec("A", "@NeuralNetwork @Input({1, 6, 6}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)", "interface A {",
        "  @Conv2D(filters = 2, kernel = {3, 3, 3}) void conv();",
        "  @MaxPool2D(kernel = 2, padding = org.delta4j.spec.Padding.Mode.EXPLICIT, pad = 2) void pool();",
        "  @Dense(units = 2) void out();", "}"),
        new Expected("kernel takes {height, width} or one value for both, got [3, 3, 3]", 9),
        new Expected("padding 2×2 is more than half the window 2×2", 10));
  }
}
