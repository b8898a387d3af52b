package org.delta4j.dsl.examples;

import org.delta4j.dsl.Adam;
import org.delta4j.dsl.Dense;
import org.delta4j.dsl.Input;
import org.delta4j.dsl.Loss;
import org.delta4j.dsl.NeuralNetwork;
import org.delta4j.dsl.StepDecay;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.DataType;

/**
 * Regression of sin x on [−π, π] in double precision, with a standalone activation layer declared by an annotation of
 * this package ({@link Tanh}), a leaky ReLU, a constant bias and a decaying learning rate. Generates {@code SineNetwork}, whose {@code predict} returns the values.
 */
@NeuralNetwork(seed = 3, dataType = DataType.FLOAT64)
@Input(1)
@Loss(LossFunction.MEAN_SQUARED_ERROR)
@Adam(learningRate = 0.02)
@StepDecay(stepSize = 200, gamma = 0.5)
public interface SineSpec {
  /** Thirty-two tanh units. */
  @Dense(units = 32, init = Initializer.Kind.XAVIER_NORMAL, initScale = 1.5, bias = Initializer.Kind.UNIFORM,
      biasScale = 0.5)
  void hidden();

  /** The hidden layer's activation, as a layer of its own, declared with an annotation written here. */
  @Tanh
  void squash();

  /** A second, leaky layer. */
  @Dense(units = 16, activation = ActivationFunction.LEAKY_RELU, alpha = 0.1)
  void leaky();

  /** The value. */
  @Dense(units = 1, bias = Initializer.Kind.CONSTANT, biasScale = 0.01)
  void value();
}
