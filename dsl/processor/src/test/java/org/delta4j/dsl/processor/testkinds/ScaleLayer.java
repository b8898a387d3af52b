package org.delta4j.dsl.processor.testkinds;

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

/** The layer a {@link ScaleSpec} builds: Y = factor·X, and ∂L/∂X = factor·∂L/∂Y. */
public final class ScaleLayer implements Layer {
  private final String name;
  private final double factor;
  private final Shape shape;
  private final Kernels kernels;
  private final BatchTensors outputs;
  private final BatchTensors inputGradients;

  ScaleLayer(String name, double factor, Shape shape, Engine engine, DataType dataType) {
    this.name = name;
    this.factor = factor;
    this.shape = shape;
    this.kernels = engine.kernels();
    this.outputs = new BatchTensors(engine, dataType, shape);
    this.inputGradients = new BatchTensors(engine, dataType, shape);
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

  @Override
  public Tensor forward(Tensor input, Mode mode) {
    return scaled(input, outputs.get(input.shape().dim(0)));
  }

  @Override
  public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
    return needInputGradient ? scaled(gradOutput, inputGradients.get(gradOutput.shape().dim(0))) : null;
  }

  private Tensor scaled(Tensor x, Tensor out) {
    kernels.copy(x, out);
    kernels.scale(out, factor);
    return out;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of();
  }
}
