package org.delta4j.spec;

import java.util.List;
import java.util.Objects;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.layers.ActivationLayer;
import org.delta4j.nn.layers.DenseLayer;
import org.delta4j.nn.layers.DropoutLayer;
import org.delta4j.tensor.Shape;

/**
 * The engine-neutral description of one layer, the door every layer kind enters by, built-in or not: a plain
 * immutable value that names its kind ({@link #type()}, registered through a {@link KindProvider}), infers its output
 * shape, declares its parameters and builds its {@link Layer} on any engine. Input sizes are never stated; a {@link
 * NetworkSpec} infers each layer's input shape from the one before.
 *
 * <p>Contract: {@link #outputShape} throws {@link IllegalArgumentException} naming the layer and the shapes when an
 * input does not fit; {@link #parameters} and the layer {@link #build} makes agree (the network checks); {@link
 * #writeFields} writes what the kind's reader reads back to an equal spec.
 */
public interface LayerSpec {
  /** The kind's stable JSON type name, e.g. {@code dense}. */
  String type();

  /** The layer's name, unique in its network; null until {@link NetworkSpec} assigns a default. */
  String name();

  /** This layer with another name. */
  LayerSpec withName(String name);

  /** The shape of one sample's output, given one sample's input shape. */
  Shape outputShape(Shape input);

  /** The trainable parameters for this input shape, in a fixed order; none by default. */
  default List<ParameterSpec> parameters(Shape input) {
    return List.of();
  }

  /**
   * Tensors the layer keeps across steps that the optimizer does not train (batch norm's running mean and variance):
   * created and initialised by the network like parameters, saved and loaded with the model; none by default.
   */
  default List<ParameterSpec> buffers(Shape input) {
    return List.of();
  }

  /**
   * Why {@code value} cannot be an element of this layer's buffer {@code role} (one of {@link #buffers}), as a model
   * file may hold it: a phrase such as "a variance is ≥ 0", or null (the default) when any finite value will do.
   * Loading a model asks it of every buffer value, so that a kind refuses there what would make its outputs NaN.
   */
  default String refusedBufferValue(String role, double value) {
    return null;
  }

  /** The layer on the context's engine, using the parameters the context created from {@link #parameters}. */
  Layer build(LayerContext context);

  /** Writes the kind's own fields (not {@code type} or {@code name}). */
  void writeFields(FieldWriter out);

  /**
   * The layer whose output is this one's, for a loss to see what a network ends with: this layer itself, or for a
   * layer made of others (a block) the one that gives its output.
   */
  default LayerSpec outputLayer() {
    return this;
  }

  /** The default name's stem: {@code dense}, {@code relu}, {@code dropout}... */
  default String kindLabel() {
    return type();
  }

  /** How the layer appears in a network's one-line summary. */
  default String summary() {
    return kindLabel();
  }

  /**
   * Affine layer Y = X·W + b with W of shape [in, units] and b of shape [units], or Y = X·W when {@code useBias} is
   * false (PyTorch's {@code bias=False}: before a batch normalisation, say). An input of rank &gt; 1 per sample is
   * flattened to its size.
   */
  record Dense(String name, int units, Initializer weights, Initializer bias, boolean useBias) implements LayerSpec {
    public static final String TYPE = "dense";

    public Dense {
      SpecRules.require(SpecRules.units(units), "dense layer", name);
      SpecRules.require(weights == null || bias == null ? "initializers must not be null" : null, "dense layer", name);
      // a bias initializer that would never be used is a mistake in the description, not a setting to drop
      SpecRules.require(!useBias && !bias.equals(Initializer.zeros()) ? "a bias initializer ("
          + bias.kind().name().toLowerCase(java.util.Locale.ROOT) + ", scale " + bias.scale() + ") is given, but "
          + "use_bias is false and there is no bias to initialize: remove one" : null, "dense layer", name);
    }

    /** With a bias. */
    public Dense(String name, int units, Initializer weights, Initializer bias) {
      this(name, units, weights, bias, true);
    }

    /** Xavier-uniform weights and zero biases. */
    public Dense(int units) {
      this(null, units, Initializer.xavierUniform(), Initializer.zeros());
    }

    static Dense read(FieldReader f) {
      return new Dense(f.name(), f.integer("units", null), f.initializer("weights", Initializer.xavierUniform()),
          f.initializer("bias", Initializer.zeros()), f.bool("use_bias", true));
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public Dense withName(String name) {
      return new Dense(name, units, weights, bias, useBias);
    }

    @Override
    public Shape outputShape(Shape input) {
      return Shape.of(units);
    }

    @Override
    public List<ParameterSpec> parameters(Shape input) {
      Objects.requireNonNull(input, () -> "dense layer '" + name + "': input shape is null");
      int in = input.intSize();
      ParameterSpec w = new ParameterSpec("weight", Shape.of(in, units), weights, in, units);
      return useBias ? List.of(w, new ParameterSpec("bias", Shape.of(units), bias, in, units)) : List.of(w);
    }

    @Override
    public DenseLayer build(LayerContext c) {
      return new DenseLayer(c.name(), c.inputShape(), units, c.parameter("weight"),
          useBias ? c.parameter("bias") : null, c.engine(), c.dataType());
    }

    /** Writes {@code use_bias} only when the bias is off, so descriptions of ordinary layers read as they always have. */
    @Override
    public void writeFields(FieldWriter out) {
      out.put("units", units).put("weights", weights).put("bias", bias);
      if (!useBias) {
        out.put("use_bias", false);
      }
    }

    @Override
    public String summary() {
      return useBias ? String.valueOf(units) : units + " (no bias)";
    }
  }

  /**
   * An activation function applied to the previous layer's output; its JSON type is the function's label. {@code
   * alpha} is leaky ReLU's slope.
   */
  record Activation(String name, ActivationFunction function, double alpha) implements LayerSpec {
    public Activation {
      SpecRules.require(function == null ? "the function must not be null" : null, "activation layer", name);
      SpecRules.require(SpecRules.leakySlope(alpha), "activation layer", name);
      // a slope given to a function that takes none would be kept and written, and never have an effect
      SpecRules.require(function == ActivationFunction.LEAKY_RELU || alpha == 0 ? null : "alpha is leaky ReLU's "
          + "slope, and " + function.label() + " takes none: got " + alpha, "activation layer", name);
    }

    public Activation(ActivationFunction function) {
      this(null, function, Objects.requireNonNull(function, "activation function is null").defaultAlpha());
    }

    static Activation read(ActivationFunction function, FieldReader f) {
      return new Activation(f.name(), function, f.number("alpha", function.defaultAlpha()));
    }

    @Override
    public String type() {
      return function.label();
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
    public ActivationLayer build(LayerContext c) {
      return new ActivationLayer(c.name(), function, alpha, c.inputShape(), c.engine(), c.dataType());
    }

    @Override
    public void writeFields(FieldWriter out) {
      out.put("alpha", alpha);
    }
  }

  /**
   * Inverted dropout: in training each element is zeroed with probability {@code rate} and the survivors scaled by
   * 1 / (1 − rate); at inference it passes its input through.
   */
  record Dropout(String name, double rate) implements LayerSpec {
    public static final String TYPE = "dropout";

    public Dropout {
      SpecRules.require(SpecRules.dropoutRate(rate), "dropout layer", name);
    }

    public Dropout(double rate) {
      this(null, rate);
    }

    static Dropout read(FieldReader f) {
      return new Dropout(f.name(), f.number("rate", Double.NaN));
    }

    @Override
    public String type() {
      return TYPE;
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
    public DropoutLayer build(LayerContext c) {
      return new DropoutLayer(c.name(), rate, c.seed(), c.inputShape(), c.engine(), c.dataType());
    }

    @Override
    public void writeFields(FieldWriter out) {
      out.put("rate", rate);
    }

    @Override
    public String summary() {
      return "dropout " + rate;
    }
  }
}
