package org.delta4j.nn;

import java.util.Objects;
import org.delta4j.engine.Engine;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * A trainable tensor and the gradient accumulated for it, both of one shape, named {@code layer.role} (for example
 * {@code dense1.weight}). Backward passes add into {@code gradient}; {@link Network#zeroGradients()} clears it.
 */
public record Parameter(String name, Tensor value, Tensor gradient) {
  /** A parameter of zeros, with a zero gradient. */
  public static Parameter zeros(String name, Shape shape, Engine engine, DataType dataType) {
    Objects.requireNonNull(engine, () -> "parameter " + name + ": engine is null");
    return new Parameter(name, engine.zeros(dataType, shape), engine.zeros(dataType, shape));
  }
}
