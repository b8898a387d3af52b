package org.delta4j.dsl.examples;

import org.delta4j.dsl.Adam;
import org.delta4j.dsl.Dense;
import org.delta4j.dsl.Dropout;
import org.delta4j.dsl.Input;
import org.delta4j.dsl.Loss;
import org.delta4j.dsl.NeuralNetwork;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LossFunction;

/** An MLP for 28 × 28 images with dropout, as a user would write one. Generates {@code FashionMnistMlpNetwork}. */
@NeuralNetwork
@Input({28, 28})
@Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
@Adam(learningRate = 2e-3)
public interface FashionMnistMlpSpec {
  /** The first hidden layer. */
  @Dense(units = 256, activation = ActivationFunction.RELU, init = Initializer.Kind.HE_UNIFORM)
  void hidden1();

  /** Drops a fifth of the first layer's outputs in training. */
  @Dropout(0.2)
  void dropout();

  /** The second hidden layer. */
  @Dense(units = 128, activation = ActivationFunction.RELU, init = Initializer.Kind.HE_UNIFORM)
  void hidden2();

  /** The ten classes' logits. */
  @Dense(units = 10)
  void logits();
}
