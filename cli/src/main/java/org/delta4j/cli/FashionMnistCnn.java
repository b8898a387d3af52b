package org.delta4j.cli;

import org.delta4j.spec.Conv2D;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.Padding;
import org.delta4j.spec.Window2D;

/**
 * The main program's convolutional network ({@code train --preset cnn}; the same network is
 * examples/specs/fashion-cnn.json) for 28×28 grey images [1, 28, 28]: conv 32 3×3, batch norm, ReLU, max-pool 2, conv
 * 64 3×3, batch norm, ReLU, max-pool 2, dense 128, ReLU, dense 10; He initialisation, softmax cross-entropy. The
 * convolutions have no bias, which batch normalisation would remove, and pad their input to keep its size (28 → 28 →
 * 14 → 14 → 7), so the dense layer sees 7×7 positions and the image's edges. Measured over 10 epochs on the reference
 * engine: 92.4 % test accuracy (seed 42; 92.9 % on the validation images). Unpadded (28 → 26 → 13 → 11 → 5) it reached
 * 91.5 % and 91.3 % in two runs, too close to 91.5 %; unpadded with dropout 0.5 after the dense 128, 90.9 %; unpadded
 * without batch normalisation 91.2 %, and with dropout 0.25 and 0.5 in its place 90.7 %.
 */
final class FashionMnistCnn {
  private FashionMnistCnn() {}

  /** {@code filters} 3×3 kernels, no padding, He-uniform weights, no bias. */
  private static Conv2D convolution(int filters) {
    return new Conv2D(null, filters, Window2D.square(3, Padding.SAME), Initializer.heUniform(), false,
        Initializer.zeros());
  }

  /** The network for {@code classes} classes. */
  static NetworkSpec spec(int classes, long seed) {
    return NetworkSpec.builder().input(1, 28, 28)
        .layer(convolution(32)).batchNorm().relu().maxPool(2)
        .layer(convolution(64)).batchNorm().relu().maxPool(2)
        .flatten().dense(128, Initializer.heUniform()).relu()
        .dense(classes, Initializer.heUniform())
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).seed(seed).build();
  }
}
