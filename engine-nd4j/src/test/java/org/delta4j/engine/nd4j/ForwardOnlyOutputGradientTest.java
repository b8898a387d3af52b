package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.delta4j.autodiff.BlockSpec;
import org.delta4j.autodiff.Tape;
import org.delta4j.autodiff.TapeKinds;
import org.delta4j.autodiff.Value;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Loss;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * An output gradient on another engine than the forward pass's is refused by a layer written forward-only, or a
 * block, naming the layer, whether or not ∂E/∂x is asked for, and by {@link Tape#backward} as a seed: an identity
 * returned the other engine's tensor as its input gradient, and the others failed in a kernel or not at all. A loss
 * written forward-only refuses targets or a gradient on another engine than the predictions, naming itself.
 */
class ForwardOnlyOutputGradientTest {
  private static final DataType F64 = DataType.FLOAT64;

  @Test
  void anOutputGradientOnAnotherEngineIsRefusedNamingTheLayer() {
    Engine nd4j = Engines.get(Nd4jEngine.NAME);
    Engine ref = new RefEngine();
    Shape in = Shape.of(3);
    List<LayerSpec> specs = List.of(new TapeKinds.TapeActivation("identity", ActivationFunction.IDENTITY, 0),
        new TapeKinds.TapeActivation("tanh", ActivationFunction.TANH, 0), new TapeKinds.TapeDense("dense", 3),
        new BlockSpec("relus", List.of(BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU)
            .withName("r"), BlockSpec.INPUT)), null));
    for (LayerSpec spec : specs) {
      for (boolean wanted : new boolean[] {true, false}) {
        Map<String, Parameter> parameters = new java.util.HashMap<>();
        for (ParameterSpec p : spec.parameters(in)) {
          parameters.put(p.role(), Parameter.zeros(p.role(), p.shape(), nd4j, F64));
        }
        Layer layer = spec.build(LayerContext.of("layer", in, nd4j, F64, 1, parameters, Map.of()));
        layer.forward(nd4j.tensor(F64, Shape.of(2, 3), 1, 2, 3, 4, 5, 6), Mode.training(1));
        Tensor dy = ref.tensor(F64, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        String m = assertThrows(IllegalArgumentException.class, () -> layer.backward(dy, wanted), spec.name()
            + (wanted ? ", ∂E/∂x wanted" : ", ∂E/∂x not wanted")).getMessage();
        assertTrue(m.startsWith(spec.type() + " layer 'layer': the output gradient is a FLOAT64 tensor on engine ref, "
            + "but the forward pass was FLOAT64 on engine nd4j"), m);
      }
    }
    Tape tape = new Tape(nd4j, F64);
    Value x = tape.variable(nd4j.tensor(F64, Shape.of(1, 2), 1, 2));
    String m = assertThrows(IllegalArgumentException.class, () -> tape.backward(x, ref.tensor(F64, Shape.of(1, 2),
        1, 1))).getMessage();
    assertTrue(m.startsWith("backward: the gradient is a tensor on engine ref but variable [1, 2] is on engine nd4j"),
        m);
  }

  @Test
  void aLossTensorOnAnotherEngineIsRefusedNamingTheLoss() {
    Engine nd4j = Engines.get(Nd4jEngine.NAME);
    Engine ref = new RefEngine();
    Loss loss = new TapeKinds.TapeSoftmaxCrossEntropy().build(nd4j, F64);
    Tensor p = nd4j.tensor(F64, Shape.of(1, 2), 1, 2);
    Tensor t = nd4j.tensor(F64, Shape.of(1, 2), 0, 1);
    Tensor g = nd4j.zeros(F64, Shape.of(1, 2));
    Tensor other = ref.tensor(F64, Shape.of(1, 2), 0, 1);
    Map<String, org.junit.jupiter.api.function.Executable> calls = Map.of(
        "the targets are", () -> loss.compute(p, other, g), "the gradient is", () -> loss.compute(p, t, other));
    calls.forEach((expected, call) -> {
      String m = assertThrows(IllegalArgumentException.class, call, expected).getMessage();
      assertTrue(m.startsWith("autodiff_softmax_cross_entropy: " + expected + " a FLOAT64 tensor on engine ref, but "
          + "the loss computes in FLOAT64 on the predictions' engine nd4j"), m);
    });
  }
}
