package org.delta4j.cli;

import org.delta4j.dsl.Adam;
import org.delta4j.dsl.Dense;
import org.delta4j.dsl.Input;
import org.delta4j.dsl.Loss;
import org.delta4j.dsl.NeuralNetwork;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LossFunction;

/**
 * The main program's default network, written in the DSL: MLP 784-256-128-10 with ReLU, He initialisation (suited to
 * ReLU), softmax cross-entropy and Adam. The processor generates {@code FashionMnistMlpNetwork}; {@code train} takes
 * its description and anneals the learning rate over the run.
 */
@NeuralNetwork(seed = 42)
@Input(784)
@Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
@Adam(learningRate = 2e-3)
interface FashionMnistMlpSpec {
  @Dense(units = 256, activation = ActivationFunction.RELU, init = Initializer.Kind.HE_UNIFORM)
  void hidden1();

  @Dense(units = 128, activation = ActivationFunction.RELU, init = Initializer.Kind.HE_UNIFORM)
  void hidden2();

  @Dense(units = 10, init = Initializer.Kind.HE_UNIFORM)
  void logits();
}
