package org.delta4j.spec;

import org.delta4j.tensor.Shape;

/**
 * The engine-neutral description of one layer: a plain immutable value. Input sizes are never stated; a {@link
 * NetworkSpec} infers each layer's input shape from the one before.
 */
public sealed interface LayerSpec permits LayerSpec.Dense, LayerSpec.Activation, LayerSpec.Dropout {
  /** The layer's name, unique in its network; null until {@link NetworkSpec} assigns a default. */
  String name();

  /** This layer with another name. */
  LayerSpec withName(String name);

  /** The shape of one sample's output, given one sample's input shape. */
  Shape outputShape(Shape input);

  /** The default name's stem: {@code dense}, {@code relu}, {@code dropout}... */
  String kindLabel();

  /**
   * Affine layer Y = X·W + b with W of shape [in, units] and b of shape [units]. An input of rank &gt; 1 per sample
   * is flattened to its size.
   */
  record Dense(String name, int units, Initializer weights, Initializer bias) implements LayerSpec {
    public Dense {
      SpecRules.require(SpecRules.units(units), "dense layer", name);
      SpecRules.require(weights == null || bias == null ? "initializers must not be null" : null, "dense layer", name);
    }

    /** Xavier-uniform weights and zero biases. */
    public Dense(int units) {
      this(null, units, Initializer.xavierUniform(), Initializer.zeros());
    }

    @Override
    public Dense withName(String name) {
      return new Dense(name, units, weights, bias);
    }

    @Override
    public Shape outputShape(Shape input) {
      return Shape.of(units);
    }

    @Override
    public String kindLabel() {
      return "dense";
    }
  }

  /** An activation function applied to the previous layer's output. {@code alpha} is leaky ReLU's slope. */
  record Activation(String name, ActivationFunction function, double alpha) implements LayerSpec {
    public Activation {
      SpecRules.require(function == null ? "the function must not be null" : null, "activation layer", name);
      SpecRules.require(SpecRules.leakySlope(alpha), "activation layer", name);
    }

    public Activation(ActivationFunction function) {
      this(null, function, function == ActivationFunction.LEAKY_RELU ? 0.01 : 0);
    }

    @Override
    public Activation withName(String name) {
      return new Activation(name, function, alpha);
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public String kindLabel() {
      return function.label();
    }
  }

  /**
   * Inverted dropout: in training each element is zeroed with probability {@code rate} and the survivors scaled by
   * 1 / (1 − rate); at inference it passes its input through.
   */
  record Dropout(String name, double rate) implements LayerSpec {
    public Dropout {
      SpecRules.require(SpecRules.dropoutRate(rate), "dropout layer", name);
    }

    public Dropout(double rate) {
      this(null, rate);
    }

    @Override
    public Dropout withName(String name) {
      return new Dropout(name, rate);
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public String kindLabel() {
      return "dropout";
    }
  }
}
