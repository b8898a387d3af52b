package org.delta4j.dsl.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.delta4j.dsl.processor.Specs.compile;
import static org.delta4j.dsl.processor.Specs.fails;
import static org.delta4j.dsl.processor.Specs.spec;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.delta4j.dsl.processor.Specs.Expected;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each class of mistake is exactly one compile error per mistake, on the line at fault (spec bodies start on line 7),
 * saying what to do; a spec with errors generates nothing.
 */
class MistakesTest {
  private static final String MSE = "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)";

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
  void noInputNoLossNoLayers() {
    fails(spec("A", "@NeuralNetwork @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 1) void out();", "}"), new Expected("the network has no input: add @Input(size)", 8));
    fails(spec("B", "@NeuralNetwork @Input(3)", "interface B {", "  @Dense(units = 1) void out();", "}"),
        new Expected("the network has no loss: add @Loss(...) or another loss annotation to B", 8));
    fails(spec("C", MSE, "interface C {", "  default void helper() {}", "}"),
        new Expected("the network has no layers: add abstract methods annotated @Dense", 8));
  }

  @Test
  void sizesOutOfRange() {
    fails(spec("A", "@NeuralNetwork @Input({2, 0}) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 4) void hidden();", "  @Dense(units = -1) void out();", "}"),
        new Expected("input sizes must be at least 1, got 0", 7), new Expected("units must be at least 1, got -1", 10));
    fails(spec("B", "@NeuralNetwork @Input({}) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface B {",
        "  @Dense(units = 4) void out();", "}"), new Expected("@Input needs at least one size", 7));
  }

  @Test
  void anInputTooLargeForAnArray() {
    fails(spec("A", "@NeuralNetwork @Input({65536, 65536, 65536}) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface A {", "  @Dense(units = 4) void out();", "}"),
        new Expected("one input sample would have more than 2147483647 (2³¹ − 1) elements", 7));
  }

  /** Weights no array can hold are an error on the layer that declares them, naming their shape. */
  @Test
  void weightsTooLargeForAnArray() {
    fails(spec("A", "@NeuralNetwork @Input(784) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 2000000000) void hidden();", "  @Dense(units = 1) void out();", "}"),
        new Expected("dense layer 'hidden': its weight of shape [784, 2000000000] would hold 1568000000000 values, "
            + "more than one tensor holds (2147483639)", 9)); // out's [2000000000, 1] still fits
  }

  @Test
  void dropoutOutsideItsRange() {
    fails(spec("A", MSE, "interface A {", "  @Dense(units = 4) void hidden();", "  @Dropout(1.0) void drop();",
        "  @Dense(units = 1) void out();", "}"), new Expected("dropout rate must be in [0, 1), got 1.0", 10));
  }

  @Test
  void softmaxAnywhereButLastNamesTheMethodThatFollows() {
    fails(spec("A", MSE, "interface A {", "  @Dense(units = 4, activation = ActivationFunction.SOFTMAX) void hidden();",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("softmax must be the last layer (it normalises the outputs into probabilities), but out() "
            + "follows it", 9));
    fails(spec("B", MSE, "interface B {", "  @Activation(ActivationFunction.SOFTMAX) void early();",
        "  @Dense(units = 1, activation = ActivationFunction.RELU) void out();", "}"),
        new Expected("but out() follows it", 9));
  }

  @Test
  void lossesThatDoNotFitTheLastLayer() {
    fails(spec("A", "@NeuralNetwork @Input(3)", "@Loss(LossFunction.BINARY_CROSS_ENTROPY)", "interface A {",
        "  @Dense(units = 10, activation = ActivationFunction.SOFTMAX) void out();", "}"),
        new Expected("does not fit a softmax over 10 units", 8));
    fails(spec("B", "@NeuralNetwork @Input(3)", "@Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)", "interface B {",
        "  @Dense(units = 10) void logits();", "  @Activation(ActivationFunction.SOFTMAX) void out();", "}"),
        new Expected("remove the final softmax layer", 8));
  }

  @Test
  void optimizerAndScheduleValuesOutOfRange() {
    fails(spec("A", MSE, "@Adam(learningRate = 0,", "      beta2 = 1.0)", "interface A {",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("learning rate must be positive and finite, got 0.0", 8),
        new Expected("beta2 must be in [0, 1), got 1.0", 9));
    fails(spec("B", MSE, "@RmsProp(learningRate = 0.1, rho = -0.5, weightDecay = -1)", "@StepDecay(stepSize = 0,",
        "   gamma = 0.5)", "interface B {", "  @Dense(units = 1) void out();", "}"),
        new Expected("rho must be in [0, 1), got -0.5", 8), new Expected("weight decay must be ≥ 0", 8),
        new Expected("step decay: stepSize must be at least 1, got 0", 9));
    fails(spec("C", MSE, "@CosineDecay(totalSteps = 10,", "    minFraction = 1.5)", "interface C {",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("cosine decay: minFraction must be in [0, 1], got 1.5", 9));
    fails(spec("D", MSE, "@ExponentialDecay(decaySteps = 10,", "    gamma = 0)", "interface D {",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("exponential decay: gamma must be in (0, 1], got 0.0", 9));
  }

  /**
   * Every wrong value of one annotation is reported on its own value, a value the annotation requires as well as one
   * with a default: the learning-rate schedules, the sizes of {@code @Input}, a layer whose initializer scale cannot
   * even be written beside its other values.
   */
  @Test
  void everyWrongValueOfOneAnnotationIsReportedOnItsValue() {
    fails(spec("A", MSE, "@StepDecay(stepSize = 0,", "    gamma = 0)", "interface A {",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("step decay: stepSize must be at least 1, got 0", 8),
        new Expected("step decay: gamma must be in (0, 1], got 0.0", 9));
    fails(spec("B", MSE, "@StepDecay(stepSize = -1,", "    gamma = Double.POSITIVE_INFINITY)", "interface B {",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("step decay: stepSize must be at least 1, got -1", 8),
        new Expected("step decay: gamma must be in (0, 1], got Infinity", 9));
    fails(spec("C", MSE, "@CosineDecay(totalSteps = 0,", "    minFraction = Double.NaN)", "interface C {",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("cosine decay: totalSteps must be at least 1, got 0", 8),
        new Expected("cosine decay: minFraction must be in [0, 1], got NaN", 9));
    fails(spec("D", MSE, "@ExponentialDecay(decaySteps = 0,", "    gamma = 2)", "interface D {",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("exponential decay: decaySteps must be at least 1, got 0", 8),
        new Expected("exponential decay: gamma must be in (0, 1], got 2.0", 9));
    fails(spec("E", "@NeuralNetwork @Input({0,", "    -1, 3}) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface E {",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("input sizes must be at least 1, got 0", 7),
        new Expected("input sizes must be at least 1, got -1", 8));
    fails(spec("F", MSE, "interface F {", "  @Dense(units = 0,",
        "      init = Initializer.Kind.UNIFORM, initScale = -1)", "  void out();", "}"),
        new Expected("dense layer 'out': units must be at least 1, got 0", 9),
        new Expected("initializer UNIFORM needs a finite, non-negative scale, got -1.0", 10));
  }

  /**
   * An error lands on the value it is about, found by the field the message names as a whole word after the kind's
   * identity (whose type label and layer name are no field), and verified by reading again with that value stood in
   * for; each wrong value of one annotation is reported, once.
   */
  @Test
  void anErrorLandsOnItsValueWhateverTheKindAndTheLayerAreNamed() {
    fails(spec("A", MSE, "@Momentum(learningRate = 0,", "    momentum = -0.5)", "interface A {",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("momentum: learning rate must be positive and finite, got 0.0", 8),
        new Expected("momentum: momentum must be in [0, 1), got -0.5", 9));
    fails(spec("B", MSE, "@Momentum(learningRate = 0.1,", "    weightDecay = -1,", "    momentum = 0.5)",
        "interface B {", "  @Dense(units = 1) void out();", "}"),
        new Expected("weight decay must be ≥ 0", 9));
    fails(spec("C", "@NeuralNetwork @Input({1, 8, 8}) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface C {",
        "  @org.delta4j.dsl.Conv2D(filters = 0,", "      kernel = 3) void kernel();",
        "  @org.delta4j.dsl.BatchNorm(momentum = 0.5,", "      epsilon = 0) void momentum();",
        "  @org.delta4j.dsl.Flatten void flat();", "  @Dropout(2) void rate();", "  @Dense(units = 1) void out();",
        "}"),
        new Expected("conv2d layer 'kernel': filters must be at least 1, got 0", 9),
        new Expected("batch_norm layer 'momentum': epsilon must be finite", 12),
        new Expected("dropout rate must be in [0, 1), got 2.0", 14));
  }

  @Test
  void layerValuesOutOfRange() {
    fails(spec("A", MSE, "interface A {",
        "  @Dense(units = 2, activation = ActivationFunction.LEAKY_RELU, alpha = Double.NaN) void a();",
        "  @Dense(units = 2, activation = ActivationFunction.RELU,",
        "      alpha = 0.1) void b();",
        "  @Dense(units = 2, init = Initializer.Kind.UNIFORM, initScale = -1) void c();",
        "  @Dense(units = 1, initScale = 2,", "      bias = Initializer.Kind.ZEROS, biasScale = 3) void d();", "}"),
        new Expected("the leaky ReLU slope (alpha) must be finite, got NaN", 9),
        new Expected("alpha is leaky ReLU's slope, and relu takes none", 11),
        new Expected("initializer UNIFORM needs a finite, non-negative scale, got -1.0", 12),
        new Expected("biasScale has no effect on ZEROS", 14));
    fails(spec("C", MSE, "interface C {", "  @Activation(value = ActivationFunction.LEAKY_RELU,",
        "      alpha = Double.POSITIVE_INFINITY) void a();", "  @Dense(units = 1) void out();", "}"),
        new Expected("activation layer 'a': the leaky ReLU slope (alpha) must be finite, got Infinity", 10));
    fails(spec("B", MSE, "interface B {", "  @Dense(units = 1, useBias = false,",
        "      bias = Initializer.Kind.UNIFORM, biasScale = 0.1) void out();", "}"),
        new Expected("dense layer 'out': a bias initializer (uniform, scale 0.1) is given, but use_bias is false and "
            + "there is no bias to initialize", 10));
  }

  @Test
  void duplicateLayerNamesNameTheOtherMethod() {
    fails(spec("A", MSE, "interface A {", "  @Dense(units = 4, name = \"x\") void first();",
        "  @Dense(units = 1, name = \"x\") void second();", "}"),
        new Expected("duplicate layer name 'x' (also first())", 10));
    fails(spec("B", MSE, "interface B {", "  @Dense(units = 4, activation = ActivationFunction.RELU) void a();",
        "  @Activation(value = ActivationFunction.TANH, name = \"a_relu\") void b();", "}"),
        new Expected("duplicate layer name 'a_relu' (also the relu after a())", 10));
  }

  @Test
  void specsTheProcessorDoesNotSupport() {
    fails(spec("A", MSE, "interface A<T> {", "  @Dense(units = 1) void out();", "}"),
        new Expected("a network spec cannot be generic", 8));
    fails(spec("B", MSE, "abstract class B {", "  @Dense(units = 1) abstract void out();", "}"),
        new Expected("@NeuralNetwork goes on an interface whose methods are the layers; B is a class", 7));
    fails(spec("E", MSE, "enum E {}"), new Expected("E is an enum", 7));
    fails(spec("R", MSE, "record R() {}"), new Expected("R is a record", 7));
    fails(spec("N", MSE, "@interface N {}"), new Expected("N is an annotation type", 7));
    fails(spec("C", "public class C {", "  public class Inner {", "    " + MSE, "    interface Spec {",
        "      @Dense(units = 1) void out();", "    }", "  }", "}"),
        new Expected("cannot be nested in the inner (non-static) class Inner", 10));
    fails(spec("D", "@NeuralNetwork(className = \"not valid\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface D {", "  @Dense(units = 1) void out();", "}"), new Expected("'not valid' is not a valid class name", 7));
  }

  /**
   * javac shows processors no type declared in a method, so a local spec would generate nothing without a word: it is
   * an error on its annotation, however the annotation is named (when the processor runs: javac runs it for the DSL's
   * annotations outside methods, here those of another spec).
   */
  @Test
  void aLocalSpecIsAnErrorNotAClassNeverGenerated() {
    JavaFileObject outer = spec("Outer", "class Outer {", "  void build() {", "    " + MSE, "    interface LocalSpec {",
        "      @Dense(units = 1) void out();", "    }", "    Runnable r = () -> {",
        "      @org.delta4j.dsl.NeuralNetwork interface Other {}", "    };", "  }", "}");
    Compilation c = compile(outer, spec("ASpec", MSE, "interface ASpec {", "  @Dense(units = 1) void out();", "}"));
    assertThat(c).hadErrorContaining("@NeuralNetwork cannot go on LocalSpec, declared in a method: javac shows "
        + "annotation processors no local type; move LocalSpec out of the method").inFile(outer).onLine(9);
    assertThat(c).hadErrorContaining("@NeuralNetwork cannot go on Other, declared in a method").inFile(outer)
        .onLine(14);
    assertThat(c).hadErrorCount(2);
  }

  /**
   * A spec nested in a local or anonymous class (of a method, a lambda or a field's initializer) is as hidden from
   * processors as a local spec: an error on its annotation, where it generated nothing without a word.
   */
  @Test
  void aSpecNestedInALocalOrAnonymousClassIsAnError() {
    JavaFileObject outer = spec("Outer", "class Outer {", "  Object o = new Object() {", "    " + MSE,
        "    interface InAnonymous {", "      @Dense(units = 1) void out();", "    }", "  };", "  void build() {",
        "    class Local {", "      " + MSE, "      interface InLocal {", "        @Dense(units = 1) void out();",
        "      }", "    }", "  }", "}");
    Compilation c = compile(outer, spec("ASpec", MSE, "interface ASpec {", "  @Dense(units = 1) void out();", "}"));
    assertThat(c).hadErrorContaining("@NeuralNetwork cannot go on InAnonymous, nested in a local or anonymous class: "
        + "javac shows annotation processors no such type; move InAnonymous into a class or a file of its own")
        .inFile(outer).onLine(9);
    assertThat(c).hadErrorContaining("@NeuralNetwork cannot go on InLocal, nested in a local or anonymous class")
        .inFile(outer).onLine(16);
    assertThat(c).hadErrorCount(2);
  }

  /**
   * What javac shows no processor is beyond the rules, as the README says: with no DSL annotation outside method
   * bodies javac does not run the processor, so a local spec alone generates nothing without a word; a kind
   * annotation on a local variable is not among the elements javac gives processors, so it is not reported.
   */
  @Test
  void annotationsInMethodBodiesAreNotSeen() {
    Compilation alone = compile(spec("Outer", "class Outer {", "  void build() {", "    " + MSE,
        "    interface LocalSpec {", "      @Dense(units = 1) void out();", "    }", "  }", "}"));
    assertThat(alone).succeeded();
    assertThat(alone.generatedSourceFiles()).isEmpty();
    Compilation local = compile(spec("ASpec", "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE) @interface AnyLayer { int units(); }",
        MSE, "interface ASpec {", "  @Dense(units = 1) void out();",
        "  static void helper() {", "    @AnyLayer(units = 2) int x = 0;", "  }", "}"));
    assertThat(local).succeeded();
  }

  /** Java's restricted type names are identifiers, but no class may take them: the generated one would not compile. */
  @Test
  void aRestrictedTypeNameIsNotAClassName() {
    for (String name : new String[] {"var", "yield", "record", "sealed", "permits"}) {
      fails(spec("A", "@NeuralNetwork(className = \"" + name + "\") @Input(3) "
          + "@Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {", "  @Dense(units = 1) void out();", "}"),
          new Expected("'" + name + "' is not a valid class name: Java restricts it as a type name", 7));
    }
  }

  @Test
  void aGeneratedNameThatClashesWithAnotherType() {
    JavaFileObject existing = JavaFileObjects.forSourceString("test.ANetwork", "package test;\nclass ANetwork {}\n");
    JavaFileObject source = spec("ASpec", MSE, "interface ASpec {", "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, existing);
    assertThat(c).hadErrorContaining("the generated class ANetwork would clash with the existing type test.ANetwork")
        .inFile(source).onLine(7);
    assertThat(c).hadErrorCount(1);
    fails(spec("Self", "@NeuralNetwork(className = \"Self\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface Self {", "  @Dense(units = 1) void out();", "}"),
        new Expected("would clash with the existing type test.Self", 7));
  }

  /**
   * A name holding '$' may be the binary name of a nested type, whose class file it would take: javac would fail on
   * the generated source, far from the spec, so the name is an error on the className value.
   */
  @Test
  void aGeneratedNameThatIsANestedTypesBinaryNameIsAnErrorOnTheClassName() {
    fails(spec("ASpec", "@NeuralNetwork(className = \"ASpec$Impl\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Dense(units = 1) void out();", "  final class Impl {}", "}"),
        new Expected("the generated class ASpec$Impl would clash with the nested type test.ASpec.Impl, whose class "
            + "file is ASpec$Impl.class: set another className", 7));
    fails(spec("BSpec", "@NeuralNetwork(className = \"Other$Deep$Inner\") @Input(3) "
        + "@Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface BSpec {", "  @Dense(units = 1) void out();", "}",
        "class Other {", "  static class Deep {", "    interface Inner {}", "  }", "}"),
        new Expected("would clash with the nested type test.Other.Deep.Inner", 7));
  }

  /**
   * On a case-insensitive file system (Windows, macOS) class files whose names differ only in case are one file, and
   * javac writes the second over the first: a generated class named so beside a type of the compilation, or beside
   * another generated class, is an error on the spec that would lose a class.
   */
  @Test
  void aGeneratedNameDifferingOnlyInCaseFromAnotherClassFileIsAnError() {
    fails(spec("ASpec", "@NeuralNetwork(className = \"Aspec\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Dense(units = 1) void out();", "}"),
        new Expected("the generated class Aspec's class file Aspec.class differs only in case from ASpec.class, of "
            + "test.ASpec: on a case-insensitive file system (Windows, macOS) they are one file, and one class would "
            + "be lost; set another className", 7));
    fails(spec("BSpec", "@NeuralNetwork(className = \"bspec$IMPL\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface BSpec {", "  @Dense(units = 1) void out();", "  final class Impl {}", "}"),
        new Expected("differs only in case from BSpec$Impl.class, of test.BSpec.Impl", 7));
    fails(spec("C", "@NeuralNetwork(className = \"Same\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface C {", "  @Dense(units = 1) void out();", "}",
        "@NeuralNetwork(className = \"SAME\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface D {", "  @Dense(units = 1) void out();", "}"),
        new Expected("the generated class test.SAME differs only in case from test.Same, generated from test.C: on a "
            + "case-insensitive file system (Windows, macOS) their class files are one file, and one class would be "
            + "lost; set @NeuralNetwork(className = \"...\") on D or on that spec", 11));
  }

  /**
   * A source of this compilation marked as generated from the spec (an earlier output passed again as a source, or a
   * copy) cannot be replaced — javac's filer refuses — so it is an error on the spec naming the clash.
   */
  @Test
  void aSourceThatSaysItIsTheSpecsOutputIsAnErrorNamingTheClash() {
    JavaFileObject stale = JavaFileObjects.forSourceString("test.ANetwork",
        "package test;\n@org.delta4j.dsl.GeneratedNetwork(\"test.ASpec\")\nclass ANetwork {}\n");
    JavaFileObject source = spec("ASpec", MSE, "interface ASpec {", "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, stale);
    assertThat(c).hadErrorContaining("the generated class ANetwork would replace test.ANetwork, a source file of this "
        + "compilation that says it was generated from ASpec (@GeneratedNetwork): delete that file").inFile(source)
        .onLine(7);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void twoSpecsThatWouldGenerateOneClassAreAnErrorOnTheSecond() {
    String head = "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)";
    fails(spec("A", "@NeuralNetwork(className = \"Same\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface A {", "  @Dense(units = 1) void out();", "}",
        "@NeuralNetwork(className = \"Same\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface B {", "  @Dense(units = 1) void out();", "}",
        "class One {", "  " + head + " interface CSpec { @Dense(units = 1) void out(); }", "}",
        "class Two {", "  " + head + " interface CSpec { @Dense(units = 1) void out(); }", "}"),
        new Expected("the generated class test.Same would clash with the one generated from test.A: set "
            + "@NeuralNetwork(className = \"...\") on B or on that spec", 11),
        new Expected("the generated class test.CNetwork would clash with the one generated from test.One.CSpec", 19));
  }

  @Test
  void methodsThatAreNotLayers() {
    fails(spec("A", MSE, "interface A {", "  @Dense(units = 4) void hidden();", "  void plain();",
        "  @Dense(units = 1) @Dropout(0.5) void both();", "  @Dense(units = 1) void withParameter(int x);", "}"),
        new Expected("annotate plain() with @Dense, @Dropout, @Activation or another layer annotation, or make it a default method", 10),
        new Expected("a method is one layer: keep one of @Dense and @Dropout on both()", 11),
        new Expected("a layer method takes no parameters: withParameter() has 1", 12));
    fails(spec("B", MSE, "interface B {", "  @Dense(units = 4) <T, U extends Number> void generic();",
        "  @Dense(units = 1) void out() throws java.io.IOException, InterruptedException;", "}"),
        new Expected("a layer method has no type parameters: remove <T, U> from generic()", 9),
        new Expected("a layer method throws nothing: remove throws java.io.IOException, java.lang.InterruptedException "
            + "from out()", 10));
  }

  /** A layer method is void: a value it returned would mean nothing, the generated accessor returning the layer. */
  @Test
  void aLayerMethodThatReturnsAValueIsAnError() {
    fails(spec("A", MSE, "interface A {", "  @Dense(units = 4) int hidden();", "  @Dense(units = 1)",
        "  java.util.List<String> out();", "}"),
        new Expected("a layer method returns nothing: make hidden() void (it returns int, which no layer gives; the "
            + "generated class's accessor returns the layer)", 9),
        new Expected("make out() void (it returns java.util.List<java.lang.String>", 11));
  }

  @Test
  void layerAnnotationsOnMethodsThatAreNotLayers() {
    fails(spec("A", MSE, "interface A {", "  @Dense(units = 4)", "  default void helper() {}",
        "  @Dropout(0.5)", "  static void util() {}", "  @Dense(units = 1) void out();", "}"),
        new Expected("@Dense declares a layer only on an abstract method, and helper() is default", 9),
        new Expected("@Dropout declares a layer only on an abstract method, and util() is static", 11));
  }

  @Test
  void dslAnnotationsOutsideASpec() {
    fails(spec("Plain", "@Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface Plain {",
        "  @Dense(units = 4) void hidden();", "}"),
        new Expected("@Input is only read in an interface annotated @NeuralNetwork, and Plain is not one", 7),
        new Expected("@Loss is only read in an interface annotated @NeuralNetwork", 7),
        new Expected("@Dense is only read in an interface annotated @NeuralNetwork, and Plain is not one: annotate "
            + "Plain with @NeuralNetwork, or move hidden() into a spec", 9));
    fails(spec("K", "class K {", "  @Dropout(0.5) void drop() {}", "}"),
        new Expected("@Dropout is only read in an interface annotated @NeuralNetwork, and K is not one", 8));
  }

  @Test
  void kindAnnotationsWhereNoLayerLossOrOptimizerIsReadAreNotIgnored() {
    fails(spec("A", "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE) @interface AnyLayer { int units(); }",
        "@OptimizerAnnotation(type = \"sgd\") @Retention(RetentionPolicy.SOURCE) @interface AnySgd {}",
        MSE, "interface A {",
        "  @AnyLayer(units = 2) int SIZE = 2;",
        "  @Dense(units = 1) void out();",
        "  default void helper(@AnyLayer(units = 3) int x) {}",
        "}",
        "enum Kinds { @AnySgd FIRST }",
        "class Holder { @AnySgd Holder() {} }",
        "@interface Settings { @Dense(units = 1) int size(); }"),
        new Expected("@AnyLayer declares a layer, on an abstract method of a spec, not on the field SIZE", 12),
        new Expected("@AnyLayer declares a layer, on an abstract method of a spec, not on the parameter x of helper()",
            14),
        new Expected("@AnySgd declares the network's optimizer, on the spec interface, not on the enum constant FIRST",
            16),
        new Expected("@AnySgd declares the network's optimizer, on the spec interface, not on the constructor of "
            + "Holder", 17),
        new Expected("@Dense declares a layer, on an abstract method of a spec, not on the member size() of the "
            + "annotation type Settings", 18));
  }

  @Test
  void layersInheritedFromAnotherInterface() {
    JavaFileObject base = JavaFileObjects.forSourceString("test.Base", Specs.HEADER
        + "interface Base {\n  @Dense(units = 4) void hidden();\n}\n");
    JavaFileObject spec = spec("ASpec", MSE, "interface ASpec extends Base {", "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(base, spec);
    assertThat(c).hadErrorContaining("@Dense is only read in an interface annotated @NeuralNetwork, and Base is not")
        .inFile(base).onLine(8);
    assertThat(c).hadErrorCount(1);
    fails(spec("BSpec", MSE, "interface BSpec extends Runnable {", "  @Dense(units = 1) void out();", "}"),
        new Expected("BSpec inherits the abstract method run() from java.lang.Runnable, but a spec declares every "
            + "layer itself", 8));
    JavaFileObject other = spec("OtherSpec", MSE, "interface OtherSpec {", "  @Dense(units = 1) void out();", "}");
    JavaFileObject derived = spec("CSpec", MSE, "interface CSpec extends OtherSpec {", "  @Dense(units = 1) void more();",
        "}");
    c = compile(other, derived);
    assertThat(c).hadErrorContaining("a network spec cannot extend another spec (test.OtherSpec)").inFile(derived)
        .onLine(8);
    assertThat(c).hadErrorCount(1);
  }

  /**
   * {@code probabilities()} is the generated class's own where its loss gives probabilities, and only there: in a
   * regression spec it is a layer's accessor like any other.
   */
  @Test
  void probabilitiesIsALayerNameWhereTheLossGivesNone() throws ReflectiveOperationException {
    Compilation c = compile(spec("ASpec", MSE, "interface ASpec {", "  @Dense(units = 1) void probabilities();", "}"));
    assertThat(c).succeededWithoutWarnings();
    assertThat(Specs.load(c, "test.ANetwork").getMethod("probabilities").getReturnType().getSimpleName())
        .isEqualTo("DenseLayer");
    fails(spec("B", "@NeuralNetwork @Input(3) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)", "interface B {",
        "  @Dense(units = 2) void probabilities();", "}"),
        new Expected("the generated class has a method probabilities() of its own, as its loss "
            + "softmax_cross_entropy gives probabilities, so this layer's accessor would clash with it: rename the "
            + "method (e.g. probabilitiesLayer()), and keep the layer's name with name = \"probabilities\"", 9));
  }

  /**
   * A spec that redeclares a method every object has can neither make it a layer nor give it a body (Java forbids an
   * interface's default methods of Object's): the only advice is to remove it. One inherited from an interface that
   * redeclares it (Comparator's equals) is no layer left undeclared.
   */
  @Test
  void objectsMethodsInASpecAreToBeRemoved() {
    String advice = "redeclares the method every object has, which can be neither a layer (the generated class has "
        + "it) nor a default method (Java gives no interface a body for Object's methods): remove it";
    fails(spec("A", MSE, "interface A {", "  @Dense(units = 1) void out();", "  @Override boolean equals(Object o);",
        "  @Override int hashCode();", "  @Override String toString();", "}"),
        new Expected("each abstract method of a network spec is one layer, and equals(Object) " + advice, 10),
        new Expected("each abstract method of a network spec is one layer, and hashCode() " + advice, 11),
        new Expected("each abstract method of a network spec is one layer, and toString() " + advice, 12));
    fails(spec("B", MSE, "interface B extends java.util.Comparator<String> {", "  @Dense(units = 1) void out();", "}"),
        new Expected("B inherits the abstract method compare() from java.util.Comparator", 8));
  }

  /** A generated class named like a java.lang type its code uses would hide it from every class of its package. */
  @Test
  void aClassNameThatWouldHideAJavaLangTypeIsAnErrorOnTheValue() {
    JavaFileObject source = spec("A", "@NeuralNetwork(seed = 1,",
        "    className = \"String\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("a class named String would hide java.lang.String from every class of package "
        + "test, the generated ones among them, which name it String: set another className").inFile(source)
        .onLineContaining("className");
    assertThat(c).hadErrorCount(1);
  }

  /** javac refuses a class named as a package, the generated one too, and the package's sources with it. */
  @Test
  void aClassNameThatIsAPackagesNameIsAnErrorOnTheValue() {
    JavaFileObject source = spec("A", "@NeuralNetwork(seed = 1,", "    className = \"Units\") @Input(3)",
        "@Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {", "  @Dense(units = 1) void out();", "}");
    JavaFileObject inPackage = JavaFileObjects.forSourceString("test.Units.Thing",
        "package test.Units;\n\nclass Thing {}\n");
    Compilation c = compile(source, inPackage);
    assertThat(c).hadErrorContaining("the generated class Units would clash with the package test.Units: javac takes "
        + "no class and package of one name; set @NeuralNetwork(className = \"...\")").inFile(source)
        .onLineContaining("className");
    assertThat(c).hadErrorCount(1);
  }

  /** javac generates the source of a class whose name is too long for a file system, and fails writing its class. */
  @Test
  void aClassNameTooLongForAClassFileIsAnErrorOnTheValue() {
    String name = "N".repeat(250);
    fails(spec("A", "@NeuralNetwork(className = \"" + name + "\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface A {", "  @Dense(units = 1) void out();", "}"), new Expected("the generated class " + name
        + "'s class file name would be 256 bytes long (in UTF-8), where file systems take at most 255: set a shorter "
        + "className", 7));
    assertThat(compile(spec("B", "@NeuralNetwork(className = \"" + "N".repeat(249) + "\") @Input(3)",
        "@Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface B {", "  @Dense(units = 1) void out();", "}")))
        .succeededWithoutWarnings();
    // The default name is the spec's: a spec of 249 characters has a class file, and its network would not.
    String spec = "S".repeat(249);
    fails(spec(spec, MSE, "interface " + spec + " {", "  @Dense(units = 1) void out();", "}"),
        new Expected("the generated class " + spec + "Network's class file name would be 262 bytes long", 7));
  }

  /**
   * A class of the package hides the types imported on demand and java.lang's of the same name from its sources: a
   * spec importing {@code org.delta4j.spec.*} would then name the generated class in {@code LossFunction.MSE}.
   */
  @Test
  void aClassNameThatWouldHideAnImportedTypeTheSourcesNameIsAnErrorOnTheValue() {
    JavaFileObject loss = spec("A", "@NeuralNetwork(seed = 1,", "    className = \"LossFunction\") @Input(3)",
        "@Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {", "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(loss);
    assertThat(c).hadErrorContaining("a class named LossFunction would hide org.delta4j.spec.LossFunction from A.java, "
        + "which imports it on demand (import org.delta4j.spec.*) and names it LossFunction: set another className, "
        + "or import that type by its full name").inFile(loss).onLineContaining("className");
    assertThat(c).hadErrorCount(1);
    JavaFileObject dense = spec("B", "@NeuralNetwork(className = \"Dense\") @Input(3)",
        "@Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface B {", "  @Dense(units = 1) void out();", "}");
    JavaFileObject user = JavaFileObjects.forSourceString("test.User",
        "package test;\n\nclass User {\n  Integer size;\n}\n");
    c = compile(dense, user);
    assertThat(c).hadErrorContaining("a class named Dense would hide org.delta4j.dsl.Dense from B.java").inFile(dense)
        .onLine(7);
    assertThat(c).hadErrorCount(1);
    JavaFileObject integer = spec("C", "@NeuralNetwork(className = \"Integer\") @Input(3)",
        "@Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface C {", "  @Dense(units = 1) void out();", "}");
    c = compile(integer, user);
    assertThat(c).hadErrorContaining("a class named Integer would hide java.lang.Integer from User.java, which "
        + "names it Integer").inFile(integer).onLine(7);
    assertThat(c).hadErrorCount(1);
    // Named by no source of the package, the imported type is hidden from nothing.
    assertThat(compile(spec("D", "@NeuralNetwork(className = \"ActivationFunction\") @Input(3)",
        "@Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface D {", "  @Dense(units = 1) void out();", "}")))
        .succeededWithoutWarnings();
  }

  /** A module import (Java 25) imports its module's packages on demand, whose types a class of the package hides. */
  @Test
  void aClassNameThatWouldHideATypeOfAnImportedModuleIsAnErrorOnTheValue() {
    assumeTrue(Runtime.version().feature() >= 25, "module imports are Java 25's");
    JavaFileObject source = spec("A", "import module java.base;", "", "@NeuralNetwork(seed = 1,",
        "    className = \"List\") @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 1) void out();", "  default List<String> names() { return List.of(); }", "}");
    Compilation c = Compiler.javac().withProcessors(new NetworkProcessor()).withOptions("-Xlint:all").compile(source);
    assertThat(c).hadErrorContaining("a class named List would hide java.util.List from A.java, which imports it on "
        + "demand (import module java.base) and names it List").inFile(source).onLineContaining("className");
    assertThat(c).hadErrorCount(1);
  }

  /**
   * Only this compilation's sources are judged for a type the generated class would hide: reading the package's
   * other types would compile the files of the source path unprocessed, of which javac warns under -Xlint.
   */
  @Test
  void theTypesAGeneratedClassWouldHideAreSoughtInTheCompilationsSourcesAlone(@TempDir Path sourcePath)
      throws IOException {
    Files.createDirectories(sourcePath.resolve("test"));
    Files.writeString(sourcePath.resolve("test/Other.java"), "package test;\n\nclass Other {}\n");
    Compilation c = Compiler.javac().withProcessors(new NetworkProcessor())
        .withOptions("-Xlint:all", "-Werror", "-sourcepath", sourcePath.toString())
        .compile(spec("A", MSE, "interface A {", "  @Dense(units = 1) void out();", "}"));
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void layerMethodsNamedLikeGeneratedMembers() {
    fails(spec("A", MSE, "interface A {", "  @Dense(units = 4) void spec();", "  @Dense(units = 4) void network();",
        "  @Dense(units = 4) void clone();", "  @Dense(units = 4) String toString();", "  @Dense(units = 1) void create();",
        "}"),
        new Expected("the generated class has a method spec() of its own, so this layer's accessor would clash with "
            + "it: rename the method (e.g. specLayer()), and keep the layer's name with name = \"spec\"", 9),
        new Expected("a method network() of its own", 10),
        new Expected("a method clone() of its own", 11),
        new Expected("a method toString() of its own", 12),
        new Expected("a method create() of its own", 13));
  }

  @Test
  void methodsJavacRejectsAreLeftToJavac() {
    JavaFileObject source = spec("A", MSE, "interface A {", "  @Dense(units = 4) void getClass();",
        "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("getClass()").inFile(source).onLine(9);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void moreThanOneOptimizerOrScheduleNamesThemInSourceOrder() {
    fails(spec("A", MSE, "@Sgd(learningRate = 0.1)", "@Adam", "@Momentum(learningRate = 0.1)", "interface A {",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("more than one optimizer: keep one of @Sgd and @Adam", 9),
        new Expected("more than one optimizer: keep one of @Sgd and @Momentum", 10));
    fails(spec("B", MSE, "@CosineDecay(totalSteps = 10)", "@StepDecay(stepSize = 1, gamma = 0.5)", "interface B {",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("more than one learning-rate schedule: keep one of @CosineDecay and @StepDecay", 9));
  }

  @Test
  void aBrokenLayerBlamesNoOtherLine() {
    // The broken last layer would otherwise be dropped, and the loss judged against the softmax before it.
    fails(spec("A", "@NeuralNetwork @Input(3)", "@Loss(LossFunction.CATEGORICAL_CROSS_ENTROPY)", "interface A {",
        "  @Dense(units = 4, activation = ActivationFunction.SOFTMAX) void hidden();",
        "  @Dense(units = 0) void out();", "}"),
        new Expected("softmax must be the last layer", 10), new Expected("units must be at least 1, got 0", 11));
    // A broken layer keeps its name, and a correct loss line stays quiet.
    fails(spec("B", "@NeuralNetwork @Input(3)", "@Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)", "interface B {",
        "  @Dense(units = 0, name = \"x\") void a();", "  @Dense(units = 2, name = \"x\") void b();", "}"),
        new Expected("units must be at least 1", 10), new Expected("duplicate layer name 'x' (also a())", 11));
  }

  /**
   * What follows from a layer in error is not blamed on the lines after it: the shapes of the next layers (weights too
   * large after an output too large) and the fit of the loss (no softmax at the end, after a misplaced one). Mistakes
   * that do not follow from it are still reported.
   */
  @Test
  void aLayerInErrorIsNotBlamedAgainOnTheLinesAfterIt() {
    fails(spec("A", MSE, "interface A {", "  @Dense(units = Integer.MAX_VALUE) void hidden();",
        "  @Dense(units = 2) void out();", "}"),
        new Expected("dense layer 'hidden': its weight of shape [3, 2147483647] would hold 6442450941 values, more "
            + "than one tensor holds (2147483639)", 9));
    fails(spec("B", "@NeuralNetwork @Input(3)", "@Loss(LossFunction.CATEGORICAL_CROSS_ENTROPY)", "interface B {",
        "  @Dense(units = 4, activation = ActivationFunction.SOFTMAX) void hidden();",
        "  @Dense(units = 2) void out();", "}"),
        new Expected("softmax must be the last layer (it normalises the outputs into probabilities), but out() "
            + "follows it", 10));
    fails(spec("C", MSE, "interface C {", "  @Dense(units = Integer.MAX_VALUE, name = \"x\") void hidden();",
        "  @Dense(units = 2, activation = ActivationFunction.SOFTMAX) void soft();",
        "  @Dense(units = 1, name = \"x\") void out();", "}"),
        new Expected("dense layer 'x': its weight of shape [3, 2147483647]", 9),
        new Expected("softmax must be the last layer", 10),
        new Expected("duplicate layer name 'x' (also hidden())", 11));
  }

  @Test
  void severalMistakesAreAllReportedInOneCompilation() {
    fails(spec("A", "@NeuralNetwork", "@Adam(learningRate = -1)", "interface A {",
        "  @Dense(units = 0) void hidden();", "  @Dropout(2) void drop();", "  void plain();", "}"),
        new Expected("learning rate must be positive", 8),
        new Expected("the network has no input", 9),
        new Expected("units must be at least 1, got 0", 10),
        new Expected("dropout rate must be in [0, 1), got 2.0", 11),
        new Expected("annotate plain() with @Dense, @Dropout, @Activation or another layer annotation", 12),
        new Expected("the network has no loss", 9));
  }
}
