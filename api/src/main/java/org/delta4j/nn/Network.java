package org.delta4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.ParameterSpec;
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
    List<Parameter> params = new ArrayList<>();
    List<Shape> inputs = spec.inputShapes();
    SplitMix64 random = new SplitMix64(spec.seed());
    for (int i = 0; i < spec.layers().size(); i++) {
      built.add(buildLayer(spec.layers().get(i), i, inputs.get(i), random, params));
    }
    this.layers = List.copyOf(built);
    Map<String, Parameter> byName = new LinkedHashMap<>();
    for (Parameter p : params) {
      byName.put(p.name(), p);
    }
    this.parameters = List.copyOf(params);
    this.parametersByName = Collections.unmodifiableMap(byName);
    this.loss = spec.loss().build(engine, dataType);
    this.optimizer = spec.optimizer().build(parameters, engine);
  }

  /** A FLOAT32 network. */
  public static Network create(NetworkSpec spec, Engine engine) {
    return create(spec, engine, DataType.FLOAT32);
  }

  public static Network create(NetworkSpec spec, Engine engine, DataType dataType) {
    return new Network(spec, engine, dataType);
  }

  /**
   * Creates and initialises the parameters the spec declares (drawn in declaration order from the network's one
   * stream, so the same seed gives the same weights on every engine), builds the layer with them, and checks that the
   * layer trains exactly those.
   */
  private Layer buildLayer(LayerSpec l, int index, Shape in, SplitMix64 random, List<Parameter> all) {
    Map<String, Parameter> declared = new LinkedHashMap<>();
    for (ParameterSpec p : l.parameters(in)) {
      Parameter parameter = Parameter.zeros(l.name() + "." + p.role(), p.shape(), engine, dataType);
      double[] values = new double[p.shape().intSize()];
      p.initializer().fill(values, p.fanIn(), p.fanOut(), random);
      parameter.value().copyFrom(values);
      if (declared.put(p.role(), parameter) != null) {
        throw new IllegalStateException(kindOf(l) + " declares parameter '" + p.role() + "' twice");
      }
    }
    long seed = SplitMix64.mix(spec.seed() + SplitMix64.mix(index + 1));
    Layer layer = l.build(new LayerContext(l.name(), in, engine, dataType, seed, declared));
    if (layer == null) {
      throw new IllegalStateException(kindOf(l) + " built no layer (null)");
    }
    List<String> built = layer.parameters().stream().map(p -> p.name() + p.value().shape()).toList();
    List<String> expected = declared.values().stream().map(p -> p.name() + p.value().shape()).toList();
    if (!built.equals(expected) || !layer.outputShape().equals(l.outputShape(in))) {
      throw new IllegalStateException(kindOf(l) + " declares parameters " + expected + " and output shape "
          + l.outputShape(in) + " for input " + in + ", but the layer it built has parameters " + built
          + " and output shape " + layer.outputShape());
    }
    all.addAll(layer.parameters());
    return layer;
  }

  private static String kindOf(LayerSpec l) {
    return l.type() + " layer '" + l.name() + "' (" + l.getClass().getName() + ")";
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
   * The loss of a batch and every parameter's gradient, without changing any weight: zero the gradients, forward in
   * training mode (step = the optimizer's next update), the loss and ∂L/∂output, and back-propagation. The gradients
   * are then in {@link Parameter#gradient()} of each of {@link #parameters()}, averaged over the batch, where a caller
   * may read, scale or sum them (across workers, say) before {@link #applyUpdate()}. Returns the batch's loss.
   *
   * @throws ArithmeticException when the loss is NaN or infinite
   */
  public double computeGradients(Tensor input, Tensor targets) {
    return computeGradients(input, targets, 0);
  }

  /**
   * {@link #computeGradients(Tensor, Tensor)} for a shard of the update's whole batch, the rows from position {@code
   * firstRow} of it on: stochastic layers (dropout) draw for each row what they would draw for it in the whole batch.
   * The gradients and loss are averaged over the shard's rows.
   *
   * @throws ArithmeticException when the loss is NaN or infinite
   */
  public double computeGradients(Tensor input, Tensor targets, long firstRow) {
    zeroGradients();
    Tensor out = forward(input, Mode.training(optimizer.iterations(), firstRow));
    Tensor gradient = lossGradient(out.shape());
    double value = loss.compute(out, targets, gradient);
    if (!Double.isFinite(value)) {
      throw new ArithmeticException(String.format(Locale.ROOT,
          "%s loss is %s at update %d: the inputs or targets hold NaN/infinite values, or training diverged "
              + "(try a lower learning rate than %g)",
          spec.loss().type(), value, optimizer.iterations() + 1, optimizer.currentLearningRate()));
    }
    backward(gradient, false);
    return value;
  }

  /** One optimizer step from the gradients as they stand (see {@link #computeGradients}). */
  public void applyUpdate() {
    optimizer.step();
  }

  /**
   * One training update on a batch: {@link #computeGradients} then {@link #applyUpdate}. Returns the batch's loss
   * before the update.
   *
   * @throws ArithmeticException when the loss is NaN or infinite (the weights are left as they were)
   */
  public double trainStep(Tensor input, Tensor targets) {
    double value = computeGradients(input, targets);
    applyUpdate();
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
