package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.delta4j.data.ArrayDataset;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.gradcheck.GradientChecker;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.delta4j.train.Evaluation;
import org.delta4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input fails at once with a message that names the layer or argument and the shapes or values involved — never
 * a silent wrong result, never an index error from deep inside.
 */
class BadInputTest {
  private final Engine engine = new RefEngine();
  private final Network net = Network.create(NetworkSpec.builder().input(4).dense(3).relu().dense(2)
      .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(), engine);

  private static void fails(Class<? extends Throwable> type, Executable e, String... fragments) {
    Throwable t = assertThrows(type, e);
    for (String f : fragments) {
      assertTrue(t.getMessage().contains(f), "message '" + t.getMessage() + "' should contain '" + f + "'");
    }
  }

  @Test
  void aNullNetworkOrDatasetIsNamed() {
    ArrayDataset data = ArrayDataset.classification(new float[][] {{1, 2, 3, 4}}, new int[] {1}, 2);
    Trainer trainer = Trainer.builder().epochs(1).build();
    fails(IllegalArgumentException.class, () -> trainer.fit(null, data), "network", "null");
    fails(IllegalArgumentException.class, () -> trainer.fit(net, null), "dataset is null");
    fails(IllegalArgumentException.class, () -> Evaluation.of(null, data, 8), "network", "null");
    fails(IllegalArgumentException.class, () -> Evaluation.of(net, null, 8), "dataset is null");
  }

  @Test
  void aGradientCheckOfNothingIsNamed() {
    Network net64 = Network.create(net.spec(), engine, DataType.FLOAT64);
    Tensor x = engine.zeros(DataType.FLOAT64, Shape.of(2, 4));
    Tensor t = engine.zeros(DataType.FLOAT64, Shape.of(2, 2));
    GradientChecker checker = new GradientChecker();
    fails(IllegalArgumentException.class, () -> checker.check(null, x, t), "gradient check", "network is null");
    fails(IllegalArgumentException.class, () -> checker.check(net64, null, t), "gradient check", "input is null");
    fails(IllegalArgumentException.class, () -> checker.check(net64, x, null), "gradient check", "targets is null");
    fails(IllegalArgumentException.class, () -> checker.checkLayer(null, x), "gradient check", "layer is null");
    fails(IllegalArgumentException.class, () -> checker.checkLayer(net64.layers().get(0), null), "gradient check",
        "input is null");
  }

  @Test
  void anInputOfTheWrongShape() {
    fails(IllegalArgumentException.class, () -> net.trainStep(engine.zeros(DataType.FLOAT32, Shape.of(5, 3)),
        engine.zeros(DataType.FLOAT32, Shape.of(5, 2))), "network input has shape [5, 3]", "expects [N, 4]");
    fails(IllegalArgumentException.class, () -> net.forward(engine.zeros(DataType.FLOAT32, Shape.of(4)),
        Mode.inference()), "[4]");
  }

  @Test
  void aLayerGivenTheWrongShape() {
    Layer dense = net.layers().get(0);
    fails(IllegalArgumentException.class, () -> dense.forward(engine.zeros(DataType.FLOAT32, Shape.of(2, 5)),
        Mode.inference()), "dense1", "[2, 5]", "[N, 4]");
    dense.forward(engine.zeros(DataType.FLOAT32, Shape.of(2, 4)), Mode.training(0));
    fails(IllegalArgumentException.class, () -> dense.backward(engine.zeros(DataType.FLOAT32, Shape.of(2, 4)), true),
        "dense1", "output gradient has shape [2, 4]", "[2, 3]");
  }

  /** Initial weights beyond what the data type holds are refused naming the parameter, not trained as infinities. */
  @Test
  void initialWeightsTheDataTypeCannotHold() {
    NetworkSpec huge = NetworkSpec.builder().input(4).dense(3, new org.delta4j.spec.Initializer(
        org.delta4j.spec.Initializer.Kind.UNIFORM, 1e300)).dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    fails(IllegalArgumentException.class, () -> Network.create(huge, engine), "dense1.weight", "UNIFORM",
        "scale 1.0E300", "beyond what FLOAT32 holds");
    Network.create(huge, engine, DataType.FLOAT64); // within FLOAT64's range
  }

  /** A network whose weights or activations could not be held is refused by its spec, naming the layer. */
  @Test
  void aTensorTooLargeForOneArray() {
    fails(IllegalArgumentException.class, () -> NetworkSpec.builder().input(784).dense(2_000_000_000).dense(10)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(), "layer 0", "dense layer 'dense1'", "weight",
        "[784, 2000000000]", "1568000000000 values", "more than one tensor holds");
    fails(IllegalArgumentException.class, () -> NetworkSpec.builder().input(3, 50_000, 50_000).flatten().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(), "flatten layer 'flatten1'", "[3, 50000, 50000]",
        "7500000000 elements");
    fails(IllegalArgumentException.class, () -> engine.zeros(DataType.FLOAT32, Shape.of(70_000, 70_000)),
        "[70000, 70000]", "4900000000 elements");
  }

  @Test
  void targetsThatDoNotMatchThePredictions() {
    fails(IllegalArgumentException.class, () -> net.trainStep(engine.zeros(DataType.FLOAT32, Shape.of(5, 4)),
        engine.zeros(DataType.FLOAT32, Shape.of(4, 2))), "softmax_cross_entropy", "targets have shape [4, 2]",
        "predictions have shape [5, 2]");
  }

  /** A loss called on its own, as a gradient check or a training loop of one's own calls it, names what is null. */
  @Test
  void aLossGivenNoPredictionsOrTargets() {
    Tensor t = engine.zeros(DataType.FLOAT32, Shape.of(2, 2));
    fails(IllegalArgumentException.class, () -> net.loss().compute(null, t, t), "softmax_cross_entropy: the "
        + "predictions are null");
    fails(IllegalArgumentException.class, () -> net.loss().compute(t, null, null), "softmax_cross_entropy: the "
        + "targets are null");
  }

  @Test
  void tensorsOfAnotherTypeOrEngine() {
    fails(IllegalArgumentException.class, () -> net.forward(engine.zeros(DataType.FLOAT64, Shape.of(1, 4)),
        Mode.inference()), "FLOAT64", "FLOAT32");
    fails(IllegalArgumentException.class, () -> net.forward(new RefEngine().zeros(DataType.FLOAT32, Shape.of(1, 4)),
        Mode.inference()), "engine");
  }

  @Test
  void aNonFiniteLossStopsTrainingAndNamesTheUpdate() {
    Network diverging = Network.create(NetworkSpec.builder().input(1).dense(1).loss(LossFunction.SQUARED_ERROR)
        .optimizer(new OptimizerSpec.Sgd(1e3)).build(), engine);
    ArrayDataset data = ArrayDataset.regression(new float[][] {{1e3f}, {-1e3f}}, new float[][] {{1}, {2}});
    fails(ArithmeticException.class, () -> Trainer.builder().epochs(100).batchSize(1).build().fit(diverging, data),
        "squared_error loss is", "at update", "learning rate");
    Tensor x = engine.tensor(DataType.FLOAT32, Shape.of(1, 4), 1, Float.NaN, 0, 0);
    fails(ArithmeticException.class, () -> net.trainStep(x, engine.tensor(DataType.FLOAT32, Shape.of(1, 2), 1, 0)),
        "NaN");
    // finite weights and inputs whose product a float cannot hold: the layer that made the ∞ is named
    Network overflowing = Network.create(NetworkSpec.builder().input(1).dense(1).loss(LossFunction.SQUARED_ERROR)
        .build(), engine);
    overflowing.parameters().get(0).value().copyFrom(new double[] {1e30});
    fails(ArithmeticException.class, () -> overflowing.trainStep(engine.tensor(DataType.FLOAT32, Shape.of(1, 1), 1e30),
        engine.tensor(DataType.FLOAT32, Shape.of(1, 1), 0)), "squared_error loss is Infinity at update 1: layer "
        + "'dense1' made NaN or ∞: its output holds Infinity at index [0, 0] (flat 0), from finite inputs and weights: "
        + "its rule, or values beyond the data type's range as training diverges (try a lower learning rate than");
  }

  /**
   * A diverging run whose outputs are still finite but whose squared error is past the largest double: the message
   * says the run diverged and what to do, not only that the loss's rule made the ∞.
   */
  @Test
  void aLossOverflowingOnTheOutputsOfADivergingRunSaysToLowerTheRate() {
    Network diverging = Network.create(NetworkSpec.builder().input(2).dense(1)
        .loss(LossFunction.MEAN_SQUARED_ERROR).optimizer(new OptimizerSpec.Sgd(0.5)).seed(1).build(), engine,
        DataType.FLOAT64);
    float[][] x = new float[8][];
    float[][] y = new float[8][];
    for (int i = 0; i < 8; i++) {
      x[i] = new float[] {i, -3 * i};
      y[i] = new float[] {100 * i};
    }
    fails(ArithmeticException.class, () -> Trainer.builder().epochs(200).batchSize(3).shuffle(false).build()
        .fit(diverging, ArrayDataset.regression(x, y)), "mean_squared_error loss is Infinity at update",
        "made it from finite outputs and targets", "as training diverges (try a lower learning rate than 0.500");
  }

  /** A sample's NaN or infinite feature is refused, as a dataset refuses it: its class came out as the first. */
  @Test
  void predictionsRefuseNonFiniteFeatures() {
    fails(IllegalArgumentException.class, () -> net.predictor().classes(new float[][] {{1, 2, 3, 4}, {1, Float.NaN,
        0, 0}}), "feature 1 of sample 1 is NaN: features must be finite");
    fails(IllegalArgumentException.class, () -> net.predictor().probabilities(new float[][] {{Float.NEGATIVE_INFINITY,
        0, 0, 0}}), "feature 0 of sample 0 is -Infinity: features must be finite");
  }

  @Test
  void datasetsRejectBadContents() {
    fails(IllegalArgumentException.class, () -> ArrayDataset.classification(new float[][] {{1, Float.NaN}},
        new int[] {0}, 2), "feature 1 of sample 0 is NaN");
    fails(IllegalArgumentException.class, () -> ArrayDataset.classification(new float[][] {{1, 2}},
        new int[] {2}, 2), "label of sample 0 is 2, outside [0, 2)");
    fails(IllegalArgumentException.class, () -> ArrayDataset.classification(new float[][] {{1, 2}, {3, 4}},
        new int[] {0}, 2), "2 samples but 1 labels");
    fails(IllegalArgumentException.class, () -> ArrayDataset.classification(new float[0][], new int[0], 2),
        "at least one sample");
    fails(IllegalArgumentException.class, () -> ArrayDataset.classification(new float[][] {{1, 2}, {3}},
        new int[] {0, 1}, 2), "feature row 1 has 1 values but feature row 0 has 2");
    fails(IllegalArgumentException.class, () -> ArrayDataset.regression(new float[][] {{1, 2}}, new float[][] {{}}),
        "target row 0 is empty");
    fails(IllegalArgumentException.class, () -> ArrayDataset.regression(new float[][] {{1}},
        new float[][] {{Float.POSITIVE_INFINITY}}), "target value 0 is Infinity");
  }

  @Test
  void aDatasetThatDoesNotFitTheNetwork() {
    ArrayDataset threeClasses = ArrayDataset.classification(new float[][] {{1, 2, 3, 4}}, new int[] {2}, 3);
    fails(IllegalArgumentException.class, () -> Trainer.builder().build().fit(net, threeClasses),
        "targets have shape [3]", "output is [2]", "3 classes");
    ArrayDataset wide = ArrayDataset.classification(new float[][] {{1, 2, 3, 4, 5}}, new int[] {1}, 2);
    fails(IllegalArgumentException.class, () -> Trainer.builder().build().fit(net, wide), "samples have shape [5]",
        "input is [4]");
  }

  @Test
  void emptyBatchesAndShapesAreRefused() {
    fails(IllegalArgumentException.class, () -> Shape.of(0, 4), "dimension < 1");
    fails(IllegalArgumentException.class, () -> Trainer.builder().batchSize(0), "batch size must be at least 1");
  }

  @Test
  void parametersOrABatchTheHeapCannotHoldAreRefusedNamingThem() {
    // the build's tests run on a heap of 2 GiB (-Xmx2g): 1.6·10⁹ weights in float take 6 GiB, and a batch of 64
    // outputs of 10⁷ units 2.4 GiB
    assumeTrue(Runtime.getRuntime().maxMemory() < 2_400L << 20, "a heap that cannot hold them");
    fails(IllegalStateException.class, () -> Network.create(NetworkSpec.builder().input(40_000).dense(40_000)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(), engine),
        "the reference engine: the values of a tensor [40000, 40000] in FLOAT32, need about "
            + mib(40_000L * 40_000 * Float.BYTES) + ", more than Java could give", "-Xmx");
    // 2·10⁸ weights fit as values and gradients (1.5 GiB), though not beside the doubles they are drawn in: refused
    // by the network, or by the engine if the heap is too full for the gradients, never an OutOfMemoryError
    String refused = assertThrows(IllegalStateException.class, () -> Network.create(NetworkSpec.builder()
        .input(20_000).dense(10_000).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Sgd(0.1))
        .build(), engine)).getMessage();
    assertTrue((refused.contains("its 200,010,000 parameters in FLOAT32, as values and gradients before any "
        + "optimizer's state, need about " + mib(2 * 200_010_000L * Float.BYTES))
        || refused.contains("a tensor [20000, 10000] in FLOAT32"))
        && refused.contains("more than Java could give") && refused.contains("-Xmx"), refused);
    Network wide = Network.create(NetworkSpec.builder().input(1).dense(10_000_000)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Sgd(0.1)).build(), engine);
    Tensor x = engine.zeros(DataType.FLOAT32, Shape.of(64, 1));
    for (int attempt = 0; attempt < 2; attempt++) {
      fails(IllegalStateException.class, () -> wide.forward(x, Mode.inference()),
          "the values of a tensor [64, 10000000] in FLOAT32, need about " + mib(64L * 10_000_000 * Float.BYTES)
              + ", more than Java could give");
    }
    assertEquals(2, wide.forward(engine.zeros(DataType.FLOAT32, Shape.of(2, 1)), Mode.inference()).shape().dim(0),
        "a batch that fits runs after one that did not");
  }

  /** Bytes as the refusals give them: whole MiB, rounded down, with thousands separated. */
  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%,d MiB", bytes >> 20);
  }
}
