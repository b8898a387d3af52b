package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Loss;
import org.delta4j.nn.Network;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.LossSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training gives each row's class as a one-hot target, so it takes a network by what its loss says of
 * its targets, a user's loss as a built-in one: ±1 targets are refused by the loss's name before any data is read.
 */
class BlockGradientsTest {
  /** The perceptron criterion under a user's name, saying its targets only through {@link LossSpec#targets()}. */
  private record UserLoss(Targets targets) implements LossSpec {
    @Override
    public String type() {
      return "user_hinge";
    }

    @Override
    public Loss build(Engine engine, DataType dataType) {
      return LossFunction.PERCEPTRON.build(engine, dataType);
    }
  }

  private static Network network(LossSpec loss) {
    return Network.create(NetworkSpec.builder().input(4).dense(3).loss(loss).build(), Engines.get("ref"));
  }

  @Test
  void aUsersLossOfSignTargetsIsRefusedByNameAndOneOfClassTargetsTaken() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BlockGradients.checkClassifier(network(new UserLoss(LossSpec.Targets.SIGNS))));
    assertTrue(e.getMessage().contains("the network's loss user_hinge takes targets of ±1"), e.getMessage());
    assertDoesNotThrow(() -> BlockGradients.checkClassifier(network(new UserLoss(LossSpec.Targets.CLASSES))));
  }
}
