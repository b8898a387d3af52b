package org.delta4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.delta4j.engine.Engine;
import org.delta4j.nn.Loss;
import org.delta4j.spec.LossSpec.Targets;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Test;

/**
 * A loss says the form of its targets, which is what a prediction from its network is: the built-in losses each
 * their own, and a kind that says nothing, classes when it reads logits and the values themselves otherwise.
 */
class LossTargetsTest {
  @Test
  void eachBuiltInLossNamesTheFormOfItsTargets() {
    Map<LossFunction, Targets> expected = Map.of(
        LossFunction.SQUARED_ERROR, Targets.VALUES,
        LossFunction.MEAN_SQUARED_ERROR, Targets.VALUES,
        LossFunction.BINARY_CROSS_ENTROPY, Targets.BINARY,
        LossFunction.CATEGORICAL_CROSS_ENTROPY, Targets.CLASSES,
        LossFunction.SOFTMAX_CROSS_ENTROPY, Targets.CLASSES,
        LossFunction.PERCEPTRON, Targets.SIGNS);
    for (LossFunction f : LossFunction.values()) {
      assertEquals(expected.get(f), f.targets(), f.type());
    }
  }

  @Test
  void aKindThatSaysNothingTakesClassesOnLogitsAndValuesOtherwise() {
    assertEquals(Targets.CLASSES, new Plain(true).targets());
    assertEquals(Targets.VALUES, new Plain(false).targets());
  }

  private record Plain(boolean takesLogits) implements LossSpec {
    @Override
    public String type() {
      return "plain";
    }

    @Override
    public Loss build(Engine engine, DataType dataType) {
      throw new UnsupportedOperationException("never built");
    }
  }
}
