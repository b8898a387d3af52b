package org.delta4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.delta4j.tensor.Shape;
import org.junit.jupiter.api.Test;

/** Network descriptions: shapes inferred, names defaulted, and every mistake reported at once. */
class NetworkSpecTest {
  @Test
  void inputSizesAreInferredAndNamesDefaulted() {
    NetworkSpec spec = NetworkSpec.builder().input(28, 28).dense(256).relu().dropout(0.2).dense(128).relu().dense(10)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    assertEquals(List.of("dense1", "relu1", "dropout1", "dense2", "relu2", "dense3"),
        spec.layers().stream().map(LayerSpec::name).toList());
    assertEquals(List.of(Shape.of(28, 28), Shape.of(256), Shape.of(256), Shape.of(256), Shape.of(128), Shape.of(128)),
        spec.inputShapes());
    assertEquals(Shape.of(10), spec.outputShape());
    assertEquals((784 + 1) * 256 + (256 + 1) * 128 + (128 + 1) * 10, spec.parameterCount());
    assertTrue(spec.summary().startsWith("784-256-128-10 (relu, dropout 0.2, relu), softmax_cross_entropy"),
        spec.summary());
  }

  /** The summary names the pooling kinds as max-pool and avg-pool, as it names global-avg-pool. */
  @Test
  void theSummaryNamesEachPoolingKind() {
    NetworkSpec spec = NetworkSpec.builder().input(1, 8, 8).maxPool(2).avgPool(2).globalAveragePool()
        .dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    assertTrue(spec.summary().contains("(max-pool 2×2 /2, avg-pool 2×2 /2, global-avg-pool)"), spec.summary());
  }

  /** The summary says what a window's padding is: "same", or "pad H×W" for explicit padding, not a bare H×W. */
  @Test
  void theSummaryNamesExplicitPaddingAsPad() {
    NetworkSpec spec = NetworkSpec.builder().input(1, 8, 8)
        .layer(new Conv2D(4, new Window2D(3, 3, 1, 1, 1, 1, Padding.explicit(2, 1))))
        .layer(new Conv2D(4, Window2D.square(3, Padding.SAME)))
        .layer(new Pool2D("p", Pool2D.Kind.MAX, new Window2D(3, 3, 1, 1, 1, 1, Padding.explicit(1, 0))))
        .flatten().dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    assertTrue(spec.summary().startsWith("64-conv 4 3×3 pad 2×1-conv 4 3×3 same-2 (max-pool 3×3 pad 1×0, flatten)"),
        spec.summary());
  }

  /**
   * A tensor of 2³¹ − 1 values is more than one tensor holds: no JVM allocates an array that long, whatever its heap.
   * A dense layer of 2,147,483,647 units over one input was a valid spec, and building it told the user to give Java
   * 9 GiB, which would not have done; it is refused with the layer, the shape and the limit. A few units fewer fit.
   */
  @Test
  void aTensorOfTheLargestIntValuesIsMoreThanOneTensorHolds() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(1)
        .dense(Integer.MAX_VALUE).loss(LossFunction.MEAN_SQUARED_ERROR).build());
    assertTrue(e.getMessage().contains("dense layer 'dense1': its weight of shape ") && e.getMessage().contains(
        " would hold 2147483647 values, more than one tensor holds (2147483639)"), e.getMessage());
    NetworkSpec fits = NetworkSpec.builder().input(1).dense(Integer.MAX_VALUE - 8)
        .loss(LossFunction.MEAN_SQUARED_ERROR).build();
    assertEquals(Shape.of(Integer.MAX_VALUE - 8), fits.outputShape());
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> new NetworkSpec(null,
        List.of(new LayerSpec.Dense(4).withName("a"), new LayerSpec.Activation(ActivationFunction.SOFTMAX),
            new LayerSpec.Dense(3).withName("a"), new LayerSpec.Activation(ActivationFunction.SOFTMAX)),
        LossFunction.SOFTMAX_CROSS_ENTROPY, null, 1));
    List<String> attributes = e.problems().stream().map(SpecRules.Problem::attribute).toList();
    assertEquals(List.of("input", "function", "name", "loss", "optimizer"), attributes, e.getMessage());
    assertTrue(e.getMessage().contains("softmax must be the last layer"), e.getMessage());
    assertTrue(e.getMessage().contains("duplicate layer name 'a'"), e.getMessage());
    assertTrue(e.getMessage().contains("remove the final softmax layer"), e.getMessage());
  }

  @Test
  void lossesMustFitTheLastLayer() {
    assertTrue(problem(LossFunction.BINARY_CROSS_ENTROPY, ActivationFunction.SOFTMAX).contains("over 10 units"));
    assertTrue(problem(LossFunction.BINARY_CROSS_ENTROPY, ActivationFunction.RELU).contains("end the network with a "
        + "sigmoid"));
    assertTrue(problem(LossFunction.CATEGORICAL_CROSS_ENTROPY, ActivationFunction.SIGMOID).contains("softmax"));
    assertTrue(problem(LossFunction.PERCEPTRON, ActivationFunction.TANH).contains("raw activation"));
    assertEquals("", problem(LossFunction.CATEGORICAL_CROSS_ENTROPY, ActivationFunction.SOFTMAX));
    assertEquals("", problem(LossFunction.BINARY_CROSS_ENTROPY, ActivationFunction.SIGMOID));
    assertEquals("", problem(LossFunction.MEAN_SQUARED_ERROR, ActivationFunction.TANH));
  }

  /**
   * A softmax normalises each row of its input's last axis, and categorical cross-entropy reads a sample's outputs as
   * one distribution: on a [4, 1, 1] output every "probability" was 1, the loss 0 and nothing learned. Refused, with
   * the way out; a flatten before the softmax makes the two agree.
   */
  @Test
  void aSoftmaxOverAnImageDoesNotFeedCategoricalCrossEntropy() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(2, 3, 3)
        .conv2d(4, 3, Padding.VALID).softmax().loss(LossFunction.CATEGORICAL_CROSS_ENTROPY).build());
    assertTrue(e.getMessage().contains("CATEGORICAL_CROSS_ENTROPY reads a sample's 4 outputs as one distribution, but "
        + "the softmax over [4, 1, 1] normalises along its last axis alone (length 1): put a flatten layer before the "
        + "softmax"), e.getMessage());
    NetworkSpec.builder().input(2, 3, 3).conv2d(4, 3, Padding.VALID).flatten().softmax()
        .loss(LossFunction.CATEGORICAL_CROSS_ENTROPY).build();
    NetworkSpec.builder().input(2, 3, 3).conv2d(4, 3, Padding.VALID).softmax() // rows of 1 value, as asked
        .loss(LossFunction.MEAN_SQUARED_ERROR).build();
  }

  /** A softmax of one value is 1: a loss over classes on one output is 0, and nothing learns, whatever the data. */
  @Test
  void aLossOverClassesIsRefusedOnOneOutput() {
    String expected = " loss reads a sample's outputs as a distribution over classes, but there is one output, one "
        + "class whatever the weights and the data (a softmax of one value is 1): give the network an output per "
        + "class (two or more), or use BINARY_CROSS_ENTROPY after a sigmoid for two classes";
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(3).dense(1)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build());
    assertTrue(e.getMessage().contains("softmax_cross_entropy" + expected), e.getMessage());
    e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(3).dense(1).softmax()
        .loss(LossFunction.CATEGORICAL_CROSS_ENTROPY).build());
    assertTrue(e.getMessage().contains("categorical_cross_entropy" + expected), e.getMessage());
    NetworkSpec.builder().input(3).dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    NetworkSpec.builder().input(3).dense(1).sigmoid().loss(LossFunction.BINARY_CROSS_ENTROPY).build();
  }

  /**
   * A loss kind of one's own is held to the rules the built-in cross-entropies are: over classes it needs an output
   * per class, and on logits it applies the softmax itself, so a final softmax layer is refused (through a block, its
   * output node's). Both trained before without a word: the first to a loss and gradient of 0, the second on the
   * softmax of a softmax.
   */
  @Test
  void aLossKindOnClassesOrLogitsIsHeldToTheBuiltInRules() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(3).dense(1)
        .loss(new OwnLoss(true)).build());
    assertTrue(e.getMessage().contains("loss: own_loss loss reads a sample's outputs as a distribution over classes, "
        + "but there is one output, one class whatever the weights and the data (a softmax of one value is 1): give "
        + "the network an output per class (two or more), or use BINARY_CROSS_ENTROPY after a sigmoid for two "
        + "classes"), e.getMessage());
    e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(3).dense(4).softmax()
        .loss(new OwnLoss(true)).build());
    assertTrue(e.getMessage().contains("loss: own_loss loss applies the softmax itself, on logits: remove the final "
        + "softmax layer"), e.getMessage());
    e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(3).layer(new org.delta4j.autodiff
        .BlockSpec(org.delta4j.autodiff.BlockSpec.Node.of(new LayerSpec.Dense(4), org.delta4j.autodiff.BlockSpec.INPUT),
        org.delta4j.autodiff.BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.SOFTMAX), "dense1")))
        .loss(new OwnLoss(true)).build());
    assertTrue(e.getMessage().contains("own_loss loss applies the softmax itself"), e.getMessage());
    NetworkSpec.builder().input(3).dense(4).loss(new OwnLoss(true)).build();
    NetworkSpec.builder().input(3).dense(1).loss(new OwnLoss(false)).build();
    NetworkSpec.builder().input(3).dense(4).softmax().loss(new OwnLoss(false)).build();
  }

  /**
   * A layer without a name gets its kind's label and a count through the kind's withName, as a block's nodes do; a
   * kind whose withName drops the name is refused, naming the layer's index and class, where two such layers made a
   * network of layers named null whose parameters were both "null.b", and one whose withName gave null failed inside.
   */
  @Test
  void aKindWhoseWithNameDropsTheNameIsRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkSpec.builder().input(3)
        .layer(new Nameless(false)).layer(new Nameless(false)).loss(LossFunction.MEAN_SQUARED_ERROR).build());
    assertEquals("layer 0 (" + Nameless.class.getName() + "): withName(\"nameless1\") gave a layer named null; a kind "
        + "gives a copy of itself under the name asked", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> NetworkSpec.builder().input(3).dense(2)
        .layer(new Nameless(true)).loss(LossFunction.MEAN_SQUARED_ERROR).build());
    assertEquals("layer 1 (" + Nameless.class.getName() + "): withName(\"nameless1\") gave null; a kind gives a copy "
        + "of itself under the name asked", e.getMessage());
  }

  /** A kind whose withName gives itself back, unnamed, or null. */
  private record Nameless(boolean givesNull) implements LayerSpec {
    @Override
    public String type() {
      return "nameless";
    }

    @Override
    public String name() {
      return null;
    }

    @Override
    public LayerSpec withName(String name) {
      return givesNull ? null : this;
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public org.delta4j.nn.Layer build(org.delta4j.nn.LayerContext context) {
      throw new UnsupportedOperationException("never built");
    }

    @Override
    public void writeFields(FieldWriter out) {}
  }

  /** A loss of one's own that says only whether it reads logits. */
  private record OwnLoss(boolean takesLogits) implements LossSpec {
    @Override
    public String type() {
      return "own_loss";
    }

    @Override
    public org.delta4j.nn.Loss build(org.delta4j.engine.Engine engine, org.delta4j.tensor.DataType dataType) {
      throw new UnsupportedOperationException("never built");
    }
  }

  private static String problem(LossFunction loss, ActivationFunction last) {
    return SpecRules.networkProblems(Shape.of(3), List.of(new LayerSpec.Dense(10),
        new LayerSpec.Activation(last)), loss).stream().map(SpecRules.Problem::message).findFirst().orElse("");
  }

  @Test
  void valuesOutOfRangeAreRejectedWithTheirName() {
    assertEquals("dense layer 'h': units must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec.Dense("h", 0, Initializer.zeros(),
            Initializer.zeros())).getMessage());
    assertEquals("dropout layer: dropout rate must be in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> new LayerSpec.Dropout(1.0)).getMessage());
    assertEquals("adam: learning rate must be positive and finite, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new OptimizerSpec.Adam(0)).getMessage());
    assertEquals("adam: beta2 must be in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> new OptimizerSpec.Adam(1e-3, 0.9, 1.0, 1e-8, 0,
            new LearningRateSchedule.Constant())).getMessage());
    assertEquals("input: input sizes must be at least 1, got -3",
        assertThrows(IllegalArgumentException.class, () -> NetworkSpec.builder().input(-3)).getMessage());
    assertEquals("dense layer 'h': a bias initializer (uniform, scale 0.5) is given, but use_bias is false and there "
        + "is no bias to initialize: remove one", assertThrows(IllegalArgumentException.class,
            () -> new LayerSpec.Dense("h", 2, Initializer.zeros(), new Initializer(Initializer.Kind.UNIFORM, 0.5),
                false)).getMessage());
    assertEquals(1, new LayerSpec.Dense("h", 2, Initializer.zeros(), Initializer.zeros(), false)
        .parameters(org.delta4j.tensor.Shape.of(3)).size());
  }

  @Test
  void schedulesFollowTheirFormulas() {
    assertEquals(0.1, new LearningRateSchedule.Constant().rate(0.1, 1000));
    assertEquals(0.1 * 0.25, new LearningRateSchedule.StepDecay(10, 0.5).rate(0.1, 25), 1e-15);
    assertEquals(0.1 * Math.pow(0.5, 2.5), new LearningRateSchedule.ExponentialDecay(10, 0.5).rate(0.1, 25), 1e-15);
    LearningRateSchedule cosine = new LearningRateSchedule.CosineDecay(100, 0.1);
    assertEquals(1.0, cosine.rate(1, 0), 1e-15);
    assertEquals(0.1 + 0.9 * 0.5, cosine.rate(1, 50), 1e-15);
    assertEquals(0.1, cosine.rate(1, 100), 1e-15);
    assertEquals(0.1, cosine.rate(1, 500), 1e-15);
  }

  /**
   * A schedule's update count is the number of updates made: a negative one is refused, where the decaying schedules
   * gave rates above the base rate for it; so is a base rate that is not positive and finite.
   */
  @Test
  void schedulesRefuseANegativeUpdateCountOrABaseRateOfNoRate() {
    List<LearningRateSchedule> schedules = List.of(new LearningRateSchedule.Constant(),
        new LearningRateSchedule.StepDecay(1, 0.5), new LearningRateSchedule.ExponentialDecay(1, 0.5),
        new LearningRateSchedule.CosineDecay(10, 0.1));
    for (LearningRateSchedule s : schedules) {
      assertTrue(assertThrows(IllegalArgumentException.class, () -> s.rate(0.1, -1), s::toString).getMessage()
          .endsWith(": the update count t is the number of updates made, ≥ 0, got -1"), s::toString);
      for (double base : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.rate(base, 0), s::toString).getMessage()
            .endsWith(": the base rate must be positive and finite, got " + base), s::toString);
      }
    }
    assertEquals("exponential decay: the update count t is the number of updates made, ≥ 0, got -3", assertThrows(
        IllegalArgumentException.class, () -> new LearningRateSchedule.ExponentialDecay(1, 0.5).rate(0.1, -3))
        .getMessage());
  }

  /** A layer spec without a type name is refused by position and class before anything reads its type. */
  @Test
  void aLayerWithoutATypeNameIsRefusedWhereItStands() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkSpec.builder().input(3)
        .dense(2).layer(new KindRegistryTest.Named(null, null)).loss(LossFunction.SQUARED_ERROR).build());
    assertEquals("layer 1 (" + KindRegistryTest.Named.class.getName() + ") has no type name: type() returned null",
        e.getMessage());
  }

  /**
   * A kind that answers null for its output shape or parameters is named with what it answered so, where the network
   * is described: it was reported as an input that does not fit, with the text of a NullPointerException inside.
   */
  @Test
  void aKindThatAnswersNullForItsShapeOrParametersIsNamed() {
    for (boolean noShape : new boolean[] {true, false}) {
      InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(3)
          .layer(new KindRegistryTest.Named("hollow", null, 1, null, noShape ? "outputShape" : "parameters")).dense(2).loss(LossFunction.SQUARED_ERROR).build());
      assertTrue(e.getMessage().contains("hollow layer 'hollow1' (" + KindRegistryTest.Named.class.getName() + "): its "
          + (noShape ? "outputShape([3]) gave null; a kind gives the shape, or throws IllegalArgumentException"
          : "parameters([3]) gave null; a kind gives an empty list when it has none")), e.getMessage());
    }
  }

  /**
   * A kind whose parameters hold null is named with where it holds it: it was reported as an input of shape [3] that
   * does not fit, with the text of a NullPointerException the rules threw reading it.
   */
  @Test
  void aKindThatListsNullAmongItsParametersIsNamed() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(3)
        .layer(new KindRegistryTest.Named("hollow", null, 1, null, "a parameter")).dense(2)
        .loss(LossFunction.SQUARED_ERROR).build());
    assertEquals("invalid network: layer 0 (shape): hollow layer 'hollow1' (" + KindRegistryTest.Named.class.getName()
        + "): its parameters([3]) gave a list holding null at index 1; each entry declares one tensor", e.getMessage());
  }

  /**
   * Values that would be kept and have no effect are refused where they are given: a slope on an activation that takes
   * none (written back into the description, it read as if it mattered), a pass of a negative update, and an
   * improvement of 1 or more that no accuracy can make (early stopping would stop without one).
   */
  @Test
  void valuesThatCouldHaveNoEffectAreRefused() {
    IllegalArgumentException slope = assertThrows(IllegalArgumentException.class,
        () -> org.delta4j.io.NetworkSpecJson.read("{\"input\": [2], \"layers\": [{\"type\": \"dense\", "
            + "\"units\": 2}, {\"type\": \"relu\", \"alpha\": 0.3}], \"loss\": \"mean_squared_error\"}"));
    assertTrue(slope.getMessage().contains("alpha is leaky ReLU's slope, and relu takes none: got 0.3"),
        slope.getMessage());
    assertEquals(0.2, new LayerSpec.Activation(null, ActivationFunction.LEAKY_RELU, 0.2).alpha());
    assertEquals("a pass belongs to update ≥ 0, counted from 0, got -5", assertThrows(IllegalArgumentException.class,
        () -> org.delta4j.nn.Mode.training(-5)).getMessage());
    IllegalArgumentException delta = assertThrows(IllegalArgumentException.class,
        () -> new org.delta4j.train.EarlyStopping(org.delta4j.train.Metric.VALIDATION_ACCURACY, 1, 1, true));
    assertTrue(delta.getMessage().contains("must be below 1, an accuracy being a fraction, got 1.0"),
        delta.getMessage());
    assertEquals(5.0, new org.delta4j.train.EarlyStopping(org.delta4j.train.Metric.VALIDATION_LOSS, 1, 5, true)
        .minDelta());
    // each update of a descent scales the weights by 1 − α·λ: at α·λ ≥ 1 it zeroes or flips them, as AdamW refuses
    IllegalArgumentException decay = assertThrows(IllegalArgumentException.class, () -> new OptimizerSpec.Momentum(
        0.5, 0.9, 2, new LearningRateSchedule.Constant()));
    assertTrue(decay.getMessage().startsWith("momentum: the learning rate times the weight decay, α·λ = 0.5 · 2.0, "
        + "must be below 1"), decay.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new OptimizerSpec.Sgd(1e30, 1e30,
        new LearningRateSchedule.Constant()));
    assertEquals(0.5, new OptimizerSpec.Sgd(0.1, 0.5, new LearningRateSchedule.Constant()).weightDecay());
  }
}
