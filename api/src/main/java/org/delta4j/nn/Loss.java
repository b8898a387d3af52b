package org.delta4j.nn;

import org.delta4j.spec.LossSpec;
import org.delta4j.tensor.Tensor;

/** A loss: its value and its gradient with respect to the predictions, averaged over the batch. Not thread-safe. */
public interface Loss {
  /** Which loss this is; its formula is documented there. */
  LossSpec spec();

  /**
   * The loss of predictions [N, C] against targets [N, C] (one-hot rows for classes, ±1 for the perceptron), averaged
   * over the N rows. When {@code gradient} is not null it receives ∂loss/∂predictions.
   */
  double compute(Tensor predictions, Tensor targets, Tensor gradient);

  /**
   * The shape checks every loss makes: predictions and targets given, predictions [N, C], targets and gradient (when
   * not null) of the same shape; the message names the loss and both shapes.
   */
  static void checkShapes(LossSpec spec, Tensor predictions, Tensor targets, Tensor gradient) {
    // spec.type() only on failure: a type name may be made anew at each call, and this check runs every step
    if (predictions == null || targets == null) {
      throw new IllegalArgumentException(spec.type() + ": the " + (predictions == null ? "predictions are" : "targets "
          + "are") + " null: a loss compares predictions [N, C] with targets of the same shape");
    }
    if (predictions.shape().rank() != 2) {
      throw new IllegalArgumentException(spec.type() + ": predictions must be [N, C], got " + predictions.shape());
    }
    if (!targets.shape().equals(predictions.shape())) {
      throw new IllegalArgumentException(spec.type() + ": targets have shape " + targets.shape()
          + " but predictions have shape " + predictions.shape() + " (one target row per prediction row)");
    }
    if (gradient != null && !gradient.shape().equals(predictions.shape())) {
      throw new IllegalArgumentException(spec.type() + ": gradient has shape " + gradient.shape()
          + " but predictions have shape " + predictions.shape());
    }
  }
}
