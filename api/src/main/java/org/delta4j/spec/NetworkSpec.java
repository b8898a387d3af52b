package org.delta4j.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.delta4j.tensor.Shape;

/**
 * The engine-neutral description of a feed-forward network: the shape of one input sample, the layers in order, the
 * loss, the optimizer and the seed its weights are drawn from. An immutable value; {@link org.delta4j.nn.Network}
 * turns it into a runnable network on any engine. Construction applies {@link SpecRules} and reports every problem
 * at once; layers without a name get one from their kind and position ({@code dense1}, {@code relu1}, ...).
 */
public record NetworkSpec(
    Shape input, List<LayerSpec> layers, LossSpec loss, OptimizerSpec optimizer, long seed) {

  public NetworkSpec {
    layers = layers == null ? List.of() : List.copyOf(withDefaultNames(layers));
    List<SpecRules.Problem> problems = new ArrayList<>(SpecRules.networkProblems(input, layers, loss));
    if (optimizer == null) {
      problems.add(new SpecRules.Problem(-1, "optimizer", "the network has no optimizer"));
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This description with another seed. */
  public NetworkSpec withSeed(long seed) {
    return new NetworkSpec(input, layers, loss, optimizer, seed);
  }

  /** This description with another optimizer. */
  public NetworkSpec withOptimizer(OptimizerSpec optimizer) {
    return new NetworkSpec(input, layers, loss, optimizer, seed);
  }

  /** The per-sample input shape of each layer, in order (the input of layer 0 is {@link #input()}). */
  public List<Shape> inputShapes() {
    List<Shape> shapes = new ArrayList<>(layers.size());
    Shape s = input;
    for (LayerSpec l : layers) {
      shapes.add(s);
      s = l.outputShape(s);
    }
    return shapes;
  }

  /** The per-sample output shape of the network. */
  public Shape outputShape() {
    Shape s = input;
    for (LayerSpec l : layers) {
      s = l.outputShape(s);
    }
    return s;
  }

  /** Number of trainable parameters, over every layer's declared parameters. */
  public long parameterCount() {
    long n = 0;
    List<Shape> in = inputShapes();
    for (int i = 0; i < layers.size(); i++) {
      for (ParameterSpec p : layers.get(i).parameters(in.get(i))) {
        n += p.shape().size();
      }
    }
    return n;
  }

  /**
   * A one-line summary, e.g. {@code 784-256-128-10 (relu, relu), softmax_cross_entropy, Adam[...]}: the input size and
   * the layers with parameters form the chain, the others are listed after it.
   */
  public String summary() {
    List<Shape> in = inputShapes();
    StringBuilder sizes = new StringBuilder().append(input.size());
    List<String> others = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      if (l.parameters(in.get(i)).isEmpty()) {
        others.add(l.summary());
      } else {
        sizes.append('-').append(l.summary());
      }
    }
    return sizes + (others.isEmpty() ? "" : " (" + String.join(", ", others) + ")") + ", " + loss.type() + ", "
        + optimizer + ", " + parameterCount() + " parameters";
  }

  private static List<LayerSpec> withDefaultNames(List<LayerSpec> layers) {
    Map<String, Integer> counts = new HashMap<>();
    List<LayerSpec> named = new ArrayList<>(layers.size());
    for (LayerSpec l : layers) {
      if (l == null) {
        throw new IllegalArgumentException("layer " + named.size() + " is null");
      }
      if (l.type() == null || l.type().isBlank()) {
        // the type names the layer in every message, its JSON and its default name: without one they all fail later
        throw new IllegalArgumentException("layer " + named.size() + " (" + l.getClass().getName()
            + ") has no type name: type() returned " + (l.type() == null ? "null" : "'" + l.type() + "'"));
      }
      int k = counts.merge(l.kindLabel(), 1, Integer::sum);
      if (l.name() != null) {
        named.add(l);
        continue;
      }
      String given = l.kindLabel() + k;
      LayerSpec renamed = l.withName(given);
      // as a block's nodes: a kind that drops the name given made layers named null, their parameters "null.<role>"
      // one over the other, and a null layer failed in List.copyOf
      if (renamed == null || !given.equals(renamed.name())) {
        throw new IllegalArgumentException("layer " + named.size() + " (" + l.getClass().getName() + "): withName(\""
            + given + "\") gave " + (renamed == null ? "null" : "a layer named " + (renamed.name() == null ? "null"
            : "'" + renamed.name() + "'")) + "; a kind gives a copy of itself under the name asked");
      }
      named.add(renamed);
    }
    return named;
  }

  /** Builds a {@link NetworkSpec} fluently: {@code input(784).dense(256).relu().dense(10).loss(...).build()}. */
  public static final class Builder {
    private Shape input;
    private final List<LayerSpec> layers = new ArrayList<>();
    private LossSpec loss;
    private OptimizerSpec optimizer = new OptimizerSpec.Adam(1e-3);
    private long seed = 42;

    private Builder() {}

    /** The shape of one input sample, e.g. {@code input(784)} or {@code input(28, 28)}. */
    public Builder input(int... dims) {
      Objects.requireNonNull(dims, "input: dims is null");
      for (int d : dims) {
        SpecRules.require(SpecRules.inputSize(d), "input", null);
      }
      this.input = Shape.of(dims);
      return this;
    }

    /** A layer as described. */
    public Builder layer(LayerSpec layer) {
      layers.add(layer);
      return this;
    }

    /** A dense layer with Xavier-uniform weights and zero biases. */
    public Builder dense(int units) {
      return layer(new LayerSpec.Dense(units));
    }

    /** A dense layer with the given weight initializer and zero biases. */
    public Builder dense(int units, Initializer weights) {
      return layer(new LayerSpec.Dense(null, units, weights, Initializer.zeros()));
    }

    public Builder activation(ActivationFunction function) {
      return layer(new LayerSpec.Activation(function));
    }

    public Builder relu() {
      return activation(ActivationFunction.RELU);
    }

    public Builder leakyRelu(double alpha) {
      return layer(new LayerSpec.Activation(null, ActivationFunction.LEAKY_RELU, alpha));
    }

    public Builder sigmoid() {
      return activation(ActivationFunction.SIGMOID);
    }

    public Builder tanh() {
      return activation(ActivationFunction.TANH);
    }

    public Builder softmax() {
      return activation(ActivationFunction.SOFTMAX);
    }

    public Builder dropout(double rate) {
      return layer(new LayerSpec.Dropout(rate));
    }

    /** A convolution of {@code filters} k×k kernels, stride 1, He-uniform weights and zero biases. */
    public Builder conv2d(int filters, int k, Padding padding) {
      return layer(new Conv2D(filters, k, padding));
    }

    /** Max pooling over k×k windows of stride k. */
    public Builder maxPool(int k) {
      return layer(new Pool2D(Pool2D.Kind.MAX, k));
    }

    /** Average pooling over k×k windows of stride k. */
    public Builder avgPool(int k) {
      return layer(new Pool2D(Pool2D.Kind.AVERAGE, k));
    }

    public Builder globalAveragePool() {
      return layer(new GlobalAveragePool2D());
    }

    public Builder flatten() {
      return layer(new Flatten());
    }

    /** Batch normalisation with momentum 0.1 and ε = 1e-5. */
    public Builder batchNorm() {
      return layer(new BatchNorm());
    }

    public Builder loss(LossSpec loss) {
      this.loss = loss;
      return this;
    }

    /** The optimizer; Adam with α = 1e-3 when not set. */
    public Builder optimizer(OptimizerSpec optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    /** The seed initial weights are drawn from; 42 when not set. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public NetworkSpec build() {
      return new NetworkSpec(input, layers, loss, optimizer, seed);
    }
  }
}
