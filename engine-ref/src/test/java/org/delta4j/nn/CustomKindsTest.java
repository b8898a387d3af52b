package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.delta4j.autodiff.BlockSpec;
import org.delta4j.autodiff.BlockSpec.Node;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.gradcheck.GradientChecker;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.ModelFormatException;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.io.SafeTensors;
import org.delta4j.nn.custom.AveragedSgd;
import org.delta4j.nn.custom.CustomKinds;
import org.delta4j.nn.custom.GainTanh;
import org.delta4j.nn.custom.LearnedScale;
import org.delta4j.nn.custom.WeightedMse;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.BatchNorm;
import org.delta4j.spec.Conv2D;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kinds defined outside {@code api} (package {@code custom}, registered by META-INF/services like any library's): a
 * layer with a parameter and a buffer, a loss with a field and an optimizer with state train, save, load and resume
 * exactly; and a kind that is missing, or that builds what it did not declare, is named in the error.
 */
class CustomKindsTest {
  @TempDir
  Path dir;

  private final Engine engine = new RefEngine();

  private static NetworkSpec spec() {
    return NetworkSpec.builder().input(4).dense(6).tanh().layer(new LearnedScale(null, 0.5)).dense(2)
        .loss(new WeightedMse(3)).optimizer(new AveragedSgd(0.05, 0.3, 0.001, new LearningRateSchedule.Constant()))
        .seed(9).build();
  }

  private Tensor[] batch(int step) {
    SplitMix64 r = new SplitMix64(step);
    double[] x = new double[8 * 4];
    double[] t = new double[8 * 2];
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 4; j++) {
        x[i * 4 + j] = r.nextGaussian();
      }
      t[i * 2] = x[i * 4] - x[i * 4 + 1];
      t[i * 2 + 1] = x[i * 4 + 2] * 0.5;
    }
    return new Tensor[] {engine.tensor(DataType.FLOAT64, Shape.of(8, 4), x),
        engine.tensor(DataType.FLOAT64, Shape.of(8, 2), t)};
  }

  private double train(Network n, int from, int to) {
    double loss = 0;
    for (int step = from; step < to; step++) {
      Tensor[] b = batch(step % 5);
      loss = n.trainStep(b[0], b[1]);
    }
    return loss;
  }

  @Test
  void theirDescriptionRoundTripsThroughJsonAsAnyBuiltInDoes() {
    String json = NetworkSpecJson.write(spec());
    assertTrue(json.contains("\"learned_scale\"") && json.contains("\"weighted_mse\"")
        && json.contains("\"averaged_sgd\""), json);
    assertEquals(spec(), NetworkSpecJson.read(json));
    assertEquals(4 * 6 + 6 + 1 + 6 * 2 + 2, spec().parameterCount(), "the learned scale counts as one parameter");
  }

  @Test
  void theyTrainSaveLoadAndResumeExactly() throws IOException {
    Network straight = Network.create(spec(), engine, DataType.FLOAT64);
    double first = train(straight, 0, 1);
    double last = train(straight, 1, 40);
    assertTrue(last < first / 2, "the loss fell from " + first + " to " + last);
    assertEquals(40, straight.buffers().get("learned_scale1.passes").getDouble(0), "the buffer counted the passes");

    Network interrupted = Network.create(spec(), engine, DataType.FLOAT64);
    train(interrupted, 0, 17);
    ModelFiles.save(interrupted, dir.resolve("m.safetensors"));
    Network resumed = ModelFiles.load(dir.resolve("m.safetensors"), engine).network();
    assertEquals(17, resumed.buffers().get("learned_scale1.passes").getDouble(0));
    assertEquals(17, resumed.optimizer().iterations());
    train(resumed, 17, 40);
    for (int i = 0; i < straight.parameters().size(); i++) {
      assertArrayEquals(straight.parameters().get(i).value().toDoubleArray(),
          resumed.parameters().get(i).value().toDoubleArray(), straight.parameters().get(i).name());
    }
    assertArrayEquals(straight.optimizer().state().get("learned_scale1.scale/sum").toDoubleArray(),
        resumed.optimizer().state().get("learned_scale1.scale/sum").toDoubleArray());
  }

  /**
   * A residual block of a convolution, batch norm, dropout and a kind written forward-only ({@link GainTanh}), nested
   * in a block that adds its input back through another, then a block of one node.
   */
  private static NetworkSpec blocks() {
    BlockSpec residual = new BlockSpec("res", List.of(
        Node.of(new Conv2D(2, 3, Padding.SAME).withName("c"), BlockSpec.INPUT),
        Node.of(new BatchNorm().withName("bn"), "c"),
        Node.of(new GainTanh("g"), "bn"),
        Node.of(new LayerSpec.Dropout(0.3).withName("drop"), "g"),
        Node.of(new LayerSpec.Activation(ActivationFunction.RELU).withName("out"), "drop", BlockSpec.INPUT)), null);
    BlockSpec outer = new BlockSpec("outer", List.of(Node.of(residual, BlockSpec.INPUT),
        Node.of(new GainTanh("g"), "res", BlockSpec.INPUT)), null);
    BlockSpec head = new BlockSpec("head", List.of(Node.of(new LayerSpec.Dense(2).withName("fc"), BlockSpec.INPUT)),
        null);
    return NetworkSpec.builder().input(2, 3, 3).layer(outer).flatten().layer(head)
        .loss(LossFunction.MEAN_SQUARED_ERROR).optimizer(new OptimizerSpec.Adam(0.01)).seed(3).build();
  }

  private void trainBlocks(Network n, int from, int to) {
    for (int step = from; step < to; step++) {
      SplitMix64 r = new SplitMix64(step);
      double[] x = new double[4 * 18];
      double[] t = new double[4 * 2];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextGaussian();
      }
      for (int i = 0; i < t.length; i++) {
        t[i] = r.nextGaussian();
      }
      n.trainStep(engine.tensor(DataType.FLOAT64, Shape.of(4, 2, 3, 3), x),
          engine.tensor(DataType.FLOAT64, Shape.of(4, 2), t));
    }
  }

  /**
   * Nested blocks with a convolution, batch norm, dropout and a kind written forward-only train, save, load and resume
   * exactly: parameters, batch norm's running statistics and the optimizer's state end as in an uninterrupted run.
   */
  @Test
  void nestedBlocksWithAForwardOnlyKindSaveLoadAndResumeExactly() throws IOException {
    assertEquals(blocks(), NetworkSpecJson.read(NetworkSpecJson.write(blocks())));
    Network straight = Network.create(blocks(), engine, DataType.FLOAT64);
    trainBlocks(straight, 0, 12);
    Network interrupted = Network.create(blocks(), engine, DataType.FLOAT64);
    trainBlocks(interrupted, 0, 5);
    ModelFiles.save(interrupted, dir.resolve("blocks.safetensors"));
    Network resumed = ModelFiles.load(dir.resolve("blocks.safetensors"), engine).network();
    trainBlocks(resumed, 5, 12);
    assertEquals(straight.parameters().stream().map(Parameter::name).toList(),
        resumed.parameters().stream().map(Parameter::name).toList());
    assertTrue(straight.parameters().stream().anyMatch(p -> p.name().equals("outer.res:g:gain")),
        straight.parameters().stream().map(Parameter::name).toList().toString());
    for (int i = 0; i < straight.parameters().size(); i++) {
      assertArrayEquals(straight.parameters().get(i).value().toDoubleArray(),
          resumed.parameters().get(i).value().toDoubleArray(), straight.parameters().get(i).name());
    }
    assertEquals(straight.buffers().keySet(), resumed.buffers().keySet());
    straight.buffers().forEach((name, b) -> assertArrayEquals(b.toDoubleArray(),
        resumed.buffers().get(name).toDoubleArray(), name));
    straight.optimizer().state().forEach((name, m) -> assertArrayEquals(m.toDoubleArray(),
        resumed.optimizer().state().get(name).toDoubleArray(), name));
  }

  @Test
  void aModelWhoseKindIsNotOnTheClassPathNamesTheKindAndItsProvider() throws IOException {
    ModelFormatException e = loadedWithAnUnknownKind(spec());
    assertTrue(e.getMessage().contains("layer kind 'learned_shift'")
        && e.getMessage().contains("provided by " + CustomKinds.class.getName()), e.getMessage());
  }

  /** A kind inside a block is as much the model's as one at the top, and as well named when it is missing. */
  @Test
  void aModelWhoseKindInsideABlockIsNotOnTheClassPathNamesTheKindAndItsProvider() throws IOException {
    BlockSpec block = new BlockSpec(Node.of(new LayerSpec.Dense(4), BlockSpec.INPUT),
        Node.of(new LearnedScale("scale", 0.5), "dense1", BlockSpec.INPUT));
    NetworkSpec spec = NetworkSpec.builder().input(4).layer(block).dense(2).loss(new WeightedMse(3)).build();
    ModelFormatException e = loadedWithAnUnknownKind(spec);
    assertTrue(e.getMessage().contains("the model uses the layer kind 'learned_shift', provided by "
        + CustomKinds.class.getName() + ","), e.getMessage());
  }

  /** The refusal to load a model of {@code spec} whose file names 'learned_shift' where it saved 'learned_scale'. */
  private ModelFormatException loadedWithAnUnknownKind(NetworkSpec spec) throws IOException {
    Path file = dir.resolve("m.safetensors");
    ModelFiles.save(Network.create(spec, engine, DataType.FLOAT32), file);
    SafeTensors.Contents c = SafeTensors.read(file);
    Map<String, String> meta = new LinkedHashMap<>(c.metadata());
    meta.put("network", meta.get("network").replace("learned_scale", "learned_shift"));
    meta.put("kinds", meta.get("kinds").replace("learned_scale", "learned_shift"));
    SafeTensors.write(file, c.tensors(), meta);
    return assertThrows(ModelFormatException.class, () -> ModelFiles.load(file, engine));
  }

  /**
   * A model of a kind that no provider registers is not saved: loading reads the description with the registered
   * kinds, so the file would be one nothing loads (it was written, and its loading then said "provided by null").
   */
  @Test
  void aModelOfAKindNoProviderRegistersIsNotSavedNamingTheKind() throws IOException {
    Path file = dir.resolve("unregistered.safetensors");
    NetworkSpec top = NetworkSpec.builder().input(2).layer(new Wide("w")).loss(new WeightedMse(1)).build();
    NetworkSpec inBlock = NetworkSpec.builder().input(2).layer(new BlockSpec("b",
        List.of(Node.of(new Wide("w"), BlockSpec.INPUT)), null)).loss(new WeightedMse(1)).build();
    for (NetworkSpec spec : List.of(top, inBlock)) {
      Network net = Network.create(spec, engine, DataType.FLOAT32);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.save(net, file));
      assertEquals(file + ": not saved, as the network uses the layer kind 'wide', which no KindProvider on the "
          + "class path registers, so the model could not be loaded: register it (a KindProvider named in "
          + "META-INF/services/org.delta4j.spec.KindProvider)", e.getMessage());
      assertTrue(java.nio.file.Files.notExists(file), "nothing written");
    }
  }

  /** A kind that declares a [3, 2] weight but builds a layer training a [2, 3] one. */
  record Miswired(String name) implements LayerSpec {
    @Override
    public String type() {
      return "miswired";
    }

    @Override
    public LayerSpec withName(String name) {
      return new Miswired(name);
    }

    @Override
    public Shape outputShape(Shape input) {
      return Shape.of(2);
    }

    @Override
    public List<ParameterSpec> parameters(Shape input) {
      return List.of(ParameterSpec.of("weight", Shape.of(3, 2), Initializer.zeros()));
    }

    @Override
    public void writeFields(FieldWriter out) {}

    @Override
    public Layer build(LayerContext c) {
      Parameter own = Parameter.zeros(c.name() + ".weight", Shape.of(2, 3), c.engine(), c.dataType());
      return new org.delta4j.nn.layers.DenseLayer(c.name(), c.inputShape(), 2, own,
          Parameter.zeros(c.name() + ".bias", Shape.of(2), c.engine(), c.dataType()), c.engine(), c.dataType());
    }
  }

  @Test
  void aLayerThatBuildsOtherParametersThanItDeclaresIsRefusedNamingTheShapes() {
    NetworkSpec spec = NetworkSpec.builder().input(3).layer(new Miswired("m")).loss(new WeightedMse(1)).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Network.create(spec, engine));
    assertTrue(e.getMessage().contains("miswired layer 'm' (" + Miswired.class.getName() + ")")
        && e.getMessage().contains("[m.weight[3, 2]]") && e.getMessage().contains("m.weight[2, 3]"), e.getMessage());
  }

  /** A kind whose build gives no layer, in a block: named as the network names one of its own layers. */
  record Unbuilt(String name) implements LayerSpec {
    @Override
    public String type() {
      return "unbuilt";
    }

    @Override
    public LayerSpec withName(String name) {
      return new Unbuilt(name);
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public void writeFields(FieldWriter out) {}

    @Override
    public Layer build(LayerContext c) {
      return null;
    }
  }

  /** It was a NullPointerException from inside the block ("Cannot invoke Layer.parameters() because layer is null"). */
  @Test
  void aBlockNodeWhoseKindBuildsNoLayerIsNamed() {
    NetworkSpec spec = NetworkSpec.builder().input(3).layer(new BlockSpec("b", List.of(
        Node.of(new LayerSpec.Dense(3).withName("d"), BlockSpec.INPUT), Node.of(new Unbuilt("u"), "d")), null))
        .loss(new WeightedMse(1)).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Network.create(spec, engine));
    assertEquals("block 'b': node 'u' (" + Unbuilt.class.getName() + ") built no layer (null)", e.getMessage());
  }

  /** Declares an output of 2 per sample, but builds a layer that says, and gives, its input of 3 unchanged. */
  record Misdeclared(String name) implements LayerSpec {
    @Override
    public String type() {
      return "misdeclared";
    }

    @Override
    public LayerSpec withName(String name) {
      return new Misdeclared(name);
    }

    @Override
    public Shape outputShape(Shape input) {
      return Shape.of(2);
    }

    @Override
    public void writeFields(FieldWriter out) {}

    @Override
    public Layer build(LayerContext c) {
      return new Layer() {
        @Override
        public String name() {
          return c.name();
        }

        @Override
        public Shape inputShape() {
          return c.inputShape();
        }

        @Override
        public Shape outputShape() {
          return c.inputShape();
        }

        @Override
        public Tensor forward(Tensor input, Mode mode) {
          return input;
        }

        @Override
        public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
          return gradOutput;
        }

        @Override
        public List<Parameter> parameters() {
          return List.of();
        }
      };
    }
  }

  /**
   * A block node whose layer contradicts what its kind declared, its output shape or its parameters, is named as the
   * network names a layer of its own that does: the node after it was blamed for an input it was never built for
   * ("b/d: input has shape [2, 3] but the layer expects [N, 2]"), or a merge failed ("reshape: cannot reshape [2, 6]").
   */
  @Test
  void aBlockNodeWhoseLayerIsNotWhatItsKindDeclaresIsNamed() {
    NetworkSpec shape = NetworkSpec.builder().input(3).layer(new BlockSpec("b", List.of(
        Node.of(new Misdeclared("l"), BlockSpec.INPUT), Node.of(new LayerSpec.Dense(2).withName("d"), "l")), null))
        .loss(new WeightedMse(1)).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Network.create(shape, engine));
    assertEquals("block 'b': node 'l' (" + Misdeclared.class.getName() + ") declares parameters [] and output shape "
        + "[2] for input [3], but the layer it built has parameters [] and output shape [3]", e.getMessage());
    NetworkSpec parameters = NetworkSpec.builder().input(3).layer(new BlockSpec("b", List.of(
        Node.of(new Miswired("m"), BlockSpec.INPUT)), null)).loss(new WeightedMse(1)).build();
    e = assertThrows(IllegalStateException.class, () -> Network.create(parameters, engine));
    assertEquals("block 'b': node 'm' (" + Miswired.class.getName() + ") declares parameters [b.m:weight[3, 2]] and "
        + "output shape [2] for input [3], but the layer it built has parameters [b/m.weight[2, 3], b/m.bias[2]] and "
        + "output shape [2]", e.getMessage());
  }

  /**
   * Declares an output of 2 per sample, and its layer says so too, but gives what {@code gives} makes of its input (by
   * default its input of 3 unchanged), and from its backward pass what {@code givesBack} makes of ∂L/∂output.
   */
  record Wide(String name, java.util.function.UnaryOperator<Tensor> gives,
      java.util.function.UnaryOperator<Tensor> givesBack) implements LayerSpec {
    Wide(String name) {
      this(name, input -> input);
    }

    Wide(String name, java.util.function.UnaryOperator<Tensor> gives) {
      this(name, gives, dy -> dy);
    }

    @Override
    public String type() {
      return "wide";
    }

    @Override
    public LayerSpec withName(String name) {
      return new Wide(name, gives, givesBack);
    }

    @Override
    public Shape outputShape(Shape input) {
      return Shape.of(2);
    }

    @Override
    public void writeFields(FieldWriter out) {}

    @Override
    public Layer build(LayerContext c) {
      return new Layer() {
        @Override
        public String name() {
          return c.name();
        }

        @Override
        public Shape inputShape() {
          return c.inputShape();
        }

        @Override
        public Shape outputShape() {
          return Shape.of(2);
        }

        @Override
        public Tensor forward(Tensor input, Mode mode) {
          return gives.apply(input);
        }

        @Override
        public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
          return givesBack.apply(gradOutput);
        }

        @Override
        public List<Parameter> parameters() {
          return List.of();
        }
      };
    }
  }

  /**
   * A layer whose forward pass gives another shape than it declares is named where it does so: the predictor read its
   * rows by the declared width (the first sample's probabilities were [1, 2], the second's [3, 4]), training blamed the
   * targets, and a following layer its own input.
   */
  @Test
  void aLayerWhoseOutputIsNotItsDeclaredShapeIsNamed() {
    NetworkSpec spec = NetworkSpec.builder().input(3).layer(new Wide("w")).loss(new WeightedMse(1)).build();
    Network net = Network.create(spec, engine, DataType.FLOAT32);
    String expected = "layer 'w' (" + Wide.class.getName() + "$1): its forward pass gave [2, 3] for a batch of 2, but "
        + "its output shape [2] makes [2, 2]";
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> net.predictor().probabilities(new float[][] {{1, 2, 3}, {4, 5, 6}}));
    assertEquals(expected, e.getMessage());
    Tensor x = engine.tensor(DataType.FLOAT32, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
    Tensor t = engine.zeros(DataType.FLOAT32, Shape.of(2, 2));
    e = assertThrows(IllegalStateException.class, () -> net.trainStep(x, t));
    assertEquals(expected, e.getMessage());
    Network deeper = Network.create(NetworkSpec.builder().input(3).layer(new Wide("w")).dense(2)
        .loss(new WeightedMse(1)).build(), engine, DataType.FLOAT32);
    e = assertThrows(IllegalStateException.class, () -> deeper.forward(x, Mode.inference()));
    assertEquals(expected, e.getMessage());
    Network inBlock = Network.create(NetworkSpec.builder().input(3).layer(new BlockSpec("b",
        List.of(Node.of(new Wide("w"), BlockSpec.INPUT)), null)).loss(new WeightedMse(1)).build(), engine,
        DataType.FLOAT32);
    e = assertThrows(IllegalStateException.class, () -> inBlock.forward(x, Mode.inference()));
    assertEquals("block layer 'b': " + expected.replace("layer 'w'", "layer 'b/w'"), e.getMessage());
  }

  /**
   * A layer whose forward pass gives a tensor of another data type, or of another engine, than its input's is named
   * where the network or a block's tape runs it, with what was expected and what it gave, not in a kernel later.
   */
  @Test
  void aLayerWhoseOutputIsOfAnotherTypeOrEngineIsNamed() {
    Engine other = new RefEngine();
    Tensor x = engine.tensor(DataType.FLOAT32, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
    for (Wide w : List.of(new Wide("w", in -> engine.zeros(DataType.FLOAT64, Shape.of(2, 2))),
        new Wide("w", in -> other.zeros(DataType.FLOAT32, Shape.of(2, 2))))) {
      String expected = "layer 'w' (" + Wide.class.getName() + "$1): its forward pass gave a "
          + (w.gives().apply(x).dataType()) + " tensor on engine ref, but its input is FLOAT32 on engine ref";
      Network net = Network.create(NetworkSpec.builder().input(3).layer(w).loss(new WeightedMse(1)).build(), engine,
          DataType.FLOAT32);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.forward(x, Mode.inference()));
      assertTrue(e.getMessage().startsWith(expected), e.getMessage());
      Network inBlock = Network.create(NetworkSpec.builder().input(3).layer(new BlockSpec("b",
          List.of(Node.of(w, BlockSpec.INPUT)), null)).loss(new WeightedMse(1)).build(), engine, DataType.FLOAT32);
      e = assertThrows(IllegalStateException.class, () -> inBlock.forward(x, Mode.inference()));
      assertTrue(e.getMessage().startsWith("block layer 'b': " + expected.replace("layer 'w'", "layer 'b/w'")),
          e.getMessage());
    }
  }

  /**
   * A layer whose backward pass gives ∂L/∂input of another shape, data type or engine than its input's, or none where
   * one is needed, is named where the network, a block's tape or the gradient checker runs it: the layer before it was
   * blamed for its "output gradient", a kernel for mixed types, in a block a missing gradient stopped the chain rule
   * without a word, leaving the layers before it untrained, and the gradient checker compared what it was given.
   */
  @Test
  void aLayerWhoseBackwardGivesAnotherShapeTypeOrEngineOrNothingIsNamed() {
    Engine other = new RefEngine();
    Tensor x = engine.tensor(DataType.FLOAT32, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
    Tensor t = engine.zeros(DataType.FLOAT32, Shape.of(2, 2));
    java.util.function.UnaryOperator<Tensor> gives = in -> engine.zeros(in.dataType(), Shape.of(2, 2));
    String layer = "layer 'w' (" + Wide.class.getName() + "$1): its backward pass gave ";
    Map<Wide, String> cases = new LinkedHashMap<>();
    cases.put(new Wide("w", gives, dy -> engine.zeros(DataType.FLOAT32, Shape.of(2, 5))),
        layer + "[2, 5] for a batch of 2, but its input shape [4] makes [2, 4]");
    cases.put(new Wide("w", gives, dy -> engine.zeros(DataType.FLOAT32, Shape.of(3, 4))),
        layer + "[3, 4] for a batch of 2, but its input shape [4] makes [2, 4]");
    cases.put(new Wide("w", gives, dy -> null), layer + "null for a batch of 2, but its input shape [4] makes [2, 4]");
    cases.put(new Wide("w", gives, dy -> engine.zeros(DataType.FLOAT64, Shape.of(2, 4))),
        layer + "a FLOAT64 tensor on engine ref, but its input is FLOAT32 on engine ref");
    cases.put(new Wide("w", gives, dy -> other.zeros(DataType.FLOAT32, Shape.of(2, 4))),
        layer + "a FLOAT32 tensor on engine ref, but its input is FLOAT32 on engine ref (another instance of it)");
    for (Map.Entry<Wide, String> c : cases.entrySet()) {
      Network net = Network.create(NetworkSpec.builder().input(3).dense(4).layer(c.getKey()).dense(2)
          .loss(new WeightedMse(1)).build(), engine, DataType.FLOAT32);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.trainStep(x, t));
      assertEquals(c.getValue(), e.getMessage());
      Network inBlock = Network.create(NetworkSpec.builder().input(3).layer(new BlockSpec("b", List.of(
          Node.of(new LayerSpec.Dense(4).withName("d"), BlockSpec.INPUT), Node.of(c.getKey(), "d")), null)).dense(2)
          .loss(new WeightedMse(1)).build(), engine, DataType.FLOAT32);
      e = assertThrows(IllegalStateException.class, () -> inBlock.trainStep(x, t));
      assertEquals("block layer 'b': " + c.getValue().replace("layer 'w'", "layer 'b/w'"), e.getMessage());
    }
    GradientChecker checker = new GradientChecker();
    Tensor x64 = engine.tensor(DataType.FLOAT64, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
    Layer backward = Network.create(NetworkSpec.builder().input(3).layer(new Wide("w", gives,
        dy -> engine.zeros(DataType.FLOAT64, Shape.of(2, 5)))).loss(new WeightedMse(1)).build(), engine,
        DataType.FLOAT64).layers().get(0);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> checker.checkLayer(backward, x64));
    assertEquals(layer + "[2, 5] for a batch of 2, but its input shape [3] makes [2, 3]", e.getMessage());
    Layer forward = Network.create(NetworkSpec.builder().input(3).layer(new Wide("w")).loss(new WeightedMse(1))
        .build(), engine, DataType.FLOAT64).layers().get(0);
    e = assertThrows(IllegalStateException.class, () -> checker.checkLayer(forward, x64));
    assertEquals("layer 'w' (" + Wide.class.getName() + "$1): its forward pass gave [2, 3] for a batch of 2, but its "
        + "output shape [2] makes [2, 2]", e.getMessage());
  }

  /** An optimizer of the given type and state names whose rule does {@code rule} to each weight. */
  record Odd(String type, List<String> stateNames, java.util.function.BiConsumer<Kernels, Tensor> rule)
      implements OptimizerSpec {
    @Override
    public double learningRate() {
      return 0.1;
    }

    @Override
    public double weightDecay() {
      return 0;
    }

    @Override
    public LearningRateSchedule schedule() {
      return new LearningRateSchedule.Constant();
    }

    @Override
    public void update(Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
      rule.accept(kernels, w);
    }

    @Override
    public void writeFields(FieldWriter out) {}
  }

  /** Two state tensors of one name would be saved as one, and a resumed run would start the other from zero. */
  @Test
  void anOptimizerWhoseStateNamesRepeatIsRefused() {
    NetworkSpec spec = NetworkSpec.builder().input(3).dense(2).loss(new WeightedMse(1)).optimizer(new Odd("twice", List.of("m", "m"), (k, w) -> {}))
        .build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Network.create(spec, engine));
    assertTrue(e.getMessage().startsWith("twice optimizer (" + Odd.class.getName() + "): its state names must be "
        + "distinct") && e.getMessage().contains("[m, m]"), e.getMessage());
  }
}
