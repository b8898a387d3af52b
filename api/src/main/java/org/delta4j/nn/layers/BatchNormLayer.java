package org.delta4j.nn.layers;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReluGate;
import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Batch normalisation of the first axis of each sample, a batch seen as [N, C, S] (S = H·W for images, 1 after a
 * dense layer), statistics over the M = N·S values of each channel. Training: μ = Σx / M, σ² = Σ(x − μ)² / M,
 * x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β, and the running statistics r ← (1 − m)·r + m·(μ, σ²·M/(M − 1)). With
 * M = 1 (a batch of one sample of one value a channel, which PyTorch refuses) x̂ = 0, so y = β and dx = 0, and the
 * running variance is left as it was. Inference:
 * y = γ·(x − r_μ)/√(r_σ² + ε) + β. Backward through the batch statistics: dγ = Σ dy·x̂, dβ = Σ dy,
 * dx = γ/√(σ² + ε) · (dy − Σdy / M − x̂·Σ(dy·x̂) / M). The running statistics are buffers the layer is given (the
 * network creates, saves and restores them) and updates in each training pass. Followed by a ReLU layer it
 * {@linkplain #fuse fuses} with it: the stage outputs max(y, 0) and takes the ReLU's output gradient, passed where
 * y &gt; 0 (a {@link ReluGate} that recomputes y from x), so that neither y nor the ReLU's input gradient is written.
 * Each map is taken about its mean, y = γ/√(σ² + ε)·(x − μ) + β and dx = a·dy + b·(x − μ) + c, not as
 * γ/√(σ² + ε)·x + (β − μ·γ/√(σ² + ε)), whose two terms cancel when |μ| is large against σ: a constant channel gives
 * β exactly, at any mean. Not thread-safe.
 */
public final class BatchNormLayer implements Layer {
  private final String name;
  private final Engine engine;
  private final DataType dataType;
  private final ReluGate relu; // null, or this layer's ReLU at y = scale·(x − μ) + shift of the last training pass
  private final Shape shape;
  private final int channels;
  private final int size; // S: values per channel per sample
  private final double momentum;
  private final double epsilon;
  private final Kernels kernels;
  private final Parameter gamma;
  private final Parameter beta;
  private final Tensor runningMean;
  private final Tensor runningVariance;
  private final Tensor sums; // [C] work vectors
  private final Tensor sumsOfProducts;
  private final Tensor scale; // y = scale·(x − μ) + shift of the last training pass: the ReLU's gate
  private final Tensor shift;
  private final Tensor workScale; // the scale of inference passes, and the coefficients of dy, x − μ and 1 in dx
  private final Tensor centredScale;
  private final Tensor workShift;
  private final Tensor batchMean; // μ of the last training pass, which its backward pass centres x by
  private final Tensor batchVariance;
  private final BatchTensors outputs;
  private final BatchTensors inputGradients;
  private final BatchTensors work;
  // Per-channel values on the host, kept so that a steady-state pass allocates nothing.
  private final double[] mean;
  private final double[] variance;
  private final double[] inverseDeviation; // 1/√(σ² + ε) of the last training pass
  private final double[] first; // work vectors: γ, then a scale, and a shift
  private final double[] second;
  private final double[] third;
  // The [N, C, S] views taken in every pass: of the input, the output, the output gradient, the input gradient
  private final ReshapedView inputChannels = new ReshapedView();
  private final ReshapedView outputChannels = new ReshapedView();
  private final ReshapedView gradientChannels = new ReshapedView();
  private final ReshapedView inputGradientChannels = new ReshapedView();
  private Tensor input; // the [N, C, S] view of the last training pass's input, which the backward pass reads
  private int batch;

  /**
   * Normalises samples of {@code shape} ([C] or [C, ...]) with γ and β of C elements, keeping the running mean and
   * variance (C elements each) in the given tensors.
   */
  public BatchNormLayer(String name, Shape shape, double momentum, double epsilon, Parameter gamma, Parameter beta,
      Tensor runningMean, Tensor runningVariance, Engine engine, DataType dataType) {
    this(name, shape, momentum, epsilon, gamma, beta, runningMean, runningVariance, engine, dataType, false);
  }

  private BatchNormLayer(String name, Shape shape, double momentum, double epsilon, Parameter gamma, Parameter beta,
      Tensor runningMean, Tensor runningVariance, Engine engine, DataType dataType, boolean rectified) {
    this.name = name;
    this.engine = engine;
    this.dataType = dataType;
    this.shape = shape;
    this.channels = shape.dim(0);
    this.size = shape.intSize() / channels;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.kernels = engine.kernels();
    this.gamma = gamma;
    this.beta = beta;
    Shape c = Shape.of(channels);
    this.runningMean = runningMean;
    this.runningVariance = runningVariance;
    this.sums = engine.zeros(dataType, c);
    this.sumsOfProducts = engine.zeros(dataType, c);
    this.scale = engine.zeros(dataType, c);
    this.shift = engine.zeros(dataType, c);
    this.workScale = engine.zeros(dataType, c);
    this.centredScale = engine.zeros(dataType, c);
    this.workShift = engine.zeros(dataType, c);
    this.batchMean = engine.zeros(dataType, c);
    this.batchVariance = engine.zeros(dataType, c);
    this.relu = rectified ? new ReluGate(batchMean, scale, shift) : null;
    Shape sample = Shape.of(channels, size);
    this.outputs = new BatchTensors(engine, dataType, shape);
    this.inputGradients = new BatchTensors(engine, dataType, shape);
    this.work = new BatchTensors(engine, dataType, sample);
    this.mean = new double[channels];
    this.variance = new double[channels];
    this.inverseDeviation = new double[channels];
    this.first = new double[channels];
    this.second = new double[channels];
    this.third = new double[channels];
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    LayerInputs.checkMode(name, mode);
    LayerInputs.checkBatch(name, "input", x, shape, false);
    int n = x.shape().dim(0);
    Tensor x3 = asChannels(inputChannels, x);
    Tensor y = outputs.get(n);
    if (!mode.training()) {
      double[] g = first;
      gamma.value().copyTo(g);
      runningVariance.copyTo(variance);
      for (int c = 0; c < channels; c++) {
        g[c] /= Math.sqrt(variance[c] + epsilon); //    γ/√(r_σ² + ε)
      }
      workScale.copyFrom(g);
      // y = γ/√(r_σ² + ε)·(x − r_μ) + β
      affine(x3, runningMean, workScale, beta.value(), asChannels(outputChannels, y));
      return y;
    }
    double m = (double) n * size;
    kernels.channelMoments(x3, batchMean, batchVariance, work.get(n)); // μ = Σx / M, σ² = Σ(x − μ)² / M
    batchMean.copyTo(mean);
    batchVariance.copyTo(variance);
    double[] g = first;
    gamma.value().copyTo(g);
    for (int c = 0; c < channels; c++) {
      inverseDeviation[c] = 1 / Math.sqrt(variance[c] + epsilon);
      g[c] *= inverseDeviation[c]; //                    γ/√(σ² + ε)
    }
    scale.copyFrom(g);
    kernels.copy(beta.value(), shift); // β as this pass used it, for the gate of its backward pass
    // y = γ·x̂ + β = γ/√(σ² + ε)·(x − μ) + β, in one pass from x: neither x − μ nor x̂ is written
    affine(x3, batchMean, scale, shift, asChannels(outputChannels, y));
    updateRunning(runningMean, mean, 1);
    if (m > 1) { // one value a channel says nothing of the spread: σ²·M/(M − 1) is 0/0
      updateRunning(runningVariance, variance, m / (m - 1));
    }
    input = x3;
    batch = n;
    return y;
  }

  /** y ← scale·(x − centre) + shift, and its ReLU when fused with one. */
  private void affine(Tensor x, Tensor centre, Tensor scale, Tensor shift, Tensor y) {
    if (relu != null) {
      kernels.channelAffineRelu(x, centre, scale, shift, y);
    } else {
      kernels.channelAffine(x, centre, scale, shift, y);
    }
  }

  /** r ← (1 − momentum)·r + momentum·correction·batchValue. */
  private void updateRunning(Tensor running, double[] batchValue, double correction) {
    double[] r = first;
    running.copyTo(r);
    for (int c = 0; c < channels; c++) {
      r[c] = (1 - momentum) * r[c] + momentum * correction * batchValue[c];
    }
    running.copyFrom(r);
  }

  @Override
  public Tensor backward(Tensor dy, boolean needInputGradient) {
    LayerInputs.checkForwardDone(name, input);
    LayerInputs.checkSameBatchShape(name, "output gradient", dy, shape, batch);
    LayerInputs.checkLikeForward(name, dy, input);
    Tensor dy3 = asChannels(gradientChannels, dy);
    // Σ dy and Σ dy·(x − μ), dy the ReLU's input gradient when fused (its output gradient passed by the gate)
    kernels.channelSumsAndProducts(dy3, input, batchMean, relu, sums, sumsOfProducts, work.get(batch));
    double[] b = second;
    sumsOfProducts.copyTo(b);
    for (int i = 0; i < channels; i++) {
      b[i] *= inverseDeviation[i]; //                            Σ dy·x̂ = Σ dy·(x − μ) / √(σ² + ε)
    }
    sumsOfProducts.copyFrom(b);
    kernels.axpy(1, sums, beta.gradient()); //                  dβ += Σ dy
    kernels.axpy(1, sumsOfProducts, gamma.gradient()); //       dγ += Σ dy·x̂
    if (!needInputGradient) {
      return null;
    }
    double m = (double) batch * size;
    double[] a = first;
    double[] c = third;
    gamma.value().copyTo(a);
    sums.copyTo(c);
    for (int i = 0; i < channels; i++) {
      a[i] *= inverseDeviation[i]; //                           γ/√(σ² + ε)
      b[i] = -a[i] * b[i] * inverseDeviation[i] / m; //         −γ/√(σ² + ε)·Σ(dy·x̂)/√(σ² + ε) / M
      c[i] = -a[i] * c[i] / m; //                               −γ/√(σ² + ε)·Σdy / M
    }
    workScale.copyFrom(a);
    centredScale.copyFrom(b);
    workShift.copyFrom(c);
    Tensor dx = inputGradients.get(batch);
    // dx = γ/√(σ² + ε)·(dy − Σdy / M − x̂·Σ(dy·x̂) / M) with x̂ = (x − μ)/√(σ² + ε), as a·dy + b·(x − μ) + c
    kernels.channelCombine(dy3, workScale, input, batchMean, centredScale, workShift, relu,
        asChannels(inputGradientChannels, dx), work.get(batch));
    return dx;
  }

  /**
   * With a ReLU layer of this layer's shape after it, one stage doing both, sharing this layer's parameters and
   * running statistics; else null.
   */
  @Override
  public Layer fuse(Layer next) {
    if (relu != null || !(next instanceof ActivationLayer a) || a.function() != ActivationFunction.RELU
        || !a.inputShape().equals(shape)) {
      return null;
    }
    return new BatchNormLayer(name + "+" + a.name(), shape, momentum, epsilon, gamma, beta, runningMean,
        runningVariance, engine, dataType, true);
  }

  private Tensor asChannels(ReshapedView view, Tensor t) {
    return view.of(t, t.shape().dim(0), channels, size);
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(gamma, beta);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Shape inputShape() {
    return shape;
  }

  @Override
  public Shape outputShape() {
    return shape;
  }
}
