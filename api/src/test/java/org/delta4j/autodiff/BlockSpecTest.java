package org.delta4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.InvalidSpecException;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.Shape;
import org.junit.jupiter.api.Test;

/** A block is a graph of layers described as a value: its shapes, its parameters, its JSON, and what it refuses. */
class BlockSpecTest {
  static BlockSpec residual(int units) {
    return new BlockSpec(
        BlockSpec.Node.of(new LayerSpec.Dense(units), BlockSpec.INPUT),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU), "dense1"),
        BlockSpec.Node.of(new LayerSpec.Dense(units), "relu1"),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU), "dense2", BlockSpec.INPUT));
  }

  @Test
  void aResidualBlockKeepsItsInputShapeAndOwnsItsLayersParametersUnderTheirNames() {
    BlockSpec block = residual(6);
    assertEquals(Shape.of(6), block.outputShape(Shape.of(6)));
    assertEquals("relu2", block.output());
    assertEquals(List.of("dense1:weight", "dense1:bias", "dense2:weight", "dense2:bias"),
        block.parameters(Shape.of(6)).stream().map(ParameterSpec::role).toList());
    assertEquals(6, block.parameters(Shape.of(6)).get(0).fanIn());
  }

  /** A block refuses a buffer value as the node whose buffer it is refuses it: a negative running variance. */
  @Test
  void aBlockAsksItsNodesWhichBufferValuesTheyRefuse() {
    BlockSpec block = new BlockSpec(BlockSpec.Node.of(new org.delta4j.spec.BatchNorm().withName("bn"),
        BlockSpec.INPUT));
    assertEquals("a variance is ≥ 0", block.refusedBufferValue("bn:running_var", -1));
    assertEquals(null, block.refusedBufferValue("bn:running_var", 0));
    assertEquals(null, block.refusedBufferValue("bn:running_mean", -1));
  }

  /**
   * Blocks nest up to {@link BlockSpec#MAX_DEPTH} deep; deeper ones were read and trained, then a StackOverflowError
   * came out of saving the model (about 300 deep). Refused when built, from Java or JSON, naming the depth.
   */
  @Test
  void blocksNestAtMost64Deep() {
    LayerSpec inner = new LayerSpec.Dense(2);
    for (int depth = 1; depth <= BlockSpec.MAX_DEPTH; depth++) {
      inner = new BlockSpec(BlockSpec.Node.of(inner, BlockSpec.INPUT));
    }
    assertEquals(64, ((BlockSpec) inner).depth());
    NetworkSpec deepest = NetworkSpec.builder().input(2).layer(inner).loss(LossFunction.MEAN_SQUARED_ERROR).build();
    assertEquals(deepest, NetworkSpecJson.read(NetworkSpecJson.write(deepest)));
    LayerSpec tooDeep = inner;
    assertEquals("block: holds blocks nested 65 deep, more than the 64 a network may have",
        assertThrows(IllegalArgumentException.class, () -> new BlockSpec(BlockSpec.Node.of(tooDeep,
            BlockSpec.INPUT))).getMessage());
    String layer = "{\"type\": \"dense\", \"units\": 2}";
    for (int depth = 1; depth <= BlockSpec.MAX_DEPTH + 1; depth++) {
      layer = "{\"type\": \"block\", \"nodes\": [{\"inputs\": [\"input\"], \"layer\": " + layer + "}]}";
    }
    String wrapped = "{\"input\": [2], \"layers\": [" + layer + "], \"loss\": \"mean_squared_error\"}";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.read(wrapped));
    assertTrue(e.getMessage().contains("holds blocks nested 65 deep, more than the 64 a network may have"),
        e.getMessage());
  }

  @Test
  void concatenationJoinsTheLastAxis() {
    BlockSpec block = new BlockSpec(BlockSpec.Node.of(new LayerSpec.Dense(3), BlockSpec.INPUT),
        BlockSpec.Node.concat(new LayerSpec.Activation(ActivationFunction.TANH), "dense1", BlockSpec.INPUT));
    assertEquals(Shape.of(7), block.outputShape(Shape.of(4)));
  }

  /** A node's parameters are "node:role": a node named "b:fc" beside a block "b" of a node "fc" would share them. */
  @Test
  void aNodeNameHoldingAColonIsRefused() {
    assertEquals("block 'outer': node name 'b:fc' holds ':', which joins a node's name to the roles of its parameters",
        assertThrows(IllegalArgumentException.class, () -> new BlockSpec("outer", List.of(
            BlockSpec.Node.of(new LayerSpec.Dense(2).withName("b:fc"), BlockSpec.INPUT)), null)).getMessage());
    // '.' and '/' join names in a saved model: refused as the node's name, not as a role its parameters get
    assertEquals("block 'outer': node name 'x.y' holds '.', which joins a layer's name to its parameters' roles in a "
        + "saved model", assertThrows(IllegalArgumentException.class, () -> new BlockSpec("outer", List.of(
            BlockSpec.Node.of(new LayerSpec.Dense(2).withName("x.y"), BlockSpec.INPUT)), null)).getMessage());
    assertEquals("block 'outer': node name 'x/y' holds '/', which joins a parameter's name to its optimizer state's "
        + "in a saved model", assertThrows(IllegalArgumentException.class, () -> new BlockSpec("outer", List.of(
            BlockSpec.Node.of(new LayerSpec.Dense(2).withName("x/y"), BlockSpec.INPUT)), null)).getMessage());
  }

  /**
   * A loss checks what the network ends with through a block: its output node's layer. Softmax cross-entropy after a
   * block ending in a softmax applied the softmax twice unsaid, and categorical cross-entropy there was refused.
   */
  @Test
  void aLossSeesTheLayerThatGivesABlocksOutput() {
    BlockSpec softmaxLast = new BlockSpec(BlockSpec.Node.of(new LayerSpec.Dense(3), BlockSpec.INPUT),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.SOFTMAX), "dense1"));
    assertEquals(ActivationFunction.SOFTMAX.label(), softmaxLast.outputLayer().type());
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(3)
        .layer(softmaxLast).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build());
    assertTrue(e.getMessage().contains("remove the final softmax layer"), e.getMessage());
    NetworkSpec.builder().input(3).layer(softmaxLast).loss(LossFunction.CATEGORICAL_CROSS_ENTROPY).build();
    BlockSpec nested = new BlockSpec(BlockSpec.Node.of(new LayerSpec.Dense(3), BlockSpec.INPUT),
        BlockSpec.Node.of(new BlockSpec(BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.SIGMOID),
            BlockSpec.INPUT)), "dense1"));
    NetworkSpec.builder().input(3).layer(nested).loss(LossFunction.BINARY_CROSS_ENTROPY).build();
    e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(3).layer(nested)
        .loss(LossFunction.PERCEPTRON).build());
    assertTrue(e.getMessage().contains("PERCEPTRON takes the raw activation w·x"), e.getMessage());
  }

  @Test
  void aCycleIsRejectedWhenTheSpecIsBuiltNamingTheLayers() {
    String m = assertThrows(IllegalArgumentException.class, () -> new BlockSpec("res", List.of(
        BlockSpec.Node.of(new LayerSpec.Dense(4).withName("a"), BlockSpec.INPUT, "c"),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU).withName("b"), "a"),
        BlockSpec.Node.of(new LayerSpec.Dense(4).withName("c"), "b")), null)).getMessage();
    assertTrue(m.startsWith("block 'res': its nodes form a cycle, a ← c ← b ← a"), m);
  }

  @Test
  void aLongChainListedFromTheOutputBackIsOrderedWithoutExhaustingTheStack() {
    int length = 100_000;
    List<BlockSpec.Node> nodes = new java.util.ArrayList<>();
    for (int i = length - 1; i >= 0; i--) {
      nodes.add(BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU).withName("n" + i),
          i == 0 ? BlockSpec.INPUT : "n" + (i - 1)));
    }
    BlockSpec chain = new BlockSpec("chain", nodes, "n" + (length - 1));
    assertEquals(Shape.of(3), chain.outputShape(Shape.of(3)));
    assertEquals(List.of("n0", "n1", "n2"), chain.ordered().subList(0, 3).stream().map(BlockSpec.Node::name).toList());
    List<BlockSpec.Node> cyclic = new java.util.ArrayList<>(nodes);
    cyclic.set(length - 1, BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU).withName("n0"),
        "n" + (length - 1)));
    String m = assertThrows(IllegalArgumentException.class, () -> new BlockSpec("ring", cyclic, null)).getMessage();
    assertTrue(m.startsWith("block 'ring': its nodes form a cycle, n99999 ← n99998 ← "), m.substring(0, 80));
  }

  @Test
  void badWiringIsNamed() {
    String unknown = assertThrows(IllegalArgumentException.class, () -> new BlockSpec(
        BlockSpec.Node.of(new LayerSpec.Dense(4), "nowhere"))).getMessage();
    assertTrue(unknown.contains("node 'dense1' takes 'nowhere'"), unknown);
    BlockSpec misfit = new BlockSpec(BlockSpec.Node.of(new LayerSpec.Dense(3), BlockSpec.INPUT),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU), "dense1", BlockSpec.INPUT));
    String shapes = assertThrows(IllegalArgumentException.class, () -> misfit.outputShape(Shape.of(5)))
        .getMessage();
    assertTrue(shapes.contains("node 'relu1' cannot add inputs of shapes [3] and [5]"), shapes);
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(5)
        .layer(misfit).loss(LossFunction.MEAN_SQUARED_ERROR).build());
    assertTrue(e.getMessage().contains("[3] and [5]"), e.getMessage());
  }

  /**
   * A node whose kind refuses the input it is given is named with that input, through every block around it: the
   * network said only that the outer block could not take its input, with the kind's words about another shape.
   */
  @Test
  void aNodeThatCannotTakeItsInputIsNamedWithItsInputShape() {
    BlockSpec inner = new BlockSpec("inner", List.of(
        BlockSpec.Node.of(new LayerSpec.Dense(4).withName("d"), BlockSpec.INPUT),
        BlockSpec.Node.of(new org.delta4j.spec.Conv2D(2, 3, org.delta4j.spec.Padding.SAME).withName("c"), "d")),
        null);
    BlockSpec outer = new BlockSpec("outer", List.of(BlockSpec.Node.of(inner, BlockSpec.INPUT)), null);
    String m = assertThrows(IllegalArgumentException.class, () -> outer.outputShape(Shape.of(3))).getMessage();
    assertTrue(m.startsWith("block 'outer': node 'inner' (block) cannot take an input of shape [3]: block 'inner': "
        + "node 'c' (conv2d) cannot take an input of shape [4]: "), m);
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(3)
        .layer(outer).loss(LossFunction.MEAN_SQUARED_ERROR).build());
    assertTrue(e.getMessage().contains("block 'inner': node 'c' (conv2d) cannot take an input of shape [4]"),
        e.getMessage());
  }

  /**
   * Inputs joined past what one tensor holds are refused naming the node and both shapes: two of 2³⁰ values summed, in
   * an int, to a negative length, and the block was refused for a shape of [-2147483648] it was never given.
   */
  @Test
  void inputsJoinedPastWhatATensorHoldsAreRefusedNamingTheNode() {
    BlockSpec wide = new BlockSpec("wide", List.of(BlockSpec.Node.concat(
        new LayerSpec.Activation(ActivationFunction.RELU).withName("r"), BlockSpec.INPUT, BlockSpec.INPUT)), null);
    assertEquals("block 'wide': node 'r' cannot join inputs of shapes [1073741824] and [1073741824] along the last "
        + "axis: one sample of the joined input would hold 2147483648 values, more than one tensor holds (2147483639)",
        assertThrows(IllegalArgumentException.class, () -> wide.outputShape(Shape.of(1 << 30))).getMessage());
    String m = assertThrows(IllegalArgumentException.class, () -> wide.outputShape(Shape.of(1000, 1_500_000)))
        .getMessage();
    assertTrue(m.startsWith("block 'wide': node 'r' cannot join inputs of shapes [1000, 1500000] and [1000, 1500000] "
        + "along the last axis: one sample of the joined input would hold 3000000000 values"), m);
    assertEquals(Shape.of(2, 6), wide.outputShape(Shape.of(2, 3)));
  }

  /**
   * A block of no nodes, whose output would be its input, is refused naming the block, from Java and from JSON, as is
   * a block whose output is named as its input: an identity is no block (leave it out).
   */
  @Test
  void aBlockWithoutNodesIsRefusedNamingIt() {
    for (List<BlockSpec.Node> none : java.util.Arrays.asList(List.<BlockSpec.Node>of(), null)) {
      String m = assertThrows(IllegalArgumentException.class, () -> new BlockSpec("empty", none, null)).getMessage();
      assertEquals("block 'empty': needs at least one node", m);
    }
    String m = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.read("""
        {"input": [4], "loss": "mean_squared_error", "layers": [{"type": "block", "name": "empty", "nodes": []}]}"""))
        .getMessage();
    assertTrue(m.contains("block 'empty': needs at least one node"), m);
    m = assertThrows(IllegalArgumentException.class, () -> new BlockSpec("through", List.of(BlockSpec.Node.of(
        new LayerSpec.Dense(4), BlockSpec.INPUT)), BlockSpec.INPUT)).getMessage();
    assertEquals("block 'through': the output 'input' is not a node of the block", m);
  }

  /** The identity on any shape, but for what it answers null: its output shape, its parameters, or one of them. */
  private record Hollow(String name, String answersNull) implements LayerSpec {
    @Override
    public String type() {
      return "hollow";
    }

    @Override
    public Hollow withName(String name) {
      return new Hollow(name, answersNull);
    }

    @Override
    public Shape outputShape(Shape input) {
      return "outputShape".equals(answersNull) ? null : input;
    }

    @Override
    public List<ParameterSpec> parameters(Shape input) {
      return "parameters".equals(answersNull) ? null : "a parameter".equals(answersNull) ? Arrays.asList(
          ParameterSpec.of("scale", Shape.of(1), Initializer.zeros()), null) : List.of();
    }

    @Override
    public Layer build(LayerContext c) {
      throw new UnsupportedOperationException("a spec's checks only");
    }

    @Override
    public void writeFields(FieldWriter out) {}
  }

  /**
   * A node whose kind answers null for its output shape or parameters, or lists null among them, is named with what it
   * answered, as a layer of the network is: the block was reported as unable to take its input, with the text of a
   * NullPointerException thrown reading the answer (or the next node's refusal of a null input shape).
   */
  @Test
  void aNodeWhoseKindAnswersNullIsNamed() {
    Map<String, String> said = Map.of(
        "outputShape", "outputShape([4]) gave null; a kind gives the shape, or throws IllegalArgumentException naming "
            + "why the input does not fit",
        "parameters", "parameters([4]) gave null; a kind gives an empty list when it has none",
        "a parameter", "parameters([4]) gave a list holding null at index 1; each entry declares one tensor");
    said.forEach((answer, words) -> {
      InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(4)
          .layer(new BlockSpec(BlockSpec.Node.of(new Hollow("h", answer), BlockSpec.INPUT),
              BlockSpec.Node.of(new LayerSpec.Dense(2).withName("d"), "h"))).loss(LossFunction.SQUARED_ERROR).build());
      assertTrue(e.getMessage().contains("block 'block1': node 'h' (" + Hollow.class.getName() + "): its " + words),
          e.getMessage());
    });
  }

  /** The identity, of the type given, whose withName gives null ("null"), itself as it is ("ignored") or a copy. */
  private record Misnamed(String name, String type, String renaming) implements LayerSpec {
    @Override
    public LayerSpec withName(String name) {
      return switch (renaming) {
        case "null" -> null;
        case "ignored" -> this;
        default -> new Misnamed(name, type, renaming);
      };
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public Layer build(LayerContext c) {
      throw new UnsupportedOperationException("a spec's checks only");
    }

    @Override
    public void writeFields(FieldWriter out) {}
  }

  /**
   * A node of a kind without a type name is refused, as a layer of the network is: it was named "null1", and the
   * network around the block failed with a NullPointerException checking its loss. A kind whose withName drops the
   * default name a node is given is refused naming both: the block failed with a NullPointerException, or said it was
   * given no layer.
   */
  @Test
  void aNodeWithoutATypeNameOrThatDropsTheNameItIsGivenIsRefusedNamingIt() {
    String kind = Misnamed.class.getName();
    for (String type : java.util.Arrays.asList(null, " ")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlockSpec("b", List.of(
          BlockSpec.Node.of(new LayerSpec.Dense(2).withName("d"), BlockSpec.INPUT),
          BlockSpec.Node.of(new Misnamed(null, type, "kept"), "d")), null));
      assertEquals("block 'b': node 1 (" + kind + ") has no type name: type() returned "
          + (type == null ? "null" : "' '"), e.getMessage());
    }
    assertEquals("block 'b': node 0 (" + kind + "): withName(\"odd1\") gave null; a kind gives a copy of itself under "
        + "the name asked", assertThrows(IllegalArgumentException.class, () -> new BlockSpec("b", List.of(
            BlockSpec.Node.of(new Misnamed(null, "odd", "null"), BlockSpec.INPUT)), null)).getMessage());
    assertEquals("block 'b': node 0 (" + kind + "): withName(\"odd1\") gave a layer named null; a kind gives a copy "
        + "of itself under the name asked", assertThrows(IllegalArgumentException.class, () -> new BlockSpec("b",
            List.of(BlockSpec.Node.of(new Misnamed(null, "odd", "ignored"), BlockSpec.INPUT)), null)).getMessage());
    assertEquals("odd1", new BlockSpec("b", List.of(BlockSpec.Node.of(new Misnamed(null, "odd", "kept"),
        BlockSpec.INPUT)), null).output());
  }

  @Test
  void aNodeTheOutputDoesNotDependOnIsRejectedNamingIt() {
    // Listed backwards without naming the output: the last listed, 'hidden', would be the output and 'out' dead.
    String m = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.read("""
        {"input": [4], "loss": "mean_squared_error", "layers": [{"type": "block", "name": "res", "nodes": [
          {"inputs": ["hidden", "input"], "layer": {"type": "tanh", "name": "out"}},
          {"layer": {"type": "dense", "name": "hidden", "units": 4}}]}]}""")).getMessage();
    assertTrue(m.contains("block 'res': node 'out' does not lead to the output 'hidden'"), m);
    // A side branch whose parameters would never learn, and a chain of two.
    String branch = assertThrows(IllegalArgumentException.class, () -> new BlockSpec(
        BlockSpec.Node.of(new LayerSpec.Dense(4), BlockSpec.INPUT),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU), "dense1"),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.TANH), BlockSpec.INPUT))).getMessage();
    assertTrue(branch.contains("nodes 'dense1', 'relu1' do not lead to the output 'tanh1'"), branch);
  }

  @Test
  void itRoundTripsThroughJsonWithItsLayersReadByTheirKinds() {
    NetworkSpec spec = NetworkSpec.builder().input(6).layer(residual(6)).dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    String json = NetworkSpecJson.write(spec);
    assertEquals(spec, NetworkSpecJson.read(json));
    String listedBackwards = """
        {"input": [4], "loss": "mean_squared_error", "layers": [{"type": "block", "nodes": [
          {"inputs": ["hidden", "input"], "layer": {"type": "tanh", "name": "out"}},
          {"layer": {"type": "dense", "name": "hidden", "units": 4}}], "output": "out"}]}""";
    NetworkSpec read = NetworkSpecJson.read(listedBackwards);
    BlockSpec block = (BlockSpec) read.layers().get(0);
    assertEquals("out", block.output());
    assertEquals(Shape.of(4), read.outputShape());
    String bad = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.read(
        listedBackwards.replace("\"units\"", "\"unit\""))).getMessage();
    assertTrue(bad.contains("layers[0].nodes[1].layer"), bad);
  }

  /** A null node or input is named where the block is made, not a bare NullPointerException from List.of. */
  @Test
  void aNullNodeOrInputIsNamed() {
    LayerSpec fc = new LayerSpec.Dense(2).withName("fc");
    IllegalArgumentException input = assertThrows(IllegalArgumentException.class,
        () -> BlockSpec.Node.of(fc, (String) null));
    assertEquals("block node fc: input 0 of [null] is null; name the block's input \"input\" or another node",
        input.getMessage());
    IllegalArgumentException node = assertThrows(IllegalArgumentException.class,
        () -> new BlockSpec("b", java.util.Arrays.asList(BlockSpec.Node.of(fc, BlockSpec.INPUT), null), null));
    assertEquals("block 'b': node 1 is null", node.getMessage());
  }
}
