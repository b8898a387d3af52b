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
  /** Points in the unit ball labelled by a random hyperplane, those closer to it than {@code margin} left out. */
  static LabeledPoints separable(int n, int dim, double margin, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    double[] w = new double[dim + 1];
    double norm = 0;
    for (int j = 0; j < w.length; j++) {
      w[j] = r.nextGaussian();
      norm += w[j] * w[j];
    }
    norm = Math.sqrt(norm);
    double[][] x = new double[n][dim];
    int[] y = new int[n];
    for (int k = 0; k < n; ) {
      double a = w[0] * 0.3;
      for (int j = 0; j < dim; j++) {
        x[k][j] = 2 * r.nextDouble() - 1;
        a += w[j + 1] * x[k][j];
      }
      if (Math.abs(a) / norm >= margin) {
        y[k] = a > 0 ? 1 : -1;
        k++;
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
