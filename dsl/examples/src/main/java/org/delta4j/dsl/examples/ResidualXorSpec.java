package org.delta4j.dsl.examples;

import org.delta4j.dsl.Activation;
import org.delta4j.dsl.Adam;
import org.delta4j.dsl.Block;
import org.delta4j.dsl.BlockNodes;
import org.delta4j.dsl.Dense;
import org.delta4j.dsl.From;
import org.delta4j.dsl.Input;
import org.delta4j.dsl.Loss;
import org.delta4j.dsl.NeuralNetwork;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;

/**
 * XOR through a residual block declared in the DSL: a layer that is a graph of layers (the {@code block} kind), whose
 * nodes are the methods of the nested {@link Unit}, wired by {@link From}. Generates {@code ResidualXorNetwork}.
 */
@NeuralNetwork(seed = 3)
@Input(2)
@Loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
@Adam(learningRate = 0.05)
public interface ResidualXorSpec {
  /** Eight tanh units. */
  @Dense(units = 8, activation = ActivationFunction.TANH)
  void stem();

  /** relu(x + f(x)), f the two dense layers of {@link Unit}. */
  @Block(nodes = Unit.class)
  void residual();

  /** The two classes' logits. */
  @Dense(units = 2)
  void output();

  /** The block's nodes: each takes the one before it, the block's input for the first, unless {@link From} says. */
  @BlockNodes
  interface Unit {
    /** W₁·x + b₁, then its ReLU as the node {@code fc1_relu}. */
    @Dense(units = 8, activation = ActivationFunction.RELU)
    void fc1();

    /** W₂·h + b₂. */
    @Dense(units = 8)
    void fc2();

    /** The skip connection: relu(f(x) + x). */
    @From({"fc2", "input"})
    @Activation(ActivationFunction.RELU)
    void sum();
  }
}
