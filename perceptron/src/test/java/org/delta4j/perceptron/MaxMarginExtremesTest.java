package org.delta4j.perceptron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The certificate at the ends of the double range: x = a (+1) and x = −a (−1) have z = (1, a) and (−1, a), whose hull
 * is nearest the origin at (0, a), so γ* = a exactly, and R = √(1 + a²). The bounds must hold for every a.
 */
class MaxMarginExtremesTest {
  private static LabeledPoints pair(double a) {
    return LabeledPoints.of(new double[][] {{a}, {-a}}, new int[] {1, -1});
  }

  @Test
  void tinyMarginsAreBracketedNotGivenAnUpperBoundOfOneSubnormal() {
    // ‖(0, 1e-300)‖² underflowed to 0: the "proven" upper bound was 4.9e-324, far below γ* = 1e-300.
    for (double a : new double[] {1e-150, 1e-200, 1e-300, 1e-310, 1e-320, Double.MIN_VALUE}) {
      MaxMargin.Certificate c = MaxMargin.of(pair(a), 1e-9, 10_000);
      assertTrue(c.lower() <= a && a <= c.upper(), "a = " + a + ": " + c);
    }
    MaxMargin.Certificate c = MaxMargin.of(pair(1e-300), 1e-9, 10_000);
    assertTrue(c.separates(), "γ* = 1e-300 > 0 is found: " + c);
    assertEquals(1e-300, c.lower(), 1e-309);
    assertEquals(1, Math.hypot(c.separator()[0], c.separator()[1]), 1e-12, "a unit vector");
  }

  @Test
  void hugeCoordinatesGiveAFiniteCertificateAndAFiniteBound() {
    // ‖zₖ‖² overflowed from a = 1e155 on: the certificate was −∞ ≤ γ* ≤ ∞ with the separator (0, 0), and R = ∞.
    for (double a : new double[] {1e155, 1e200, 1e300, Double.MAX_VALUE / 2}) {
      LabeledPoints d = pair(a);
      MaxMargin.Certificate c = MaxMargin.of(d, 1e-9, 10_000);
      assertTrue(c.lower() <= a && a <= c.upper(), "a = " + a + ": " + c);
      assertEquals(a, c.lower(), a * 1e-9);
      assertEquals(1, Math.hypot(c.separator()[0], c.separator()[1]), 1e-12, "a unit vector");
      assertEquals(a, d.radius(), a * 1e-15, "R = √(1 + a²)");
      double bound = MaxMargin.mistakeBound(d, c);
      assertTrue(bound >= 1 && bound < 1.001, "(R/γ)² ≈ 1 for a = " + a + ", got " + bound);
    }
    LabeledPoints d = pair(1e200);
    Perceptron.Run run = Perceptron.train(d, 1, 10);
    assertTrue(run.converged() && run.mistakes() <= MaxMargin.mistakeBound(d, MaxMargin.of(d, 1e-9, 10_000)));
  }

  /**
   * At the top of the doubles R, rounded up, overflowed, or R itself was ∞ (‖(1, a, a)‖ for a = 1.8e308), and the bound
   * was ∞ where it is (R/γ)² ≈ 1: the quotient is taken of R and γ scaled alike. A γ* beyond the doubles has the upper
   * bound ∞, not MAX_VALUE, which is below it.
   */
  @Test
  void theBoundIsFiniteWhereRIsAtOrBeyondTheTopOfTheDoubles() {
    double a = Double.MAX_VALUE;
    LabeledPoints d = pair(a);
    double bound = MaxMargin.mistakeBound(d, MaxMargin.of(d, 1e-9, 10_000));
    assertTrue(bound >= 1 && bound < 1.001, "(R/γ)² ≈ 1 for a = " + a + ", got " + bound);
    Perceptron.Run run = Perceptron.train(d, 1, 10);
    assertTrue(run.converged() && run.mistakes() <= bound, run.outcome());
    // z = (1, a, a) and (−1, a, a): γ* = ‖(0, a, a)‖ = a·√2 and R = ‖(1, a, a)‖ are beyond the doubles
    LabeledPoints twice = LabeledPoints.of(new double[][] {{a, a}, {-a, -a}}, new int[] {1, -1});
    assertEquals(Double.POSITIVE_INFINITY, twice.radius());
    MaxMargin.Certificate c = MaxMargin.of(twice, 1e-9, 10_000);
    assertEquals(Double.MAX_VALUE, c.lower(), "the most a double can say of γ* from below");
    assertEquals(Double.POSITIVE_INFINITY, c.upper(), "γ* = a·√2 > MAX_VALUE");
    // (R/γ)² from the lower bound MAX_VALUE: R²/MAX_VALUE² = 2, where ∞ was (R and its bound ≈ 1 itself are ∞)
    double twiceBound = MaxMargin.mistakeBound(twice, c);
    assertEquals(2, twiceBound, 1e-9, c.toString());
    assertTrue(Perceptron.train(twice, 1, 10).mistakes() <= twiceBound);
  }
}
