package org.delta4j.nn.layers;

import java.util.List;
import org.delta4j.engine.ConvGeometry;
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
 * Max or average pooling of images [N, C, H, W], each channel on its own ({@link Kernels#maxPool}, {@link
 * Kernels#avgPool}). Backward: max pooling passes each output's gradient to its window's maximum, ∂y/∂x = 1 there and
 * 0 elsewhere; average pooling spreads it evenly, ∂y/∂x = 1 / (kh·kw) under the window. Global average pooling is
 * average pooling with one window over the whole image, its output [C, 1, 1] given as {@code outputShape} [C]. Not
 * thread-safe.
 */
public final class Pool2DLayer implements Layer {
  private final String name;
  private final boolean max;
  private final ConvGeometry g;
  private final Shape inputShape;
  private final Shape outputShape;
  private final Kernels kernels;
  private final BatchTensors outputs;
  private final BatchTensors inputGradients;
  private Tensor input;

  /** Pools over the geometry's windows; {@code outputShape} is [C, oh, ow] or any shape of as many elements. */
  public Pool2DLayer(String name, boolean max, ConvGeometry geometry, Shape outputShape, Engine engine,
      DataType dataType) {
    this.name = name;
    this.max = max;
    this.g = geometry;
    this.inputShape = geometry.image();
    this.outputShape = outputShape;
    Shape.of(geometry.channels(), geometry.outputHeight(), geometry.outputWidth()).checkReshape(outputShape);
    this.kernels = engine.kernels();
    this.outputs = new BatchTensors(engine, dataType, Shape.of(geometry.channels(), geometry.outputHeight(),
        geometry.outputWidth()));
    this.inputGradients = new BatchTensors(engine, dataType, inputShape);
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    LayerInputs.checkMode(name, mode);
    LayerInputs.checkBatch(name, "input", x, inputShape, false);
    int n = x.shape().dim(0);
    Tensor y = outputs.get(n);
    if (max) {
      kernels.maxPool(x, g, y);
    } else {
      kernels.avgPool(x, g, y);
    }
    if (mode.training()) {
      input = x;
    }
    return outputShape.rank() == 3 ? y : y.reshape(outputShape.withBatch(n));
  }

  @Override
  public Tensor backward(Tensor dy, boolean needInputGradient) {
    LayerInputs.checkForwardDone(name, input);
    int n = input.shape().dim(0);
    LayerInputs.checkSameBatchShape(name, "output gradient", dy, outputShape, n);
    LayerInputs.checkLikeForward(name, dy, input);
    if (!needInputGradient) {
      return null;
    }
    Tensor dy4 = dy.shape().rank() == 4 ? dy : dy.reshape(outputs.get(n).shape());
    Tensor dx = inputGradients.get(n);
    if (max) {
      kernels.maxPoolBackward(input, dy4, g, dx);
    } else {
      kernels.avgPoolBackward(dy4, g, dx);
    }
    return dx;
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
    return inputShape;
  }

  @Override
  public Shape outputShape() {
    return outputShape;
  }
}
