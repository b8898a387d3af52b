package org.delta4j.benchmarks;

import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;

/** The benchmarked network, the same for every engine and peer: MLP 784-256-128-10, ReLU, softmax cross-entropy. */
final class Mlp {
  private Mlp() {}

  /** With Adam (α = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8) and Xavier-uniform weights, as the peers are set up. */
  static NetworkSpec spec() {
    return NetworkSpec.builder().input(784).dense(256).relu().dense(128).relu().dense(10)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(1e-3)).seed(1).build();
  }
}
