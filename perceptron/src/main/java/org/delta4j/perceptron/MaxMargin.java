package org.delta4j.perceptron;

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
   * @param lower the separator's margin minₖ yₖ·w·(1, xₖ): a proven lower bound on γ*, positive iff it separates
   * @param upper a proven upper bound on γ*
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
    int n = data.size();
    int d = data.dimension();
    double[][] z = new double[n][d];
    for (int k = 0; k < n; k++) {
      double[] x = data.point(k);
      for (int j = 0; j < d; j++) {
        z[k][j] = data.label(k) * x[j];
      }
    }
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
    double lower;
    double upper;
    while (true) {
      int min = 0;
      int max = -1;
      for (int k = 0; k < n; k++) {
        dots[k] = LabeledPoints.dot(w, z[k]);
        if (dots[k] < dots[min]) {
          min = k;
        }
        if (lambda[k] > 0 && (max < 0 || dots[k] > dots[max])) {
          max = k;
        }
      }
      double norm = Math.sqrt(LabeledPoints.dot(w, w));
      upper = norm;
      lower = norm == 0 ? 0 : dots[min] / norm;
      if (norm == 0 || upper - lower <= tolerance * upper || it >= maxIterations) {
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
      double t = Math.min(lambda[max], (dots[max] - dots[min]) / dirNorm);
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
    double norm = Math.sqrt(LabeledPoints.dot(w, w));
    double[] unit = w.clone();
    if (norm > 0) {
      for (int j = 0; j < d; j++) {
        unit[j] /= norm;
      }
    }
    // Recompute the separator's margin exactly from the unit vector, so the lower bound is the separator's own.
    double margin = Double.POSITIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      margin = Math.min(margin, LabeledPoints.dot(unit, z[k]));
    }
    return new Certificate(unit, norm == 0 ? 0 : margin, upper, it);
  }

  /** The perceptron convergence bound (R/γ)² with R = max‖(1, xₖ)‖ and γ the certified lower bound; ∞ if none. */
  public static double mistakeBound(LabeledPoints data, Certificate c) {
    if (!c.separates()) {
      return Double.POSITIVE_INFINITY;
    }
    double r = data.radius();
    return r * r / (c.lower() * c.lower());
  }
}
