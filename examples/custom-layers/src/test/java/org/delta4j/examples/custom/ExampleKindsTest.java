package org.delta4j.examples.custom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.delta4j.conformance.Agreement;
import org.delta4j.conformance.LayerAgreement;
import org.delta4j.conformance.Tolerances;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.gradcheck.GradientCheckResult;
import org.delta4j.gradcheck.GradientChecker;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three kinds this module adds, written against the api alone: values worked by hand, the gradient checker on
 * both engines, the engines agreeing, and the JSON round trip through the registry that finds them on the class path.
 */
class ExampleKindsTest {
  static Stream<Engine> engines() {
    return Stream.of(Engines.get("ref"), Engines.get("nd4j"));
  }

  static NetworkSpec network(double delta) {
    return NetworkSpec.builder().input(2, 3).dense(5).layer(new LearnedSwish(null, 0.7)).dense(4)
        .layer(new LearnedSwish()).loss(new Huber(delta)).optimizer(new Lion(0.01)).seed(3).build();
  }

  @Test
  void theRegistryFindsThemBesideTheBuiltInKinds() {
    KindRegistry kinds = KindRegistry.standard();
    assertEquals(ExampleKinds.class.getName(), kinds.provider("layer", "learned_swish"));
    assertEquals(ExampleKinds.class.getName(), kinds.provider("loss", "huber"));
    assertEquals(ExampleKinds.class.getName(), kinds.provider("optimizer", "lion"));
    assertEquals(network(0.5), NetworkSpecJson.read(NetworkSpecJson.write(network(0.5))));
    assertTrue(NetworkSpecJson.write(network(0.5)).contains("\"initial_beta\" : 0.7"));
    assertEquals(new Lion(3e-4), NetworkSpecJson.optimizer("lion", 3e-4, new LearningRateSchedule.Constant()));
  }

  /**
   * As the built-in layers, whether or not ∂L/∂x is asked for: an output gradient of another shape (the same number of
   * values in other rows included), type or engine than the last training output is refused, naming the layer, where
   * one of the output's size was taken row by row and gave back ∂L/∂x in its own shape, not the input's.
   */
  @Test
  void learnedSwishRefusesAnOutputGradientUnlikeItsOutput() {
    Engine e = Engines.get("ref");
    Network net = Network.create(NetworkSpec.builder().input(2, 3).layer(new LearnedSwish("s", 0.5))
        .loss(LossFunction.MEAN_SQUARED_ERROR).build(), e, DataType.FLOAT64);
    Layer swish = net.layers().get(0);
    swish.forward(e.zeros(DataType.FLOAT64, Shape.of(4, 2, 3)), Mode.training(0));
    for (boolean needInputGradient : new boolean[] {true, false}) {
      for (Shape wrong : List.of(Shape.of(4, 6), Shape.of(6, 4), Shape.of(3, 2, 3))) {
        assertEquals("learned_swish layer 's': the output gradient has shape " + wrong + " but the output has shape "
            + "[4, 2, 3]", assertThrows(IllegalArgumentException.class,
            () -> swish.backward(e.zeros(DataType.FLOAT64, wrong), needInputGradient)).getMessage());
      }
      assertEquals("learned_swish layer 's': the output gradient is a FLOAT32 tensor on engine ref, but the forward "
          + "pass was FLOAT64 on engine ref", assertThrows(IllegalArgumentException.class,
          () -> swish.backward(e.zeros(DataType.FLOAT32, Shape.of(4, 2, 3)), needInputGradient)).getMessage());
      assertEquals("learned_swish layer 's': the output gradient is null",
          assertThrows(IllegalArgumentException.class, () -> swish.backward(null, needInputGradient)).getMessage());
    }
    assertEquals(Shape.of(4, 2, 3), swish.backward(e.zeros(DataType.FLOAT64, Shape.of(4, 2, 3)), true).shape());
  }

  @Test
  void huberIsHalfTheSquareInsideDeltaAndLinearOutside() {
    Engine e = Engines.get("ref");
    double[] o = {0.5, 3, -2, 0};
    double[] t = {0, 0, 0, 0.25};
    // r = 0.5, 3, −2, −0.25 with δ = 1: ½·0.25, 1·(3 − ½), 1·(2 − ½), ½·0.0625; the mean of the four.
    double expected = (0.125 + 2.5 + 1.5 + 0.03125) / 4;
    Tensor g = e.zeros(DataType.FLOAT64, Shape.of(2, 2));
    double value = new Huber().build(e, DataType.FLOAT64).compute(e.tensor(DataType.FLOAT64, Shape.of(2, 2), o),
        e.tensor(DataType.FLOAT64, Shape.of(2, 2), t), g);
    assertEquals(expected, value, 1e-15);
    assertArrayEquals(new double[] {0.5 / 4, 1.0 / 4, -1.0 / 4, -0.25 / 4}, g.toDoubleArray(), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> new Huber(0));
  }

  @Test
  void lionStepsBySignOfTheInterpolatedMomentum() {
    Engine e = Engines.get("ref");
    Lion lion = new Lion(0.1, 0.9, 0.99, 0, new LearningRateSchedule.Constant());
    Tensor w = e.tensor(DataType.FLOAT64, Shape.of(3), 1, 1, 1);
    Tensor g = e.tensor(DataType.FLOAT64, Shape.of(3), 2, -0.5, 0);
    Tensor m = e.tensor(DataType.FLOAT64, Shape.of(3), -1, 1, 0);
    List<Tensor> state = List.of(m, e.zeros(DataType.FLOAT64, Shape.of(3)), e.zeros(DataType.FLOAT64, Shape.of(3)));
    lion.update(e.kernels(), w, g, state, 0.1, 1);
    // c = 0.9·m + 0.1·g = −0.7, 0.85, 0: signs −1, 1, 0.
    assertArrayEquals(new double[] {1.1, 0.9, 1}, w.toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {-0.99 + 0.02, 0.99 - 0.005, 0}, m.toDoubleArray(), 1e-15);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void theGradientCheckerPassesOnEachEngine(Engine engine) {
    Network net = Network.create(network(0.3), engine, DataType.FLOAT64);
    Tensor x = LayerAgreement.random(engine, DataType.FLOAT64, Shape.of(4, 2, 3), 5, 2);
    Tensor t = LayerAgreement.random(engine, DataType.FLOAT64, Shape.of(4, 4), 6, 1);
    GradientCheckResult r = new GradientChecker().check(net, x, t);
    assertTrue(r.passes(1e-6), engine.name() + ": " + r);
  }

  @Test
  void theEnginesAgreeStepForStep() {
    for (DataType type : DataType.values()) {
      Network expected = Network.create(network(0.3), Engines.get("ref"), type);
      Network actual = Network.create(network(0.3), Engines.get("nd4j"), type);
      double[] x = LayerAgreement.random(Engines.get("ref"), DataType.FLOAT64, Shape.of(4, 2, 3), 5, 2)
          .toDoubleArray();
      double[] t = LayerAgreement.random(Engines.get("ref"), DataType.FLOAT64, Shape.of(4, 4), 6, 1).toDoubleArray();
      for (int step = 0; step < 5; step++) {
        double le = expected.trainStep(Engines.get("ref").tensor(type, Shape.of(4, 2, 3), x),
            Engines.get("ref").tensor(type, Shape.of(4, 4), t));
        double la = actual.trainStep(Engines.get("nd4j").tensor(type, Shape.of(4, 2, 3), x),
            Engines.get("nd4j").tensor(type, Shape.of(4, 4), t));
        Agreement.assertAgree(type + " loss at step " + step, le, la, Tolerances.of(type).compounded());
      }
      for (int i = 0; i < expected.parameters().size(); i++) {
        Agreement.assertAgree(type + " " + expected.parameters().get(i).name(), expected.parameters().get(i).value(),
            actual.parameters().get(i).value(), Tolerances.of(type).compounded());
      }
    }
  }
}
