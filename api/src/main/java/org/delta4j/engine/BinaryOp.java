package org.delta4j.engine;

import java.util.function.DoubleBinaryOperator;

/**
 * The element-wise functions of two arguments that {@link Kernels#binary} applies: out = a ∘ b. Each constant states
 * its formula and {@link #apply(double, double)} is that formula in double precision, the definition every engine is
 * held to. {@link #GREATER} is the comparison: its 0/1 result is a mask for {@link Kernels#select}.
 */
public enum BinaryOp {
  /** a + b. */
  ADD((a, b) -> a + b),
  /** a − b. */
  SUBTRACT((a, b) -> a - b),
  /** a·b. */
  MULTIPLY((a, b) -> a * b),
  /** a / b. */
  DIVIDE((a, b) -> a / b),
  /** max(a, b) (NaN if either is NaN). */
  MAX(Math::max),
  /** min(a, b) (NaN if either is NaN). */
  MIN(Math::min),
  /** 1 where a &gt; b, else 0 (also when either is NaN). */
  GREATER((a, b) -> a > b ? 1 : 0);

  private final DoubleBinaryOperator formula;

  BinaryOp(DoubleBinaryOperator formula) {
    this.formula = formula;
  }

  /** a ∘ b in double precision. Pure; thread-safe. */
  public double apply(double a, double b) {
    return formula.applyAsDouble(a, b);
  }
}
