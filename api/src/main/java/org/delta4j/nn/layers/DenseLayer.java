package org.delta4j.nn.layers;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The affine layer Y = X·W + b, with X [N, in], W [in, units], b [units]. Inputs of rank &gt; 2 are flattened past the
 * batch axis and their gradient is given back in the input's shape.
 */
public final class DenseLayer implements Layer {
  private final String name;
  private final Shape inputShape;
  private final int in;
  private final int units;
  private final Kernels kernels;
  private final Parameter weight;
  private final Parameter bias;
  private final BatchTensors outputs;
  private final BatchTensors inputGradients;
  private Tensor input; // the flattened input of the last training pass, [N, in]
  private Shape inputBatchShape;

  /** A layer with its own zero weight [in, units] and bias [units]. */
  public DenseLayer(String name, Shape inputShape, int units, Engine engine, DataType dataType) {
    this(name, inputShape, units, Parameter.zeros(name + ".weight", Shape.of(inputShape.intSize(), units), engine,
        dataType), Parameter.zeros(name + ".bias", Shape.of(units), engine, dataType), engine, dataType);
  }

  /** A layer over the given weight [in, units] and bias [units], or without a bias when {@code bias} is null. */
  public DenseLayer(
      String name, Shape inputShape, int units, Parameter weight, Parameter bias, Engine engine, DataType dataType) {
    this.name = name;
    this.inputShape = inputShape;
    this.in = inputShape.intSize();
    this.units = units;
    this.kernels = engine.kernels();
    this.weight = weight;
    this.bias = bias;
    this.outputs = new BatchTensors(engine, dataType, Shape.of(units));
    this.inputGradients = new BatchTensors(engine, dataType, inputShape);
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    LayerInputs.checkMode(name, mode);
    LayerInputs.checkBatch(name, "input", x, inputShape, true);
    Tensor x2 = x.asBatchMatrix();
    Tensor y = outputs.get(x2.shape().dim(0));
    kernels.linear(x2, weight.value(), bias == null ? null : bias.value(), y); // Y = X·W + b
    if (mode.training()) {
      input = x2;
      inputBatchShape = x.shape();
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean needInputGradient) {
    LayerInputs.checkForwardDone(name, input);
    LayerInputs.checkMatrix(name, "output gradient", dy, input.shape().dim(0), units);
    LayerInputs.checkLikeForward(name, dy, input);
    kernels.gemm(input, true, dy, false, 1, 1, weight.gradient()); // dW += Xᵀ·dY
    if (bias != null) {
      kernels.sumRows(dy, 1, bias.gradient()); //                     db += Σ_rows dY
    }
    if (!needInputGradient) {
      return null;
    }
    Tensor dx = inputGradients.get(input.shape().dim(0));
    Tensor dx2 = dx.asBatchMatrix();
    kernels.gemm(dy, false, weight.value(), true, 1, 0, dx2); //      dX = dY·Wᵀ
    return dx.shape().equals(inputBatchShape) ? dx : dx.reshape(inputBatchShape);
  }

  @Override
  public List<Parameter> parameters() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Shape inputShape() {
    return inputShape;
  }

  @Override
  public Shape outputShape() {
    return Shape.of(units);
  }

  /** Number of input features (the input's per-sample size). */
  public int inputSize() {
    return in;
  }

  public int units() {
    return units;
  }
}
