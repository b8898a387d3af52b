package org.delta4j.dsl.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.delta4j.dsl.processor.Specs.compile;
import static org.delta4j.dsl.processor.Specs.fails;
import static org.delta4j.dsl.processor.Specs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.delta4j.autodiff.BlockSpec;
import org.delta4j.dsl.processor.Specs.Expected;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

/**
 * Blocks in the DSL: {@code @Block} with its {@code @BlockNodes} interface generates the block the API builds, and
 * wiring that is not a graph is a compile error on the line at fault.
 */
class BlockSpecsTest {
  private static final String HEAD = "@NeuralNetwork @Input(6) @Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)";

  @Test
  void aResidualBlockGeneratesTheBlockTheApiBuilds() throws ReflectiveOperationException {
    Compilation c = compile(spec("ResSpec", HEAD,
        "interface ResSpec {",
        "  @Dense(units = 8) void stem();",
        "  @Block(nodes = Unit.class) void residual();",
        "  @Dense(units = 3) void out();",
        "  @BlockNodes interface Unit {",
        "    @Dense(units = 8, activation = ActivationFunction.RELU) void fc1();",
        "    @Dense(units = 8) void fc2();",
        "    @From({\"fc2\", \"input\"}) @Activation(ActivationFunction.RELU) void sum();",
        "  }",
        "}"));
    assertThat(c).succeededWithoutWarnings();
    BlockSpec expected = new BlockSpec("residual", List.of(
        BlockSpec.Node.of(new LayerSpec.Dense(8).withName("fc1"), BlockSpec.INPUT),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU).withName("fc1_relu"), "fc1"),
        BlockSpec.Node.of(new LayerSpec.Dense(8).withName("fc2"), "fc1_relu"),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU).withName("sum"), "fc2", BlockSpec.INPUT)),
        null);
    NetworkSpec generated = Specs.generatedSpec(c, "test.ResNetwork");
    assertEquals(NetworkSpecJson.writeLayer(expected), NetworkSpecJson.writeLayer(generated.layers().get(1)));
    assertEquals(3, generated.outputShape().size());
  }

  /** The spec {@code name} whose block residual() (line 9) has the nodes {@code lines} (from line 12) in Unit. */
  private static JavaFileObject withBlock(String name, String... lines) {
    List<String> body = new ArrayList<>(List.of(HEAD, "interface " + name + " {",
        "  @Block(nodes = Unit.class) void residual();", "  @Dense(units = 3) void out();",
        "  @BlockNodes interface Unit {"));
    body.addAll(List.of(lines));
    body.addAll(List.of("  }", "}"));
    return spec(name, body.toArray(String[]::new));
  }

  @Test
  void wiringThatIsNotAGraphIsAnErrorOnItsLine() {
    fails(withBlock("A", "    @Dense(units = 6) void fc1();",
        "    @From({\"fc1\", \"fc9\"}) @Activation(ActivationFunction.RELU) void sum();"),
        new Expected("the node sum() takes 'fc9', which is neither 'input' nor a node of Unit [fc1, sum]", 13));
    fails(withBlock("B", "    @From(\"c\") @Dense(units = 6) void a();", "    @Dense(units = 6) void b();",
        "    @Dense(units = 6) void c();"),
        new Expected("block 'residual': its nodes form a cycle, a ← c ← b ← a", 9));
    fails(withBlock("C", "    @Dense(units = 4) void fc1();",
        "    @From({\"fc1\", \"input\"}) @Activation(ActivationFunction.RELU) void sum();"),
        new Expected("node 'sum' cannot add inputs of shapes [4] and [6]", 9));
    fails(withBlock("E", "    @Dense(units = 6) void fc1();",
        "    @From(\"input\") @Activation(ActivationFunction.RELU) void sum();"),
        new Expected("block 'residual': node 'fc1' does not lead to the output 'sum'", 9));
    fails(spec("D", HEAD, "interface D {",
        "  @Block(nodes = Unit.class) void residual();",
        "  @From(\"input\") @Dense(units = 3) void out();",
        "  interface Unit {",
        "    @Dense(units = 4) void fc1();",
        "  }", "}"),
        new Expected("@Block takes its nodes from an interface annotated @BlockNodes", 9),
        new Expected("@From names the inputs of a block's node", 10),
        new Expected("@Dense is only read in an interface annotated @NeuralNetwork, and Unit is not one", 12));
  }

  /**
   * An output that is a node, but leaves others leading nowhere, is one error: the block's nodes and output are
   * judged together, and neither is blamed again once the example's nodes stand in for them.
   */
  @Test
  void anOutputLeavingNodesUnusedIsOneError() {
    fails(spec("A", HEAD, "interface A {",
        "  @Block(nodes = Unit.class, output = \"fc1\") void residual();",
        "  @Block(nodes = Unit.class,", "      output = \"nope\") void other();",
        "  @Dense(units = 3) void out();",
        "  @BlockNodes interface Unit {", "    @Dense(units = 6) void fc1();", "    @Dense(units = 6) void fc2();",
        "  }", "}"),
        new Expected("block 'residual': node 'fc2' does not lead to the output 'fc1'", 9),
        new Expected("block 'other': the output 'nope' is not a node of the block", 11));
  }

  /** A node's mistake is one error however many blocks take its nodes interface. */
  @Test
  void aNodesMistakeIsReportedOnceForEveryBlockThatTakesIt() {
    fails(spec("A", HEAD, "interface A {", "  @Block(nodes = Unit.class) void first();",
        "  @Block(nodes = Unit.class) void second();", "  @Dense(units = 3) void out();",
        "  @BlockNodes interface Unit {", "    @Dense(units = 0) void fc();",
        "    @From({\"fc\", \"nope\"}) @Activation(ActivationFunction.RELU) void sum();", "  }", "}"),
        new Expected("dense layer 'fc': units must be at least 1, got 0", 13),
        new Expected("the node sum() takes 'nope', which is neither 'input' nor a node of Unit", 14));
  }

  /** A merge written on a node of one input has no effect: an error on the merge. */
  @Test
  void aMergeOnANodeOfOneInputIsAnErrorOnTheMerge() {
    JavaFileObject source = withBlock("A", "    @From(value = \"input\",",
        "        merge = org.delta4j.autodiff.BlockSpec.Merge.CONCAT)", "    @Dense(units = 6) void fc1();");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("merge combines the inputs of a node that takes several, and fc1() takes one, "
        + "'input', so that merge = CONCAT has no effect: remove it, or name the other inputs in @From")
        .inFile(source).onLineContaining("merge = ");
    assertThat(c).hadErrorCount(1);
  }

  /** {@code @From} on a method of the nodes that is no node would wire nothing: an error, not an ignored annotation. */
  @Test
  void fromOnAMethodThatIsNoNodeIsAnError() {
    fails(withBlock("A", "    @Dense(units = 6) void fc1();", "    @From(\"input\") default void helper() {}"),
        new Expected("@From names the inputs of a node, an abstract method with a layer annotation, and helper() is "
            + "not one", 13));
  }

  /** Nodes no block takes would never be read, their mistakes never seen: an error on their {@code @BlockNodes}. */
  @Test
  void nodesNoBlockTakesAreAnErrorOnTheirAnnotation() {
    fails(spec("A", HEAD, "interface A {", "  @Dense(units = 3) void out();", "  @BlockNodes interface Unit {",
        "    @Dense(units = -6) void fc1();", "  }", "}"),
        new Expected("Unit declares a block's nodes, but no @Block of A takes them: add @Block(nodes = Unit.class) to "
            + "a layer method of A, or remove Unit", 10));
    fails(spec("B", "class B {", "  @BlockNodes interface Unit {", "    @Dense(units = 6) void fc1();", "  }", "}"),
        new Expected("Unit declares a block's nodes, but is in no @NeuralNetwork interface, so no @Block can take "
            + "them: nest it in the spec whose block it is", 8));
    fails(spec("C", HEAD, "@BlockNodes", "interface C {", "  @Dense(units = 3) void out();", "}"),
        new Expected("C is a network spec, and @BlockNodes on it declares a block's nodes that no @Block takes (a "
            + "block takes the nodes of an interface nested in its spec): remove @BlockNodes", 8));
  }

  /**
   * A block's nodes are the abstract methods its {@code @BlockNodes} interface declares itself: one it inherits (from
   * any interface, or the nodes of another block) is an error on that interface, not a node dropped unseen.
   */
  @Test
  void nodesInheritedFromAnotherInterfaceAreAnErrorOnTheNodesInterface() {
    fails(spec("A", HEAD, "interface A {", "  @Block(nodes = Unit.class) void residual();",
        "  @Dense(units = 3) void out();", "  @BlockNodes interface Unit extends Runnable {",
        "    @Dense(units = 6) void fc1();", "  }", "}"),
        new Expected("Unit inherits the abstract method run() from java.lang.Runnable, but a block's nodes interface "
            + "declares every node itself", 11));
    fails(spec("B", HEAD, "interface B {", "  @Block(nodes = Unit.class) void residual();",
        "  @Dense(units = 3) void out();", "  @BlockNodes interface Base {", "    @Dense(units = 6) void fc1();", "  }",
        "  @BlockNodes interface Unit extends Base {", "    @Dense(units = 6) void fc2();", "  }", "}"),
        new Expected("Unit inherits the nodes of test.B.Base, but a block's nodes interface declares every node itself",
            14), new Expected("Base declares a block's nodes, but no @Block of B takes them", 11));
    fails(spec("CSpec", HEAD, "interface CSpec extends Shared {", "  @Dense(units = 3) void out();", "}",
        "@BlockNodes interface Shared {", "  @Dense(units = 3) void fc1();", "}"),
        new Expected("CSpec inherits the nodes of test.Shared, but a spec declares every layer itself", 8),
        new Expected("Shared declares a block's nodes, but is in no @NeuralNetwork interface", 11));
  }

  /**
   * The generated class depends on its spec's source alone (Gradle's isolating mode recompiles it only when that
   * source changes), so nodes declared elsewhere would go stale unseen.
   */
  @Test
  void nodesDeclaredOutsideTheSpecAreAnErrorOnTheNodesValue() {
    fails(spec("A", HEAD, "interface A {", "  @Block(nodes = Shared.class) void residual();",
        "  @Dense(units = 3) void out();", "}",
        "@BlockNodes interface Shared {", "  @Dense(units = 6) void fc1();", "}"),
        new Expected("@Block takes its nodes from Shared, which is declared outside A: nest the @BlockNodes "
            + "interface in A", 9));
  }

  /**
   * Nodes nested in another spec inside the spec are that spec's, which reports them as its own when no block of its
   * takes them: the outer spec's block taking them is an error on its nodes value, where the two would disagree.
   */
  @Test
  void nodesNestedInAnotherSpecAreThatSpecsNotTheOuterOnes() {
    fails(spec("A", HEAD, "interface A {", "  @Block(nodes = Inner.Unit.class) void residual();",
        "  @Dense(units = 3) void out();", "  " + HEAD, "  interface Inner {", "    @Dense(units = 3) void out();",
        "    @BlockNodes interface Unit {", "      @Dense(units = 6) void fc1();", "    }", "  }", "}"),
        new Expected("@Block takes its nodes from Unit, which is declared in Inner, another spec: the nodes of a "
            + "spec nested in A are that spec's; nest the @BlockNodes interface in A outside Inner", 9),
        new Expected("Unit declares a block's nodes, but no @Block of Inner takes them", 14));
  }

  /**
   * A node name the block would refuse is an error on the node that has it, not on the {@code @Block}: the second of
   * two nodes of one name (naming the first), and a node named {@code input}, the name {@code @From} gives the block's
   * input.
   */
  @Test
  void aNodeNameTheBlockRefusesIsAnErrorOnThatNode() {
    fails(withBlock("A", "    @Dense(units = 6, name = \"z\") void a();", "    @Dense(units = 6) void b();",
        "    @Dense(units = 6,", "        name = \"z\") void c();"),
        new Expected("duplicate node name 'z' (also a()): the names of a block's nodes must be unique; set another "
            + "with name = \"...\"", 15));
    fails(withBlock("B", "    @Dense(units = 6) void a();", "    @Activation(ActivationFunction.RELU) void input();",
        "    @From({\"input\", \"a\"}) @Activation(ActivationFunction.RELU) void sum();"),
        new Expected("a node cannot be named 'input', the name by which @From takes the block's input: rename "
            + "input(), or set another with name = \"...\"", 13));
  }

  /** A node's name holding ':', which the block refuses, is an error on that name, not on the block. */
  @Test
  void aNodeNameHoldingAColonIsAnErrorOnTheName() {
    JavaFileObject source = withBlock("A", "    @Dense(units = 6) void a();", "    @Dense(units = 6,",
        "        name = \"p:q\") void b();");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("node name 'p:q' holds ':', which joins a node's name to the roles of its "
        + "parameters: set another with name = \"...\"").inFile(source).onLineContaining("name = \"p:q\"");
    assertThat(c).hadErrorCount(1);
  }

  /** A generic nodes interface is refused as a generic spec is: its type parameters would mean nothing. */
  @Test
  void aGenericNodesInterfaceIsAnError() {
    fails(spec("A", HEAD, "interface A {", "  @Block(nodes = Unit.class) void residual();",
        "  @Dense(units = 3) void out();", "  @BlockNodes interface Unit<T> {", "    @Dense(units = 6) void fc1();",
        "  }", "}"),
        new Expected("a block's nodes interface cannot be generic: remove the type parameters of Unit", 11));
  }

  /**
   * The spec's own annotations — input, loss, optimizer, schedule — on a nodes interface would be ignored (the block
   * takes the network's): each is an error on the annotation.
   */
  @Test
  void theSpecsAnnotationsOnANodesInterfaceAreErrors() {
    fails(spec("A", HEAD, "interface A {", "  @Block(nodes = Unit.class) void residual();",
        "  @Dense(units = 3) void out();", "  @Input(3)", "  @Loss(LossFunction.MEAN_SQUARED_ERROR)",
        "  @Sgd(learningRate = 0.1) @StepDecay(stepSize = 5, gamma = 0.5)", "  @BlockNodes interface Unit {",
        "    @Dense(units = 6) void fc1();", "  }", "}"),
        new Expected("@Input is only read on a @NeuralNetwork interface, and Unit declares a block's nodes, where it "
            + "would be ignored: move it onto the spec, or remove it", 11),
        new Expected("@Loss is only read on a @NeuralNetwork interface", 12),
        new Expected("@Sgd is only read on a @NeuralNetwork interface", 13),
        new Expected("@StepDecay is only read on a @NeuralNetwork interface", 13));
  }

  @Test
  void aBlockAmongItsOwnNodesIsAnErrorOnItsValueNotAnEndlessRead() {
    fails(withBlock("A", "    @Dense(units = 6) void fc1();", "    @Block(nodes = Unit.class) void again();"),
        new Expected("@Block again() takes its nodes from Unit, which already holds it (Unit → Unit): a block cannot "
            + "contain itself", 13));
    fails(withBlock("B", "    @Block(nodes = Inner.class) void inner();", "  }",
        "  @BlockNodes interface Inner {", "    @Dense(units = 6) void fc1();",
        "    @Block(nodes = Unit.class) void back();"),
        new Expected("@Block back() takes its nodes from Unit, which already holds it (Unit → Inner → Unit)", 16));
  }
}
