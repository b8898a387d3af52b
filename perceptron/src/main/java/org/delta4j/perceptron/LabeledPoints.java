package org.delta4j.perceptron;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Objects;

/**
 * Points xₖ with labels yₖ = ±1, stored augmented with the bias input x₀ = 1 in front, so that a separator through
 * the origin of the augmented space is an affine separator of the original one. Validated when built: at least one
 * point, rows of one length with at least one feature, finite features, labels exactly −1 or +1. Immutable.
 */
public final class LabeledPoints {
  private final double[][] augmented;
  private final int[] labels;
  /** Σⱼ |xₖⱼ| of each augmented point, for the rounding error of w·xₖ. */
  private final double[] magnitudes;

  private LabeledPoints(double[][] augmented, int[] labels) {
    this.augmented = augmented;
    this.labels = labels;
    this.magnitudes = new double[augmented.length];
    for (int k = 0; k < augmented.length; k++) {
      for (double v : augmented[k]) {
        magnitudes[k] += Math.abs(v);
      }
    }
  }

  /** Points with labels that must be −1 or +1. */
  public static LabeledPoints of(double[][] features, int[] labels) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if (features.length == 0) {
      throw new IllegalArgumentException("the perceptron needs at least one point, got an empty set");
    }
    if (labels.length != features.length) {
      throw new IllegalArgumentException(features.length + " points but " + labels.length + " labels");
    }
    int d = row(features, 0).length;
    if (d == 0) {
      throw new IllegalArgumentException("point 0 has no features: the perceptron needs at least one (the bias "
          + "x₀ = 1 is added here, not given)");
    }
    double[][] aug = new double[features.length][];
    for (int k = 0; k < features.length; k++) {
      if (row(features, k).length != d) {
        throw new IllegalArgumentException("point " + k + " has " + features[k].length + " features but point 0 has "
            + d + ": every row must have the same length");
      }
      if (labels[k] != 1 && labels[k] != -1) {
        throw new IllegalArgumentException("label of point " + k + " is " + labels[k] + "; the perceptron takes labels "
            + "−1 and +1 (map 0/1 or two classes explicitly with fromClasses)");
      }
      aug[k] = new double[d + 1];
      aug[k][0] = 1;
      for (int j = 0; j < d; j++) {
        if (!Double.isFinite(features[k][j])) {
          throw new IllegalArgumentException("feature " + j + " of point " + k + " is " + features[k][j]
              + ": features must be finite");
        }
        aug[k][j + 1] = features[k][j];
      }
    }
    return new LabeledPoints(aug, labels.clone());
  }

  private static double[] row(double[][] features, int k) {
    return Objects.requireNonNull(features[k], () -> "point " + k + " (features[" + k + "]) is null");
  }

  /**
   * Two named classes mapped explicitly: {@code positive} to +1, {@code negative} to −1; any other class is an error,
   * and so is naming one class twice.
   */
  public static LabeledPoints fromClasses(double[][] features, int[] classes, int positive, int negative) {
    Objects.requireNonNull(classes, "classes");
    if (positive == negative) {
      throw new IllegalArgumentException("the positive and the negative class are both " + positive
          + ": name two different classes");
    }
    int[] y = new int[classes.length];
    for (int k = 0; k < classes.length; k++) {
      if (classes[k] == positive) {
        y[k] = 1;
      } else if (classes[k] == negative) {
        y[k] = -1;
      } else {
        throw new IllegalArgumentException("point " + k + " has class " + classes[k] + ", neither the positive class "
            + positive + " nor the negative class " + negative);
      }
    }
    return of(features, y);
  }

  public int size() {
    return labels.length;
  }

  /** The augmented dimension: features + 1. */
  public int dimension() {
    return augmented[0].length;
  }

  /** The augmented point k, (1, xₖ) (shared: do not modify). */
  double[] point(int k) {
    return augmented[k];
  }

  public int label(int k) {
    return labels[k];
  }

  /**
   * R = maxₖ ‖(1, xₖ)‖, the radius in the perceptron bound, bias included; each norm is taken of the point scaled by
   * a power of two (exact), so that features of 1e160 and more give R, not ∞ from an overflowing ‖x‖².
   */
  public double radius() {
    return radius(0);
  }

  /**
   * R·2^-shift, computed as {@link #radius()} is: finite where R itself is beyond the doubles (points whose norm
   * passes 1.8e308), for a shift that brings the largest coordinate below 2.
   */
  double radius(int shift) {
    double r = 0;
    for (double[] x : augmented) {
      double m = 0;
      for (double v : x) {
        m = Math.max(m, Math.abs(v));
      }
      int e = Math.getExponent(m); // m ≥ 1: the bias
      double s = 0;
      for (double v : x) {
        double u = Math.scalb(v, -e);
        s += u * u;
      }
      r = Math.max(r, Math.scalb(Math.sqrt(s), e - shift));
    }
    return r;
  }

  /** The same points in another order: {@code order} lists every point's index once. */
  public LabeledPoints reordered(int[] order) {
    Objects.requireNonNull(order, "order");
    if (order.length != size()) {
      throw new IllegalArgumentException("an order of " + order.length + " indices for " + size() + " points: it "
          + "must list every point once");
    }
    boolean[] seen = new boolean[size()];
    for (int k : order) {
      if (k < 0 || k >= size()) {
        throw new IllegalArgumentException("index " + k + " is not a point of the " + size());
      }
      if (seen[k]) {
        throw new IllegalArgumentException("point " + k + " appears twice in the order");
      }
      seen[k] = true;
    }
    double[][] a = new double[order.length][];
    int[] y = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      a[i] = augmented[order[i]];
      y[i] = labels[order[i]];
    }
    return new LabeledPoints(a, y);
  }

  /** A copy of the original (unaugmented) features. */
  public double[][] features() {
    double[][] f = new double[augmented.length][];
    for (int k = 0; k < f.length; k++) {
      f[k] = Arrays.copyOfRange(augmented[k], 1, augmented[k].length);
    }
    return f;
  }

  /**
   * The sign of the exact w·(1, xₖ) (−1, 0 or 1), whatever the rounding; {@code wMax} is maxⱼ |wⱼ|. See {@link
   * #signOfDot(double[], double, double[], double)}.
   */
  int signOfDot(double[] w, double wMax, int k) {
    return signOfDot(w, wMax, augmented[k], magnitudes[k]);
  }

  /**
   * The sign of the exact w·x (−1, 0 or 1), for {@code wMax} = maxⱼ |wⱼ| and {@code xMagnitude} = Σⱼ |xⱼ|. The
   * computed sum s of the m products is within γₘ·Σ|wⱼxⱼ| ≤ γₘ·wMax·Σ|xⱼ| of the exact one (Higham, Accuracy and
   * Stability of Numerical Algorithms, §3.1), and 2⁻¹⁰⁷⁴ more for each product or sum that falls into the subnormals;
   * where |s| is not beyond that, or a sum overflowed, the products are added exactly. The sign of the rounded s
   * called a point on the wrong side right (a w·x of −1 computed as +∞ once its partial sums overflowed, or as 1
   * after 2⁵³ + 2 swallowed a 1), and a separable set of features of 1e-200, whose products underflow to 0, never
   * converged.
   */
  static int signOfDot(double[] w, double wMax, double[] x, double xMagnitude) {
    double s = dot(w, x);
    double slack = MaxMargin.rounding(x.length) * wMax * xMagnitude + 2.0 * x.length * Double.MIN_VALUE;
    if (Double.isFinite(s) && Math.abs(s) > slack) { // false for an infinite or NaN slack too
      return s > 0 ? 1 : -1;
    }
    BigDecimal exact = BigDecimal.ZERO; //                 the product of two doubles is exact in BigDecimal
    for (int j = 0; j < x.length; j++) {
      if (w[j] != 0 && x[j] != 0) {
        exact = exact.add(new BigDecimal(w[j]).multiply(new BigDecimal(x[j])));
      }
    }
    return exact.signum();
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
