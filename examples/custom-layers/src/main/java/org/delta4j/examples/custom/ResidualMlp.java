package org.delta4j.examples.custom;

import java.util.ArrayList;
import java.util.List;
import org.delta4j.autodiff.ExpressionLayerSpec;
import org.delta4j.autodiff.Scope;
import org.delta4j.autodiff.Value;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.Shape;

/**
 * A residual MLP block (He et al., 2016) written forward-only: y = relu(x + relu(x·W₁ + b₁)·W₂ + b₂) for inputs
 * [N, n] (a sample of rank &gt; 1 is taken flat), through a hidden layer of {@code hidden} units; output [N, n]. The
 * input is used twice (the skip connection), and the tape adds both gradients.
 */
public record ResidualMlp(String name, int hidden) implements ExpressionLayerSpec {
  public static final String TYPE = "residual_mlp";

  public ResidualMlp {
    if (hidden < 1) {
      throw new IllegalArgumentException("residual_mlp layer" + (name == null ? "" : " '" + name + "'")
          + ": hidden must be at least 1, got " + hidden);
    }
  }

  static ResidualMlp read(FieldReader f) { return new ResidualMlp(f.name(), f.integer("hidden", null)); }

  @Override public Value forward(Value x, Scope s) {
    Value in = x.flatten();
    return in.add(s.linear("down", s.linear("up", in).relu())).relu();
  }

  @Override public List<ParameterSpec> parameters(Shape input) {
    List<ParameterSpec> p = new ArrayList<>(ExpressionLayerSpec.linear("up", input.intSize(), hidden));
    p.addAll(ExpressionLayerSpec.linear("down", hidden, input.intSize()));
    return p;
  }

  @Override public String type() { return TYPE; }
  @Override public ResidualMlp withName(String name) { return new ResidualMlp(name, hidden); }
  @Override public Shape outputShape(Shape input) { return Shape.of(input.intSize()); }
  @Override public void writeFields(FieldWriter out) { out.put("hidden", hidden); }
}
