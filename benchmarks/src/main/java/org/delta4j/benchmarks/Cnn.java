package org.delta4j.benchmarks;

import org.delta4j.spec.Conv2D;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.spec.Window2D;

/**
 * The benchmarked convolutional network, the same for every engine and peer: the main program's {@code train --preset
 * cnn} network (the CLI's {@code FashionMnistCnn}) layer for layer, on [1, 28, 28]: conv 32 3×3 (no padding, no bias),
 * batch norm, ReLU, max-pool 2, conv 64 3×3 (no padding, no bias), batch norm, ReLU, max-pool 2 (28 → 26 → 13 → 11 →
 * 5), flatten, dense 128, ReLU, dense 10; He-uniform weights, softmax cross-entropy, Adam 1e-3, batch norm with
 * momentum 0.1 and ε = 1e-5.
 */
final class Cnn {
  /** The image side and the convolutions: input channels, filters and input side of each (3×3, stride 1, valid). */
  static final int SIDE = 28;
  static final int[][] CONVOLUTIONS = {{1, 32, 28}, {32, 64, 13}};
  static final int KERNEL = 3;

  private Cnn() {}

  static NetworkSpec spec() {
    return NetworkSpec.builder().input(1, SIDE, SIDE)
        .layer(convolution(CONVOLUTIONS[0][1])).batchNorm().relu().maxPool(2)
        .layer(convolution(CONVOLUTIONS[1][1])).batchNorm().relu().maxPool(2)
        .flatten().dense(128, Initializer.heUniform()).relu()
        .dense(10, Initializer.heUniform())
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(1e-3)).seed(1).build();
  }

  private static Conv2D convolution(int filters) {
    return new Conv2D(null, filters, Window2D.square(KERNEL, Padding.VALID), Initializer.heUniform(), false,
        Initializer.zeros());
  }
}
