package org.delta4j.perceptron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** γ* on sets whose best margin is known in closed form, to 1e-9, with the certificate's bounds around it. */
class MaxMarginTest {
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
}
