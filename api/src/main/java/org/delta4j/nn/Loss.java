package org.delta4j.nn;

import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.Tensor;

/** A loss: its value and its gradient with respect to the predictions, averaged over the batch. Not thread-safe. */
public interface Loss {
  /** Which loss this is; its formula is documented there. */
  LossFunction function();

  /**
   * The loss of predictions [N, C] against targets [N, C] (one-hot rows for classes, ±1 for the perceptron), averaged
   * over the N rows. When {@code gradient} is not null it receives ∂loss/∂predictions.
   */
  double compute(Tensor predictions, Tensor targets, Tensor gradient);
}
