package org.delta4j.benchmarks;

import org.delta4j.autodiff.TapeKinds;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.openjdk.jmh.annotations.Param;

/**
 * The price of automatic differentiation: {@link TrainingStepBenchmark}'s training step of the benchmarked MLP, its
 * layers either the hand-written ones or the same layers written forward-only and differentiated by the tape
 * ({@link TapeKinds}: Y = X·W + b and max(0, X), with the same weights). Steps per second.
 */
public class AutodiffBenchmark extends TrainingStepBenchmark {
  @Param({"hand-written", "autodiff"})
  public String layers;

  /** {@link Mlp#spec()}, its layers written with the tape when {@link #layers} says so. */
  @Override
  NetworkSpec spec() {
    if (layers.equals("hand-written")) {
      return Mlp.spec();
    }
    NetworkSpec.Builder b = NetworkSpec.builder().input(784);
    for (int units : new int[] {256, 128}) {
      b.layer(new TapeKinds.TapeDense(null, units)).layer(new TapeKinds.TapeActivation(ActivationFunction.RELU));
    }
    return b.layer(new TapeKinds.TapeDense(null, 10)).loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
        .optimizer(new OptimizerSpec.Adam(1e-3)).seed(1).build();
  }
}
