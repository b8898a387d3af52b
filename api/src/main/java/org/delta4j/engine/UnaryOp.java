package org.delta4j.engine;

import java.util.function.DoubleUnaryOperator;

/**
 * The element-wise functions of one argument that {@link Kernels#unary} applies: y = f(x). Each constant states its
 * formula and {@link #apply(double)} is that formula in double precision, the definition every engine is held to
 * (within the conformance tolerances; a FLOAT32 engine may compute in float). Negation, scaling and shifting are
 * {@link Kernels#affine}; squares and reciprocals are {@link Kernels#binary} products and quotients.
 */
public enum UnaryOp {
  /** y = |x|. */
  ABS(Math::abs),
  /** y = eˣ. */
  EXP(Math::exp),
  /** y = ln x (−∞ at 0, NaN below). */
  LOG(Math::log),
  /** y = √x (NaN below 0). */
  SQRT(Math::sqrt),
  /** y = tanh x. */
  TANH(Math::tanh),
  /** y = 1 / (1 + e^(−x)), the logistic function. */
  SIGMOID(x -> 1 / (1 + Math.exp(-x)));

  private final DoubleUnaryOperator formula;

  UnaryOp(DoubleUnaryOperator formula) {
    this.formula = formula;
  }

  /** f(x) in double precision. Pure; thread-safe. */
  public double apply(double x) {
    return formula.applyAsDouble(x);
  }
}
