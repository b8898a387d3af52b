package org.delta4j.examples.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.delta4j.autodiff.BlockSpec;
import org.delta4j.conformance.Agreement;
import org.delta4j.conformance.LayerAgreement;
import org.delta4j.conformance.Tolerances;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.gradcheck.GradientCheckResult;
import org.delta4j.gradcheck.GradientChecker;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kinds written forward-only — the gated linear unit, the residual MLP block and the label-smoothed loss — are
 * found by the registry, round-trip through JSON, pass the gradient checker on both engines, and the residual block
 * written as an expression is the same function, with the same gradients, as the one described as a graph of layers.
 */
class ExpressionKindsTest {
  static Stream<Engine> engines() {
    return Stream.of(Engines.get("ref"), Engines.get("nd4j"));
  }

  static NetworkSpec network() {
    return NetworkSpec.builder().input(2, 3).layer(new GatedLinearUnit(null, 5)).layer(new ResidualMlp(null, 7))
        .dense(4).loss(new LabelSmoothing(0.1)).optimizer(new OptimizerSpec.Adam(0.01)).seed(8).build();
  }

  @Test
  void theRegistryFindsThemAndTheyRoundTripThroughJson() {
    KindRegistry kinds = KindRegistry.standard();
    assertEquals(ExampleKinds.class.getName(), kinds.provider("layer", GatedLinearUnit.TYPE));
    assertEquals(ExampleKinds.class.getName(), kinds.provider("layer", ResidualMlp.TYPE));
    assertEquals(ExampleKinds.class.getName(), kinds.provider("loss", LabelSmoothing.TYPE));
    assertEquals(network(), NetworkSpecJson.read(NetworkSpecJson.write(network())));
  }

  /**
   * A size below 1 is refused where the spec is made, naming the layer, as a dense layer's units are, not later as an
   * input shape the layer "cannot take"; ε is a share of the target moved to the uniform distribution, in [0, 1] as
   * PyTorch's {@code label_smoothing}, so a negative, larger or non-finite one is refused, in a description too.
   */
  @Test
  void sizesAndTheSmoothingShareOutOfRangeAreRefusedNamingTheKind() {
    assertEquals("glu layer 'g': units must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new GatedLinearUnit("g", 0)).getMessage());
    assertEquals("residual_mlp layer 'r': hidden must be at least 1, got -2",
        assertThrows(IllegalArgumentException.class, () -> new ResidualMlp("r", -2)).getMessage());
    for (double epsilon : new double[] {-0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertEquals("label_smoothing loss: epsilon must be in [0, 1], got " + epsilon,
          assertThrows(IllegalArgumentException.class, () -> new LabelSmoothing(epsilon)).getMessage());
    }
    String m = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.read("{\"input\": [3], \"layers\": "
        + "[{\"type\": \"glu\", \"units\": 0}], \"loss\": {\"type\": \"label_smoothing\", \"epsilon\": 2}}"))
        .getMessage();
    assertTrue(m.contains("layers[0]: glu layer: units must be at least 1, got 0"), m);
    m = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.readLoss("{\"type\": \"label_smoothing\", "
        + "\"epsilon\": 2}")).getMessage();
    assertTrue(m.contains("label_smoothing loss: epsilon must be in [0, 1], got 2.0"), m);
    assertEquals(new LabelSmoothing(LabelSmoothing.DEFAULT_EPSILON),
        NetworkSpecJson.readLoss("{\"type\": \"label_smoothing\"}"));
    new LabelSmoothing(0);
    new LabelSmoothing(1);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void theGradientCheckerPassesOnEachEngine(Engine engine) {
    Network net = Network.create(network(), engine, DataType.FLOAT64);
    Tensor x = LayerAgreement.random(engine, DataType.FLOAT64, Shape.of(4, 2, 3), 5, 2);
    Tensor t = LayerAgreement.random(engine, DataType.FLOAT64, Shape.of(4, 4), 6, 1);
    GradientCheckResult r = new GradientChecker().check(net, x, t);
    assertTrue(r.passes(1e-6), engine.name() + ": " + r);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void theResidualExpressionIsTheResidualGraphOfLayers(Engine engine) {
    BlockSpec graph = new BlockSpec(
        BlockSpec.Node.of(new LayerSpec.Dense(7), BlockSpec.INPUT),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU), "dense1"),
        BlockSpec.Node.of(new LayerSpec.Dense(6), "relu1"),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU), "dense2", BlockSpec.INPUT));
    Network[] nets = new Network[2];
    int i = 0;
    for (LayerSpec block : new LayerSpec[] {graph, new ResidualMlp(null, 7)}) {
      nets[i++] = Network.create(NetworkSpec.builder().input(6).layer(block).loss(LossFunction.MEAN_SQUARED_ERROR)
          .seed(3).build(), engine, DataType.FLOAT64);
    }
    Tensor x = LayerAgreement.random(engine, DataType.FLOAT64, Shape.of(5, 6), 9, 1);
    Tensor dy = LayerAgreement.random(engine, DataType.FLOAT64, Shape.of(5, 6), 10, 1);
    Tolerances exact = new Tolerances(1e-12, 1e-12);
    Agreement.assertAgree("outputs", nets[0].forward(x, Mode.training(0)), nets[1].forward(x, Mode.training(0)),
        exact);
    Agreement.assertAgree("input gradients", nets[0].backward(dy, true), nets[1].backward(dy, true), exact);
    for (int p = 0; p < 4; p++) {
      Agreement.assertAgree("gradient " + p, nets[0].parameters().get(p).gradient(),
          nets[1].parameters().get(p).gradient(), exact);
    }
  }
}
