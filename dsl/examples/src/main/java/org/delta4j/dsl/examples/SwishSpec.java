package org.delta4j.dsl.examples;

import org.delta4j.dsl.Dense;
import org.delta4j.dsl.Input;
import org.delta4j.dsl.NeuralNetwork;

/**
 * Regression of sin x with a layer, a loss and an optimizer that {@code examples/custom-layers} defines outside the
 * API — a Swish with a learned β, the Huber loss and Lion — declared with annotations of this package and checked at
 * compile time, their module being on the processor path. Generates {@code SwishNetwork}.
 */
@NeuralNetwork(seed = 11)
@Input(1)
@Huber(delta = 0.5)
@Lion(learningRate = 3e-3)
public interface SwishSpec {
  /** Sixteen units. */
  @Dense(units = 16)
  void hidden();

  /** Their Swish, with β learned from 1. */
  @Swish
  void swish();

  /** The value. */
  @Dense(units = 1)
  void value();
}
