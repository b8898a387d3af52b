package org.delta4j.dsl.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.delta4j.dsl.processor.Specs.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.Padding;
import org.junit.jupiter.api.Test;

/**
 * The convolutional kinds in the DSL: a CNN spec generates the network the builder makes, and a window larger than
 * its padded input is a compile error on the line at fault, with the shapes.
 */
class ConvolutionalSpecsTest {
  private static final String HEADER = String.join("\n", "package test;", "", "import org.delta4j.dsl.*;",
      "import org.delta4j.spec.LossFunction;", "import org.delta4j.spec.Padding;", "") + "\n";

  private static JavaFileObject spec(String name, String... body) {
    return JavaFileObjects.forSourceString("test." + name, HEADER + String.join("\n", body) + "\n");
  }

  @Test
  void aConvolutionalSpecGeneratesTheNetworkTheBuilderMakes() throws ReflectiveOperationException {
    Compilation c = compile(spec("CnnSpec",
        "@NeuralNetwork @Input({1, 12, 12}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)",
        "interface CnnSpec {",
        "  @Conv2D(filters = 4, kernel = 3, padding = Padding.Mode.SAME, useBias = false) void conv1();",
        "  @BatchNorm void norm1();",
        "  @Activation(org.delta4j.spec.ActivationFunction.RELU) void relu1();",
        "  @MaxPool2D(kernel = 2) void pool1();",
        "  @Flatten void flat();",
        "  @Dense(units = 10) void out();", "}"));
    assertThat(c).succeededWithoutWarnings();
    NetworkSpec expected = NetworkSpec.builder().input(1, 12, 12)
        .layer(new org.delta4j.spec.Conv2D("conv1", 4, org.delta4j.spec.Window2D.square(3, Padding.SAME),
            org.delta4j.spec.Initializer.heUniform(), false, org.delta4j.spec.Initializer.zeros()))
        .layer(new org.delta4j.spec.BatchNorm().withName("norm1")).relu()
        .layer(new org.delta4j.spec.Pool2D(org.delta4j.spec.Pool2D.Kind.MAX, 2).withName("pool1"))
        .layer(new org.delta4j.spec.Flatten("flat")).dense(10).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    NetworkSpec generated = Specs.generatedSpec(c, "test.CnnNetwork");
    assertEquals(expected.layers().get(0), generated.layers().get(0));
    assertEquals(expected.layers().get(3), generated.layers().get(3));
    assertEquals(expected.outputShape(), generated.outputShape());
  }

  /**
   * Every member the DSL README lists for the convolutional annotations, and the RMSProp and exponential decay
   * annotations, reaches the network as the JSON field of the same name would: the spec equals the description
   * written in JSON, the conv's activation a layer of its own named {@code <name>_<function>}.
   */
  @Test
  void everyMemberOfTheWindowAnnotationsIsTheFieldOfItsJsonDescription() throws ReflectiveOperationException {
    Compilation c = compile(spec("WindowsSpec",
        "@NeuralNetwork(seed = 5) @Input({2, 9, 9}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)",
        "@RmsProp(learningRate = 0.01, rho = 0.8, epsilon = 1e-6, weightDecay = 1e-4)",
        "@ExponentialDecay(decaySteps = 10, gamma = 0.9)",
        "interface WindowsSpec {",
        "  @Conv2D(filters = 3, kernel = {3, 2}, stride = {2, 1}, dilation = 2, padding = Padding.Mode.EXPLICIT,",
        "      pad = {1, 2}, activation = org.delta4j.spec.ActivationFunction.LEAKY_RELU, alpha = 0.2,",
        "      init = org.delta4j.spec.Initializer.Kind.HE_NORMAL, initScale = 2) void conv();",
        "  @BatchNorm(momentum = 0.3, epsilon = 1e-3) void norm();",
        "  @AvgPool2D(kernel = 2, stride = 1, padding = Padding.Mode.SAME) void avg();",
        "  @MaxPool2D(kernel = {2, 1}, padding = Padding.Mode.EXPLICIT, pad = {1, 0}, name = \"biggest\") void max();",
        "  @GlobalAveragePool2D void gap();",
        "  @Dropout(0.1) void drop();",
        "  @Dense(units = 3, useBias = false, init = org.delta4j.spec.Initializer.Kind.UNIFORM, initScale = 0.5)",
        "  void out();", "}"));
    assertThat(c).succeededWithoutWarnings();
    NetworkSpec json = NetworkSpecJson.read("""
        {"input": [2, 9, 9],
         "layers": [
           {"type": "conv2d", "name": "conv", "filters": 3, "kernel": [3, 2], "stride": [2, 1], "dilation": 2,
            "padding": "explicit", "pad": [1, 2], "weights": {"kind": "he_normal", "scale": 2}},
           {"type": "leaky_relu", "name": "conv_leaky_relu", "alpha": 0.2},
           {"type": "batch_norm", "name": "norm", "momentum": 0.3, "epsilon": 1e-3},
           {"type": "avg_pool2d", "name": "avg", "kernel": 2, "stride": 1, "padding": "same"},
           {"type": "max_pool2d", "name": "biggest", "kernel": [2, 1], "padding": "explicit", "pad": [1, 0]},
           {"type": "global_avg_pool2d", "name": "gap"},
           {"type": "dropout", "name": "drop", "rate": 0.1},
           {"type": "dense", "name": "out", "units": 3, "use_bias": false,
            "weights": {"kind": "uniform", "scale": 0.5}}],
         "loss": "softmax_cross_entropy",
         "optimizer": {"type": "rmsprop", "learning_rate": 0.01, "rho": 0.8, "epsilon": 1e-6, "weight_decay": 1e-4,
                       "schedule": {"type": "exponential", "decay_steps": 10, "gamma": 0.9}},
         "seed": 5}
        """);
    assertEquals(json, Specs.generatedSpec(c, "test.WindowsNetwork"));
  }

  /** A convolution's bias initializer and a pool's dilation reach the network as their JSON fields would. */
  @Test
  void aConvolutionsBiasAndAPoolsDilationAreTheFieldsOfTheirJson() throws ReflectiveOperationException {
    Compilation c = compile(spec("MoreSpec",
        "@NeuralNetwork(seed = 5) @Input({1, 9, 9}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)",
        "interface MoreSpec {",
        "  @Conv2D(filters = 2, kernel = 3, bias = org.delta4j.spec.Initializer.Kind.UNIFORM, biasScale = 0.2)",
        "  void conv();",
        "  @MaxPool2D(kernel = 2, dilation = 2) void max();",
        "  @AvgPool2D(kernel = 2, dilation = {1, 2}) void avg();",
        "  @Flatten void flat();",
        "  @Dense(units = 2) void out();", "}"));
    assertThat(c).succeededWithoutWarnings();
    NetworkSpec json = NetworkSpecJson.read("""
        {"input": [1, 9, 9],
         "layers": [
           {"type": "conv2d", "name": "conv", "filters": 2, "kernel": 3, "bias": {"kind": "uniform", "scale": 0.2}},
           {"type": "max_pool2d", "name": "max", "kernel": 2, "dilation": 2},
           {"type": "avg_pool2d", "name": "avg", "kernel": 2, "dilation": [1, 2]},
           {"type": "flatten", "name": "flat"},
           {"type": "dense", "name": "out", "units": 2}],
         "loss": "softmax_cross_entropy",
         "seed": 5}
        """);
    assertEquals(json, Specs.generatedSpec(c, "test.MoreNetwork"));
  }

  /**
   * Each built-in annotation's declared defaults are its kind's own: with only its required members, every layer,
   * optimizer and schedule annotation gives the spec its JSON gives with only the required fields.
   */
  @Test
  void theBuiltInAnnotationsDefaultsAreTheirKindsDefaults() throws ReflectiveOperationException {
    String[] optimizers = {"Sgd", "Momentum", "Nesterov", "AdaGrad", "RmsProp", "Adam", "AdamW"};
    StringBuilder specs = new StringBuilder();
    for (String optimizer : optimizers) {
      specs.append("@NeuralNetwork(className = \"").append(optimizer).append("Net\") @Input({1, 8, 8})\n")
          .append("@Loss(LossFunction.SOFTMAX_CROSS_ENTROPY) @").append(optimizer).append("(learningRate = 0.1)")
          .append(" @CosineDecay(totalSteps = 10)\n")
          .append("interface ").append(optimizer).append("Spec {\n")
          .append("  @Conv2D(filters = 2, kernel = 3) void conv();\n")
          .append("  @BatchNorm void norm();\n")
          .append("  @Activation(org.delta4j.spec.ActivationFunction.RELU) void relu();\n")
          .append("  @MaxPool2D(kernel = 2) void max();\n")
          .append("  @AvgPool2D(kernel = 1) void avg();\n")
          .append("  @Block(nodes = Unit.class) void block();\n")
          .append("  @GlobalAveragePool2D void gap();\n")
          .append("  @Flatten void flat();\n")
          .append("  @Dropout(0.5) void drop();\n")
          .append("  @Dense(units = 2) void out();\n")
          .append("  @BlockNodes interface Unit { @Activation(org.delta4j.spec.ActivationFunction.TANH) void t(); }\n")
          .append("}\n");
    }
    Compilation c = compile(spec("Defaults", specs.toString()));
    assertThat(c).succeededWithoutWarnings();
    for (String optimizer : optimizers) {
      NetworkSpec json = NetworkSpecJson.read("""
          {"input": [1, 8, 8],
           "layers": [
             {"type": "conv2d", "name": "conv", "filters": 2, "kernel": 3},
             {"type": "batch_norm", "name": "norm"},
             {"type": "relu", "name": "relu"},
             {"type": "max_pool2d", "name": "max", "kernel": 2},
             {"type": "avg_pool2d", "name": "avg", "kernel": 1},
             {"type": "block", "name": "block", "nodes": [{"layer": {"type": "tanh", "name": "t"}}]},
             {"type": "global_avg_pool2d", "name": "gap"},
             {"type": "flatten", "name": "flat"},
             {"type": "dropout", "name": "drop", "rate": 0.5},
             {"type": "dense", "name": "out", "units": 2}],
           "loss": "softmax_cross_entropy",
           "optimizer": {"type": "%s", "learning_rate": 0.1, "schedule": {"type": "cosine", "total_steps": 10}},
           "seed": 42}
          """.formatted(optimizer.toLowerCase(java.util.Locale.ROOT)));
      assertEquals(json, Specs.generatedSpec(c, "test." + optimizer + "Net"), optimizer);
    }
  }

  @Test
  void aWindowLargerThanItsPaddedInputIsAnErrorOnItsLineWithTheShapes() {
    Specs.fails(spec("A", "@NeuralNetwork @Input({1, 4, 4}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)",
        "interface A {",
        "  @Conv2D(filters = 2, kernel = 5) void conv();",
        "  @Dense(units = 2) void out();", "}"),
        new Specs.Expected("the 5×5 window is larger than the height of the input [1, 4, 4]", 9));
    Specs.fails(spec("B", "@NeuralNetwork @Input({1, 6, 6}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)",
        "interface B {",
        "  @Conv2D(filters = 2, kernel = 3) void conv();",
        "  @MaxPool2D(kernel = 2) void pool1();",
        "  @MaxPool2D(kernel = 3) void pool2();",
        "  @Dense(units = 2) void out();", "}"),
        new Specs.Expected("[2, 2, 2]", 11));
    Specs.fails(spec("C", "@NeuralNetwork @Input({1, 8, 8}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)",
        "interface C {",
        "  @Conv2D(filters = 2, kernel = 3, dilation = 2147483647) void conv();",
        "  @Dense(units = 2) void out();", "}"),
        new Specs.Expected("the 3×3 window dilated by 2147483647 spans 4294967295 along the height", 9));
  }

  /** Each wrong value of a window annotation is reported on its own value, the required ones as well. */
  @Test
  void everyWrongValueOfAWindowIsReported() {
    Specs.fails(spec("A", "@NeuralNetwork @Input({1, 8, 8}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)",
        "interface A {",
        "  @Conv2D(filters = 0,", "      kernel = 0,", "      stride = 0) void conv();",
        "  @AvgPool2D(kernel = {0, -2},", "      stride = {0, 0}, padding = Padding.Mode.EXPLICIT,",
        "      pad = -1) void pool();",
        "  @Flatten void flat();",
        "  @Dense(units = 2) void out();", "}"),
        new Specs.Expected("conv2d layer 'conv': filters must be at least 1, got 0", 9),
        new Specs.Expected("kernel must be at least 1×1, got 0×0", 10),
        new Specs.Expected("stride must be at least 1×1, got 0×0", 11),
        new Specs.Expected("kernel must be at least 1×1, got 0×-2", 12),
        new Specs.Expected("stride must be at least 1×1, got 0×0", 13),
        new Specs.Expected("pad must be ≥ 0 on every side, got -1×-1", 14));
  }

  /** An output too large is reported on its layer, and not again on the layers after it, which follow from it. */
  @Test
  void anOutputTooLargeIsNotBlamedAgainOnTheLayersAfterIt() {
    Specs.fails(spec("A", "@NeuralNetwork @Input({1, 4, 4}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)",
        "interface A {",
        "  @Conv2D(filters = Integer.MAX_VALUE - 8, kernel = 1) void conv();",
        "  @Flatten void flat();",
        "  @Dense(units = 2) void out();", "}"),
        new Specs.Expected("conv2d layer 'conv': one sample of its output, of shape [2147483639, 4, 4], would hold "
            + "34359738224 values, more than one tensor holds (2147483639)", 9));
  }

  @Test
  void aPadOutOfRangeIsReportedOnThePadNotOnThePaddingMode() {
    JavaFileObject source = spec("A", "@NeuralNetwork @Input({1, 8, 8}) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)",
        "interface A {",
        "  @Conv2D(filters = 2, kernel = 3, padding = Padding.Mode.EXPLICIT,",
        "      pad = -1) void conv();",
        "  @MaxPool2D(kernel = 2, padding = Padding.Mode.EXPLICIT,",
        "      pad = 2) void pool();",
        "  @Flatten void flat();",
        "  @Dense(units = 2) void out();", "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("pad must be ≥ 0 on every side, got -1×-1").inFile(source)
        .onLineContaining("pad = -1");
    assertThat(c).hadErrorContaining("pad 2×2 is more than half the window 2×2").inFile(source)
        .onLineContaining("pad = 2");
    assertThat(c).hadErrorCount(2);
  }
}
