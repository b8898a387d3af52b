package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.delta4j.data.ArrayDataset;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.gradcheck.GradientChecker;
import org.delta4j.nn.custom.WeightedMse;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.delta4j.train.Evaluation;
import org.junit.jupiter.api.Test;

/**
 * What a network does with a third-party layer or loss that misbehaves: NaN made in inference mode is never read as a
 * class or a figure, a loss's own NaN is blamed on the loss, a layer's refusal or bug names the layer, and the gradient
 * checker refuses a layer that writes into its input.
 */
class MisbehavingLayersTest {
  private final Engine engine = new RefEngine();

  /** How the layer {@link Misbehaving} misbehaves; it is the identity otherwise. */
  enum Fault { NAN_IN_INFERENCE, REFUSES, NULL_IN_BACKWARD, WRITES_ITS_INPUT }

  /** The identity on [3], but for its {@link Fault}. */
  record Misbehaving(String name, Fault fault) implements LayerSpec {
    @Override
    public String type() {
      return "misbehaving";
    }

    @Override
    public LayerSpec withName(String name) {
      return new Misbehaving(name, fault);
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public void writeFields(FieldWriter out) {}

    @Override
    public Layer build(LayerContext c) {
      return new Layer() {
        public String name() {
          return c.name();
        }

        public Shape inputShape() {
          return c.inputShape();
        }

        public Shape outputShape() {
          return c.inputShape();
        }

        public Tensor forward(Tensor x, Mode mode) {
          if (fault == Fault.REFUSES) {
            throw new IllegalArgumentException("cannot reshape [4] (4 elements) to [1, 3] (3)");
          }
          if (fault == Fault.WRITES_ITS_INPUT) {
            c.kernels().scale(x, 2);
            return x;
          }
          Tensor y = c.engine().zeros(c.dataType(), x.shape());
          c.kernels().copy(x, y);
          if (fault == Fault.NAN_IN_INFERENCE && !mode.training()) {
            c.kernels().fill(y, Double.NaN);
          }
          return y;
        }

        public Tensor backward(Tensor dy, boolean needInputGradient) {
          if (fault == Fault.NULL_IN_BACKWARD) {
            Object missing = null;
            missing.hashCode(); // a bug in the layer's code
          }
          return needInputGradient ? dy : null;
        }

        public List<Parameter> parameters() {
          return List.of();
        }
      };
    }
  }

  private Network network(Fault fault, DataType type) {
    NetworkSpec spec = NetworkSpec.builder().input(3).dense(3).layer(new Misbehaving("odd", fault)).dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Sgd(0.1)).seed(4).build();
    return Network.create(spec, engine, type);
  }

  private Tensor batch(DataType type) {
    return engine.tensor(type, Shape.of(2, 3), new double[] {0.5, -1, 2, 1, 0.25, -0.5});
  }

  @Test
  void anOutputOfNaNInInferenceModeIsNeverReadAsClassesOrAnAccuracy() {
    Network net = network(Fault.NAN_IN_INFERENCE, DataType.FLOAT32);
    Tensor x = batch(DataType.FLOAT32);
    Tensor t = engine.tensor(DataType.FLOAT32, Shape.of(2, 2), new double[] {1, 0, 0, 1});
    net.trainStep(x, t); // training mode is finite: the fault shows only where the model is used

    ArithmeticException loss = assertThrows(ArithmeticException.class, () -> net.loss(x, t));
    assertTrue(loss.getMessage().contains("in inference mode") && loss.getMessage().contains("layer 'odd'"),
        loss.getMessage());
    int[] classes = new int[2];
    ArithmeticException predicted = assertThrows(ArithmeticException.class, () -> net.predictClasses(x, classes));
    assertTrue(predicted.getMessage().startsWith("the network's output is not finite, so no class can be read")
        && predicted.getMessage().contains("layer 'odd' made NaN or ∞ in inference mode"), predicted.getMessage());
    ArithmeticException fromPredictor = assertThrows(ArithmeticException.class,
        () -> net.predictor().classes(new float[][] {{0.5f, -1, 2}}));
    assertTrue(fromPredictor.getMessage().contains("layer 'odd'"), fromPredictor.getMessage());
    ArithmeticException evaluated = assertThrows(ArithmeticException.class, () -> Evaluation.of(net,
        ArrayDataset.classification(new float[][] {{0.5f, -1, 2}, {1, 0.25f, -0.5f}}, new int[] {0, 1}, 2), 8));
    assertTrue(evaluated.getMessage().contains("layer 'odd'"), evaluated.getMessage());
    // the raw outputs are what they are, for a caller who reads them
    assertTrue(Float.isNaN(net.predictor().outputs(new float[][] {{0.5f, -1, 2}})[0][0]));
  }

  @Test
  void aLossThatMakesNaNFromFiniteOutputsIsBlamedNotTheData() {
    NetworkSpec spec = NetworkSpec.builder().input(3).dense(2).loss(new WeightedMse(Double.NaN))
        .optimizer(new OptimizerSpec.Sgd(0.1)).seed(4).build();
    Network net = Network.create(spec, engine, DataType.FLOAT64);
    Tensor x = batch(DataType.FLOAT64);
    Tensor t = engine.tensor(DataType.FLOAT64, Shape.of(2, 2), new double[] {1, 0, 0, 1});
    ArithmeticException e = assertThrows(ArithmeticException.class, () -> net.trainStep(x, t));
    assertTrue(e.getMessage().contains("the weighted_mse loss (" + WeightedMse.class.getName() + ") made it from "
        + "finite outputs and targets"), e.getMessage());
    ArithmeticException inference = assertThrows(ArithmeticException.class, () -> net.loss(x, t));
    assertTrue(inference.getMessage().contains("weighted_mse loss (" + WeightedMse.class.getName() + ") made it"),
        inference.getMessage());
  }

  @Test
  void aLayersRefusalOrBugNamesTheLayer() {
    Network refuses = network(Fault.REFUSES, DataType.FLOAT64);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> refuses.forward(batch(DataType.FLOAT64), Mode.inference()));
    assertEquals("layer 'odd' (" + e.getCause().getStackTrace()[0].getClassName() + ") failed in forward: cannot "
        + "reshape [4] (4 elements) to [1, 3] (3)", e.getMessage());

    Network buggy = network(Fault.NULL_IN_BACKWARD, DataType.FLOAT64);
    Tensor x = batch(DataType.FLOAT64);
    Tensor t = engine.tensor(DataType.FLOAT64, Shape.of(2, 2), new double[] {1, 0, 0, 1});
    IllegalStateException bug = assertThrows(IllegalStateException.class, () -> buggy.trainStep(x, t));
    assertTrue(bug.getMessage().startsWith("layer 'odd' (") && bug.getMessage().contains("failed in backward: "
        + "java.lang.NullPointerException") && bug.getCause() instanceof NullPointerException, bug.getMessage());
  }

  @Test
  void theGradientCheckerRefusesALayerThatWritesIntoItsInput() {
    Layer odd = new Misbehaving("odd", Fault.WRITES_ITS_INPUT).build(LayerContext.of("odd", Shape.of(3), engine,
        DataType.FLOAT64, 1, java.util.Map.of(), java.util.Map.of()));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new GradientChecker().checkLayer(odd, batch(DataType.FLOAT64)));
    assertTrue(e.getMessage().startsWith("layer 'odd' (") && e.getMessage().contains("wrote into its input in "
        + "forward: the input at index [0, 0] was 0.5 and is now 1.0"), e.getMessage());

    NetworkSpec first = NetworkSpec.builder().input(3).layer(new Misbehaving("odd", Fault.WRITES_ITS_INPUT)).dense(2)
        .loss(LossFunction.MEAN_SQUARED_ERROR).optimizer(new OptimizerSpec.Sgd(0.1)).seed(4).build();
    Network net = Network.create(first, engine, DataType.FLOAT64);
    Tensor x = batch(DataType.FLOAT64);
    IllegalStateException whole = assertThrows(IllegalStateException.class, () -> new GradientChecker().check(net, x,
        engine.tensor(DataType.FLOAT64, Shape.of(2, 2), new double[] {1, 0, 0, 1})));
    assertTrue(whole.getMessage().startsWith("the network's first layer wrote into its input in forward"),
        whole.getMessage());
  }
}
