package org.delta4j.dsl.examples;

import org.delta4j.dsl.Adam;
import org.delta4j.dsl.Dense;
import org.delta4j.dsl.Input;
import org.delta4j.dsl.Loss;
import org.delta4j.dsl.NeuralNetwork;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;

/** XOR with two inputs, four tanh units and a two-class softmax cross-entropy output. Generates {@code XorNetwork}. */
@NeuralNetwork(seed = 7)
@Input(2)
@Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
@Adam(learningRate = 0.05)
public interface XorSpec {
  /** Four tanh units. */
  @Dense(units = 4, activation = ActivationFunction.TANH)
  void hidden();

  /** The two classes' logits. */
  @Dense(units = 2)
  void output();
}
