package org.delta4j.engine.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.delta4j.data.ArrayDataset;
import org.delta4j.nn.Network;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.train.Evaluation;
import org.delta4j.train.Trainer;
import org.junit.jupiter.api.Test;

class XorSmokeTest {
  @Test
  void xor() {
    NetworkSpec spec = NetworkSpec.builder().input(2).dense(4).tanh().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.05)).seed(7).build();
    Network net = Network.create(spec, new RefEngine());
    ArrayDataset data = ArrayDataset.classification(
        new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, new int[] {0, 1, 1, 0}, 2);
    Trainer.builder().epochs(300).batchSize(4).build().fit(net, data);
    assertEquals(1.0, Evaluation.of(net, data, 4).accuracy());
  }
}
