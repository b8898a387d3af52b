package org.delta4j.nn.layers;

import java.util.List;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Views a batch [N, d1, d2, ...] as [N, d1·d2·...] without copying; the gradient goes back as the same view in the
 * input's shape (the map is the identity on the values). Not thread-safe.
 */
public final class FlattenLayer implements Layer {
  private final String name;
  private final Shape inputShape;
  private final Shape outputShape;
  private final ReshapedView flat = new ReshapedView();
  private final ReshapedView unflat = new ReshapedView();
  private Shape batchInputShape; // [batch, input shape...] of the last backward pass
  private Tensor input; // the input of the last training pass, null before one

  public FlattenLayer(String name, Shape inputShape) {
    this.name = name;
    this.inputShape = inputShape;
    this.outputShape = Shape.of(inputShape.intSize());
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    LayerInputs.checkMode(name, mode);
    LayerInputs.checkBatch(name, "input", x, inputShape, false);
    if (mode.training()) {
      input = x;
    }
    return flat.of(x, x.shape().dim(0), outputShape.dim(0));
  }

  @Override
  public Tensor backward(Tensor dy, boolean needInputGradient) {
    LayerInputs.checkForwardDone(name, input);
    int batch = input.shape().dim(0);
    LayerInputs.checkSameBatchShape(name, "output gradient", dy, outputShape, batch);
    LayerInputs.checkLikeForward(name, dy, input);
    if (!needInputGradient) {
      return null;
    }
    if (batchInputShape == null || batchInputShape.dim(0) != batch) {
      batchInputShape = inputShape.withBatch(batch);
    }
    return unflat.of(dy, batchInputShape);
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
