package org.delta4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.nn.layers.ActivationLayer;
import org.delta4j.nn.layers.DenseLayer;
import org.delta4j.nn.layers.DropoutLayer;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * A {@link NetworkSpec} made runnable on one engine: its layers, loss and optimizer, with weights drawn from the spec's
 * seed (the same on every engine). The chain rule runs here: {@link #backward} passes ∂L/∂output from the last layer
 * to the first, each layer turning ∂L/∂y into ∂L/∂x and its parameter gradients. Not thread-safe.
 */
public final class Network {
  private final NetworkSpec spec;
  private final Engine engine;
  private final DataType dataType;
  private final List<Layer> layers;
  private final List<Parameter> parameters;
  private final Map<String, Parameter> parametersByName;
  private final Loss loss;
  private final Optimizer optimizer;
  private final Kernels kernels;
  private final Shape inputShape;
  private final Shape outputShape;
  private final BatchTensors probabilityBuffers;
  private final BatchTensors lossGradients;
  private Tensor output;

  private Network(NetworkSpec spec, Engine engine, DataType dataType) {
    this.spec = spec;
    this.engine = engine;
    this.dataType = dataType;
    this.kernels = engine.kernels();
    this.inputShape = spec.input();
    this.outputShape = spec.outputShape();
    this.probabilityBuffers = new BatchTensors(engine, dataType, outputShape);
    this.lossGradients = new BatchTensors(engine, dataType, outputShape);
    List<Layer> built = new ArrayList<>();
    List<Shape> inputs = spec.inputShapes();
    for (int i = 0; i < spec.layers().size(); i++) {
      built.add(buildLayer(spec.layers().get(i), i, inputs.get(i)));
    }
    this.layers = List.copyOf(built);
    List<Parameter> params = new ArrayList<>();
    Map<String, Parameter> byName = new LinkedHashMap<>();
    for (Layer l : layers) {
      for (Parameter p : l.parameters()) {
        params.add(p);
        byName.put(p.name(), p);
      }
    }
    this.parameters = List.copyOf(params);
    this.parametersByName = Collections.unmodifiableMap(byName);
    initializeWeights();
    this.loss = new BuiltInLoss(spec.loss(), kernels);
    this.optimizer = new BuiltInOptimizer(spec.optimizer(), parameters, engine);
  }

  /** A FLOAT32 network. */
  public static Network create(NetworkSpec spec, Engine engine) {
    return create(spec, engine, DataType.FLOAT32);
  }

  public static Network create(NetworkSpec spec, Engine engine, DataType dataType) {
    return new Network(spec, engine, dataType);
  }

  private Layer buildLayer(LayerSpec l, int index, Shape in) {
    if (l instanceof LayerSpec.Dense d) {
      return new DenseLayer(d.name(), in, d.units(), engine, dataType);
    } else if (l instanceof LayerSpec.Activation a) {
      return new ActivationLayer(a.name(), a.function(), a.alpha(), in, engine, dataType);
    } else if (l instanceof LayerSpec.Dropout d) {
      return new DropoutLayer(d.name(), d.rate(), SplitMix64.mix(spec.seed() + SplitMix64.mix(index + 1)), in, engine,
          dataType);
    }
    throw new AssertionError(l);
  }

  /** Draws every Dense layer's weights, then its biases, in layer order, from one stream seeded by the spec. */
  private void initializeWeights() {
    SplitMix64 random = new SplitMix64(spec.seed());
    for (int i = 0; i < layers.size(); i++) {
      if (spec.layers().get(i) instanceof LayerSpec.Dense d) {
        DenseLayer layer = (DenseLayer) layers.get(i);
        double[] w = new double[layer.inputSize() * d.units()];
        d.weights().fill(w, layer.inputSize(), d.units(), random);
        layer.parameters().get(0).value().copyFrom(w);
        double[] b = new double[d.units()];
        d.bias().fill(b, layer.inputSize(), d.units(), random);
        layer.parameters().get(1).value().copyFrom(b);
      }
    }
  }

  /** The output for a batch [N, input...]: logits when the loss takes logits (see {@link #probabilities}). */
  public Tensor forward(Tensor input, Mode mode) {
    checkInput(input);
    Tensor x = input;
    for (Layer l : layers) {
      x = l.forward(x, mode);
    }
    output = x;
    return x;
  }

  /**
   * Back-propagates ∂L/∂output through every layer (the chain rule, last layer first), adding into the parameter
   * gradients. Returns ∂L/∂input when {@code needInputGradient}, else null (and the first layer skips that product).
   */
  public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
    Tensor g = gradOutput;
    for (int i = layers.size() - 1; i >= 0; i--) {
      g = layers.get(i).backward(g, i > 0 || needInputGradient);
    }
    return g;
  }

  /**
   * One training update on a batch: zero the gradients, forward in training mode, the loss and its gradient, back-
   * propagation, and one optimizer step. Returns the batch's loss before the update.
   *
   * @throws ArithmeticException when the loss is NaN or infinite (the weights are left as they were)
   */
  public double trainStep(Tensor input, Tensor targets) {
    zeroGradients();
    Tensor out = forward(input, Mode.training(optimizer.iterations()));
    Tensor gradient = lossGradient(out.shape());
    double value = loss.compute(out, targets, gradient);
    if (!Double.isFinite(value)) {
      throw new ArithmeticException(String.format(Locale.ROOT,
          "%s loss is %s at update %d: the inputs or targets hold NaN/infinite values, or training diverged "
              + "(try a lower learning rate than %g)",
          spec.loss(), value, optimizer.iterations() + 1, optimizer.currentLearningRate()));
    }
    backward(gradient, false);
    optimizer.step();
    return value;
  }

  /** The loss on a batch in inference mode, without touching gradients or weights. */
  public double loss(Tensor input, Tensor targets) {
    return loss.compute(forward(input, Mode.inference()), targets, null);
  }

  /**
   * Class probabilities (or, for losses without a softmax, the raw outputs) for a batch, in inference mode. The
   * returned tensor belongs to the network and is overwritten by the next call with the same batch size.
   */
  public Tensor probabilities(Tensor input) {
    Tensor out = forward(input, Mode.inference());
    if (!spec.loss().takesLogits()) {
      return out;
    }
    Tensor p = probabilityBuffers.get(out.shape().dim(0));
    kernels.activation(ActivationFunction.SOFTMAX, 0, out, p);
    return p;
  }

  /** The most probable class of each row of a batch, into {@code classes} (length ≥ N). */
  public void predictClasses(Tensor input, int[] classes) {
    kernels.argmaxRows(forward(input, Mode.inference()), classes); // softmax keeps the order: argmax of logits
  }

  public void zeroGradients() {
    for (Parameter p : parameters) {
      kernels.fill(p.gradient(), 0);
    }
  }

  private Tensor lossGradient(Shape shape) {
    return lossGradients.get(shape.dim(0));
  }

  /** The output of the last forward pass (for a training step, before its update); null before any. */
  public Tensor output() {
    return output;
  }

  private void checkInput(Tensor input) {
    if (input == null) {
      throw new IllegalArgumentException("network input is null");
    }
    if (input.engine() != engine) {
      throw new IllegalArgumentException("network input belongs to engine '" + input.engine().name()
          + "' but the network runs on '" + engine.name() + "'");
    }
    if (input.dataType() != dataType) {
      throw new IllegalArgumentException("network input is " + input.dataType() + " but the network is " + dataType);
    }
    Shape s = input.shape();
    if (!s.isBatchOf(inputShape)) {
      throw new IllegalArgumentException("network input has shape " + s + " but the network expects [N, "
          + inputShape.toString().substring(1) + " (a batch of N samples of shape " + inputShape + ")");
    }
  }

  public NetworkSpec spec() {
    return spec;
  }

  public Engine engine() {
    return engine;
  }

  public DataType dataType() {
    return dataType;
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Every parameter, in layer order. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /** The parameter named {@code name} (for example {@code dense1.weight}). */
  public Parameter parameter(String name) {
    Parameter p = parametersByName.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no parameter named '" + name + "'; the network has " + parametersByName.keySet());
    }
    return p;
  }

  public Loss loss() {
    return loss;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  /** The per-sample input shape. */
  public Shape inputShape() {
    return inputShape;
  }

  /** The per-sample output shape. */
  public Shape outputShape() {
    return outputShape;
  }
}
