package org.delta4j.dsl.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.delta4j.dsl.processor.Specs.compile;
import static org.delta4j.dsl.processor.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's output, compiled for real: the reference spec generates exactly the golden source, identically
 * every time, and every generated class is clean under every lint and doclint, whatever the names in it.
 */
class NetworkProcessorTest {
  static final JavaFileObject XOR = spec("XorSpec",
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

  private static String generated(Compilation c, String name) throws IOException {
    return c.generatedSourceFile(name).orElseThrow().getCharContent(true).toString();
  }

  @Test
  void theReferenceSpecGeneratesTheGoldenSourceWithoutWarnings() throws IOException {
    Compilation c = compile(XOR);
    assertThat(c).succeededWithoutWarnings();
    String golden = new String(NetworkProcessorTest.class.getResourceAsStream("/golden/XorNetwork.java")
        .readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(golden, generated(c, "test.XorNetwork"));
  }

  @Test
  void theSameSpecGivesByteIdenticalOutput() throws IOException {
    assertEquals(generated(compile(XOR), "test.XorNetwork"), generated(compile(XOR), "test.XorNetwork"));
  }

  /** Every setting the DSL has, with names that are hostile to Javadoc and to JavaPoet's format strings. */
  private static final JavaFileObject EVERYTHING = spec("EverythingSpec",
      "/** A spec that uses every setting. */",
      "@NeuralNetwork(seed = -3, dataType = DataType.FLOAT64, className = \"Everything\")",
      "@Input({4, 2})",
      "@Loss(LossFunction.CATEGORICAL_CROSS_ENTROPY)",
      "@AdamW(learningRate = 0.01, weightDecay = 1e-4, beta1 = 0.8, beta2 = 0.99, epsilon = 1e-7)",
      "@CosineDecay(totalSteps = 100, minFraction = 0.1)",
      "public interface EverythingSpec {",
      "  /** A layer. */",
      "  @Dense(units = 8, activation = ActivationFunction.LEAKY_RELU, alpha = 0.2, init = Initializer.Kind.HE_NORMAL,",
      "      initScale = 0.5, bias = Initializer.Kind.CONSTANT, biasScale = 0.1, name = \"a */ $b {@code <c>} \\\\u002a/\")",
      "  void hidden();",
      "  /** A layer. */",
      "  @Dropout(value = 0.25, name = \"@param x\\n * @return y $L $$\")",
      "  void drop();",
      "  /** A layer. */",
      "  @Dense(units = 3, useBias = false)",
      "  void logits();",
      "  /** A layer. */",
      "  @Activation(ActivationFunction.SOFTMAX)",
      "  void softmax();",
      "  /** Not a layer.\n   * @return one */",
      "  default int helper() {",
      "    return 1;",
      "  }",
      "}");

  @Test
  void generatedCodeIsCleanUnderEveryLintAndDoclint() {
    Compilation c = compiledUnderEveryLint(EVERYTHING);
    assertThat(c).succeededWithoutWarnings();
  }

  /**
   * A spec of a thousand layers generates a class that javac compiles, clean under every lint and doclint, with the
   * layers in order: one chain of a thousand calls would overflow javac's stack.
   */
  @Test
  void aSpecOfAThousandLayersGeneratesCodeJavacCompiles() throws ReflectiveOperationException {
    StringBuilder layers = new StringBuilder();
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      layers.append("  /** A layer. */\n  @Dense(units = 2) void l").append(i).append("();\n");
      names.add("l" + i);
    }
    JavaFileObject source = spec("LongSpec", "/** A long spec. */",
        "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "public interface LongSpec {",
        layers + "}");
    Compilation c = compiledUnderEveryLint(source);
    assertThat(c).succeededWithoutWarnings();
    NetworkSpec generated = Specs.generatedSpec(c, "test.LongNetwork");
    assertEquals(names, generated.layers().stream().map(LayerSpec::name).toList());
    assertTrue(generated.layers().stream().allMatch(l -> l instanceof LayerSpec.Dense d && d.units() == 2));
  }

  /**
   * A block of a thousand nodes, whose description is longer than a string constant of a class file can be (65535
   * bytes), generates a class that javac compiles, with every node, in order.
   */
  @Test
  void aBlockLongerThanAStringConstantGeneratesCodeJavacCompiles() throws ReflectiveOperationException {
    StringBuilder nodes = new StringBuilder();
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      nodes.append("    /** A node. */\n    @Dense(units = 3) void n").append(i).append("();\n");
      names.add("n" + i);
    }
    JavaFileObject source = spec("WideSpec", "/** A spec of a long block. */",
        "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "public interface WideSpec {",
        "  /** The block. */", "  @Block(nodes = Unit.class) void block();", "  /** The output. */",
        "  @Dense(units = 1) void out();", "  /** The nodes. */", "  @BlockNodes interface Unit {", nodes + "  }", "}");
    Compilation c = compiledUnderEveryLint(source);
    assertThat(c).succeededWithoutWarnings();
    LayerSpec block = Specs.generatedSpec(c, "test.WideNetwork").layers().get(0);
    assertEquals(names, ((org.delta4j.autodiff.BlockSpec) block).nodes().stream().map(n -> n.layer().name())
        .toList());
  }

  /**
   * A spec nested privately is one the generated class, top-level in its package, cannot see: its Javadoc names the
   * spec and its methods as code instead of linking to them, so that it stays clean under doclint.
   */
  @Test
  void aPrivatelyNestedSpecGeneratesCodeCleanUnderDoclint() {
    JavaFileObject outer = spec("Outer",
        "/** Holds specs of its own. */",
        "public class Outer {",
        "  /** A private spec. */",
        "  @NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "  private interface BSpec {",
        "    /** The output. */",
        "    @Dense(units = 1) void out();",
        "  }",
        "",
        "  /** A class that is private. */",
        "  private static final class Hidden {",
        "    /** A spec in it. */",
        "    @NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "    interface CSpec {",
        "      /** The output. */",
        "      @Dense(units = 1) void out();",
        "    }",
        "  }",
        "}");
    Compilation c = compiledUnderEveryLint(outer);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.BNetwork").contentsAsUtf8String()
        .contains("The network described by {@code Outer.BSpec}");
    assertThat(c).generatedSourceFile("test.BNetwork").contentsAsUtf8String()
        .contains("The layer declared by {@code Outer.BSpec.out()}");
    assertThat(c).generatedSourceFile("test.CNetwork").contentsAsUtf8String()
        .contains("{@code Outer.Hidden.CSpec}");
  }

  /**
   * A type of the spec's package named like a java.lang type the generated code uses hides it there: the code names
   * java.lang's in full, and compiles cleanly.
   */
  @Test
  void aTypeOfThePackageNamedStringLeavesTheGeneratedCodeClean() throws IOException {
    JavaFileObject string = JavaFileObjects.forSourceString("test.String",
        "package test;\n\n/** Not java.lang's. */\npublic final class String {}\n");
    Compilation c = Compiler.javac().withProcessors(new NetworkProcessor())
        .withOptions("-Xlint:all", "-Werror").compile(XOR, string);
    assertThat(c).succeededWithoutWarnings();
    assertTrue(generated(c, "test.XorNetwork").contains("public static XorNetwork create(java.lang.String engine)"));
  }

  /**
   * A spec named IOException takes the simple name from java.io's in the generated class, which names java.io's in
   * full in its code: its Javadoc's @throws names it so too, and doclint finds it thrown.
   */
  @Test
  void aSpecNamedIOExceptionLeavesTheGeneratedJavadocClean() throws IOException {
    JavaFileObject source = spec("IOException", "/** A spec. */",
        "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "public interface IOException {",
        "  /** The output. */", "  @Dense(units = 1) void out();", "}");
    Compilation c = compiledUnderEveryLint(source);
    assertThat(c).succeededWithoutWarnings();
    assertTrue(generated(c, "test.IOExceptionNetwork").contains("@throws java.io.IOException if the file cannot be "
        + "written"));
  }

  @Test
  void everySettingReachesTheDescription() throws Exception {
    Compilation c = compile(EVERYTHING);
    String source = generated(c, "test.Everything");
    NetworkSpec expected = NetworkSpec.builder()
        .input(4, 2)
        .layer(new LayerSpec.Dense("a */ $b {@code <c>} \\u002a/", 8, new Initializer(Initializer.Kind.HE_NORMAL, 0.5),
            new Initializer(Initializer.Kind.CONSTANT, 0.1)))
        .layer(new LayerSpec.Activation("a */ $b {@code <c>} \\u002a/_leaky_relu", ActivationFunction.LEAKY_RELU, 0.2))
        .layer(new LayerSpec.Dropout("@param x\n * @return y $L $$", 0.25))
        .layer(new LayerSpec.Dense("logits", 3, Initializer.xavierUniform(), Initializer.zeros(), false))
        .layer(new LayerSpec.Activation("softmax", ActivationFunction.SOFTMAX, 0))
        .loss(LossFunction.CATEGORICAL_CROSS_ENTROPY)
        .optimizer(new OptimizerSpec.AdamW(0.01, 0.8, 0.99, 1e-7, 1e-4, new LearningRateSchedule.CosineDecay(100, 0.1)))
        .seed(-3)
        .build();
    assertEquals(expected, Specs.generatedSpec(c, "test.Everything"));
    for (String text : new String[] {"Network.create(SPEC, Engines.get(), DataType.FLOAT64)",
        "ModelFiles.load(file, Engines.get(engine), DataType.FLOAT64)", "public ActivationLayer softmax()",
        "@GeneratedNetwork(\"test.EverythingSpec\")"}) {
      assertTrue(source.contains(text), text + " in\n" + source);
    }
  }

  /**
   * JavaPoet breaks the code it writes at each of Unicode's line terminators, U+2028 and U+2029 among them, which a
   * Java string literal may hold: a layer name holding them stays one literal, and the layer's name.
   */
  @Test
  void aLayerNameHoldingUnicodeLineSeparatorsStaysWhole() throws Exception {
    JavaFileObject source = spec("ASpec", "/** A spec. */",
        "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "public interface ASpec {",
        "  /** The output. */", "  @Dense(units = 1, name = \"a\\u2028b\\u2029c\") void out();", "}");
    Compilation c = compiledUnderEveryLint(source);
    assertThat(c).succeededWithoutWarnings();
    assertEquals("a\u2028b\u2029c", Specs.generatedSpec(c, "test.ANetwork").layers().get(0).name());
  }

  /**
   * javac writes a generated source, and reads it back, in the compilation's encoding, which may have no character
   * for a name the spec wrote (as Unicode escapes, say), as none has for half a surrogate pair: the generated class
   * names what is not ASCII by Unicode escapes, so that its names are the spec's, in any encoding.
   */
  @Test
  void namesTheSourceEncodingLacksAreTheSpecs(@TempDir Path dir) throws Exception {
    Path source = dir.resolve("src/test/ASpec.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, Specs.HEADER + "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)\n"
        + "public interface ASpec {\n  @Dense(units = 1, name = \"\\u65e5\\ud800\") void \\u65e5\\u672c();\n}\n",
        StandardCharsets.ISO_8859_1);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Path generated = Files.createDirectories(dir.resolve("generated"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = ToolProvider.getSystemJavaCompiler().run(null, out, out, "-encoding", "ISO-8859-1", "-Xlint:all",
        "-Werror", "-cp", System.getProperty("java.class.path"), "-processor", NetworkProcessor.class.getName(),
        "-d", classes.toString(), "-s", generated.toString(), source.toString());
    assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        NetworkProcessorTest.class.getClassLoader())) {
      Class<?> network = loader.loadClass("test.ANetwork");
      assertEquals("\u65e5\ud800", ((NetworkSpec) network.getField("SPEC").get(null)).layers().get(0).name());
      assertEquals("DenseLayer", network.getMethod("\u65e5\u672c").getReturnType().getSimpleName());
    }
  }

  @Test
  void predictTakesTheFormOfTheLossTargets() throws IOException {
    String[][] cases = {
        {"SOFTMAX_CROSS_ENTROPY", "IDENTITY", "public int[] predict(", "public float[][] probabilities("},
        {"MEAN_SQUARED_ERROR", "IDENTITY", "public float[][] predict(", "return outputs(samples);"},
        {"SQUARED_ERROR", "TANH", "public float[][] predict(", "return outputs(samples);"},
        {"BINARY_CROSS_ENTROPY", "SIGMOID", "public boolean[][] predict(", "p[i][j] >= 0.5f"},
        {"PERCEPTRON", "IDENTITY", "public int[][] predict(", "p[i][j] > 0 ? 1 : -1"}};
    for (String[] k : cases) {
      String source = generated(compile(spec("PSpec", "@NeuralNetwork @Input(3) @Loss(LossFunction." + k[0] + ")",
          "interface PSpec {", "  @Dense(units = 2, activation = ActivationFunction." + k[1] + ") void out();", "}")),
          "test.PNetwork");
      assertTrue(source.contains(k[2]) && source.contains(k[3]), k[0] + ":\n" + source);
      assertEquals(k[0].contains("ENTROPY"), source.contains("public float[][] probabilities("), k[0]);
      assertTrue(source.contains("public float[][] outputs("), k[0]);
      // through the predictor's array method, which checks the samples and runs them in chunks of bounded work
      assertTrue(source.contains("return Inference.outputs(network, samples);"), k[0]);
    }
  }

  /** {@code sources} compiled with the processor under every lint and doclint, warnings as errors. */
  private static Compilation compiledUnderEveryLint(JavaFileObject... sources) {
    return Compiler.javac().withProcessors(new NetworkProcessor())
        .withOptions("-Xlint:all", "-Werror", "-Xdoclint:all").compile(sources);
  }
}
