package org.delta4j.nn;

import org.delta4j.engine.Kernels;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.Tensor;

/** A {@link LossFunction} computed by the engine's loss kernel, with the shape checks that make misuse fail clearly. */
public final class BuiltInLoss implements Loss {
  private final LossFunction function;
  private final Kernels kernels;

  public BuiltInLoss(LossFunction function, Kernels kernels) {
    this.function = function;
    this.kernels = kernels;
  }

  @Override
  public LossFunction function() {
    return function;
  }

  @Override
  public double compute(Tensor predictions, Tensor targets, Tensor gradient) {
    String what = function.name().toLowerCase(java.util.Locale.ROOT);
    if (predictions.shape().rank() != 2) {
      throw new IllegalArgumentException(what + ": predictions must be [N, C], got " + predictions.shape());
    }
    if (!targets.shape().equals(predictions.shape())) {
      throw new IllegalArgumentException(what + ": targets have shape " + targets.shape()
          + " but predictions have shape " + predictions.shape() + " (one target row per prediction row)");
    }
    if (gradient != null && !gradient.shape().equals(predictions.shape())) {
      throw new IllegalArgumentException(what + ": gradient has shape " + gradient.shape()
          + " but predictions have shape " + predictions.shape());
    }
    return kernels.loss(function, predictions, targets, gradient);
  }
}
