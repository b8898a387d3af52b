package org.delta4j.nn;

import org.delta4j.engine.Kernels;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.Tensor;

/** A built-in {@link LossFunction} computed by the engine's fused loss kernel, after the shape checks of every loss. */
public final class KernelLoss implements Loss {
  private final LossFunction function;
  private final Kernels kernels;

  public KernelLoss(LossFunction function, Kernels kernels) {
    this.function = function;
    this.kernels = kernels;
  }

  @Override
  public LossFunction spec() {
    return function;
  }

  @Override
  public double compute(Tensor predictions, Tensor targets, Tensor gradient) {
    Loss.checkShapes(function, predictions, targets, gradient);
    return kernels.loss(function, predictions, targets, gradient);
  }
}
