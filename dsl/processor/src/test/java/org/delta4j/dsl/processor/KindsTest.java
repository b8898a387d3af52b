package org.delta4j.dsl.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.delta4j.dsl.processor.Specs.compile;
import static org.delta4j.dsl.processor.Specs.fails;
import static org.delta4j.dsl.processor.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.delta4j.dsl.processor.Specs.Expected;
import org.delta4j.dsl.processor.testkinds.BoundedSquaredErrorSpec;
import org.delta4j.dsl.processor.testkinds.FailingKinds;
import org.delta4j.dsl.processor.testkinds.ScaleSpec;
import org.delta4j.dsl.processor.testkinds.ScaledSgdSpec;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.KindProvider;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LayerKind;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LossKind;
import org.delta4j.spec.OptimizerKind;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DSL takes any registered layer, loss and optimizer kind through one door: an annotation whose type is
 * meta-annotated with the kind's type name. The kinds of {@code testkinds}, registered on the test class path as a
 * user's would be on the processor path, are checked at compile time on the line, and the generated class builds
 * them through their JSON at run time.
 */
class KindsTest {
  private static final String HEADER = "import org.delta4j.dsl.processor.testkinds.*;";

  private static JavaFileObject userSpec(String name, String... body) {
    String[] lines = new String[body.length + 1];
    lines[0] = HEADER;
    System.arraycopy(body, 0, lines, 1, body.length);
    return spec(name, lines); // the body proper starts on line 8
  }

  @Test
  void aUserKindOfEachCategoryIsGeneratedAndBuiltThroughItsJson() throws Exception {
    Compilation c = compile(userSpec("CustomSpec",
        "@NeuralNetwork(seed = 5) @Input(3)",
        "@BoundedSquaredError(maxOutputs = 2)",
        "@ScaledSgd(learningRate = 0.1, scale = 0.5)",
        "@StepDecay(stepSize = 10, gamma = 0.5)",
        "interface CustomSpec {",
        "  @Dense(units = 4) void hidden();",
        "  @Scale(factor = 2, maxInputs = 8) void scaled();",
        "  @Dense(units = 2) void out();",
        "}"));
    assertThat(c).succeededWithoutWarnings();
    NetworkSpec expected = NetworkSpec.builder().input(3)
        .layer(new LayerSpec.Dense("hidden", 4, Initializer.xavierUniform(), Initializer.zeros()))
        .layer(new ScaleSpec("scaled", 2, 8))
        .layer(new LayerSpec.Dense("out", 2, Initializer.xavierUniform(), Initializer.zeros()))
        .loss(new BoundedSquaredErrorSpec(2))
        .optimizer(new ScaledSgdSpec(0.1, 0.5, 0, new LearningRateSchedule.StepDecay(10, 0.5)))
        .seed(5)
        .build();
    assertEquals(expected, Specs.generatedSpec(c, "test.CustomNetwork"));
    String source = c.generatedSourceFile("test.CustomNetwork").orElseThrow().getCharContent(true).toString();
    assertTrue(source.contains("public ScaleLayer scaled()"), source);
    assertTrue(source.contains("public float[][] predict("), source);
  }

  @Test
  void everyRegisteredKindRoundTripsAsTheGeneratedCodeWritesAndReadsIt() {
    // Each kind's example, written as the generator writes it and read back as the generated class reads it.
    KindRegistry kinds = KindRegistry.load(KindsTest.class.getClassLoader());
    for (LayerKind kind : kinds.layerKinds()) {
      LayerSpec example = kind.example().spec().withName("x");
      assertEquals(example, NetworkSpecJson.readLayer(NetworkSpecJson.writeLayer(example)), kind.type());
    }
    for (LossKind kind : kinds.lossKinds()) {
      assertEquals(kind.example(), NetworkSpecJson.readLoss(NetworkSpecJson.writeLoss(kind.example())), kind.type());
    }
    for (OptimizerKind kind : kinds.optimizerKinds()) {
      assertEquals(kind.example(), NetworkSpecJson.readOptimizer(NetworkSpecJson.writeOptimizer(kind.example())),
          kind.type());
    }
    assertTrue(kinds.layerKinds().stream().anyMatch(k -> k.type().equals(ScaleSpec.TYPE)));
  }

  @Test
  void anUnknownOrMisspeltKindIsReportedOnItsLine() {
    fails(userSpec("A", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 4) void hidden();", "  @Scael(factor = 2) void scaled();", "  @Dense(units = 1) void out();",
        "}"),
        new Expected("no layer kind 'scael' is registered on the annotation processor path (registered: scale, dense, ", 11));
  }

  @Test
  void aUserKindsOwnRulesAreReportedOnTheValue() {
    fails(userSpec("A", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 4) void hidden();", "  @Scale(factor = 2,", "      maxInputs = 0) void scaled();",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("scale layer 'scaled': max inputs must be at least 1, got 0", 12));
    fails(userSpec("B", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "@MomentumSgd(learningRate = 0.1,", "    momentum = 0.9)", "interface B {", "  @Dense(units = 1) void out();",
        "}",
        "@OptimizerAnnotation(type = \"scaled_sgd\") @interface MomentumSgd {",
        "  double learningRate(); double momentum() default 0; }"),
        new Expected("@MomentumSgd: unknown field [momentum]", 10));
  }

  @Test
  void aUserKindsShapeAndLossRulesAreReportedWhereTheyApply() {
    fails(userSpec("A", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface A {",
        "  @Dense(units = 4) void hidden();", "  @Scale(factor = 2, maxInputs = 2) void scaled();",
        "  @Dense(units = 1) void out();", "}"),
        new Expected("scale layer 'scaled' takes at most 2 inputs per sample, got shape [4]", 11));
    fails(userSpec("B", "@NeuralNetwork @Input(3)", "@BoundedSquaredError(maxOutputs = 1)", "interface B {",
        "  @Dense(units = 3) void out();", "}"),
        new Expected("bounded_squared_error takes at most 1 outputs, but the network has 3", 9));
  }

  @Test
  void aProviderThatFailsWhenLoadedIsOneErrorOnTheSpec(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services/" + KindProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, FailingKinds.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
          "interface ASpec {", "  @Dense(units = 1) void out();", "}");
      Compilation c = Compiler.javac().withProcessors(new NetworkProcessor(loader)).compile(source);
      assertThat(c).hadErrorContaining("the layer, loss and optimizer kinds on the annotation processor path cannot be "
          + "loaded: a kind provider cannot be loaded").inFile(source).onLine(8);
      assertThat(c).hadErrorContaining("this provider is broken");
      assertThat(c).hadErrorCount(1);
    }
  }

  @Test
  void aUserKindAnnotationOutsideASpecIsReported() {
    JavaFileObject source = JavaFileObjects.forSourceString("test.Plain", Specs.HEADER + HEADER + "\n"
        + "interface Plain {\n  @Scale(factor = 2) void scaled();\n}\n");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("@Scale is only read in an interface annotated @NeuralNetwork, and Plain is not")
        .inFile(source).onLine(9);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void membersWritingOneFieldOrAFieldTheReaderWritesAreErrorsNotLostValues() {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Twice { @Field(\"units\") int size(); int units() default 1; }",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Typed { int units(); String type() default \"dense\";",
        "  @Field(\"name\") String label() default \"\"; }",
        ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Twice(size = 4, units = 5) void a();", "  @Typed(units = 2, type = \"x\") void b();",
        "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, kinds);
    assertThat(c).hadErrorContaining("the member units() of @Twice writes the field 'units', which its member "
        + "size() writes too: give it another @Field").inFile(source).onLineContaining("units = 5");
    assertThat(c).hadErrorContaining("the member type() of @Typed writes the field 'type', which holds the kind's "
        + "type name").inFile(source).onLineContaining("type = \"x\"");
    assertThat(c).hadErrorContaining("the member label() of @Typed writes the field 'name', which holds the layer's "
        + "name, from name()").inFile(source).onLineContaining("type = \"x\"");
    assertThat(c).hadErrorCount(3);
  }

  /**
   * {@code @Field} names the field a kind annotation's member writes: on any other method (a layer's, a class's, a
   * member of an annotation that declares no kind) it would have no effect, and is an error on it.
   */
  @Test
  void aFieldOnAnythingButAKindAnnotationsMemberIsAnError() {
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Field(\"units\") @Dense(units = 1) void out();", "}",
        "class Helper {", "  @Field(\"x\") void help() {}", "}",
        "@interface Plain {", "  @Field(\"y\") int size();", "}");
    Compilation c = compile(source);
    String message = "@Field names the JSON field a member of a kind annotation type (one annotated @LayerAnnotation, "
        + "@LossAnnotation, @OptimizerAnnotation or @ScheduleAnnotation) writes, and ";
    assertThat(c).hadErrorContaining(message + "out() of ASpec is none, where it has no effect: remove @Field")
        .inFile(source).onLine(9);
    assertThat(c).hadErrorContaining(message + "help() of Helper is none").inFile(source).onLine(12);
    assertThat(c).hadErrorContaining(message + "size() of Plain is none, where it has no effect: remove @Field, or "
        + "meta-annotate Plain as a kind").inFile(source).onLine(15);
    assertThat(c).hadErrorCount(3);
  }

  /**
   * A repeatable kind annotation written twice reaches the processor in its container: it is read as the two it is
   * (two layers on one method, two losses), never waited for as if javac had not resolved it, generating nothing.
   * javac places no message on an annotation a container holds: the error is on the element.
   */
  @Test
  void aRepeatedKindAnnotationIsReadAsEachOfItsUses() {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE) @Repeatable(Units.class)",
        "@interface Unit { int units(); }",
        "@Retention(RetentionPolicy.SOURCE) @interface Units { Unit[] value(); }",
        "@LossAnnotation(type = \"mean_squared_error\") @Retention(RetentionPolicy.SOURCE) @Repeatable(Squares.class)",
        "@interface Square {}",
        "@Retention(RetentionPolicy.SOURCE) @interface Squares { Square[] value(); }", ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Unit(units = 2)", "  @Unit(units = 3) void a();", "  @Dense(units = 1) void out();",
        "}",
        "@NeuralNetwork @Input(3)", "@Square", "@Square", "interface BSpec {", "  @Dense(units = 1) void out();", "}",
        "class Helper {", "  @Unit(units = 2) @Unit(units = 3) void help() {}", "}");
    Compilation c = compile(source, kinds);
    assertThat(c).hadErrorContaining("a method is one layer: keep one of @Unit and @Unit on a()").inFile(source)
        .onLine(10);
    assertThat(c).hadErrorContaining("more than one loss: keep one of @Square and @Square").inFile(source)
        .onLine(16);
    assertThat(c).hadErrorContaining("@Unit is only read in an interface annotated @NeuralNetwork, and Helper is not "
        + "one").inFile(source).onLine(20);
    assertThat(c).hadErrorCount(3);
  }

  /** A schedule annotation's members that cannot be written are errors on their values, as any kind's are. */
  @Test
  void aScheduleMemberThatCannotBeWrittenIsAnErrorNotADroppedValue() {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@ScheduleAnnotation(type = \"step\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Steps { int stepSize(); double gamma() default 0.5; Class<?> unit() default Object.class;",
        "  @Field(\"step_size\") int every() default 0; }", ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "@Steps(stepSize = 10, gamma = 0.5,", "    unit = String.class,", "    every = 5)", "interface ASpec {",
        "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, kinds);
    assertThat(c).hadErrorContaining("the member unit() of @Steps cannot be written as JSON").inFile(source)
        .onLine(9);
    assertThat(c).hadErrorContaining("the member every() of @Steps writes the field 'step_size', which its member "
        + "stepSize() writes too").inFile(source).onLine(10);
    assertThat(c).hadErrorCount(2);
  }

  /**
   * A kind annotation's meta-annotation gives the kind's type name once — {@code type}, or {@code typeFrom} naming a
   * member of a String or enum type — whatever the category. Declared in the compilation, each mistake is an error on
   * the declaration, once, and its uses stay quiet.
   */
  @Test
  void aKindAnnotationThatGivesNoTypeNameOrTwoIsAnErrorOnItsDeclaration() {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LayerAnnotation @Retention(RetentionPolicy.SOURCE)",
        "@interface NoType { int units(); }",
        "@LossAnnotation(typeFrom = \"kind\") @Retention(RetentionPolicy.SOURCE)",
        "@interface NoMember {}",
        "@OptimizerAnnotation(type = \"sgd\",",
        "    typeFrom = \"rule\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Both { String rule() default \"sgd\"; double learningRate(); }",
        "@LayerAnnotation(typeFrom = \"units\") @Retention(RetentionPolicy.SOURCE)",
        "@interface NumberKind { int units(); }", ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3)", "@NoMember", "@Both(learningRate = 0.1)",
        "interface ASpec {", "  @NoType(units = 2) void a();", "  @NoType(units = 3) void b();",
        "  @NumberKind(units = 4) void c();", "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, kinds);
    assertThat(c).hadErrorContaining("@LayerAnnotation on @NoType names no type: set type = \"...\", the kind's JSON "
        + "type name, or typeFrom = \"<member>\", the member of NoType whose value is the type name").inFile(kinds)
        .onLine(8);
    assertThat(c).hadErrorContaining("@LossAnnotation on @NoMember takes the type name from the member kind(), which "
        + "NoMember does not declare (its members: []): declare kind(), or name another member").inFile(kinds)
        .onLine(10);
    assertThat(c).hadErrorContaining("@OptimizerAnnotation on @Both sets both type and typeFrom, but a kind annotation "
        + "takes its kind's type name from one: keep type = \"sgd\" or typeFrom = \"rule\"").inFile(kinds).onLine(13);
    assertThat(c).hadErrorContaining("@LayerAnnotation on @NumberKind takes the type name from the member units(), of "
        + "type int, but a type name is a String or an enum constant").inFile(kinds).onLine(15);
    assertThat(c).hadErrorCount(4);
  }

  /**
   * A member of a kind annotation stands for a field the kind has, even left at its default: one the kind does not
   * have would never have an effect. It is an error on the member when the annotation is compiled with the spec
   * (once), and on each use otherwise; so are the meta-annotation's mistakes.
   */
  @Test
  void aMemberLeftAtItsDefaultStandsForAFieldTheKindHas(@TempDir Path dir) throws IOException {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Extra { int units();",
        "  int bogus() default 0; }", ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Extra(units = 2) void a();", "  @Extra(units = 2) void b();",
        "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, kinds);
    assertThat(c).hadErrorContaining("the member bogus() of @Extra stands for the field 'bogus', which the layer kind "
        + "'dense' does not have, so that it never has an effect (@Extra: unknown field [bogus]; known here: [")
        .inFile(kinds).onLine(10);
    assertThat(c).hadErrorCount(1);

    // The same declarations compiled before, on the class path: the uses are the lines to show.
    Path classes = dir.resolve("classes");
    Path sources = dir.resolve("other/Kinds.java");
    Files.createDirectories(classes);
    Files.createDirectories(sources.getParent());
    Files.writeString(sources, String.join("\n", "package other;", "import java.lang.annotation.*;",
        "import org.delta4j.dsl.LayerAnnotation;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.CLASS)",
        "@interface Extra { int units(); int bogus() default 0; }",
        "@LayerAnnotation @Retention(RetentionPolicy.CLASS) @interface NoType {}", ""));
    int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), sources.toString());
    assertEquals(0, status);
    JavaFileObject user = JavaFileObjects.forSourceString("other.ASpec", String.join("\n", "package other;",
        "import org.delta4j.dsl.*;", "import org.delta4j.spec.LossFunction;",
        "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface ASpec {",
        "  @Extra(units = 2) void a();", "  @NoType void b();", "  @Dense(units = 1) void out();", "}", ""));
    c = Compiler.javac().withProcessors(new NetworkProcessor())
        .withOptions("-cp", System.getProperty("java.class.path") + File.pathSeparator + classes).compile(user);
    assertThat(c).hadErrorContaining("the member bogus() of @Extra stands for the field 'bogus'").inFile(user)
        .onLine(6);
    assertThat(c).hadErrorContaining("@LayerAnnotation on @NoType names no type").inFile(user).onLine(7);
    assertThat(c).hadErrorCount(2);
  }

  /**
   * javac lets a processor claim only the annotation types it names before seeing any, so a kind annotation outside
   * the DSL's package is claimed when the option {@code delta4j.kindAnnotations} names it (or its package): then
   * nothing is left for {@code -Xlint:processing} to warn about. An annotation named there that declares no kind is
   * not taken from other processors: the processor claims nothing, and says why.
   */
  @Test
  void theProcessorClaimsTheKindAnnotationsItsOptionNames() {
    JavaFileObject units = JavaFileObjects.forSourceString("other.Units", String.join("\n", "package other;",
        "import java.lang.annotation.*;", "import org.delta4j.dsl.LayerAnnotation;",
        "/** A dense layer. */",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE) public @interface Units {",
        "  /** @return its units */", "  int units();", "}", ""));
    JavaFileObject note = JavaFileObjects.forSourceString("other.Note", String.join("\n", "package other;",
        "/** Read by another processor. */", "public @interface Note {}", ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @other.Units(units = 1) void out();", "}");
    Compilation unnamed = compile(source, units);
    assertThat(unnamed).succeeded();
    assertThat(unnamed).hadWarningContaining("No processor claimed any of these annotations: /other.Units");
    for (String named : new String[] {"other.Units", "other.*", " other.Units , java.lang.Deprecated"}) {
      Compilation c = Compiler.javac().withProcessors(new NetworkProcessor())
          .withOptions("-Xlint:all", "-Werror", "-A" + NetworkProcessor.KIND_ANNOTATIONS + "=" + named)
          .compile(source, units);
      assertThat(c).succeededWithoutWarnings();
    }
    JavaFileObject noted = spec("BSpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "@other.Note interface BSpec {", "  @other.Units(units = 1) void out();", "}");
    Compilation c = Compiler.javac().withProcessors(new NetworkProcessor())
        .withOptions("-Xlint:all", "-A" + NetworkProcessor.KIND_ANNOTATIONS + "=other.*").compile(noted, units, note);
    assertThat(c).succeeded();
    assertThat(c).hadWarningContaining("-Adelta4j.kindAnnotations names [other.Note], which declare no layer, loss, "
        + "optimizer or schedule: the Delta4j processor claims no annotation in this round");
  }

  /**
   * A value of {@code delta4j.kindAnnotations} that names no annotation type (nor a package of them) is an error
   * naming it, where javac warned that the processor itself returned a malformed name, and claimed nothing by it.
   */
  @Test
  void aKindAnnotationsOptionNamingNoAnnotationTypeIsAnError() {
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Dense(units = 1) void out();", "}");
    Compilation c = Compiler.javac().withProcessors(new NetworkProcessor()).withOptions("-Xlint:all",
        "-A" + NetworkProcessor.KIND_ANNOTATIONS + "=other.Units, not valid,other..x,*,mod/other.*").compile(source);
    assertThat(c).hadErrorContaining("-Adelta4j.kindAnnotations names 'not valid', 'other..x', '*', which are neither "
        + "the qualified name of a kind annotation nor a package of them as <package>.* (* alone would take every "
        + "annotation from the other processors): correct them, or remove them");
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadWarningCount(0);
  }

  /** Each field the kind does not have is an error on its own value, naming it and the fields the kind has. */
  @Test
  void eachUnknownFieldIsAnErrorOnItsOwnValue() {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Loose { int units(); char c(); float f(); long l(); String[] s(); }", ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Loose(units = 2,", "      c = 'x',", "      f = 1.5f,", "      l = 3,",
        "      s = {\"a\"}) void a();", "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, kinds);
    for (String field : new String[] {"c", "f", "l", "s"}) {
      assertThat(c).hadErrorContaining("@Loose: unknown field [" + field + "]; known here: [type, name, units, ")
          .inFile(source).onLineContaining("      " + field + " = ");
    }
    assertThat(c).hadErrorCount(4);
  }

  /**
   * An error whose text names no field of the annotation (the kind says stepSize, the member is period) lands on the
   * value whose stand-in, the kind's example value, ends it: each value written is tried, in source order.
   */
  @Test
  void anErrorThatNamesNoFieldLandsOnTheValueAtFault() {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@ScheduleAnnotation(type = \"step\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Every { double gamma(); @Field(\"step_size\") long period(); }", ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "@Every(gamma = 0.5,", "    period = 0)", "interface ASpec {", "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, kinds);
    assertThat(c).hadErrorContaining("step decay: stepSize must be at least 1, got 0").inFile(source)
        .onLineContaining("period = 0");
    assertThat(c).hadErrorCount(1);
  }

  /**
   * A member left out stands for its declared default, as Java reads the annotation: written into the JSON where it
   * differs from the kind's own default — a field the kind requires among them — and an empty array, the
   * conventional "not set", leaves the kind's default (a pool's stride, its kernel).
   */
  @Test
  void aMemberLeftOutStandsForItsDeclaredDefault() throws ReflectiveOperationException {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"batch_norm\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Norm { double momentum() default 0.9; double epsilon() default 1e-3; }",
        "@LayerAnnotation(type = \"max_pool2d\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Pool { int[] kernel(); int[] stride() default {}; }",
        "@OptimizerAnnotation(type = \"adam\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Fast { double learningRate() default 0.5; double beta1() default 0.5; }",
        "@ScheduleAnnotation(type = \"step\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Halving { long stepSize() default 2; double gamma() default 0.5; }", ""));
    Compilation c = compile(spec("ASpec", "@NeuralNetwork(seed = 1) @Input({1, 6, 6})",
        "@Loss(LossFunction.MEAN_SQUARED_ERROR) @Fast @Halving", "interface ASpec {", "  @Norm void norm();",
        "  @Pool(kernel = 3) void pool();", "  @org.delta4j.dsl.Flatten void flat();",
        "  @Dense(units = 1) void out();", "}"), kinds);
    assertThat(c).succeeded();
    NetworkSpec json = NetworkSpecJson.read("""
        {"input": [1, 6, 6],
         "layers": [
           {"type": "batch_norm", "name": "norm", "momentum": 0.9, "epsilon": 1e-3},
           {"type": "max_pool2d", "name": "pool", "kernel": 3},
           {"type": "flatten", "name": "flat"},
           {"type": "dense", "name": "out", "units": 1}],
         "loss": "mean_squared_error",
         "optimizer": {"type": "adam", "learning_rate": 0.5, "beta1": 0.5,
                       "schedule": {"type": "step", "step_size": 2, "gamma": 0.5}},
         "seed": 1}
        """);
    assertEquals(json, Specs.generatedSpec(c, "test.ANetwork"));
  }

  /**
   * Leaky ReLU's slope left out stands for its member's declared default, as any member does, beside an activation
   * the layer adds and beside the activation the layer is.
   */
  @Test
  void aSlopeLeftOutStandsForItsDeclaredDefault() throws ReflectiveOperationException {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Leaky { int units() default 2;",
        "  ActivationFunction activation() default ActivationFunction.LEAKY_RELU; double alpha() default 0.2; }",
        "@LayerAnnotation(typeFrom = \"value\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Act { ActivationFunction value(); double alpha() default 0.3; }", ""));
    Compilation c = compile(spec("ASpec", "@NeuralNetwork(seed = 1) @Input(3)",
        "@Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface ASpec {", "  @Leaky void hidden();",
        "  @Act(ActivationFunction.LEAKY_RELU) void act();", "  @Act(ActivationFunction.TANH) void tanh();",
        "  @Dense(units = 1) void out();", "}"), kinds);
    assertThat(c).succeeded();
    NetworkSpec json = NetworkSpecJson.read("""
        {"input": [3],
         "layers": [
           {"type": "dense", "name": "hidden", "units": 2},
           {"type": "leaky_relu", "name": "hidden_leaky_relu", "alpha": 0.2},
           {"type": "leaky_relu", "name": "act", "alpha": 0.3},
           {"type": "tanh", "name": "tanh"},
           {"type": "dense", "name": "out", "units": 1}],
         "loss": "mean_squared_error",
         "seed": 1}
        """);
    assertEquals(json, Specs.generatedSpec(c, "test.ANetwork"));
  }

  /** A float member stands for the decimal written, 0.1f for 0.1, not for the double nearest the float. */
  @Test
  void aFloatMemberStandsForTheDecimalWritten() throws ReflectiveOperationException {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Leaky { int units() default 2;",
        "  ActivationFunction activation() default ActivationFunction.LEAKY_RELU; float alpha() default 0.01f;",
        "  @Field(\"weights\") Initializer.Kind init() default Initializer.Kind.UNIFORM;",
        "  float initScale() default 0.3f; }",
        "@OptimizerAnnotation(type = \"sgd\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Slow { float learningRate(); float weightDecay() default 0.7f; }", ""));
    Compilation c = compile(spec("ASpec", "@NeuralNetwork(seed = 1) @Input(3)",
        "@Loss(LossFunction.MEAN_SQUARED_ERROR) @Slow(learningRate = 0.1f)", "interface ASpec {",
        "  @Leaky(alpha = 0.2f) void hidden();", "  @Leaky void next();", "  @Dense(units = 1) void out();", "}"),
        kinds);
    assertThat(c).succeeded();
    NetworkSpec json = NetworkSpecJson.read("""
        {"input": [3],
         "layers": [
           {"type": "dense", "name": "hidden", "units": 2, "weights": {"kind": "uniform", "scale": 0.3}},
           {"type": "leaky_relu", "name": "hidden_leaky_relu", "alpha": 0.2},
           {"type": "dense", "name": "next", "units": 2, "weights": {"kind": "uniform", "scale": 0.3}},
           {"type": "leaky_relu", "name": "next_leaky_relu", "alpha": 0.01},
           {"type": "dense", "name": "out", "units": 1}],
         "loss": "mean_squared_error",
         "optimizer": {"type": "sgd", "learning_rate": 0.1, "weight_decay": 0.7},
         "seed": 1}
        """);
    assertEquals(json, Specs.generatedSpec(c, "test.ANetwork"));
  }

  /**
   * A declared default the kind refuses would make every use that leaves it out wrong: an error on the member when
   * the annotation is compiled with the spec (once, whatever its uses write), on the use that leaves it out otherwise.
   */
  @Test
  void aDefaultTheKindRefusesIsAnErrorOnTheMember(@TempDir Path dir) throws IOException {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Biased { int units();",
        "  boolean bias() default true; }", ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Biased(units = 2) void a();", "  @Biased(units = 2) void b();",
        "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, kinds);
    assertThat(c).hadErrorContaining("the member bias() of @Biased defaults to true, which the layer kind 'dense' "
        + "refuses (@Biased.bias: expected a JSON object, got true), so that every use leaving it out is wrong: "
        + "declare a default the kind accepts, or none").inFile(kinds).onLine(10);
    assertThat(c).hadErrorCount(1);

    Path classes = dir.resolve("classes");
    Path sources = dir.resolve("other/Biased.java");
    Files.createDirectories(classes);
    Files.createDirectories(sources.getParent());
    Files.writeString(sources, String.join("\n", "package other;", "import java.lang.annotation.*;",
        "import org.delta4j.dsl.LayerAnnotation;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.CLASS)",
        "@interface Biased { int units(); boolean bias() default true; }", ""));
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), sources.toString()));
    JavaFileObject user = JavaFileObjects.forSourceString("other.ASpec", String.join("\n", "package other;",
        "import org.delta4j.dsl.*;", "import org.delta4j.spec.LossFunction;",
        "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface ASpec {",
        "  @Biased(units = 2) void a();", "  @Dense(units = 1) void out();", "}", ""));
    c = Compiler.javac().withProcessors(new NetworkProcessor())
        .withOptions("-cp", System.getProperty("java.class.path") + File.pathSeparator + classes).compile(user);
    assertThat(c).hadErrorContaining("the member bias() of @Biased defaults to true, which the layer kind 'dense' "
        + "refuses").inFile(user).onLine(6);
    assertThat(c).hadErrorCount(1);
  }

  /**
   * A kind's module on the processor path alone leaves the compilation blind to the class its layers build: the
   * accessor returns a {@code Layer} then (the module is needed on the class path only to run).
   */
  @Test
  void anAccessorReturnsALayerWhereTheCompilationCannotSeeItsClass(@TempDir Path dir) throws IOException {
    Path sources = dir.resolve("src/hidden");
    Files.createDirectories(sources);
    Files.writeString(sources.resolve("HiddenLayer.java"),
        "package hidden;\npublic abstract class HiddenLayer implements org.delta4j.nn.Layer {}\n");
    Files.writeString(sources.resolve("HiddenSpec.java"), String.join("\n", "package hidden;",
        "import org.delta4j.spec.*;", "import org.delta4j.tensor.Shape;",
        "public record HiddenSpec(String name) implements LayerSpec {",
        "  static HiddenSpec read(FieldReader f) { return new HiddenSpec(f.name()); }",
        "  public String type() { return \"hidden\"; }",
        "  public HiddenSpec withName(String name) { return new HiddenSpec(name); }",
        "  public Shape outputShape(Shape input) { return input; }",
        "  public void writeFields(FieldWriter out) {}",
        "  public HiddenLayer build(org.delta4j.nn.LayerContext c) { throw new UnsupportedOperationException(); }",
        "}", ""));
    Files.writeString(sources.resolve("HiddenKinds.java"), String.join("\n", "package hidden;",
        "import java.util.List;", "import org.delta4j.spec.*;",
        "public final class HiddenKinds implements KindProvider {",
        "  public List<LayerKind> layerKinds() {",
        "    return List.of(new LayerKind(\"hidden\", HiddenSpec::read,",
        "        new LayerKind.Example(new HiddenSpec(null), org.delta4j.tensor.Shape.of(3))));",
        "  }", "}", ""));
    Path classes = dir.resolve("classes");
    Path services = classes.resolve("META-INF/services/" + KindProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, "hidden.HiddenKinds\n");
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), sources.resolve("HiddenLayer.java").toString(),
        sources.resolve("HiddenSpec.java").toString(), sources.resolve("HiddenKinds.java").toString()));
    JavaFileObject source = spec("ASpec", "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"hidden\") @Retention(RetentionPolicy.SOURCE) @interface Hidden {}",
        "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface ASpec {",
        "  @Hidden void h();", "  @Dense(units = 1) void out();", "}");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Compilation c = Compiler.javac().withProcessors(new NetworkProcessor(loader)).compile(source);
      assertThat(c).succeeded();
      assertThat(c).generatedSourceFile("test.ANetwork").contentsAsUtf8String().contains("public Layer h()");
    }
  }

  /**
   * An accessor names the class its kind's build returns by its package and name as they are, where a guess from
   * their case took a package segment that starts with a capital for a class (and failed on a class name that does
   * not): the generated class did not compile, or the processor failed.
   */
  @Test
  void anAccessorNamesItsLayerClassWhateverTheCaseOfItsPackageAndName(@TempDir Path dir) throws IOException {
    Path sources = dir.resolve("src/cased/Kinds");
    Files.createDirectories(sources);
    String[] layers = {"CasedLayer", "lowerLayer"};
    for (int i = 0; i < layers.length; i++) {
      Files.writeString(sources.resolve(layers[i] + ".java"),
          "package cased.Kinds;\npublic abstract class " + layers[i] + " implements org.delta4j.nn.Layer {}\n");
      Files.writeString(sources.resolve("Spec" + i + ".java"), String.join("\n", "package cased.Kinds;",
          "import org.delta4j.spec.*;", "import org.delta4j.tensor.Shape;",
          "public record Spec" + i + "(String name) implements LayerSpec {",
          "  static Spec" + i + " read(FieldReader f) { return new Spec" + i + "(f.name()); }",
          "  public String type() { return \"cased" + i + "\"; }",
          "  public Spec" + i + " withName(String name) { return new Spec" + i + "(name); }",
          "  public Shape outputShape(Shape input) { return input; }",
          "  public void writeFields(FieldWriter out) {}",
          "  public " + layers[i] + " build(org.delta4j.nn.LayerContext c) {",
          "    throw new UnsupportedOperationException();", "  }",
          "}", ""));
    }
    Files.writeString(sources.resolve("CasedKinds.java"), String.join("\n", "package cased.Kinds;",
        "import java.util.List;", "import org.delta4j.spec.*;", "import org.delta4j.tensor.Shape;",
        "public final class CasedKinds implements KindProvider {",
        "  public List<LayerKind> layerKinds() {",
        "    return List.of(",
        "        new LayerKind(\"cased0\", Spec0::read, new LayerKind.Example(new Spec0(null), Shape.of(3))),",
        "        new LayerKind(\"cased1\", Spec1::read, new LayerKind.Example(new Spec1(null), Shape.of(3))));",
        "  }", "}", ""));
    Path classes = dir.resolve("classes");
    Path services = classes.resolve("META-INF/services/" + KindProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, "cased.Kinds.CasedKinds\n");
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-proc:none", "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path")));
    try (java.util.stream.Stream<Path> files = Files.list(sources)) {
      files.forEach(f -> args.add(f.toString()));
    }
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)));
    JavaFileObject source = spec("ASpec", "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"cased0\") @Retention(RetentionPolicy.SOURCE) @interface Upper {}",
        "@LayerAnnotation(type = \"cased1\") @Retention(RetentionPolicy.SOURCE) @interface Lower {}",
        "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface ASpec {",
        "  @Upper void upper();", "  @Dense(units = 1) void out();", "}",
        "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface BSpec {",
        "  @Lower void lower();", "  @Dense(units = 1) void out();", "}");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Compilation c = Compiler.javac().withProcessors(new NetworkProcessor(loader))
          .withOptions("-Xlint:all,-processing", "-Werror", "-cp",
              System.getProperty("java.class.path") + File.pathSeparator + classes)
          .compile(source);
      assertThat(c).succeededWithoutWarnings();
      assertThat(c).generatedSourceFile("test.ANetwork").contentsAsUtf8String().contains("public CasedLayer upper()");
      assertThat(c).generatedSourceFile("test.BNetwork").contentsAsUtf8String().contains("public lowerLayer lower()");
    }
  }

  /**
   * An accessor returning a generic or deprecated layer class raises no warning in the generated code, which the user
   * cannot change: a generic class is returned with wildcards, not raw, and the use of a deprecated one is the
   * accessor's suppressed warning — written qualified where a type of the spec's package takes the name.
   */
  @Test
  void anAccessorOfAGenericOrDeprecatedLayerClassCompilesWithoutWarnings(@TempDir Path dir) throws IOException {
    Path sources = Files.createDirectories(dir.resolve("src/marked"));
    String[] layers = {"GenericLayer", "OldLayer", "GoneLayer"};
    String[] declarations = {"public abstract class GenericLayer<T, U extends Number>",
        "@Deprecated public abstract class OldLayer", "@Deprecated(forRemoval = true) public abstract class GoneLayer"};
    for (int i = 0; i < layers.length; i++) {
      String name = layers[i];
      Files.writeString(sources.resolve(name + ".java"), "package marked;\n" + declarations[i]
          + " implements org.delta4j.nn.Layer {}\n");
      Files.writeString(sources.resolve("Spec" + i + ".java"), String.join("\n", "package marked;",
          "import org.delta4j.spec.*;", "import org.delta4j.tensor.Shape;",
          "@SuppressWarnings({\"deprecation\", \"removal\", \"rawtypes\"})",
          "public record Spec" + i + "(String name) implements LayerSpec {",
          "  static Spec" + i + " read(FieldReader f) { return new Spec" + i + "(f.name()); }",
          "  public String type() { return \"marked" + i + "\"; }",
          "  public Spec" + i + " withName(String name) { return new Spec" + i + "(name); }",
          "  public Shape outputShape(Shape input) { return input; }",
          "  public void writeFields(FieldWriter out) {}",
          "  public " + name + " build(org.delta4j.nn.LayerContext c) {",
          "    throw new UnsupportedOperationException();", "  }", "}", ""));
    }
    Files.writeString(sources.resolve("MarkedKinds.java"), String.join("\n", "package marked;",
        "import java.util.List;", "import org.delta4j.spec.*;", "import org.delta4j.tensor.Shape;",
        "public final class MarkedKinds implements KindProvider {",
        "  public List<LayerKind> layerKinds() {",
        "    return List.of(",
        "        new LayerKind(\"marked0\", Spec0::read, new LayerKind.Example(new Spec0(null), Shape.of(3))),",
        "        new LayerKind(\"marked1\", Spec1::read, new LayerKind.Example(new Spec1(null), Shape.of(3))),",
        "        new LayerKind(\"marked2\", Spec2::read, new LayerKind.Example(new Spec2(null), Shape.of(3))));",
        "  }", "}", ""));
    Path classes = dir.resolve("classes");
    Path services = classes.resolve("META-INF/services/" + KindProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, "marked.MarkedKinds\n");
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-proc:none", "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path")));
    try (java.util.stream.Stream<Path> files = Files.list(sources)) {
      files.forEach(f -> args.add(f.toString()));
    }
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)));
    String kinds = String.join("\n", "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"marked0\") @Retention(RetentionPolicy.SOURCE) @interface Generic {}",
        "@LayerAnnotation(type = \"marked1\") @Retention(RetentionPolicy.SOURCE) @interface Old {}",
        "@LayerAnnotation(type = \"marked2\") @Retention(RetentionPolicy.SOURCE) @interface Gone {}");
    JavaFileObject source = spec("ASpec", kinds, "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Generic void generic();", "  @Old void old();", "  @Gone void gone();",
        "  @Dense(units = 1) void out();", "}");
    JavaFileObject shadowing = JavaFileObjects.forSourceString("test.SuppressWarnings",
        "package test;\n/** Takes the name in the package. */\n@interface SuppressWarnings {}\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      for (JavaFileObject[] compiled : new JavaFileObject[][] {{source}, {source, shadowing}}) {
        Compilation c = Compiler.javac().withProcessors(new NetworkProcessor(loader))
            .withOptions("-Xlint:all,-processing", "-Werror", "-cp",
                System.getProperty("java.class.path") + File.pathSeparator + classes)
            .compile(compiled);
        assertThat(c).succeededWithoutWarnings();
        assertThat(c).generatedSourceFile("test.ANetwork").contentsAsUtf8String()
            .contains("public GenericLayer<?, ?> generic()");
      }
    }
  }

  /**
   * No class of a package can name one of the unnamed package: a layer class there is an accessor's {@code Layer}
   * unless the spec is in the unnamed package too, where the generated class did not compile.
   */
  @Test
  void anAccessorReturnsALayerWhereItsClassIsInTheUnnamedPackage(@TempDir Path dir) throws IOException {
    Path sources = Files.createDirectories(dir.resolve("src"));
    Files.writeString(sources.resolve("UnnamedLayer.java"),
        "public abstract class UnnamedLayer implements org.delta4j.nn.Layer {}\n");
    Files.writeString(sources.resolve("UnnamedSpec.java"), String.join("\n", "import org.delta4j.spec.*;",
        "import org.delta4j.tensor.Shape;", "public record UnnamedSpec(String name) implements LayerSpec {",
        "  static UnnamedSpec read(FieldReader f) { return new UnnamedSpec(f.name()); }",
        "  public String type() { return \"unnamed\"; }",
        "  public UnnamedSpec withName(String name) { return new UnnamedSpec(name); }",
        "  public Shape outputShape(Shape input) { return input; }", "  public void writeFields(FieldWriter out) {}",
        "  public UnnamedLayer build(org.delta4j.nn.LayerContext c) { throw new UnsupportedOperationException(); }",
        "}", ""));
    Files.writeString(sources.resolve("UnnamedKinds.java"), String.join("\n", "import java.util.List;",
        "import org.delta4j.spec.*;", "public final class UnnamedKinds implements KindProvider {",
        "  public List<LayerKind> layerKinds() {", "    return List.of(new LayerKind(\"unnamed\", UnnamedSpec::read,",
        "        new LayerKind.Example(new UnnamedSpec(null), org.delta4j.tensor.Shape.of(3))));", "  }", "}", ""));
    Path classes = dir.resolve("classes");
    Path services = classes.resolve("META-INF/services/" + KindProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, "UnnamedKinds\n");
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-proc:none", "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), sources.resolve("UnnamedLayer.java").toString(),
        sources.resolve("UnnamedSpec.java").toString(), sources.resolve("UnnamedKinds.java").toString()));
    String annotation = "@LayerAnnotation(type = \"unnamed\") @Retention(RetentionPolicy.SOURCE) @interface Unnamed {}";
    String[] body = {"@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)", "interface ASpec {",
        "  @Unnamed void u();", "  @Dense(units = 1) void out();", "}"};
    JavaFileObject named = spec("ASpec", "import java.lang.annotation.*;", annotation, String.join("\n", body));
    JavaFileObject unnamed = JavaFileObjects.forSourceString("ASpec", Specs.HEADER.replace("package test;", "")
        + "import java.lang.annotation.*;\n" + annotation + "\n" + String.join("\n", body) + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      String[] expected = {"test.ANetwork", "public Layer u()", "ANetwork", "public UnnamedLayer u()"};
      JavaFileObject[] specs = {named, unnamed};
      for (int i = 0; i < specs.length; i++) {
        Compilation c = Compiler.javac().withProcessors(new NetworkProcessor(loader))
            .withOptions("-Xlint:all,-processing", "-Werror", "-cp",
                System.getProperty("java.class.path") + File.pathSeparator + classes)
            .compile(specs[i]);
        assertThat(c).succeededWithoutWarnings();
        assertThat(c).generatedSourceFile(expected[2 * i]).contentsAsUtf8String().contains(expected[2 * i + 1]);
      }
    }
  }

  /** An annotation meta-annotated as two kinds is an error where it is used, not read as whichever comes first. */
  @Test
  void anAnnotationOfTwoKindsIsAnErrorOnEachUse() {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LossAnnotation(type = \"squared_error\") @LayerAnnotation(type = \"relu\")",
        "@Retention(RetentionPolicy.SOURCE) @interface Both {}", ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3)", "@Both", "interface ASpec {",
        "  @Both void both();", "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, kinds);
    String message = "@Both is annotated both @LossAnnotation and @LayerAnnotation, but a kind annotation declares one "
        + "kind: keep one of them on Both";
    assertThat(c).hadErrorContaining(message).inFile(source).onLine(8);
    assertThat(c).hadErrorContaining(message).inFile(source).onLine(10);
    assertThat(c).hadErrorCount(2);
  }

  /**
   * A member read by convention (a layer's name, activation, alpha or initializer scale) or giving the kind's type
   * name writes no field: a {@code @Field} on it would have no effect, and is an error where it is used.
   */
  @Test
  void aFieldOnAMemberThatWritesNoFieldIsAnError() {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Labelled { int units() default 1; @Field(\"label\") String name() default \"\"; }",
        "@LayerAnnotation(typeFrom = \"value\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Act { @Field(\"function\") ActivationFunction value(); }",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface Scaled { int units() default 1;",
        "  @Field(\"weights\") Initializer.Kind init() default Initializer.Kind.UNIFORM;",
        "  @Field(\"gain\") double initScale() default 1; }", ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @Labelled(name = \"q\") void a();", "  @Act(ActivationFunction.TANH) void b();",
        "  @Scaled void c();", "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, kinds);
    assertThat(c).hadErrorContaining("the member name() of @Labelled is read by convention, as @Dense's name() is, "
        + "and writes no field, so that its @Field(\"label\") has no effect: remove that @Field, or rename name()")
        .inFile(source).onLineContaining("name = \"q\"");
    assertThat(c).hadErrorContaining("the member value() of @Act gives the kind's type name (typeFrom), and writes "
        + "no field, so that its @Field(\"function\") has no effect").inFile(source).onLineContaining("TANH");
    assertThat(c).hadErrorContaining("the member initScale() of @Scaled is read by convention, as @Dense's "
        + "initScale() is, and writes no field, so that its @Field(\"gain\") has no effect").inFile(source)
        .onLineContaining("@Scaled");
    assertThat(c).hadErrorCount(3);
  }

  @Test
  void aConventionalMemberOfAnotherTypeIsAnErrorOnItsValueNotAFailureOfTheProcessor() {
    JavaFileObject kinds = JavaFileObjects.forSourceString("test.Odd", Specs.HEADER + String.join("\n",
        "import java.lang.annotation.*;",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface NumberName { int units() default 1; int name() default 0; }",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface TextActivation { int units() default 1; String activation() default \"relu\"; }",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface TextAlpha { int units() default 1;",
        "  ActivationFunction activation() default ActivationFunction.LEAKY_RELU; String alpha() default \"\"; }",
        "@LayerAnnotation(type = \"dense\") @Retention(RetentionPolicy.SOURCE)",
        "@interface TextScale { int units() default 1;",
        "  @Field(\"weights\") Initializer.Kind init() default Initializer.Kind.UNIFORM;",
        "  String initScale() default \"\"; }", ""));
    JavaFileObject source = spec("ASpec", "@NeuralNetwork @Input(3) @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "interface ASpec {", "  @NumberName(name = 3) void a();", "  @TextActivation(activation = \"tanh\") void b();",
        "  @TextAlpha(alpha = \"0.1\") void c();", "  @TextScale(initScale = \"2\") void d();",
        "  @Dense(units = 1) void out();", "}");
    Compilation c = compile(source, kinds);
    assertThat(c).hadErrorContaining("the member name() of @NumberName is of type int, but a layer annotation's name() "
        + "is read by convention as the layer's name, a String").inFile(source).onLineContaining("name = 3");
    assertThat(c).hadErrorContaining("the member activation() of @TextActivation is of type java.lang.String, but a "
        + "layer annotation's activation() is read by convention as the activation added after the layer, an "
        + "ActivationFunction").inFile(source)
        .onLineContaining("tanh");
    assertThat(c).hadErrorContaining("the member alpha() of @TextAlpha is of type java.lang.String, but a layer "
        + "annotation's alpha() is read by convention as leaky ReLU's slope, a number").inFile(source)
        .onLineContaining("0.1");
    assertThat(c).hadErrorContaining("the member initScale() of @TextScale is of type java.lang.String, but a layer "
        + "annotation's initScale() is read by convention as the scale of init(), a number").inFile(source)
        .onLineContaining("\"2\"");
    assertThat(c).hadErrorCount(4);
  }
}
