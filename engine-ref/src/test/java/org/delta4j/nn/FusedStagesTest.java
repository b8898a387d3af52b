package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.layers.BatchNormLayer;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A network runs each batch normalisation followed by a ReLU as one stage ({@link Layer#fuse}): its output, loss,
 * gradients and running statistics are those of the two layers run one after the other, bit for bit, over images
 * (odd sides, after a convolution) and features (one value a channel, after a dense layer), while
 * {@link Network#layers()} keeps one layer per spec.
 */
class FusedStagesTest {
  private static final Engine ENGINE = new RefEngine();

  private static Tensor random(DataType type, Shape shape, long seed) {
    double[] v = new double[shape.intSize()];
    SplitMix64 r = new SplitMix64(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = 4 * r.nextDouble() - 1;
    }
    return ENGINE.tensor(type, shape, v);
  }

  private static double[][] gradientsAndBuffers(Network net) {
    List<double[]> all = new java.util.ArrayList<>();
    net.parameters().forEach(p -> all.add(p.gradient().toDoubleArray()));
    net.buffers().values().forEach(b -> all.add(b.toDoubleArray()));
    return all.toArray(double[][]::new);
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "FLOAT64"})
  void aBatchNormFusedWithItsReluGivesTheBitsOfTheTwoLayers(DataType type) {
    NetworkSpec spec = NetworkSpec.builder().input(3, 7, 5).conv2d(4, 3, Padding.SAME).batchNorm().relu().maxPool(2)
        .flatten().dense(6).batchNorm().relu().dense(3).loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
        .optimizer(new OptimizerSpec.Sgd(0.1)).seed(4).build();
    Shape input = Shape.of(5, 3, 7, 5);
    Tensor x = random(type, input, 5);
    Tensor t = ENGINE.tensor(type, Shape.of(5, 3), 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0);
    Network fused = Network.create(spec, ENGINE, type);
    Network apart = Network.create(spec, ENGINE, type);
    List<Layer> stages = Network.stages(fused.layers());
    assertEquals(fused.layers().size() - 2, stages.size(), "both batch norms fused with their ReLUs");
    assertTrue(stages.get(1) instanceof BatchNormLayer && stages.get(1).name().equals("batchnorm1+relu1"),
        stages.get(1).name());

    double loss = fused.computeGradients(x, t);
    double[] output = fused.output().toDoubleArray();
    apart.zeroGradients();
    Tensor y = x;
    for (Layer l : apart.layers()) {
      y = l.forward(y, Mode.training(0));
    }
    assertArrayEquals(y.toDoubleArray(), output, "output");
    Tensor g = ENGINE.zeros(type, y.shape());
    assertEquals(apart.loss().compute(y.asBatchMatrix(), t.asBatchMatrix(), g.asBatchMatrix()), loss, "loss");
    List<Layer> layers = apart.layers();
    for (int i = layers.size() - 1; i >= 0; i--) {
      g = layers.get(i).backward(g, i > 0);
    }
    double[][] expected = gradientsAndBuffers(apart);
    double[][] actual = gradientsAndBuffers(fused);
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], "gradient or buffer " + i);
    }
  }
}
