package org.delta4j.perceptron;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Rosenblatt's perceptron on augmented points (bias as x₀ = 1), weights starting at 0, online passes in the given
 * order. A mistake is y·(w·x) ≤ 0 — a point on the boundary counts — and is corrected by w ← w + η·y·x; the sign of
 * w·x is that of the exact value, not of its rounding ({@link LabeledPoints#signOfDot}). Training stops after a pass
 * without mistakes, or after {@code maxPasses}, which ends "no convergence within N passes": that shows no more than
 * that (a set separable with a small margin needs up to R²/γ² mistakes), not that the set is not separable. The
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
    /**
     * "converged after N mistakes in P passes" or "no convergence within P passes (N mistakes)": a run that stops at
     * its cap shows only that, not that the set is not separable.
     */
    public String outcome() {
      return converged ? "converged after " + count(mistakes, "mistake") + " in " + count(passes, "pass")
          : "no convergence within " + count(passes, "pass") + " (" + count(mistakes, "mistake") + ")";
    }

    private static String count(long n, String noun) {
      return n + " " + noun + (n == 1 ? "" : noun.endsWith("s") ? "es" : "s");
    }
  }

  /** The plain perceptron with learning rate η &gt; 0. */
  public static Run train(LabeledPoints data, double eta, int maxPasses) {
    return train(data, eta, maxPasses, new double[Objects.requireNonNull(data, "data").dimension()], false);
  }

  /**
   * The perceptron from given initial weights (the theorem assumes w₀ = 0; tests show what changes otherwise). From
   * w₀ = 0 every weight vector is η times the one of the run with η = 1, so that run is made and scaled by η at the
   * end: the mistakes are then exactly those of η = 1 for every η, where steps η·y·x that underflow (η = 1e-320) left
   * w unmoved and a separable set never converged. Weights that overflow a double are refused, naming the point.
   */
  public static Run train(LabeledPoints data, double eta, int maxPasses, double[] initial, boolean recordIndices) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(initial, "initial");
    checkRate(eta, maxPasses);
    if (initial.length != data.dimension()) {
      throw new IllegalArgumentException("initial weights have " + initial.length + " entries but the augmented "
          + "points have " + data.dimension());
    }
    requireFinite("initial weight", initial);
    boolean fromZero = true;
    for (double v : initial) {
      fromZero &= v == 0;
    }
    double step = fromZero ? 1 : eta;
    double[] w = initial.clone();
    double wMax = maxAbs(w);
    long mistakes = 0;
    List<Integer> indices = new ArrayList<>();
    for (int done = 0; done < maxPasses; done++) { // not pass <= maxPasses, which wraps at Integer.MAX_VALUE
      int pass = done + 1;
      boolean clean = true;
      for (int k = 0; k < data.size(); k++) {
        if (isMistake(data, w, wMax, k)) {
          wMax = update(w, step, data, k);
          mistakes++;
          clean = false;
          if (recordIndices) {
            indices.add(k);
          }
        }
      }
      if (clean) {
        return new Run(scaled(w, fromZero ? eta : 1), mistakes, pass, true, List.copyOf(indices));
      }
    }
    return new Run(scaled(w, fromZero ? eta : 1), mistakes, maxPasses, false, List.copyOf(indices));
  }

  /**
   * A mistake is y·(w·x) ≤ 0 for the exact w·x, the boundary included; {@code wMax} is maxⱼ |wⱼ|, which bounds the
   * rounding of the computed w·x.
   */
  private static boolean isMistake(LabeledPoints data, double[] w, double wMax, int k) {
    return data.label(k) * data.signOfDot(w, wMax, k) <= 0;
  }

  /**
   * w ← w + η·y·x for point k, returning the new maxⱼ |wⱼ|; a weight that overflows is refused: the run no longer
   * follows the theorem.
   */
  private static double update(double[] w, double eta, LabeledPoints data, int k) {
    double[] x = data.point(k);
    int y = data.label(k);
    double max = 0;
    for (int j = 0; j < w.length; j++) {
      w[j] += eta * y * x[j];
      if (!Double.isFinite(w[j])) {
        throw new IllegalArgumentException("weight " + j + " overflows a double (" + w[j] + ") at the update on point "
            + k + ", whose features reach " + maxAbs(x) + ": scale the features down");
      }
      max = Math.max(max, Math.abs(w[j]));
    }
    return max;
  }

  /**
   * η·w, refused when a weight overflows (η near Double.MAX_VALUE) or a non-zero one falls below the normal doubles
   * (η near Double.MIN_VALUE): rounded to 0 or a few bits, the weights would no longer separate what the run separated.
   */
  static double[] scaled(double[] w, double eta) {
    if (eta == 1) {
      return w;
    }
    double[] s = new double[w.length];
    for (int j = 0; j < w.length; j++) {
      s[j] = eta * w[j];
      if (!Double.isFinite(s[j]) || w[j] != 0 && Math.abs(s[j]) < Double.MIN_NORMAL) {
        throw new IllegalArgumentException("the weights η·w " + (Double.isFinite(s[j]) ? "underflow" : "overflow")
            + " a double: η = " + eta + " times weight " + j + " = " + w[j] + " is " + s[j] + "; from w₀ = 0 the "
            + "learning rate changes only the scale of w, so η = 1 gives the same mistakes");
      }
    }
    return s;
  }

  private static double maxAbs(double[] x) {
    double m = 0;
    for (double v : x) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /**
   * The pocket perceptron (Gallant): runs the perceptron for {@code passes} passes and keeps in its pocket the
   * weights that classified the most training points correctly, checked after every update. For data that is not
   * separable, where the last weights may be poor. Run with η = 1 and scaled by η, as {@link #train} from w₀ = 0.
   */
  public static double[] pocket(LabeledPoints data, double eta, int passes) {
    Objects.requireNonNull(data, "data");
    checkRate(eta, passes);
    double[] w = new double[data.dimension()];
    double wMax = 0;
    double[] best = w.clone();
    int bestErrors = errors(data, w);
    for (int pass = 0; pass < passes && bestErrors > 0; pass++) {
      for (int k = 0; k < data.size(); k++) {
        if (isMistake(data, w, wMax, k)) {
          wMax = update(w, 1, data, k);
          int e = errors(data, w);
          if (e < bestErrors) {
            bestErrors = e;
            best = w.clone();
          }
        }
      }
    }
    return scaled(best, eta);
  }

  /**
   * The averaged perceptron (Freund and Schapire): the mean of the weights after every point of every pass, which
   * predicts more steadily than the last weights. Run with η = 1 and scaled by η, as {@link #train} from w₀ = 0.
   */
  public static double[] averaged(LabeledPoints data, double eta, int passes) {
    Objects.requireNonNull(data, "data");
    checkRate(eta, passes);
    double[] w = new double[data.dimension()];
    double[] mean = new double[w.length];
    // Σ w/T rather than (Σ w)/T: every w is finite, and so is every partial sum of w/T, where Σ w overflowed after
    // two steps on weights of 1e308 and the mean came out infinite.
    double steps = (double) passes * data.size();
    double wMax = 0;
    for (int pass = 0; pass < passes; pass++) {
      for (int k = 0; k < data.size(); k++) {
        if (isMistake(data, w, wMax, k)) {
          wMax = update(w, 1, data, k);
        }
        for (int j = 0; j < w.length; j++) {
          mean[j] += w[j] / steps;
        }
      }
    }
    return scaled(mean, eta);
  }

  /**
   * h(w·x) with the bipolar step: +1 when the exact w·(1, x) &gt; 0, else −1, as training decides. Values that are not
   * finite are refused: h(NaN) would be −1, a side the point is not on.
   */
  public static int predict(double[] weights, double[] features) {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(features, "features");
    if (weights.length < 2) {
      throw new IllegalArgumentException(weights.length + " weights: the bias and at least one feature's weight are "
          + "needed");
    }
    if (features.length + 1 != weights.length) {
      throw new IllegalArgumentException(features.length + " features but the weights expect "
          + (weights.length - 1));
    }
    requireFinite("weight", weights);
    requireFinite("feature", features);
    double[] x = new double[weights.length];
    x[0] = 1;
    System.arraycopy(features, 0, x, 1, features.length);
    double magnitude = 0;
    for (double v : x) {
      magnitude += Math.abs(v);
    }
    return LabeledPoints.signOfDot(weights, maxAbs(weights), x, magnitude) > 0 ? 1 : -1;
  }

  /** The number of points w misclassifies: y·(w·x) ≤ 0 for the exact w·x. Weights must be finite. */
  public static int errors(LabeledPoints data, double[] w) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(w, "weights");
    if (w.length != data.dimension()) {
      throw new IllegalArgumentException(w.length + " weights but the augmented points have " + data.dimension());
    }
    requireFinite("weight", w);
    double wMax = maxAbs(w);
    int e = 0;
    for (int k = 0; k < data.size(); k++) {
      if (isMistake(data, w, wMax, k)) {
        e++;
      }
    }
    return e;
  }

  private static void requireFinite(String what, double[] v) {
    for (int j = 0; j < v.length; j++) {
      if (!Double.isFinite(v[j])) {
        throw new IllegalArgumentException(what + " " + j + " is " + v[j] + ": it must be finite");
      }
    }
  }

  static void checkRate(double eta, int passes) {
    if (!(eta > 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("the learning rate η must be positive and finite, got " + eta);
    }
    if (passes < 1) {
      throw new IllegalArgumentException("at least one pass, got " + passes);
    }
  }
}
