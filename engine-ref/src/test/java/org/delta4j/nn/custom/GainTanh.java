package org.delta4j.nn.custom;

import java.util.List;
import org.delta4j.autodiff.ExpressionLayerSpec;
import org.delta4j.autodiff.Scope;
import org.delta4j.autodiff.Value;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.Shape;

/**
 * A layer kind written forward-only outside {@code api}, as a user would: y = tanh(g ⊙ x) with a learned gain g per
 * input element (starting at 1), for samples of any shape. Its backward pass is the tape's.
 */
public record GainTanh(String name) implements ExpressionLayerSpec {
  public static final String TYPE = "gain_tanh";

  static GainTanh read(FieldReader f) {
    return new GainTanh(f.name());
  }

  @Override
  public Value forward(Value x, Scope s) {
    return x.flatten().multiply(s.parameter("gain")).tanh().reshape(x.shape().dims());
  }

  @Override
  public List<ParameterSpec> parameters(Shape input) {
    return List.of(ParameterSpec.of("gain", Shape.of(input.intSize()), Initializer.constant(1)));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public GainTanh withName(String name) {
    return new GainTanh(name);
  }

  @Override
  public Shape outputShape(Shape input) {
    return input;
  }

  @Override
  public void writeFields(FieldWriter out) {}
}
