package org.delta4j.nn.layers;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Inverted dropout: in training, y = x ⊙ m with mᵢ = 1/(1 − p) with probability 1 − p, else 0, so that E[y] = x and
 * inference needs no rescaling; at inference y = x. The mask is a pure function of (seed, step, element), the element
 * counted from the start of the step's whole batch ({@link Mode#firstRow()}), drawn the same way for every engine: runs
 * are reproducible, engines agree, and a batch split into shards gets the masks it would get whole.
 */
public final class DropoutLayer implements Layer {
  private final String name;
  private final double rate;
  private final long seed;
  private final Shape shape;
  private final DataType dataType;
  private final Kernels kernels;
  private final BatchTensors masks;
  private final BatchTensors outputs;
  private final BatchTensors inputGradients;
  private float[] floatMask = new float[0];
  private double[] doubleMask = new double[0];
  private Tensor mask; // the mask of the last training pass; null when the pass let everything through
  private Tensor input; // the input of the last forward pass, null before one

  /** {@code seed} should differ between dropout layers of one network; {@link org.delta4j.nn.Network} derives it. */
  public DropoutLayer(String name, double rate, long seed, Shape shape, Engine engine, DataType dataType) {
    this.name = name;
    this.rate = rate;
    this.seed = seed;
    this.shape = shape;
    this.dataType = dataType;
    this.kernels = engine.kernels();
    this.masks = new BatchTensors(engine, dataType, shape);
    this.outputs = new BatchTensors(engine, dataType, shape);
    this.inputGradients = new BatchTensors(engine, dataType, shape);
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    LayerInputs.checkMode(name, mode);
    LayerInputs.checkBatch(name, "input", x, shape, false);
    input = x;
    if (!mode.training() || rate == 0) {
      mask = null;
      return x;
    }
    int rows = x.shape().dim(0);
    mask = masks.get(rows);
    fillMask(mask, mode.step(), mode.firstRow() * shape.size());
    Tensor y = outputs.get(rows);
    kernels.multiply(x, mask, y);
    return y;
  }

  private void fillMask(Tensor m, long step, long firstElement) {
    int n = m.shape().intSize();
    long streamSeed = SplitMix64.mix(seed ^ SplitMix64.mix(step));
    double keep = 1 - rate;
    double scale = 1 / keep;
    if (dataType == DataType.FLOAT32) {
      if (floatMask.length != n) {
        floatMask = new float[n];
      }
      for (int i = 0; i < n; i++) {
        floatMask[i] = SplitMix64.uniform(streamSeed, firstElement + i) < keep ? (float) scale : 0f;
      }
      m.copyFrom(floatMask);
    } else {
      if (doubleMask.length != n) {
        doubleMask = new double[n];
      }
      for (int i = 0; i < n; i++) {
        doubleMask[i] = SplitMix64.uniform(streamSeed, firstElement + i) < keep ? scale : 0;
      }
      m.copyFrom(doubleMask);
    }
  }

  @Override
  public Tensor backward(Tensor dy, boolean needInputGradient) {
    LayerInputs.checkForwardDone(name, input);
    LayerInputs.checkSameBatchShape(name, "output gradient", dy, shape, input.shape().dim(0));
    LayerInputs.checkLikeForward(name, dy, input);
    if (!needInputGradient) {
      return null;
    }
    if (mask == null) {
      return dy; // the forward pass was the identity
    }
    Tensor dx = inputGradients.get(dy.shape().dim(0));
    kernels.multiply(dy, mask, dx); // ∂(x ⊙ m)/∂x = m
    return dx;
  }

  public double rate() {
    return rate;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of();
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
