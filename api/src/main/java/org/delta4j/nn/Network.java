package org.delta4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.io.Heap;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.NonFinite;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * A {@link NetworkSpec} made runnable on one engine: its layers (of any registered kind), loss and optimizer, with
 * weights drawn from the spec's seed (the same on every engine). The chain rule runs here: {@link #backward} passes
 * ∂L/∂output from the last layer to the first, each layer turning ∂L/∂y into ∂L/∂x and its parameter gradients.
 *
 * <p>Not thread-safe: a network is used from one thread at a time, and a second thread entering while another is
 * inside is refused with an {@link IllegalStateException}. For inference from many threads at once use {@link
 * #predictor()}.
 */
public final class Network {
  private final NetworkSpec spec;
  private final Engine engine;
  private final DataType dataType;
  private final List<Shape> layerInputs;
  private final List<Map<String, Parameter>> layerParameters;
  private final List<Map<String, Tensor>> layerBuffers;
  private final List<Layer> layers;
  private final List<Layer> stages; // the layers run, neighbours fused where a layer offers (Layer#fuse)
  private final List<Parameter> parameters;
  private final Map<String, Parameter> parametersByName;
  private final Map<String, Tensor> buffers;
  private final List<Tensor> bufferBackups; // the buffers as they were before the step under way, one per buffer
  private final Loss loss;
  private final Optimizer optimizer;
  private final Kernels kernels;
  private final Shape inputShape;
  private final Shape outputShape;
  private final OutputReader reader;
  private final BatchTensors lossGradients;
  private final SingleThreadGuard guard = new SingleThreadGuard("network");
  // Held for reading by each prediction of the predictor, for writing by whatever changes the weights or buffers: a
  // prediction made while the network trains runs on the model between two updates, never on a mix of both.
  private final ReentrantReadWriteLock model = new ReentrantReadWriteLock();
  private volatile Predictor predictor;
  private Tensor output;

  private Network(NetworkSpec spec, Engine engine, DataType dataType) {
    this.spec = spec;
    this.engine = engine;
    this.dataType = dataType;
    this.kernels = engine.kernels();
    this.inputShape = spec.input();
    this.outputShape = spec.outputShape();
    this.reader = new OutputReader(spec.loss(), engine, dataType, outputShape);
    this.lossGradients = new BatchTensors(engine, dataType, outputShape);
    this.layerInputs = spec.inputShapes();
    SplitMix64 random = new SplitMix64(spec.seed());
    List<Map<String, Parameter>> declaredParameters = new ArrayList<>();
    List<Map<String, Tensor>> declaredBuffers = new ArrayList<>();
    Map<String, Tensor> allBuffers = new LinkedHashMap<>();
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec l = spec.layers().get(i);
      Shape in = layerInputs.get(i);
      Map<String, Parameter> ps = new LinkedHashMap<>();
      for (ParameterSpec p : l.parameters(in)) {
        Parameter parameter = Parameter.zeros(l.name() + "." + p.role(), p.shape(), engine, dataType);
        initialize(parameter.value(), p, parameter.name(), random);
        putOnce(ps, p.role(), parameter, l);
      }
      Map<String, Tensor> bs = new LinkedHashMap<>();
      for (ParameterSpec b : l.buffers(in)) {
        String name = l.name() + "." + b.role();
        Tensor t = engine.zeros(dataType, b.shape());
        initialize(t, b, name, random);
        putOnce(bs, b.role(), t, l);
        if (ps.containsKey(b.role())) {
          throw new IllegalStateException(kindOf(l) + " declares '" + b.role() + "' as a parameter and as a buffer");
        }
        allBuffers.put(name, t);
      }
      declaredParameters.add(Collections.unmodifiableMap(ps));
      declaredBuffers.add(Collections.unmodifiableMap(bs));
    }
    this.layerParameters = List.copyOf(declaredParameters);
    this.layerBuffers = List.copyOf(declaredBuffers);
    this.layers = buildLayers();
    this.stages = stages(layers);
    List<Parameter> params = new ArrayList<>();
    Map<String, Parameter> byName = new LinkedHashMap<>();
    for (Map<String, Parameter> ps : layerParameters) {
      for (Parameter p : ps.values()) {
        params.add(p);
        byName.put(p.name(), p);
      }
    }
    this.parameters = List.copyOf(params);
    this.parametersByName = Collections.unmodifiableMap(byName);
    this.buffers = Collections.unmodifiableMap(allBuffers);
    List<Tensor> backups = new ArrayList<>();
    for (Tensor t : allBuffers.values()) {
      backups.add(engine.zeros(dataType, t.shape()));
    }
    this.bufferBackups = List.copyOf(backups);
    this.loss = spec.loss().build(engine, dataType);
    this.optimizer = spec.optimizer().build(parameters, engine);
  }

  /** A FLOAT32 network. */
  public static Network create(NetworkSpec spec, Engine engine) {
    return create(spec, engine, DataType.FLOAT32);
  }

  /**
   * A network of any registered layer, loss and optimizer kinds, on {@code engine}, in {@code dataType}; one whose
   * parameters the memory cannot hold fails as {@link Heap#outOfMemory} says, naming how many there are.
   */
  public static Network create(NetworkSpec spec, Engine engine, DataType dataType) {
    if (spec == null || engine == null || dataType == null) {
      throw new IllegalArgumentException("a network needs a spec, an engine and a data type, got spec "
          + (spec == null ? "null" : spec.summary()) + ", engine " + (engine == null ? "null" : engine.name())
          + ", data type " + dataType);
    }
    try {
      return new Network(spec, engine, dataType);
    } catch (OutOfMemoryError e) {
      long values = spec.parameterCount();
      // values and gradients; their initial values are drawn in double, and the optimizer's state comes beside them
      throw Heap.outOfMemory(String.format(Locale.ROOT, "network %s: its %,d parameters in %s, as values and "
          + "gradients before any optimizer's state,", spec.summary(), values, dataType), 2 * values * dataType.bytes(),
          e);
    }
  }

  /** Draws a declared tensor's initial values from the network's one stream (declaration order, every engine alike). */
  private static void initialize(Tensor t, ParameterSpec p, String name, SplitMix64 random) {
    double[] values = new double[p.shape().intSize()];
    p.initializer().fill(values, p.fanIn(), p.fanOut(), random);
    // A finite scale can still draw values the data type cannot hold (FLOAT32 ends at 3.4e38): refused here rather
    // than trained as infinities.
    DataType dataType = t.dataType();
    double largest = dataType == DataType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
    for (double v : values) {
      if (!(Math.abs(v) <= largest)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: its initializer %s with scale %s draws %s, "
            + "beyond what %s holds (largest %s); choose a smaller scale", name, p.initializer().kind(),
            p.initializer().scale(), v, dataType, largest));
      }
    }
    t.copyFrom(values);
  }

  private static <T> void putOnce(Map<String, T> map, String role, T value, LayerSpec l) {
    if (map.put(role, value) != null) {
      throw new IllegalStateException(kindOf(l) + " declares '" + role + "' twice");
    }
  }

  /**
   * The layers, each built by its spec over the declared parameters and buffers, and checked to train exactly those.
   * Called again by {@link Predictor} for layers of its own (own work tensors) over the same weights.
   */
  List<Layer> buildLayers() {
    List<Layer> built = new ArrayList<>();
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec l = spec.layers().get(i);
      Shape in = layerInputs.get(i);
      long seed = SplitMix64.mix(spec.seed() + SplitMix64.mix(i + 1));
      Layer layer = l.build(new LayerContext(l.name(), in, engine, dataType, seed, layerParameters.get(i),
          layerBuffers.get(i)));
      if (layer == null) {
        throw new IllegalStateException(kindOf(l) + " built no layer (null)");
      }
      List<String> made = layer.parameters().stream().map(p -> p.name() + p.value().shape()).toList();
      List<String> declared = layerParameters.get(i).values().stream().map(p -> p.name() + p.value().shape()).toList();
      if (!made.equals(declared) || !layer.outputShape().equals(l.outputShape(in))) {
        throw new IllegalStateException(kindOf(l) + " declares parameters " + declared + " and output shape "
            + l.outputShape(in) + " for input " + in + ", but the layer it built has parameters " + made
            + " and output shape " + layer.outputShape());
      }
      built.add(layer);
    }
    return List.copyOf(built);
  }

  /** The chain of layers to run: each layer fused with the next where it offers a stage doing both ({@link Layer#fuse}). */
  static List<Layer> stages(List<Layer> layers) {
    List<Layer> run = new ArrayList<>();
    for (Layer l : layers) {
      Layer fused = run.isEmpty() ? null : run.get(run.size() - 1).fuse(l);
      if (fused != null) {
        run.set(run.size() - 1, fused);
      } else {
        run.add(l);
      }
    }
    return List.copyOf(run);
  }

  private static String kindOf(LayerSpec l) {
    return l.type() + " layer '" + l.name() + "' (" + l.getClass().getName() + ")";
  }

  /** The output for a batch [N, input...]: logits when the loss takes logits (see {@link #probabilities}). */
  public Tensor forward(Tensor input, Mode mode) {
    if (mode == null) {
      throw new IllegalArgumentException("forward: the mode is null; use Mode.inference() or Mode.training(step)");
    }
    if (mode.training() && !buffers.isEmpty()) {
      requireNotReading("forward in training mode");
    }
    guard.enter("forward");
    // In training mode layers with buffers move them (batch norm's running statistics) as they go.
    boolean writes = mode.training() && !buffers.isEmpty();
    if (writes) {
      model.writeLock().lock();
    }
    try {
      output = run(stages, input, mode);
      return output;
    } finally {
      if (writes) {
        model.writeLock().unlock();
      }
      guard.exit();
    }
  }

  /** A predictor's inference: {@code chain} over this network's weights, as they stand between two changes. */
  Tensor infer(List<Layer> chain, Tensor input) {
    model.readLock().lock();
    try {
      return run(chain, input, Mode.inference());
    } finally {
      model.readLock().unlock();
    }
  }

  /**
   * Runs {@code change} to this network's weights or buffers (a restore of earlier values, say) as one step for its
   * {@link #predictor()}: no prediction made meanwhile sees it half done.
   */
  public void changeModel(Runnable change) {
    Objects.requireNonNull(change, "changeModel: change is null");
    requireNotReading("changeModel");
    guard.enter("changeModel");
    model.writeLock().lock();
    try {
      change.run();
    } finally {
      model.writeLock().unlock();
      guard.exit();
    }
  }

  /**
   * Refuses a change to the model from inside {@link #readModel} on this thread: its read lock is never upgraded, so
   * the change would wait for ever, and every prediction after it too.
   */
  private void requireNotReading(String call) {
    if (model.getReadHoldCount() > 0) {
      throw new IllegalStateException(call + " inside readModel: a read of the model must not change it (train or "
          + "change the network after readModel returns)");
    }
  }

  /**
   * Reads this network's weights, buffers and optimizer state through {@code read} as they stand between two changes:
   * a training step or {@link #changeModel} under way in another thread is waited for, and none starts meanwhile. A
   * model saved from another thread than the one training would otherwise hold one update's weights beside another's
   * optimizer state and update count. Reading only; {@code read} must not train or change the network.
   */
  public <T> T readModel(Supplier<T> read) {
    Objects.requireNonNull(read, "readModel: read is null");
    model.readLock().lock();
    try {
      return read.get();
    } finally {
      model.readLock().unlock();
    }
  }

  /** Runs a batch through {@code chain} (this network's layers, or a predictor's copies of them). */
  Tensor run(List<Layer> chain, Tensor input, Mode mode) {
    checkInput(input);
    Tensor x = input;
    int rows = input.shape().dim(0);
    for (Layer l : chain) {
      try {
        x = l.forward(x, mode);
      } catch (RuntimeException e) {
        throw named(l, "forward", e);
      }
      // the next layer, the loss and the predictor read it by its declared shape, type and engine
      Layer.checkOutput(l, x, rows, input.engine(), dataType);
    }
    return x;
  }

  /**
   * A layer's failure, named: a plain argument or state error, or one of the JDK's from a mistake in the layer's code
   * (a null, an index out of bounds), whose message does not name the layer gets its name, kind and pass in front, so
   * that a third-party layer's bug or refusal is not an anonymous exception from deep inside. Exceptions of other
   * types, and messages that name the layer already, pass as they are.
   */
  static RuntimeException named(Layer l, String pass, RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("'" + l.name() + "'")) {
      return e;
    }
    boolean plain = e.getClass() == IllegalArgumentException.class || e.getClass() == IllegalStateException.class;
    String named = "layer '" + l.name() + "' (" + l.getClass().getName() + ") failed in " + pass + ": "
        + (plain ? message : e.toString());
    if (e.getClass() == IllegalArgumentException.class) {
      return new IllegalArgumentException(named, e);
    }
    if (plain || e instanceof NullPointerException || e instanceof IndexOutOfBoundsException
        || e instanceof ClassCastException) {
      return new IllegalStateException(named, e);
    }
    return e;
  }

  /**
   * Back-propagates ∂L/∂output through every layer (the chain rule, last layer first), adding into the parameter
   * gradients. Returns ∂L/∂input when {@code needInputGradient}, else null (and the first layer skips that product).
   */
  public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
    guard.enter("backward");
    try {
      Tensor g = gradOutput;
      int rows = output == null ? 0 : output.shape().dim(0);
      for (int i = stages.size() - 1; i >= 0; i--) {
        boolean need = i > 0 || needInputGradient;
        Layer stage = stages.get(i);
        try {
          g = stage.backward(g, need);
        } catch (RuntimeException e) {
          throw named(stage, "backward", e);
        }
        if (need) { // the layer before reads it by its declared shape, type and engine
          Layer.checkInputGradient(stage, g, rows, engine, dataType);
        }
      }
      return needInputGradient ? g : null; // whatever a first layer told not to compute returns, it is not ∂L/∂input
    } finally {
      guard.exit();
    }
  }

  /**
   * The loss of a batch and every parameter's gradient, without changing any weight: zero the gradients, forward in
   * training mode (step = the optimizer's next update), the loss and ∂L/∂output, and back-propagation. The gradients
   * are then in {@link Parameter#gradient()} of each of {@link #parameters()}, averaged over the batch, where a caller
   * may read, scale or sum them (across workers, say) before {@link #applyUpdate()}. Returns the batch's loss. The
   * targets' shape is checked here, but not whether their values are of the loss's form (class shares in [0, 1] for a
   * cross-entropy, ±1 for the perceptron's): a step does not pass over them again; {@code Trainer} and {@code
   * Evaluation} check a dataset's once, with {@link org.delta4j.spec.LossSpec.Targets#admits}.
   *
   * @throws ArithmeticException when the loss is NaN or infinite (the buffers are left as they were)
   */
  public double computeGradients(Tensor input, Tensor targets) {
    return computeGradients(input, targets, 0);
  }

  /**
   * {@link #computeGradients(Tensor, Tensor)} for a shard of the update's whole batch, the rows from position {@code
   * firstRow} of it on: stochastic layers (dropout) draw for each row what they would draw for it in the whole batch.
   * The gradients and loss are averaged over the shard's rows.
   *
   * @throws ArithmeticException when the loss is NaN or infinite (the buffers are left as they were)
   */
  public double computeGradients(Tensor input, Tensor targets, long firstRow) {
    requireNotReading("computeGradients");
    guard.enter("computeGradients");
    // The forward pass moves the buffers and a refused step puts them back: neither is for a prediction to see.
    boolean writes = !buffers.isEmpty();
    if (writes) {
      model.writeLock().lock();
    }
    try {
      checkTargets(targets);
      copyBuffers(true);
      try {
        zeroGradients();
        Mode mode = Mode.training(optimizer.iterations(), firstRow);
        Tensor out = forward(input, mode);
        Tensor gradient = lossGradients.get(out.shape().dim(0));
        double value = loss.compute(out.asBatchMatrix(), targets.asBatchMatrix(), gradient.asBatchMatrix());
        if (!Double.isFinite(value)) {
          throw new ArithmeticException(String.format(Locale.ROOT, "%s loss is %s at update %d: ", spec.loss().type(),
              value, optimizer.iterations() + 1) + nonFiniteCause(input, targets, mode));
        }
        backward(gradient, false);
        return value;
      } catch (RuntimeException e) {
        // The forward pass has already moved the buffers (batch norm's running statistics) by this batch: a refused
        // step must not leave them moved, by a batch of NaN least of all, which would make every later output NaN
        copyBuffers(false);
        throw e;
      }
    } finally {
      if (writes) {
        model.writeLock().unlock();
      }
      guard.exit();
    }
  }

  /**
   * Why a loss is not finite: the first weight or buffer that is not, once updates were made (a rule of the optimizer,
   * written anywhere, makes NaN that no loss would), else the first layer whose output is not on a finite input, else
   * the loss itself on finite outputs and targets, else the data or the rate. Scans the model, and runs the pass again
   * layer by layer, on this path only.
   */
  private String nonFiniteCause(Tensor input, Tensor targets, Mode mode) {
    // the forward pass moved the buffers: the backups are the model's
    String spoiled = NonFinite.first(modelTensors(bufferBackups));
    String lower = String.format(Locale.ROOT, "try a lower learning rate than %g", optimizer.currentLearningRate());
    if (spoiled != null && optimizer.iterations() > 0) {
      return "the weights are not finite after update " + optimizer.iterations() + " of the "
          + spec.optimizer().type() + " optimizer (" + spec.optimizer().getClass().getName() + "): " + spoiled
          + "; its rule wrote that, or a gradient before it was not finite (a loss or layer finite where its "
          + "derivative is not, such as log(x) at x = 0), or training diverged (" + lower + ")";
    }
    String made = spoiled == null ? outputCause(stages, input, targets, mode) : null;
    if (made != null) {
      // a loss overflows on finite outputs too, such as the square of an output past √MAX that a diverging run grew
      return made + (made.startsWith("layer") ? ", from finite inputs and weights: its rule, or values beyond the "
          + "data type's range as training diverges (" + lower + ")" : ", or outputs too large for it as training "
          + "diverges (" + lower + ")");
    }
    return (spoiled != null ? spoiled + "; " : "") + "the inputs or targets hold NaN/infinite values, or training "
        + "diverged (" + lower + ")";
  }

  /** The weights, then the buffers under their names with the values {@code bufferValues} (in buffer order). */
  private Map<String, Tensor> modelTensors(List<Tensor> bufferValues) {
    Map<String, Tensor> model = new LinkedHashMap<>();
    for (Parameter p : parameters) {
      model.put(p.name(), p.value());
    }
    int i = 0;
    for (String name : buffers.keySet()) {
      model.put(name, bufferValues.get(i++));
    }
    return model;
  }

  /**
   * Why an output or loss is not finite where the weights are: "layer 'name' made …" for the first stage of {@code
   * chain} whose output is not finite when the pass runs again as it ran, else (with {@code targets}) the loss's own
   * rule, when it made NaN or ∞ from finite outputs and targets; null when the input or targets are not finite, or
   * nothing is found.
   */
  private String outputCause(List<Layer> chain, Tensor input, Tensor targets, Mode mode) {
    if (NonFinite.first(input) != null) {
      return null;
    }
    Tensor x = input;
    for (Layer l : chain) {
      x = l.forward(x, mode);
      String bad = NonFinite.first(x);
      if (bad != null) {
        return "layer '" + l.name() + "' made NaN or ∞" + (mode.training() ? "" : " in inference mode")
            + ": its output holds " + bad;
      }
    }
    if (targets == null || NonFinite.first(targets) != null) {
      return null;
    }
    return "the " + spec.loss().type() + " loss (" + spec.loss().getClass().getName() + ") made it from finite "
        + "outputs and targets: its rule, such as log(x) at x = 0";
  }

  /**
   * Why the output of {@code chain} (this network's stages, or a predictor's) for {@code input} in inference mode is
   * not finite: what of the input or weights is not, else the first layer to make NaN or ∞; null when none is found.
   */
  String inferenceCause(List<Layer> chain, Tensor input) {
    return inferenceCause(chain, input, null);
  }

  /** {@link #inferenceCause(List, Tensor)}, and with {@code targets}, those or the loss's own rule. */
  private String inferenceCause(List<Layer> chain, Tensor input, Tensor targets) {
    String bad = NonFinite.first(input);
    if (bad != null) {
      return "the input holds " + bad;
    }
    bad = NonFinite.first(modelTensors(List.copyOf(buffers.values())));
    if (bad != null) {
      return "the weights are not finite: " + bad;
    }
    bad = targets == null ? null : NonFinite.first(targets);
    if (bad != null) {
      return "the targets hold " + bad;
    }
    String made = outputCause(chain, input, targets, Mode.inference());
    return made == null ? null : made + (made.startsWith("layer") ? ", from finite inputs and weights" : "");
  }

  /** Saves the buffers into their backups, or puts the backups back. */
  private void copyBuffers(boolean save) {
    int i = 0;
    for (Tensor t : buffers.values()) {
      Tensor backup = bufferBackups.get(i++);
      kernels.copy(save ? t : backup, save ? backup : t);
    }
  }

  /** One optimizer step from the gradients as they stand (see {@link #computeGradients}). */
  public void applyUpdate() {
    requireNotReading("applyUpdate");
    guard.enter("applyUpdate");
    model.writeLock().lock();
    try {
      optimizer.step();
    } finally {
      model.writeLock().unlock();
      guard.exit();
    }
  }

  /**
   * One training update on a batch: {@link #computeGradients} then {@link #applyUpdate}. Returns the batch's loss
   * before the update.
   *
   * @throws ArithmeticException when the loss is NaN or infinite (the weights and buffers are left as they were)
   */
  public double trainStep(Tensor input, Tensor targets) {
    requireNotReading("trainStep");
    guard.enter("trainStep");
    // One change for the predictor: the buffers moved by the forward pass go with the weights of the same update.
    model.writeLock().lock();
    try {
      double value = computeGradients(input, targets);
      applyUpdate();
      return value;
    } finally {
      model.writeLock().unlock();
      guard.exit();
    }
  }

  /**
   * {@link #trainStep(Tensor, Tensor)}, and the most probable class of each row by the output before the update into
   * {@code classes} (length ≥ N), in one entry: another thread's step cannot come between the two, as it can between
   * a step and a read of {@link #output()}.
   */
  public double trainStep(Tensor input, Tensor targets, int[] classes) {
    guard.enter("trainStep");
    try {
      checkClasses("trainStep", input, classes); // before the update, which a short array would otherwise follow
      double value = trainStep(input, targets);
      reader.finiteClasses(output, classes); // its loss was finite, so was the output (the steady step copies nothing)
      return value;
    } finally {
      guard.exit();
    }
  }

  /** The loss on a batch in inference mode, without touching gradients or weights. */
  public double loss(Tensor input, Tensor targets) {
    guard.enter("loss");
    try {
      checkTargets(targets);
      double value = loss.compute(forward(input, Mode.inference()).asBatchMatrix(), targets.asBatchMatrix(), null);
      if (!Double.isFinite(value)) {
        // a mean of NaN would pass for a figure, and the classes read from NaN for predictions (all the first)
        String cause = inferenceCause(stages, input, targets);
        throw new ArithmeticException(spec.loss().type() + " loss is " + value + " in inference mode: "
            + (cause != null ? cause : "its outputs and targets are finite when run again"));
      }
      return value;
    } finally {
      guard.exit();
    }
  }

  /**
   * {@link #loss(Tensor, Tensor)}, and the most probable class of each row into {@code classes} (length ≥ N), from one
   * forward pass in one entry: another thread's step cannot come between the two, as it can between a call and a read
   * of {@link #output()}.
   */
  public double loss(Tensor input, Tensor targets, int[] classes) {
    guard.enter("loss");
    try {
      checkClasses("loss", input, classes);
      double value = loss(input, targets);
      reader.classes(output, classes, null); // a finite loss of outputs that are not: said without a cause
      return value;
    } finally {
      guard.exit();
    }
  }

  /** Refuses an array too short (or null) for the classes of the input's rows, naming the call. */
  private void checkClasses(String call, Tensor input, int[] classes) {
    checkInput(input);
    int n = input.shape().dim(0);
    if (classes == null || classes.length < n) {
      throw new IllegalArgumentException(call + ": the array for the classes of " + n + " rows has "
          + (classes == null ? "none (null)" : classes.length + " elements"));
    }
  }

  /**
   * Class probabilities (or, for losses without a softmax, the raw outputs) for a batch, in inference mode. The
   * returned tensor belongs to the network and is overwritten by the next call with the same batch size.
   */
  public Tensor probabilities(Tensor input) {
    guard.enter("probabilities");
    try {
      return reader.probabilities(forward(input, Mode.inference()));
    } finally {
      guard.exit();
    }
  }

  /** The most probable class of each row of a batch, into {@code classes} (length ≥ N). */
  public void predictClasses(Tensor input, int[] classes) {
    guard.enter("predictClasses");
    try {
      reader.classes(forward(input, Mode.inference()), classes, () -> inferenceCause(stages, input));
    } finally {
      guard.exit();
    }
  }


  /**
   * The thread-safe inference object of this network: many threads may call it at once, each with work tensors of
   * its own, all reading this network's weights. While this network trains ({@link #trainStep}) each prediction runs
   * on the weights and buffers as they stand between two updates, waiting for an update under way. Between {@link
   * #computeGradients} and {@link #applyUpdate} called apart it sees the buffers moved and the weights not yet; a
   * change made to them other than through this network's own methods must go through {@link #changeModel}.
   */
  public Predictor predictor() {
    Predictor p = predictor;
    if (p == null) {
      synchronized (this) {
        p = predictor;
        if (p == null) {
          p = new Predictor(this);
          predictor = p;
        }
      }
    }
    return p;
  }

  public void zeroGradients() {
    guard.enter("zeroGradients");
    try {
      for (Parameter p : parameters) {
        kernels.fill(p.gradient(), 0);
      }
    } finally {
      guard.exit();
    }
  }

  /**
   * The output of the last forward pass (for a training step, before its update); null before any. Read by the thread
   * that ran the pass; the classes of a step or loss come with it by {@link #trainStep(Tensor, Tensor, int[])} and
   * {@link #loss(Tensor, Tensor, int[])}, which no other thread's pass can come between.
   */
  public Tensor output() {
    return output;
  }

  /** The loss checks the targets' shape against the output's; null is refused here, before any forward pass. */
  private static void checkTargets(Tensor targets) {
    if (targets == null) {
      throw new IllegalArgumentException("the targets are null: a batch needs one target row per input row");
    }
  }

  /** Refuses an input of another engine, data type or sample shape, naming both. */
  void checkInput(Tensor input) {
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

  /**
   * The layers' buffers: tensors kept across steps that are not trained by the optimizer (running statistics), named
   * {@code layer.role}, in layer order; saved and loaded with the model.
   */
  public Map<String, Tensor> buffers() {
    return buffers;
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
