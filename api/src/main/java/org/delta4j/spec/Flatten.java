package org.delta4j.spec;

import java.util.Objects;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.layers.FlattenLayer;
import org.delta4j.tensor.Shape;

/** Each sample's values in row-major order as one vector: [d1, d2, ...] → [d1·d2·...]; no arithmetic. */
public record Flatten(String name) implements LayerSpec {
  public static final String TYPE = "flatten";

  public Flatten() {
    this(null);
  }

  static Flatten read(FieldReader f) {
    return new Flatten(f.name());
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Flatten withName(String name) {
    return new Flatten(name);
  }

  @Override
  public Shape outputShape(Shape input) {
    return Shape.of(Objects.requireNonNull(input, "flatten: input shape is null").intSize());
  }

  @Override
  public Layer build(LayerContext c) {
    return new FlattenLayer(c.name(), c.inputShape());
  }

  @Override
  public void writeFields(FieldWriter out) {}
}
