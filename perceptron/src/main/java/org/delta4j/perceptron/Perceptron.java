package org.delta4j.perceptron;

import java.util.ArrayList;
import java.util.List;

/**
 * Rosenblatt's perceptron on augmented points (bias as x₀ = 1), weights starting at 0, online passes in the given
 * order. A mistake is y·(w·x) ≤ 0 — a point on the boundary counts — and is corrected by w ← w + η·y·x. Training
 * stops after a pass without mistakes, or after {@code maxPasses}, which ends "not separable within N passes". The
 * prediction is the bipolar step h(a) = 1 for a &gt; 0, else −1. Stateless; thread-safe.
 */
public final class Perceptron {
  private Perceptron() {}

  /**
   * The outcome of a run.
   *
   * @param weights the final weights (augmented: weights[0] is the bias)
   * @param mistakes the number of updates made
   * @param passes the passes made, the last one included
   * @param converged whether a pass ended without a mistake
   * @param mistakeIndices the point index of every update, in order
   */
  public record Run(double[] weights, long mistakes, int passes, boolean converged, List<Integer> mistakeIndices) {
    /** "converged after N mistakes in P passes" or "not separable within P passes (N mistakes)". */
    public String outcome() {
      return converged ? "converged after " + mistakes + " mistakes in " + passes + " passes"
          : "not separable within " + passes + " passes (" + mistakes + " mistakes)";
    }
  }

  /** The plain perceptron with learning rate η &gt; 0. */
  public static Run train(LabeledPoints data, double eta, int maxPasses) {
    return train(data, eta, maxPasses, new double[data.dimension()], false);
  }

  /** The perceptron from given initial weights (the theorem assumes w₀ = 0; tests show what changes otherwise). */
  public static Run train(LabeledPoints data, double eta, int maxPasses, double[] initial, boolean recordIndices) {
    checkRate(eta, maxPasses);
    if (initial.length != data.dimension()) {
      throw new IllegalArgumentException("initial weights have " + initial.length + " entries but the augmented "
          + "points have " + data.dimension());
    }
    double[] w = initial.clone();
    long mistakes = 0;
    List<Integer> indices = new ArrayList<>();
    for (int pass = 1; pass <= maxPasses; pass++) {
      boolean clean = true;
      for (int k = 0; k < data.size(); k++) {
        double[] x = data.point(k);
        int y = data.label(k);
        if (y * LabeledPoints.dot(w, x) <= 0) { // a mistake, the boundary included
          for (int j = 0; j < w.length; j++) {
            w[j] += eta * y * x[j]; //                  w ← w + η·y·x
          }
          mistakes++;
          clean = false;
          if (recordIndices) {
            indices.add(k);
          }
        }
      }
      if (clean) {
        return new Run(w, mistakes, pass, true, List.copyOf(indices));
      }
    }
    return new Run(w, mistakes, maxPasses, false, List.copyOf(indices));
  }

  /**
   * The pocket perceptron (Gallant): runs the perceptron for {@code passes} passes and keeps in its pocket the
   * weights that classified the most training points correctly, checked after every update. For data that is not
   * separable, where the last weights may be poor.
   */
  public static double[] pocket(LabeledPoints data, double eta, int passes) {
    checkRate(eta, passes);
    double[] w = new double[data.dimension()];
    double[] best = w.clone();
    int bestErrors = errors(data, w);
    for (int pass = 0; pass < passes && bestErrors > 0; pass++) {
      for (int k = 0; k < data.size(); k++) {
        double[] x = data.point(k);
        int y = data.label(k);
        if (y * LabeledPoints.dot(w, x) <= 0) {
          for (int j = 0; j < w.length; j++) {
            w[j] += eta * y * x[j];
          }
          int e = errors(data, w);
          if (e < bestErrors) {
            bestErrors = e;
            best = w.clone();
          }
        }
      }
    }
    return best;
  }

  /**
   * The averaged perceptron (Freund and Schapire): the mean of the weights after every point of every pass, which
   * predicts more steadily than the last weights.
   */
  public static double[] averaged(LabeledPoints data, double eta, int passes) {
    checkRate(eta, passes);
    double[] w = new double[data.dimension()];
    double[] sum = new double[w.length];
    long steps = 0;
    for (int pass = 0; pass < passes; pass++) {
      for (int k = 0; k < data.size(); k++) {
        double[] x = data.point(k);
        int y = data.label(k);
        if (y * LabeledPoints.dot(w, x) <= 0) {
          for (int j = 0; j < w.length; j++) {
            w[j] += eta * y * x[j];
          }
        }
        for (int j = 0; j < w.length; j++) {
          sum[j] += w[j];
        }
        steps++;
      }
    }
    for (int j = 0; j < sum.length; j++) {
      sum[j] /= steps;
    }
    return sum;
  }

  /** h(w·x) with the bipolar step: +1 when w·(1, x) &gt; 0, else −1. */
  public static int predict(double[] weights, double[] features) {
    if (features.length + 1 != weights.length) {
      throw new IllegalArgumentException(features.length + " features but the weights expect "
          + (weights.length - 1));
    }
    double a = weights[0];
    for (int j = 0; j < features.length; j++) {
      a += weights[j + 1] * features[j];
    }
    return a > 0 ? 1 : -1;
  }

  /** The number of points w misclassifies (y·(w·x) ≤ 0). */
  public static int errors(LabeledPoints data, double[] w) {
    int e = 0;
    for (int k = 0; k < data.size(); k++) {
      if (data.label(k) * LabeledPoints.dot(w, data.point(k)) <= 0) {
        e++;
      }
    }
    return e;
  }

  private static void checkRate(double eta, int passes) {
    if (!(eta > 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("the learning rate η must be positive and finite, got " + eta);
    }
    if (passes < 1) {
      throw new IllegalArgumentException("at least one pass, got " + passes);
    }
  }
}
