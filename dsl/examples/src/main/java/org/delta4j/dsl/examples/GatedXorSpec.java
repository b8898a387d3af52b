package org.delta4j.dsl.examples;

import org.delta4j.dsl.Adam;
import org.delta4j.dsl.Input;
import org.delta4j.dsl.NeuralNetwork;

/**
 * XOR through layers and a loss written forward-only in {@code examples/custom-layers} — a gated linear unit, a
 * residual block and label smoothing — declared with annotations of this package and checked at compile time.
 * Generates {@code GatedXorNetwork}.
 */
@NeuralNetwork(seed = 5)
@Input(2)
@LabelSmoothing(epsilon = 0.05)
@Adam(learningRate = 0.05)
public interface GatedXorSpec {
  /** Eight gated units. */
  @GatedLinear(units = 8)
  void gated();

  /** relu(x + f(x)) through eight hidden units. */
  @Residual(hidden = 8)
  void residual();

  /** The two classes' logits. */
  @GatedLinear(units = 2)
  void output();
}
