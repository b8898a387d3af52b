package org.delta4j.examples.custom;

import java.util.ArrayList;
import java.util.List;
import org.delta4j.autodiff.ExpressionLayerSpec;
import org.delta4j.autodiff.Scope;
import org.delta4j.autodiff.Value;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.spec.SpecRules;
import org.delta4j.tensor.Shape;

/**
 * The gated linear unit (Dauphin et al., 2017), written forward-only: y = (x·W + b) ⊙ σ(x·V + c) for inputs [N, in]
 * (a sample of rank &gt; 1 is taken flat), output [N, units]. Its backward pass is the tape's.
 */
public record GatedLinearUnit(String name, int units) implements ExpressionLayerSpec {
  public static final String TYPE = "glu";

  public GatedLinearUnit {
    String problem = SpecRules.units(units);
    if (problem != null) {
      throw new IllegalArgumentException("glu layer" + (name == null ? "" : " '" + name + "'") + ": " + problem);
    }
  }

  static GatedLinearUnit read(FieldReader f) { return new GatedLinearUnit(f.name(), f.integer("units", null)); }

  @Override public Value forward(Value x, Scope s) {
    return s.linear("value", x.flatten()).multiply(s.linear("gate", x.flatten()).sigmoid());
  }

  @Override public List<ParameterSpec> parameters(Shape input) {
    List<ParameterSpec> p = new ArrayList<>(ExpressionLayerSpec.linear("value", input.intSize(), units));
    p.addAll(ExpressionLayerSpec.linear("gate", input.intSize(), units));
    return p;
  }

  @Override public String type() { return TYPE; }
  @Override public GatedLinearUnit withName(String name) { return new GatedLinearUnit(name, units); }
  @Override public Shape outputShape(Shape input) { return Shape.of(units); }
  @Override public void writeFields(FieldWriter out) { out.put("units", units); }
}
