package org.delta4j.autodiff;

import java.util.List;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.Shape;

/**
 * A layer kind written forward-only: {@link #forward} says what the layer computes, with {@link Value} operations on
 * its input and its declared parameters, and the layer it builds differentiates that by its {@link Tape}. Everything
 * else is a {@link LayerSpec}'s (type, name, output shape, parameters, fields), so the kind registers, saves, loads
 * and reads from JSON like any other. The layer keeps its tape's tensors across steps; not thread-safe.
 */
public interface ExpressionLayerSpec extends LayerSpec {
  /** The output [N, output...] for the batch x [N, input...]; parameters come from {@link Scope#parameter}. */
  Value forward(Value x, Scope scope);

  @Override
  default Layer build(LayerContext c) {
    return new ExpressionLayer(this, c);
  }

  /**
   * The parameters of {@link Scope#linear}{@code (name, x)}: {@code name_weight} [in, units], Xavier-uniform as a
   * dense layer's, and {@code name_bias} [units], zero.
   */
  static List<ParameterSpec> linear(String name, int in, int units) {
    return List.of(new ParameterSpec(name + "_weight", Shape.of(in, units), Initializer.xavierUniform(), in, units),
        new ParameterSpec(name + "_bias", Shape.of(units), Initializer.zeros(), in, units));
  }
}

/** The layer an {@link ExpressionLayerSpec} builds. */
final class ExpressionLayer extends TapeLayer {
  private final ExpressionLayerSpec spec;
  private final Scope scope;
  private final List<Parameter> parameters;

  ExpressionLayer(ExpressionLayerSpec spec, LayerContext c) {
    super(spec.type(), c, spec.outputShape(c.inputShape()));
    this.spec = spec;
    this.scope = new Scope(tape, c);
    this.parameters = spec.parameters(c.inputShape()).stream().map(ParameterSpec::role).map(c::parameter).toList();
  }

  @Override
  Value record(Value x, Mode mode) {
    scope.begin(mode);
    return spec.forward(x, scope);
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }
}
