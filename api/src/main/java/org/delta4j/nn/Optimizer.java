package org.delta4j.nn;

import java.util.Map;
import org.delta4j.tensor.Tensor;

/**
 * Updates a fixed list of parameters from their gradients, keeping per-parameter state (velocities, moment
 * estimates). Life cycle: created for one network's parameters with its state at zero; each {@link #step()} applies
 * one update using the gradients as they stand and counts it; {@link #state()} and {@link #restore} carry the state
 * across a save and a load, so that training resumes exactly. Not thread-safe.
 */
public interface Optimizer {
  /**
   * Applies one update to every parameter from its gradient as it stands, which the update leaves as it is (L2 weight
   * decay adds λ·w to what the rule reads, not to the gradient, as PyTorch's weight_decay). The gradients are not
   * checked, which would cost a pass over them every update: a NaN or infinite one makes its weights and state NaN or
   * infinite, which the network's next {@link Network#computeGradients} refuses once they reach its loss, and saving
   * the model ({@code ModelFiles.save}) refuses too.
   */
  void step();

  /** Updates applied so far (the t of the learning-rate schedule and of Adam's bias correction). */
  long iterations();

  /** The learning rate the next update will use. */
  double currentLearningRate();

  /** The live state tensors, keyed {@code parameterName/stateName}, in a fixed order. */
  Map<String, Tensor> state();

  /** Sets the update count after the state tensors have been filled from a saved model. */
  void restore(long iterations);
}
