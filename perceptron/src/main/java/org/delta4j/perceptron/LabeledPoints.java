package org.delta4j.perceptron;

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

  private LabeledPoints(double[][] augmented, int[] labels) {
    this.augmented = augmented;
    this.labels = labels;
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
      r = Math.max(r, Math.scalb(Math.sqrt(s), e));
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

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
