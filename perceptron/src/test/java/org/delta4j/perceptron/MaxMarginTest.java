package org.delta4j.perceptron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** γ* on sets whose best margin is known in closed form, to 1e-9, with the certificate's bounds around it. */
class MaxMarginTest {
  /**
   * The bound is proven again on the set it is asked for: a certificate of another set of the same dimension gave 17
   * for a set the perceptron made 25 mistakes on, and one made by hand with a zero separator a bound of 0.68.
   */
  @Test
  void aCertificateOfAnotherSetOrMadeByHandGivesNoBoundBelowTheMistakes() {
    LabeledPoints easy = LabeledPoints.of(new double[][] {{1}, {-1}}, new int[] {1, -1});
    LabeledPoints hard = LabeledPoints.of(new double[][] {{1}, {2}, {3}, {4}}, new int[] {-1, -1, 1, 1});
    long mistakes = Perceptron.train(hard, 1, 1000).mistakes();
    double bound = MaxMargin.mistakeBound(hard, MaxMargin.of(easy, 1e-9, 1000));
    assertTrue(bound >= mistakes, bound + " < " + mistakes);
    assertEquals(Double.POSITIVE_INFINITY, MaxMargin.mistakeBound(hard, new MaxMargin.Certificate(new double[2], 5,
        5, 0)));
    double own = MaxMargin.mistakeBound(hard, MaxMargin.of(hard, 1e-9, 100_000));
    assertTrue(own >= mistakes && own < Double.POSITIVE_INFINITY, own + " for " + mistakes + " mistakes");
  }

  @Test
  void symmetricPairOnALine() {
    // x = a (+1) and x = −a (−1): z = (1, a) and (−1, a); the hull is the segment between them, nearest the origin at
    // (0, a), so γ* = a, attained by w = (0, 1).
    double a = 0.7;
    MaxMargin.Certificate c = MaxMargin.of(LabeledPoints.of(new double[][] {{a}, {-a}}, new int[] {1, -1}), 1e-12,
        1000);
    assertEquals(a, c.lower(), 1e-9);
    assertEquals(a, c.upper(), 1e-9);
    assertEquals(0, c.separator()[0], 1e-9);
    assertEquals(1, c.separator()[1], 1e-9);
  }

  @Test
  void asymmetricPair() {
    // x = 3 (+1), x = 1 (−1): z = (1, 3) and (−1, −1). On p(t) = (1, 3) + t(−2, −4), ‖p‖² is least at t = 0.7:
    // p = (−0.4, 0.2), so γ* = √0.2 = 1/√5.
    MaxMargin.Certificate c = MaxMargin.of(LabeledPoints.of(new double[][] {{3}, {1}}, new int[] {1, -1}), 1e-12,
        1000);
    assertEquals(1 / Math.sqrt(5), c.lower(), 1e-9);
    assertEquals(1 / Math.sqrt(5), c.upper(), 1e-9);
  }

  @Test
  void squareCorners() {
    // (1, 1), (1, −1) are +1 and (−1, 1), (−1, −1) are −1 in the plane; augmented, the best separator through the
    // origin is w ∝ (0, 1, 0) with margin 1 for every point.
    LabeledPoints d = LabeledPoints.of(new double[][] {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}}, new int[] {1, 1, -1, -1});
    MaxMargin.Certificate c = MaxMargin.of(d, 1e-12, 10_000);
    assertEquals(1, c.lower(), 1e-9);
    assertEquals(1, c.upper(), 1e-9);
    assertTrue(c.separates());
    assertEquals(3 / 1.0, MaxMargin.mistakeBound(d, c), 1e-8, "R² = 1 + 1 + 1, γ = 1");
  }

  /**
   * x = c (+1) and x = c + δ (−1), nearly on top of each other: z = (1, c) and (−1, −c − δ), and the distance from the
   * origin to the segment between them is |z₁ × z₂| / ‖z₂ − z₁‖ = δ / √(4 + (2c + δ)²), computed here to 60 digits.
   * The hull point nearest the origin is a difference of terms of size c that cancel to about γ*, so rounding it is
   * off by about c·2⁻⁵³ — an allowance relative to ‖p‖ put the "proven" upper bound below γ*.
   */
  @Property(tries = 300)
  void theBoundsHoldWhenTheHullPointCancels(@ForAll @DoubleRange(min = 0.5, max = 1.5) double mantissa,
      @ForAll @IntRange(min = -20, max = 40) int exponent, @ForAll @IntRange(min = 1, max = 40) int gapBits,
      @ForAll boolean negative) {
    double c = Math.scalb(negative ? -mantissa : mantissa, exponent);
    double far = c + Math.scalb(Math.abs(c), -gapBits);
    MathContext digits = new MathContext(60);
    BigDecimal sum = new BigDecimal(c).add(new BigDecimal(far));
    BigDecimal gamma = new BigDecimal(far).subtract(new BigDecimal(c))
        .divide(BigDecimal.valueOf(4).add(sum.multiply(sum)).sqrt(digits), digits);
    MaxMargin.Certificate cert = MaxMargin.of(LabeledPoints.of(new double[][] {{c}, {far}}, new int[] {1, -1}),
        1e-12, 20_000);
    assertTrue(new BigDecimal(cert.lower()).compareTo(gamma) <= 0, "lower " + cert.lower() + " > γ* " + gamma);
    assertTrue(gamma.compareTo(new BigDecimal(cert.upper())) <= 0, "γ* " + gamma + " > upper " + cert.upper());
  }

  /**
   * One point repeated: every zₖ is the same, so γ* = R and the theorem allows exactly one mistake. Computed naively the
   * separator's margin can land an ulp above R, and the bound an ulp below one, under the perceptron's one mistake.
   */
  @Property(tries = 500)
  void coincidingPointsBoundOneMistake(@ForAll @IntRange(min = 1, max = 8) int dim,
      @ForAll @IntRange(min = 1, max = 5) int copies, @ForAll @DoubleRange(min = -3, max = 3) double a,
      @ForAll @DoubleRange(min = -3, max = 3) double b, @ForAll boolean positive) {
    double[] x = new double[dim];
    for (int j = 0; j < dim; j++) {
      x[j] = j % 2 == 0 ? a / (j + 1) : b * (j + 1);
    }
    double[][] points = new double[copies][];
    int[] labels = new int[copies];
    for (int k = 0; k < copies; k++) {
      points[k] = x;
      labels[k] = positive ? 1 : -1;
    }
    LabeledPoints d = LabeledPoints.of(points, labels);
    MaxMargin.Certificate c = MaxMargin.of(d, 1e-12, 1000);
    assertTrue(c.lower() <= d.radius() && d.radius() <= c.upper(), "γ = " + c.lower() + ", R = " + d.radius()
        + ", upper bound " + c.upper());
    assertTrue(MaxMargin.mistakeBound(d, c) >= 1, "bound " + MaxMargin.mistakeBound(d, c));
    assertEquals(1, Perceptron.train(d, 1, 100).mistakes());
  }

  /**
   * MDM stops once its gap reaches the tolerance, at every scale of the hull point. The stopping rule compared ‖w‖
   * scaled into [1, 2) with the true margin, so that unless the largest coordinate of w happened to be in [1, 2) the gap
   * never closed and every call ran to its cap: 10⁶ steps for a gap of 10⁻¹³ here.
   */
  @Test
  void mdmStopsAtTheToleranceWhateverTheScaleOfItsIterate() {
    for (long seed = 0; seed < 10; seed++) {
      for (double scale : new double[] {1, 0.3, 40}) {
        double[][] x = ConvergenceTheoremTest.separable(40, 4, 0.05, seed).features();
        for (double[] row : x) {
          for (int j = 0; j < row.length; j++) {
            row[j] *= scale;
          }
        }
        LabeledPoints d = LabeledPoints.of(x, labels(ConvergenceTheoremTest.separable(40, 4, 0.05, seed)));
        MaxMargin.Certificate c = MaxMargin.of(d, 1e-4, 1_000_000);
        assertTrue(c.iterations() < 1_000_000 && c.gap() <= 1.01e-4, "seed " + seed + ", scale " + scale + ": " + c);
      }
    }
  }

  private static int[] labels(LabeledPoints d) {
    int[] y = new int[d.size()];
    for (int k = 0; k < y.length; k++) {
      y[k] = d.label(k);
    }
    return y;
  }

  @Test
  void aConvergedRunsWeightsCertifyTheMarginTheyHave() {
    // MDM stopped before its first step leaves the starting point (1, 1, 1), whose margin on (−1, 1) is negative: no
    // certificate, though the perceptron separated the set. Its weights prove a margin of their own.
    LabeledPoints d = LabeledPoints.of(new double[][] {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}}, new int[] {1, 1, -1, -1});
    MaxMargin.Certificate early = MaxMargin.of(d, 1e-12, 0);
    assertTrue(!early.separates(), early.toString());
    Perceptron.Run run = Perceptron.train(d, 1, 100);
    assertTrue(run.converged(), run.outcome());
    MaxMargin.Certificate c = MaxMargin.withSeparator(d, early, run.weights());
    double[] w = run.weights();
    double norm = Math.sqrt(LabeledPoints.dot(w, w));
    double margin = Double.POSITIVE_INFINITY;
    for (int k = 0; k < d.size(); k++) {
      margin = Math.min(margin, d.label(k) * LabeledPoints.dot(w, d.point(k)) / norm);
    }
    assertTrue(c.separates() && c.lower() <= margin && c.lower() <= 1, c.toString());
    assertEquals(margin, c.lower(), 1e-12);
    assertEquals(early.upper(), c.upper());
    assertEquals(1, Math.sqrt(LabeledPoints.dot(c.separator(), c.separator())), 1e-12, "a unit vector");
    MaxMargin.Certificate best = MaxMargin.of(d, 1e-12, 10_000);
    assertEquals(best, MaxMargin.withSeparator(d, best, new double[] {1, 1, 0}), "a worse separator changes nothing");
    assertMessage(() -> MaxMargin.withSeparator(d, best, new double[] {1, 1}), "the separator has 2 entries");
    assertMessage(() -> MaxMargin.withSeparator(d, best, new double[] {0, Double.NaN, 1}), "separator entry 1 is NaN");
  }

  @Test
  void badSettingsAreRefusedNamingTheValue() {
    LabeledPoints d = LabeledPoints.of(new double[][] {{1}, {-1}}, new int[] {1, -1});
    // A NaN or negative tolerance is never met: MDM ran to its cap and said nothing.
    assertMessage(() -> MaxMargin.of(d, Double.NaN, 10), "tolerance must be a finite number ≥ 0, got NaN");
    assertMessage(() -> MaxMargin.of(d, -1, 10), "got -1.0");
    assertMessage(() -> MaxMargin.of(d, 1e-9, -1), "maxIterations must be ≥ 0, got -1");
    NullPointerException e = assertThrows(NullPointerException.class, () -> MaxMargin.of(null, 1e-9, 10));
    assertTrue(e.getMessage().startsWith("data"), e.getMessage());
    // A certificate of another set's shape bounds nothing about this one.
    MaxMargin.Certificate other = MaxMargin.of(LabeledPoints.of(new double[][] {{1, 1}}, new int[] {1}), 1e-9, 100);
    assertMessage(() -> MaxMargin.mistakeBound(d, other), "separator has 3 entries but the augmented points have 2");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable e, String fragment) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().contains(fragment), x.getMessage());
  }
}
