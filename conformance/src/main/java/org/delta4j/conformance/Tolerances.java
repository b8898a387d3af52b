package org.delta4j.conformance;

import org.delta4j.tensor.DataType;

/**
 * How close an engine's numbers must be to the reference engine's, in one place. Two values a and b agree when
 * |a − b| ≤ absolute + relative·max(|a|, |b|). FLOAT64 is tight: engines differ only by summation order, about 1e-15
 * relative per operation. FLOAT32 allows for reordered sums over a few hundred terms (ε₃₂ ≈ 6e-8, so 1e-4 relative
 * leaves a margin of ~100× over √n·ε for n ≈ 1000) — and still rejects a gradient that is wrong by 1 %.
 *
 * @param relative the relative part
 * @param absolute the absolute part, for values near zero
 */
public record Tolerances(double relative, double absolute) {
  public static Tolerances of(DataType type) {
    return type == DataType.FLOAT64 ? new Tolerances(1e-9, 1e-12) : new Tolerances(1e-4, 1e-5);
  }

  /** Tolerances for results of several training steps, where differences compound: ten times looser. */
  public Tolerances compounded() {
    return new Tolerances(relative * 10, absolute * 10);
  }

  /**
   * Whether a and b agree: within the tolerances when both are finite, else only when equal, NaN agreeing with NaN.
   * (An infinity is within the relative tolerance of anything, ∞ ≤ relative·∞, and NaN within none of itself.)
   */
  public boolean agree(double a, double b) {
    if (!Double.isFinite(a) || !Double.isFinite(b)) {
      return a == b || Double.isNaN(a) && Double.isNaN(b);
    }
    return Math.abs(a - b) <= absolute + relative * Math.max(Math.abs(a), Math.abs(b));
  }
}
