package org.delta4j.dsl.processor.testkinds;

import org.delta4j.nn.LayerContext;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LayerSpec;
import org.delta4j.tensor.Shape;

/**
 * A layer kind defined outside the API, as a user would: Y = factor·X, for inputs of at most {@code maxInputs}
 * elements per sample.
 */
public record ScaleSpec(String name, double factor, int maxInputs) implements LayerSpec {
  public static final String TYPE = "scale";

  public ScaleSpec {
    if (!(factor > 0 && Double.isFinite(factor))) {
      throw new IllegalArgumentException("scale layer '" + name + "': factor must be positive and finite, got " + factor);
    }
    if (maxInputs < 1) {
      throw new IllegalArgumentException("scale layer '" + name + "': max inputs must be at least 1, got " + maxInputs);
    }
  }

  static ScaleSpec read(FieldReader f) {
    return new ScaleSpec(f.name(), f.number("factor", Double.NaN), f.integer("max_inputs", 1 << 20));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public ScaleSpec withName(String name) {
    return new ScaleSpec(name, factor, maxInputs);
  }

  @Override
  public Shape outputShape(Shape input) {
    if (input.size() > maxInputs) {
      throw new IllegalArgumentException("scale layer '" + name + "' takes at most " + maxInputs
          + " inputs per sample, got shape " + input);
    }
    return input;
  }

  @Override
  public ScaleLayer build(LayerContext c) {
    return new ScaleLayer(c.name(), factor, c.inputShape(), c.engine(), c.dataType());
  }

  @Override
  public void writeFields(FieldWriter out) {
    out.put("factor", factor).put("max_inputs", maxInputs);
  }
}
