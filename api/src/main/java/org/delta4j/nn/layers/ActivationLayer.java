package org.delta4j.nn.layers;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Applies an {@link ActivationFunction}: element-wise, or for softmax over the last axis. Its backward pass is the
 * chain rule through f′ (see the function's documentation for each derivative).
 */
public final class ActivationLayer implements Layer {
  private final String name;
  private final ActivationFunction function;
  private final double alpha;
  private final Shape shape;
  private final Kernels kernels;
  private final BatchTensors outputs;
  private final BatchTensors inputGradients;
  private Tensor input;
  private Tensor output;

  public ActivationLayer(
      String name, ActivationFunction function, double alpha, Shape shape, Engine engine, DataType dataType) {
    this.name = name;
    this.function = function;
    this.alpha = alpha;
    this.shape = shape;
    this.kernels = engine.kernels();
    this.outputs = new BatchTensors(engine, dataType, shape);
    this.inputGradients = new BatchTensors(engine, dataType, shape);
  }

  // The [rows, last] views of the input, the output, the output gradient and the input gradient, taken in every pass
  private final ReshapedView inputMatrix = new ReshapedView();
  private final ReshapedView outputMatrix = new ReshapedView();
  private final ReshapedView gradientMatrix = new ReshapedView();
  private final ReshapedView inputGradientMatrix = new ReshapedView();

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    LayerInputs.checkMode(name, mode);
    LayerInputs.checkBatch(name, "input", x, shape, false);
    Tensor y = outputs.get(x.shape().dim(0));
    kernels.activation(function, alpha, asMatrix(inputMatrix, x), asMatrix(outputMatrix, y));
    if (mode.training()) {
      input = x;
      output = y;
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean needInputGradient) {
    LayerInputs.checkForwardDone(name, output);
    LayerInputs.checkSameShape(name, "output gradient", dy, output.shape());
    LayerInputs.checkLikeForward(name, dy, output);
    if (!needInputGradient) {
      return null;
    }
    Tensor dx = inputGradients.get(dy.shape().dim(0));
    kernels.activationBackward(function, alpha, asMatrix(inputMatrix, input), asMatrix(outputMatrix, output),
        asMatrix(gradientMatrix, dy), asMatrix(inputGradientMatrix, dx));
    return dx;
  }

  /** Softmax works on rows of the last axis; element-wise functions do not care, so both see [rows, last]. */
  private static Tensor asMatrix(ReshapedView view, Tensor t) {
    Shape s = t.shape();
    return s.rank() == 2 ? t : view.of(t, (int) (s.size() / s.last()), s.last());
  }

  public ActivationFunction function() {
    return function;
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
