package org.delta4j.dsl.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Many specs, valid and invalid at random — wrong values, unresolved names, misplaced and clashing annotations, kinds
 * of the user's own and misspelt ones — never
 * make the processor fail: every compilation ends in generated code that compiles, or in errors on the user's lines
 * only, none of them the processor's own failure.
 */
class RandomSpecsTest {
  private static final List<String> NUMBERS = List.of("-1", "0", "0.5", "1", "3", "1e-3", "Double.NaN",
      "Double.POSITIVE_INFINITY", "Integer.MAX_VALUE", "UNDEFINED");
  private static final String KINDS = "org.delta4j.dsl.processor.testkinds.";
  private static final List<String> SIZES = List.of("-1", "0", "1", "3", "65536", "Integer.MAX_VALUE", "UNDEFINED",
      "3", "3", "3", "3", "3");

  /** Mostly values every rule accepts, so that whole specs are often valid. */
  private static Arbitrary<String> number() {
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.of("0.5", "1e-3")),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(NUMBERS)));
  }

  private static Arbitrary<String> constant(Class<? extends Enum<?>> type) {
    return Arbitraries.of(type.getEnumConstants()).map(e -> type.getSimpleName() + "." + ((Enum<?>) e).name())
        .injectDuplicates(0.1).edgeCases(c -> c.add(type.getSimpleName() + ".MISSPELT"));
  }

  private static Arbitrary<String> typeAnnotation() {
    return Arbitraries.oneOf(
        Arbitraries.of(SIZES).list().ofMaxSize(3).map(s -> "@Input({" + String.join(", ", s) + "})"),
        constant(org.delta4j.spec.LossFunction.class).map(l -> "@Loss(" + l + ")"),
        Combinators.combine(Arbitraries.of("Sgd", "Momentum", "Nesterov", "AdaGrad", "RmsProp", "Adam", "AdamW"),
            number(), number(), Arbitraries.of("weightDecay", "epsilon", "beta1", "momentum", "rho"))
            .as((o, lr, v, k) -> "@" + o + "(learningRate = " + lr + ", " + k + " = " + v + ")"),
        Combinators.combine(Arbitraries.of("StepDecay(stepSize = %s, gamma = %s)",
            "ExponentialDecay(decaySteps = %s, gamma = %s)", "CosineDecay(totalSteps = %s, minFraction = %s)"),
            Arbitraries.of("-1", "0", "10", "UNDEFINED"), number()).as((f, a, b) -> "@" + String.format(f, a, b)),
        Combinators.combine(number(), Arbitraries.of("0", "2", "UNDEFINED")).as((r, m) -> "@" + KINDS
            + "ScaledSgd(learningRate = " + r + ", scale = " + m + ")"),
        Arbitraries.of("@" + KINDS + "BoundedSquaredError(maxOutputs = 2)", "@" + KINDS + "Scale(factor = 1)"),
        Arbitraries.of("@NeuralNetwork(className = \"Network\")", "@NeuralNetwork(seed = UNDEFINED)",
            "@NeuralNetwork(dataType = DataType.FLOAT64)", "@Dens(units = 1)"));
  }

  private static Arbitrary<String> layerAnnotation() {
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of(SIZES), constant(org.delta4j.spec.ActivationFunction.class), number(),
            constant(org.delta4j.spec.Initializer.Kind.class), number(), Arbitraries.of("", "x", "x_relu", "*/ $"))
            .as((u, f, a, i, s, n) -> "@Dense(units = " + u + ", activation = " + f + ", alpha = " + a + ", init = "
                + i + ", initScale = " + s + ", name = \"" + n + "\")"),
        Combinators.combine(number(), Arbitraries.of("", "x")).as((r, n) -> "@Dropout(value = " + r + ", name = \""
            + n + "\")"),
        Combinators.combine(constant(org.delta4j.spec.ActivationFunction.class), number())
            .as((f, a) -> "@Activation(value = " + f + ", alpha = " + a + ")"),
        Combinators.combine(number(), Arbitraries.of(SIZES)).as((f, m) -> "@" + KINDS + "Scale(factor = " + f
            + ", maxInputs = " + m + ")"),
        Arbitraries.of("", "@Dense(units = 1) @Dropout(0.5)", "@Input(3)", "@" + KINDS + "Scael(factor = 1)",
            "@" + KINDS + "BoundedSquaredError(maxOutputs = 1)"));
  }

  private static Arbitrary<String> member() {
    return Combinators.combine(layerAnnotation(), Arbitraries.of("", "", "", "", "default ", "static "),
        Arbitraries.of("hidden", "out", "spec", "clone", "predict", "x", "toString", "getClass"),
        Arbitraries.of("", "", "int n"))
        .as((a, modifier, name, parameter) -> "  " + a + " " + modifier + "void " + name + "(" + parameter + ")"
            + (modifier.isEmpty() ? ";" : " {}"));
  }

  /** A spec every rule accepts: dense layers (with any activation but softmax), dropout, a valid optimizer. */
  private static Arbitrary<String> validSpec() {
    Arbitrary<String> layer = Arbitraries.oneOf(
        Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.of("IDENTITY", "RELU", "TANH", "SIGMOID"),
            Arbitraries.of(org.delta4j.spec.Initializer.Kind.values()))
            .as((u, f, i) -> "@Dense(units = " + u + ", activation = ActivationFunction." + f
                + ", init = Initializer.Kind." + i + ")"),
        Arbitraries.doubles().between(0, 0.9).map(r -> "@Dropout(" + r + ")"),
        Arbitraries.of("@Activation(value = ActivationFunction.LEAKY_RELU, alpha = 0.2)"));
    return Combinators.combine(Arbitraries.integers().between(1, 5).list().ofMinSize(1).ofMaxSize(3),
        Arbitraries.of("", "@Sgd(learningRate = 0.1)", "@RmsProp(learningRate = 0.01, rho = 0.8)",
            "@AdamW(learningRate = 0.01, weightDecay = 0.1)"),
        Arbitraries.of("", "@StepDecay(stepSize = 5, gamma = 0.5)", "@CosineDecay(totalSteps = 50)"),
        layer.list().ofMinSize(1).ofMaxSize(4))
        .as((input, optimizer, schedule, layers) -> {
          StringBuilder body = new StringBuilder("@NeuralNetwork @Input({" + String.join(", ",
              input.stream().map(String::valueOf).toList()) + "}) @Loss(LossFunction.MEAN_SQUARED_ERROR)\n"
              + optimizer + "\n" + schedule + "\ninterface S {\n");
          for (int i = 0; i < layers.size(); i++) {
            body.append("  ").append(layers.get(i)).append(" void layer").append(i).append("();\n");
          }
          return body.append("}").toString();
        });
  }

  @Provide
  Arbitrary<String> specs() {
    return Arbitraries.oneOf(validSpec(), anySpec());
  }

  private static Arbitrary<String> anySpec() {
    return Combinators.combine(
        Arbitraries.of("@NeuralNetwork", "@NeuralNetwork", "@NeuralNetwork", ""),
        Arbitraries.of("@Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", ""),
        typeAnnotation().list().ofMaxSize(3),
        Arbitraries.of("interface", "interface", "interface", "abstract class", "enum"),
        Arbitraries.of("", "", "", " extends Runnable", " extends Missing"),
        member().list().ofMaxSize(5).uniqueElements())
        .as((nn, usual, annotations, kind, supertypes, members) -> String.join("\n", nn + " " + usual,
            String.join("\n", annotations),
            kind + " S" + (kind.equals("enum") ? "" : supertypes) + " {", String.join("\n", members), "}"));
  }

  @Property(tries = 150)
  void noSpecMakesTheProcessorFail(@ForAll("specs") String body) {
    JavaFileObject source = Specs.spec("S", body);
    Compilation c = Specs.compile(source); // a processor exception would be thrown here
    for (Diagnostic<? extends JavaFileObject> d : c.errors()) {
      String message = d.getMessage(null);
      assertTrue(!message.contains("processor failed"), message + "\n" + body);
      assertTrue(d.getSource() != null && d.getSource().toUri().equals(source.toUri()) && d.getLineNumber() > 0,
          "error outside the spec: " + message + " in " + d.getSource() + "\n" + body);
    }
    boolean spec = body.contains("@NeuralNetwork") && body.contains("interface S");
    if (c.status() == Compilation.Status.SUCCESS && spec) {
      assertEquals(1, c.generatedSourceFiles().size(), "a valid spec generates its class\n" + body);
    }
    Statistics.label("outcome").collect(c.status() + (spec ? " spec" : " no spec"));
    Statistics.label("outcome").coverage(check -> {
      check.check(Compilation.Status.SUCCESS + " spec").count(n -> n > 0);
      check.check(Compilation.Status.FAILURE + " spec").count(n -> n > 0);
    });
  }
}
