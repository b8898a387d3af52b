package org.delta4j.engine;

import java.util.function.DoubleBinaryOperator;

/**
 * The reductions {@link Kernels#reduce} takes along one axis of a matrix: r = x₀ ∘ x₁ ∘ … ∘ xₖ₋₁, starting from
 * {@link #identity()}. Sums may be accumulated in any order and in a wider type than the tensors'.
 */
public enum ReduceOp {
  /** r = Σ xᵢ. */
  SUM(0, (r, x) -> r + x),
  /** r = max xᵢ (NaN if any is NaN). */
  MAX(Double.NEGATIVE_INFINITY, Math::max);

  private final double identity;
  private final DoubleBinaryOperator step;

  ReduceOp(double identity, DoubleBinaryOperator step) {
    this.identity = identity;
    this.step = step;
  }

  /** The value of the reduction over nothing: 0 for a sum, −∞ for a maximum. */
  public double identity() {
    return identity;
  }

  /** One step: the running result r combined with the next element x. Pure; thread-safe. */
  public double combine(double r, double x) {
    return step.applyAsDouble(r, x);
  }
}
