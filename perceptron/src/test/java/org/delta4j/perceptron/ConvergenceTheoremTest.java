package org.delta4j.perceptron;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.delta4j.random.SplitMix64;

/**
 * Over many random separable sets: the perceptron converges, its mistakes never exceed R²/γ² with γ the certified
 * lower bound, and the certificate's lower bound never exceeds its upper bound.
 */
class ConvergenceTheoremTest {
  /**
   * Points of [−1, 1]^dim labelled by a random hyperplane u·x + b = 0 (u a unit vector, |b| ≤ 0.3); a point closer to
   * it than {@code margin} is pushed along u to exactly that distance, so every set is separable with that margin.
   */
  static LabeledPoints separable(int n, int dim, double margin, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    double[] u = new double[dim];
    double norm = 0;
    for (int j = 0; j < dim; j++) {
      u[j] = r.nextGaussian();
      norm += u[j] * u[j];
    }
    norm = Math.sqrt(norm);
    for (int j = 0; j < dim; j++) {
      u[j] /= norm;
    }
    double b = 0.6 * r.nextDouble() - 0.3;
    double[][] x = new double[n][dim];
    int[] y = new int[n];
    for (int k = 0; k < n; k++) {
      double s = b;
      for (int j = 0; j < dim; j++) {
        x[k][j] = 2 * r.nextDouble() - 1;
        s += u[j] * x[k][j];
      }
      y[k] = s >= 0 ? 1 : -1;
      if (Math.abs(s) < margin) {
        double shift = y[k] * margin - s;
        for (int j = 0; j < dim; j++) {
          x[k][j] += shift * u[j];
        }
      }
    }
    return LabeledPoints.of(x, y);
  }

  @Property(tries = 200)
  void mistakesStayUnderTheBound(@ForAll @IntRange(min = 2, max = 60) int n, @ForAll @IntRange(min = 1, max = 8) int dim,
      @ForAll @DoubleRange(min = 0.02, max = 0.5) double margin, @ForAll long seed,
      @ForAll @DoubleRange(min = 0.01, max = 10) double eta) {
    LabeledPoints d = separable(n, dim, margin, seed);
    MaxMargin.Certificate c = MaxMargin.of(d, 1e-6, 20_000);
    if (!(c.lower() <= c.upper() + 1e-12)) {
      throw new AssertionError("certificate " + c.lower() + " > " + c.upper());
    }
    if (!c.separates()) {
      throw new AssertionError("the set is separable by construction, but no separator was certified: " + c);
    }
    double bound = MaxMargin.mistakeBound(d, c);
    Perceptron.Run run = Perceptron.train(d, eta, 1_000_000);
    if (!run.converged() || run.mistakes() > bound) {
      throw new AssertionError(run.outcome() + " against the bound " + bound);
    }
  }
}
