package org.delta4j.perceptron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Learning rates and coordinates at the ends of the double range: the run is the theorem's run, or refused. */
class PerceptronExtremesTest {
  private final LabeledPoints five = LabeledPoints.of(
      new double[][] {{1, 2}, {2, -1}, {-1, -1}, {0.5, 3}, {-2, 0.5}}, new int[] {1, 1, -1, 1, -1});

  /** y·w·(1, x) in exact arithmetic. */
  private static java.math.BigDecimal exactMargin(double[] w, double[] x, int y) {
    java.math.BigDecimal s = new java.math.BigDecimal(w[0]);
    for (int j = 0; j < x.length; j++) {
      s = s.add(new java.math.BigDecimal(w[j + 1]).multiply(new java.math.BigDecimal(x[j])));
    }
    return s.multiply(java.math.BigDecimal.valueOf(y));
  }

  /**
   * A mistake is decided by the sign of the exact w·x: the rounded one called a point right whose exact w·x is −1,
   * once 2⁵³ + 2 swallowed a 1, or once its partial sums overflowed to +∞, and the run "converged" with weights that
   * misclassify it (both sets hold only positive points, so they are separable); and features of 1e-200, whose
   * products underflow to 0, never converged.
   */
  @Test
  void aMistakeIsDecidedByTheExactSignNotByItsRounding() {
    double p = 0x1p53 + 2;
    double big = 1e154;
    double[][][] sets = {{{1, 1, 1, 1}, {p, -1, -1, -p}},
        {{big, big, big, big, big, big}, {1.5 * big, 1.5 * big, -big, -big, -big, -big}}};
    for (double[][] x : sets) {
      LabeledPoints d = LabeledPoints.of(x, new int[] {1, 1});
      Perceptron.Run run = Perceptron.train(d, 1, 100);
      assertTrue(run.converged() && run.mistakes() > 1, run.outcome());
      for (int k = 0; k < x.length; k++) {
        assertTrue(exactMargin(run.weights(), x[k], 1).signum() > 0, "point " + k + " of " + run.outcome());
        assertEquals(1, Perceptron.predict(run.weights(), x[k]));
      }
      assertEquals(0, Perceptron.errors(d, run.weights()));
      double[] ones = new double[d.dimension()];
      java.util.Arrays.fill(ones, 1);
      assertEquals(1, Perceptron.errors(d, ones), "w = (1, …, 1) misclassifies point 1, whose exact w·x is < 0");
    }
    LabeledPoints tiny = LabeledPoints.of(new double[][] {{1e-200}, {-1e-200}}, new int[] {1, -1});
    Perceptron.Run run = Perceptron.train(tiny, 1, 100);
    assertTrue(run.converged(), run.outcome());
    assertEquals(0, Perceptron.errors(tiny, run.weights()));
  }

  @Test
  void fromZeroTheMistakesDoNotDependOnTheLearningRateEvenAtTheEndsOfTheRange() {
    // Features in (−1, 1): with η = 4.9e-324 every step η·y·x of a feature below 0.5 rounded to 0, w stopped
    // moving, and these separable sets (y = sign(x₀ + 0.3·x₁ − 0.1)) ran to "not separable within 1000 passes".
    // Now the run is the η = 1 run; weights η·w that a double cannot hold are refused instead of rounded.
    java.util.Random random = new java.util.Random(1);
    for (int set = 0; set < 20; set++) {
      double[][] x = new double[6][2];
      int[] y = new int[6];
      for (int k = 0; k < 6; k++) {
        x[k][0] = random.nextDouble() * 2 - 1;
        x[k][1] = random.nextDouble() * 2 - 1;
        y[k] = x[k][0] + 0.3 * x[k][1] > 0.1 ? 1 : -1;
      }
      LabeledPoints d = LabeledPoints.of(x, y);
      Perceptron.Run one = Perceptron.train(d, 1, 1000, new double[3], true);
      assertTrue(one.converged(), one.outcome());
      for (double eta : new double[] {1e-300, 0.37, 1e300}) {
        Perceptron.Run run = Perceptron.train(d, eta, 1000, new double[3], true);
        assertEquals(one.mistakeIndices(), run.mistakeIndices(), "set " + set + ", η = " + eta);
        assertEquals(0, Perceptron.errors(d, run.weights()), "set " + set + ", η = " + eta);
        assertEquals(0, Perceptron.errors(d, Perceptron.pocket(d, eta, 1000)), "pocket, η = " + eta);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Perceptron.train(d, Double.MIN_VALUE, 1000, new double[3], true));
      assertTrue(e.getMessage().contains("underflow a double: η = 4.9E-324"), e.getMessage());
    }
  }

  @Test
  void weightsThatOverflowAreRefusedNotReadAsTheLearningRateTimesInfinity() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Perceptron.train(five, Double.MAX_VALUE, 100, new double[3], false));
    assertTrue(e.getMessage().contains("overflow"), e.getMessage());
  }

  @Test
  void anActivationThatOverflowsToNaNIsAMistakeNotAPointClassifiedRight() {
    // After the mistake on point 0, w = (1, 1e300, −1e300) and w·x₁ = 1 + ∞ − ∞ = NaN: no sign, so no right answer.
    LabeledPoints d = LabeledPoints.of(new double[][] {{1e300, -1e300}, {1e300, 1e300}}, new int[] {1, -1});
    Perceptron.Run run = Perceptron.train(d, 1, 100);
    assertEquals(1, Perceptron.errors(d, new double[] {1, 1e300, -1e300}), "NaN is not y·a > 0");
    assertTrue(run.mistakes() >= 2, run.outcome());
    if (run.converged()) {
      assertEquals(0, Perceptron.errors(d, run.weights()), run.outcome());
    }
  }

  @Test
  void aRunWhoseWeightsBecomeInfiniteIsRefusedNamingThePoint() {
    // After point 0, w = (1, 1e308, 1e308); the exact w·x₁ = 1 + 1e616 − 1.5e616 < 0, a mistake, whose update makes
    // w₁ = 2e308 = ∞. (It was once counted right, and the run "converged" on weights it never checked.)
    LabeledPoints d = LabeledPoints.of(new double[][] {{1e308, 1e308}, {1e308, -1.5e308}}, new int[] {1, 1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Perceptron.train(d, 1, 10));
    assertTrue(e.getMessage().contains("weight 1 overflows a double (Infinity) at the update on point 1"),
        e.getMessage());
    // where the exact w·x₁ = 1 + 1e616 − 1e616 = 1 (computed ∞ − ∞ = NaN), point 1 is right and the run converges
    LabeledPoints cancelling = LabeledPoints.of(new double[][] {{1e308, 1e308}, {1e308, -1e308}}, new int[] {1, 1});
    Perceptron.Run run = Perceptron.train(cancelling, 1, 10);
    assertTrue(run.converged() && run.mistakes() == 1, run.outcome());
  }

  @Test
  void theAveragedWeightsOfHugeFeaturesAreTheirMeanNotInfinity() {
    // One point: w = (1, 1e308) after the first step and at every step after, so the mean is (1, 1e308); the sum of
    // the three before dividing was 3e308 = ∞.
    LabeledPoints d = LabeledPoints.of(new double[][] {{1e308}}, new int[] {1});
    double[] mean = Perceptron.averaged(d, 1, 3);
    assertEquals(1, mean[0], 1e-15);
    assertEquals(1e308, mean[1], 1e293);
    assertEquals(0, Perceptron.errors(d, mean));
  }
}
