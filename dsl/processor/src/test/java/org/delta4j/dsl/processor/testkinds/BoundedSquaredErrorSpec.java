package org.delta4j.dsl.processor.testkinds;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.nn.Loss;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.LossSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;

/** A loss kind defined outside the API: squared error, for networks of at most {@code maxOutputs} outputs. */
public record BoundedSquaredErrorSpec(int maxOutputs) implements LossSpec {
  public static final String TYPE = "bounded_squared_error";

  public BoundedSquaredErrorSpec {
    if (maxOutputs < 1) {
      throw new IllegalArgumentException("bounded squared error: max outputs must be at least 1, got " + maxOutputs);
    }
  }

  static BoundedSquaredErrorSpec read(FieldReader f) {
    return new BoundedSquaredErrorSpec(f.integer("max_outputs", null));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void writeFields(FieldWriter out) {
    out.put("max_outputs", maxOutputs);
  }

  @Override
  public String misfit(List<LayerSpec> layers, Shape output) {
    return output != null && output.size() > maxOutputs
        ? TYPE + " takes at most " + maxOutputs + " outputs, but the network has " + output.size() : null;
  }

  @Override
  public Loss build(Engine engine, DataType dataType) {
    return LossFunction.SQUARED_ERROR.build(engine, dataType);
  }
}
