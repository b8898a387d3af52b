package org.delta4j.perceptron;

import java.util.Objects;

/**
 * The best margin γ* of a labelled set through the origin of the augmented space, with a certificate. γ* is the
 * distance from the origin to the convex hull of the points zₖ = yₖ·(1, xₖ) (when the set is separable; when it is
 * not, the hull holds the origin and there is no positive margin). It is found by the MDM algorithm (Mitchell,
 * Dem'yanov and Malozemov), which keeps z = Σ λₖ zₖ and moves weight from the hull point least aligned with the
 * descent to the most aligned one. Whatever the iteration stops at, the bounds hold: the unit vector w = z/‖z‖ is a
 * separator whose margin minₖ w·zₖ is a lower bound on γ* (no unit vector does better than γ*), and ‖z‖, the norm of a
 * point of the hull, is an upper bound.
 */
public final class MaxMargin {
  private MaxMargin() {}

  /**
   * A certified margin.
   *
   * @param separator a unit vector in the augmented space (bias first)
   * @param lower the separator's margin minₖ yₖ·w·(1, xₖ), rounded down by its rounding error: a proven lower bound on
   *     γ*, positive iff it separates
   * @param upper the norm of a hull point, rounded up by its rounding error: a proven upper bound on γ*
   * @param iterations MDM steps taken
   */
  public record Certificate(double[] separator, double lower, double upper, int iterations) {
    public boolean separates() {
      return lower > 0;
    }

    /** The relative gap (upper − lower) / upper. */
    public double gap() {
      return upper == 0 ? 0 : (upper - lower) / upper;
    }
  }

  /** Runs MDM until the relative gap is at most {@code tolerance} or {@code maxIterations} steps are taken. */
  public static Certificate of(LabeledPoints data, double tolerance, int maxIterations) {
    Objects.requireNonNull(data, "data");
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException("the tolerance must be a finite number ≥ 0, got " + tolerance);
    }
    if (maxIterations < 0) {
      throw new IllegalArgumentException("maxIterations must be ≥ 0, got " + maxIterations);
    }
    int n = data.size();
    int d = data.dimension();
    int shift = shift(data);
    double[][] z = points(data, shift);
    double[] lambda = new double[n];
    int start = 0;
    for (int k = 1; k < n; k++) {
      if (LabeledPoints.dot(z[k], z[k]) < LabeledPoints.dot(z[start], z[start])) {
        start = k;
      }
    }
    lambda[start] = 1;
    double[] w = z[start].clone(); // the current hull point Σ λₖ zₖ
    double[] dots = new double[n]; // w·zₖ
    int it = 0;
    while (true) {
      // w·zₖ and ‖w‖ of w scaled by a power of two (exact), so that neither squares underflow (margins of 1e-300)
      // nor overflow (coordinates of 1e300): they are 2^-e times the true ones, which the ratios and t undo.
      int e = exponent(w);
      double[] ws = scaled(w, -e);
      int min = 0;
      int max = -1;
      for (int k = 0; k < n; k++) {
        dots[k] = LabeledPoints.dot(ws, z[k]);
        if (dots[k] < dots[min]) {
          min = k;
        }
        if (lambda[k] > 0 && (max < 0 || dots[k] > dots[max])) {
          max = k;
        }
      }
      // The stopping rule's gap, of the iterate as computed; the certificate's bounds are taken soundly after the
      // loop. Both sides in w's scale 2^-e: ‖ws‖ is 2^-e·‖w‖, and the margin w·z_min/‖w‖ = dots[min]/‖ws‖ is scaled
      // to match. Compared with the unscaled margin, the gap closed only for w whose largest entry was in [1, 2).
      double norm = Math.sqrt(LabeledPoints.dot(ws, ws));
      double lower = norm == 0 ? 0 : Math.scalb(dots[min] / norm, -e);
      if (norm == 0 || norm - lower <= tolerance * norm || it >= maxIterations) {
        break;
      }
      // Move t of max's weight to min: w' = w + t(z_min − z_max), t minimising ‖w'‖, at most λ_max.
      double[] dir = new double[d];
      double dirNorm = 0;
      for (int j = 0; j < d; j++) {
        dir[j] = z[min][j] - z[max][j];
        dirNorm += dir[j] * dir[j];
      }
      if (dirNorm == 0) {
        break;
      }
      double t = Math.min(lambda[max], Math.scalb((dots[max] - dots[min]) / dirNorm, e));
      if (t <= 0) {
        break;
      }
      for (int j = 0; j < d; j++) {
        w[j] += t * dir[j];
      }
      lambda[max] -= t;
      lambda[min] += t;
      it++;
    }
    double[] unit = unit(w);
    return new Certificate(unit, isZero(unit) ? 0 : scaledBack(marginBelow(unit, z), shift),
        scaledBackAbove(hullNormAbove(lambda, z), shift), it);
  }

  /**
   * A certificate whose lower bound is the better of {@code c}'s and that of {@code separator} (augmented, bias first),
   * such as the weights a perceptron run converged to: a run that separates the set proves a margin of its own, which
   * MDM stopped early may not have reached. The upper bound stays {@code c}'s.
   */
  public static Certificate withSeparator(LabeledPoints data, Certificate c, double[] separator) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(c, "certificate");
    Objects.requireNonNull(separator, "separator");
    if (separator.length != data.dimension()) {
      throw new IllegalArgumentException("the separator has " + separator.length + " entries but the augmented "
          + "points have " + data.dimension());
    }
    double[] unit = unit(separator);
    double lower = provenMargin(data, unit);
    return lower > c.lower() ? new Certificate(unit, lower, c.upper(), c.iterations()) : c;
  }

  /**
   * A proven lower bound on the margin minₖ yₖ·v·(1, xₖ) of the direction v of {@code separator} on these points
   * (−∞ for the zero vector, which separates nothing).
   */
  private static double provenMargin(LabeledPoints data, double[] separator) {
    for (int j = 0; j < separator.length; j++) {
      if (!Double.isFinite(separator[j])) {
        throw new IllegalArgumentException("separator entry " + j + " is " + separator[j] + ": it must be finite");
      }
    }
    double[] unit = unit(separator);
    if (isZero(unit)) {
      return Double.NEGATIVE_INFINITY;
    }
    int shift = shift(data);
    return scaledBack(marginBelow(unit, points(data, shift)), shift);
  }

  /**
   * The shift that scales the points yₖ·(1, xₖ) by 2^-shift so that the largest coordinate is in [1, 2): with
   * features of 1e160 and more, ‖zₖ‖² overflowed and the certificate was −∞ ≤ γ* ≤ ∞ with a zero "unit" vector.
   * shift ≥ 0, since the bias coordinate is 1, so nothing is scaled down into the subnormals but what is below
   * 2^-1022 of the rest.
   */
  private static int shift(LabeledPoints data) {
    int shift = 0;
    for (int k = 0; k < data.size(); k++) {
      shift = Math.max(shift, exponent(data.point(k)));
    }
    return shift;
  }

  /** The points yₖ·(1, xₖ)·2^-shift (exact). */
  private static double[][] points(LabeledPoints data, int shift) {
    double[][] z = new double[data.size()][data.dimension()];
    for (int k = 0; k < z.length; k++) {
      double[] x = data.point(k);
      for (int j = 0; j < x.length; j++) {
        z[k][j] = Math.scalb(data.label(k) * x[j], -shift);
      }
    }
    return z;
  }

  /** v/‖v‖, computed from v scaled to [1, 2) so that the norm neither overflows nor underflows; 0 for v = 0. */
  private static double[] unit(double[] v) {
    double[] unit = scaled(v, -exponent(v));
    double norm = Math.sqrt(LabeledPoints.dot(unit, unit));
    if (norm > 0) {
      for (int j = 0; j < unit.length; j++) {
        unit[j] /= norm;
      }
    }
    return unit;
  }

  private static boolean isZero(double[] v) {
    for (double x : v) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** The exponent of the largest |vⱼ| (0 for a zero vector): v·2^-e has its largest entry in [1, 2). */
  private static int exponent(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m == 0 ? 0 : Math.getExponent(m);
  }

  /** v·2^e, exact while no entry leaves the normal range. */
  private static double[] scaled(double[] v, int e) {
    double[] s = new double[v.length];
    for (int j = 0; j < v.length; j++) {
      s[j] = Math.scalb(v[j], e);
    }
    return s;
  }

  /**
   * A lower bound on the margin of the scaled points 2^-shift·zₖ, for the points themselves: γ* scales with the points,
   * and multiplying by a power of two is exact; beyond Double.MAX_VALUE it stays MAX_VALUE (still below γ*).
   */
  private static double scaledBack(double bound, int shift) {
    double b = Math.scalb(bound, shift);
    return b == Double.POSITIVE_INFINITY && bound < Double.POSITIVE_INFINITY ? Double.MAX_VALUE : b;
  }

  /**
   * An upper bound on the margin of the scaled points, for the points themselves: beyond Double.MAX_VALUE it is ∞, as
   * γ* may be (cut to MAX_VALUE as a lower bound is, it read γ* ≤ 1.8e308 for a set whose γ* is 2.5e308).
   */
  private static double scaledBackAbove(double bound, int shift) {
    return Math.scalb(bound, shift);
  }

  /**
   * A lower bound on minₖ v·zₖ for v = unit/‖unit‖, the exact direction of the computed unit vector, that holds
   * despite rounding. A computed dot product of m terms is within γₘ·Σ|aᵢbᵢ| of the exact one (Higham, Accuracy and
   * Stability of Numerical Algorithms, §3.1), and the computed ‖unit‖ is within γ_{d+1} of the exact one relatively;
   * without these allowances a set whose points all coincide, where γ* = R exactly, is certified a margin above R.
   * Products below 2^-1022 carry an absolute error instead, at most 2^-1074 each.
   */
  private static double marginBelow(double[] unit, double[][] z) {
    int d = unit.length;
    double least = Double.POSITIVE_INFINITY;
    for (double[] zk : z) {
      double dot = 0;
      double magnitude = 0;
      for (int j = 0; j < d; j++) {
        double p = unit[j] * zk[j];
        dot += p;
        magnitude += Math.abs(p);
      }
      // (2d + 2)·2^-1074 more for products and sums that fall into the subnormals, where the error is absolute
      least = Math.min(least, Math.nextDown(dot - rounding(2 * d + 2) * magnitude - (2 * d + 2) * Double.MIN_VALUE));
    }
    double unitNorm = Math.sqrt(LabeledPoints.dot(unit, unit));
    // Dividing a positive margin by an over-estimate of ‖unit‖, and a negative one by an under-estimate, rounds down.
    double divisor = least > 0 ? unitNorm * (1 + rounding(d + 2)) : unitNorm * (1 - rounding(d + 2));
    return Math.nextDown(least / divisor);
  }

  /**
   * An upper bound on γ*: the norm of the hull point Σ λₖzₖ / Σ λₖ, recomputed from the weights (the iterate w drifts
   * from it by the rounding of every step). Each computed coordinate p̂ⱼ is within γₙ·Σ λₖ|zₖⱼ| of the exact one
   * (Higham §3.1): an error on the size of the terms, not of p̂ⱼ, which near γ* ≪ R is mostly what is left after they
   * cancel — allowed for relative to ‖p̂‖, the bound fell below γ*. So the norm is taken of |p̂ⱼ| + that error, and
   * rounded up by the allowance for its d terms and the division; products below 2^-1022 add 2^-1074 each.
   */
  private static double hullNormAbove(double[] lambda, double[][] z) {
    int n = z.length;
    int d = z[0].length;
    double[] p = new double[d];
    double[] magnitude = new double[d]; // Σ λₖ|zₖⱼ|
    double total = 0;
    for (int k = 0; k < n; k++) {
      if (lambda[k] > 0) {
        total += lambda[k];
        for (int j = 0; j < d; j++) {
          double term = lambda[k] * z[k][j];
          p[j] += term;
          magnitude[j] += Math.abs(term);
        }
      }
    }
    double[] above = new double[d]; // |p_j| ≤ |p̂ⱼ| + γₙ₊₃·Σ λₖ|zₖⱼ|, the sum of magnitudes itself rounded down
    for (int j = 0; j < d; j++) {
      above[j] = Math.abs(p[j]) + rounding(n + 3) * magnitude[j] + 2 * n * Double.MIN_VALUE;
    }
    // ‖·‖ of the vector scaled to [1, 2) (exact), so that a hull point of norm 1e-300 does not square to 0: its bound
    // was 4.9e-324, below γ*.
    int e = exponent(above);
    double[] scaledAbove = scaled(above, -e);
    double norm = Math.scalb(Math.sqrt(LabeledPoints.dot(scaledAbove, scaledAbove)), e) / total;
    return Math.nextUp(norm * (1 + rounding(n + d + 8)));
  }

  /** Higham's γₘ = m·u / (1 − m·u), u = 2⁻⁵³: the relative error bound of m chained double operations. */
  static double rounding(int m) {
    double mu = m * 0x1p-53;
    return mu / (1 - mu);
  }

  /**
   * The perceptron convergence bound (R/γ)² with R = max‖(1, xₖ)‖ and γ the certified lower bound, proven again on
   * these points: the least of the certificate's and its separator's margin here, so that a certificate of another
   * set of the same dimension, or one made by hand, gives no bound below the mistakes (it gave 17 for a set the
   * perceptron made 25 mistakes on); ∞ if it does not separate them. R is rounded up and the quotient too, so that the
   * bound stays one when the data make it exactly one (γ* = R).
   */
  public static double mistakeBound(LabeledPoints data, Certificate c) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(c, "certificate");
    if (c.separator().length != data.dimension()) {
      throw new IllegalArgumentException("the certificate's separator has " + c.separator().length + " entries but "
          + "the augmented points have " + data.dimension() + ": it is another set's");
    }
    double gamma = c.separates() ? Math.min(c.lower(), provenMargin(data, c.separator())) : 0;
    if (!(gamma > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    // R and γ scaled by 2^-shift (exact), so that R near the top of the doubles is not ∞, nor made ∞ by rounding it
    // up: a bound of 1 came out ∞ for x = ±1.8e308. A scaled γ below the normal doubles makes (R/γ)² ≥ 2^2044 = ∞.
    int shift = shift(data);
    double g = Math.scalb(gamma, -shift);
    if (g < Double.MIN_NORMAL) {
      return Double.POSITIVE_INFINITY;
    }
    double r = data.radius(shift) * (1 + rounding(data.dimension() + 2));
    double q = r / g; // (R/γ)², not R²/γ²: R² overflows for features of 1e160 where the quotient does not
    return Math.nextUp(q * q * (1 + rounding(4)));
  }
}
