package org.delta4j.autodiff;

import java.util.HashMap;
import java.util.Map;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;

/**
 * What an {@link ExpressionLayerSpec}'s forward pass writes with besides its input: its declared parameters as
 * tracked values (the same value each time a role is asked for in one pass), constants, and the pass's mode. Valid
 * for one pass; not thread-safe.
 */
public final class Scope {
  private final Tape tape;
  private final LayerContext context;
  private final Map<String, Value> parameters = new HashMap<>();
  private Mode mode;

  Scope(Tape tape, LayerContext context) {
    this.tape = tape;
    this.context = context;
  }

  void begin(Mode mode) {
    this.mode = mode;
    parameters.clear();
  }

  /** The parameter the spec declared with this role; one of rank 1 [n] is the row [1, n]. */
  public Value parameter(String role) {
    Value v = parameters.get(role);
    if (v == null) {
      v = tape.parameter(context.parameter(role));
      parameters.put(role, v);
    }
    return v;
  }

  /**
   * x·W + b for a matrix x, with the parameters {@code name_weight} [in, units] and {@code name_bias} [units] that
   * {@link ExpressionLayerSpec#linear} declares.
   */
  public Value linear(String name, Value x) {
    return x.matmul(parameter(name + "_weight")).add(parameter(name + "_bias"));
  }

  /** An untracked scalar [1, 1]. */
  public Value constant(double value) {
    return tape.constant(value);
  }

  public Mode mode() {
    return mode;
  }

  public Tape tape() {
    return tape;
  }
}
