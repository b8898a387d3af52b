package org.delta4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.delta4j.data.ArrayDataset;
import org.delta4j.data.Split;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.Network;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Training learns: XOR with a 2-4-1 network, two moons, and the same seed gives the same network bit for bit. */
class LearningTest {
  private final Engine engine = new RefEngine();

  @Test
  void xorWithTwoFourOne() {
    NetworkSpec spec = NetworkSpec.builder().input(2).dense(4).tanh().dense(1).sigmoid()
        .loss(LossFunction.BINARY_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.05)).seed(3).build();
    Network net = Network.create(spec, engine);
    ArrayDataset xor = ArrayDataset.regression(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}},
        new float[][] {{0}, {1}, {1}, {0}});
    Trainer.builder().epochs(500).batchSize(4).build().fit(net, xor);
    double[] out = net.probabilities(engine.tensor(DataType.FLOAT32, Shape.of(4, 2), 0, 0, 0, 1, 1, 0, 1, 1))
        .toDoubleArray();
    assertTrue(out[0] < 0.5 && out[1] > 0.5 && out[2] > 0.5 && out[3] < 0.5, Arrays.toString(out));
  }

  /** Two interleaved half-moons with Gaussian noise: not linearly separable, but easy for a small MLP. */
  static ArrayDataset twoMoons(int n, double noise, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    float[][] x = new float[n][2];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      double t = Math.PI * r.nextDouble();
      y[i] = i % 2;
      x[i][0] = (float) ((y[i] == 0 ? Math.cos(t) : 1 - Math.cos(t)) + noise * r.nextGaussian());
      x[i][1] = (float) ((y[i] == 0 ? Math.sin(t) : 0.5 - Math.sin(t)) + noise * r.nextGaussian());
    }
    return ArrayDataset.classification(x, y, 2);
  }

  @Test
  void twoMoonsToNinetySevenPercent() {
    Split split = Split.of(twoMoons(3000, 0.1, 5), 0.2, 1);
    NetworkSpec spec = NetworkSpec.builder().input(2).dense(32).relu().dense(32).relu().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(1).build();
    Network net = Network.create(spec, engine);
    History h = Trainer.builder().epochs(15).batchSize(32).validation(split.validation()).build()
        .fit(net, split.training());
    assertTrue(h.last().validationAccuracy() >= 0.97, "validation accuracy " + h.last().validationAccuracy());
  }

  private double[] trainedWeights(long seed) {
    NetworkSpec spec = NetworkSpec.builder().input(2).dense(8).relu().dropout(0.2).dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(seed).build();
    Network net = Network.create(spec, engine);
    Trainer.builder().epochs(3).batchSize(16).seed(seed).build().fit(net, twoMoons(200, 0.1, 2));
    Tensor w = net.parameter("dense1.weight").value();
    return w.toDoubleArray();
  }

  @Test
  void theSameSeedGivesTheSameWeightsBitForBit() {
    assertArrayEquals(trainedWeights(7), trainedWeights(7));
    assertFalse(Arrays.equals(trainedWeights(7), trainedWeights(8)));
    assertEquals(16, trainedWeights(7).length);
  }
}
