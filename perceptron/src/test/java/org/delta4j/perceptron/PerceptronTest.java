package org.delta4j.perceptron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The update rule and the mistake count, worked by hand; what the learning rate does and does not change. */
class PerceptronTest {
  /** x = 2 is +1, x = −1 is −1: augmented (1, 2) and (1, −1). */
  private final LabeledPoints line = LabeledPoints.of(new double[][] {{2}, {-1}}, new int[] {1, -1});

  @Test
  void byHand() {
    // Pass 1: w = 0, so y·w·x = 0 ≤ 0 at point 0: a mistake, w ← 0 + 1·(+1)·(1, 2) = (1, 2).
    //         point 1: w·x = 1 − 2 = −1, y·a = 1 > 0: right.
    // Pass 2: point 0: 1 + 4 = 5 > 0; point 1: right again. No mistake: converged.
    Perceptron.Run run = Perceptron.train(line, 1, 10, new double[2], true);
    assertArrayEquals(new double[] {1, 2}, run.weights());
    assertEquals(1, run.mistakes());
    assertEquals(2, run.passes());
    assertTrue(run.converged());
    assertEquals(List.of(0), run.mistakeIndices());
    assertEquals(1, Perceptron.predict(run.weights(), new double[] {0.1}));
    assertEquals(-1, Perceptron.predict(run.weights(), new double[] {-0.5}), "a = 0 is −1: the step is 1 only for a > 0");
  }

  @Test
  void aPointOnTheBoundaryIsAMistake() {
    // x = 1 is +1, x = 3 is −1. Pass 1: point 0 at w = 0 → w = (1, 1); point 1: a = 4, y·a = −4 → w = (0, −2).
    // Pass 2: point 0: a = −2 → w = (1, −1); point 1: a = −2, right. Pass 3: point 0: a = 0, on the boundary → w = (2, 0).
    LabeledPoints d = LabeledPoints.of(new double[][] {{1}, {3}}, new int[] {1, -1});
    Perceptron.Run run = Perceptron.train(d, 1, 3, new double[2], true);
    assertEquals(List.of(0, 1, 0, 0, 1), run.mistakeIndices().subList(0, 5));
  }

  @Test
  void fromZeroTheLearningRateOnlyScalesTheWeights() {
    LabeledPoints d = LabeledPoints.of(new double[][] {{1, 2}, {2, -1}, {-1, -1}, {0.5, 3}, {-2, 0.5}},
        new int[] {1, 1, -1, 1, -1});
    Perceptron.Run one = Perceptron.train(d, 1, 100, new double[3], true);
    Perceptron.Run other = Perceptron.train(d, 0.37, 100, new double[3], true);
    // From w₀ = 0 every weight vector is η times the η = 1 one, so every sign test — every mistake — is the same.
    assertEquals(one.mistakeIndices(), other.mistakeIndices());
    for (int j = 0; j < 3; j++) {
      assertEquals(0.37 * one.weights()[j], other.weights()[j], 1e-12);
    }
  }

  @Test
  void fromNonZeroWeightsTheLearningRateMatters() {
    // With w₀ ≠ 0 the first correction is η·y·x against a fixed w₀: a small η leaves w₀ in charge for longer.
    double[] start = {-3, 0};
    Perceptron.Run big = Perceptron.train(line, 10, 100, start, true);
    Perceptron.Run small = Perceptron.train(line, 0.1, 100, start, true);
    assertTrue(big.converged() && small.converged());
    assertNotEquals(big.mistakes(), small.mistakes(), big.outcome() + " vs " + small.outcome());
  }

  @Test
  void theOutcomeCountsOneMistakeAndOnePassInTheSingular() {
    LabeledPoints one = LabeledPoints.of(new double[][] {{1, 1}}, new int[] {1});
    // y·(w·x) ≤ 0 at w = 0 is a mistake: the first pass makes one, the second none
    assertEquals("no convergence within 1 pass (1 mistake)", Perceptron.train(one, 1, 1).outcome());
    assertEquals("converged after 1 mistake in 2 passes", Perceptron.train(one, 1, 2).outcome());
  }

  @Test
  void xorIsNotSeparableWithinTheCap() {
    LabeledPoints xor = LabeledPoints.of(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, new int[] {-1, 1, 1, -1});
    Perceptron.Run run = Perceptron.train(xor, 1, 50);
    assertFalse(run.converged());
    assertEquals("no convergence within 50 passes (" + run.mistakes() + " mistakes)", run.outcome());
    assertFalse(MaxMargin.of(xor, 1e-9, 10_000).separates());
  }

  @Test
  void thePocketKeepsTheBestWeightsSeenOnDataThatIsNotSeparable() {
    // Ten points separable at x = 0, and one +1 point deep on the −1 side: no line gets all eleven.
    double[][] x = new double[11][1];
    int[] y = new int[11];
    for (int k = 0; k < 10; k++) {
      x[k][0] = k < 5 ? -(k + 1) : k - 4;
      y[k] = k < 5 ? -1 : 1;
    }
    x[10][0] = -3.5;
    y[10] = 1;
    LabeledPoints d = LabeledPoints.of(x, y);
    Perceptron.Run run = Perceptron.train(d, 1, 100);
    assertFalse(run.converged());
    double[] pocket = Perceptron.pocket(d, 1, 100);
    assertEquals(1, Perceptron.errors(d, pocket), "the best a line can do: only the outlier wrong");
    assertTrue(Perceptron.errors(d, run.weights()) >= 1);
  }

  @Test
  void theAveragedPerceptronSeparatesSeparableData() {
    LabeledPoints d = LabeledPoints.of(new double[][] {{1, 2}, {2, -1}, {-1, -1}, {0.5, 3}, {-2, 0.5}},
        new int[] {1, 1, -1, 1, -1});
    assertEquals(0, Perceptron.errors(d, Perceptron.averaged(d, 1, 20)));
  }

  @Test
  void badInputIsRefusedWithTheReason() {
    assertMessage(() -> LabeledPoints.of(new double[][] {{1}}, new int[] {0}), "label of point 0 is 0");
    assertMessage(() -> LabeledPoints.of(new double[][] {{Double.NaN}}, new int[] {1}), "feature 0 of point 0 is NaN");
    assertMessage(() -> LabeledPoints.of(new double[][] {{1}, {Double.POSITIVE_INFINITY}}, new int[] {1, -1}),
        "is Infinity");
    assertMessage(() -> LabeledPoints.of(new double[][] {{1, 2}, {3}}, new int[] {1, -1}),
        "point 1 has 1 features but point 0 has 2");
    assertMessage(() -> LabeledPoints.of(new double[0][], new int[0]), "empty set");
    assertMessage(() -> LabeledPoints.fromClasses(new double[][] {{1}, {2}}, new int[] {3, 5}, 3, 4),
        "point 1 has class 5");
    assertMessage(() -> Perceptron.train(line, 0, 10), "η must be positive");
    assertEquals(-1, LabeledPoints.fromClasses(new double[][] {{1}, {2}}, new int[] {3, 4}, 3, 4).label(1));
  }

  @Test
  void missingArraysAndMeaninglessShapesAreRefusedByName() {
    assertNull(() -> LabeledPoints.of(null, new int[] {1}), "features");
    assertNull(() -> LabeledPoints.of(new double[][] {{1}}, null), "labels");
    assertNull(() -> LabeledPoints.of(new double[][] {{1}, null}, new int[] {1, -1}), "point 1");
    assertNull(() -> LabeledPoints.fromClasses(new double[][] {{1}}, null, 1, 0), "classes");
    assertMessage(() -> LabeledPoints.of(new double[][] {{}, {}}, new int[] {1, -1}), "point 0 has no features");
    assertNull(() -> Perceptron.train(null, 1, 10), "data");
    assertNull(() -> Perceptron.train(line, 1, 10, null, false), "initial");
    assertNull(() -> Perceptron.pocket(null, 1, 10), "data");
    assertNull(() -> Perceptron.averaged(null, 1, 10), "data");
    assertNull(() -> Perceptron.predict(null, new double[] {1}), "weights");
    assertNull(() -> Perceptron.predict(new double[] {1, 1}, null), "features");
    assertNull(() -> Perceptron.errors(line, null), "weights");
    assertMessage(() -> Perceptron.predict(new double[0], new double[0]), "0 weights");
  }

  @Test
  void twoClassesAreMappedOnlyWhenTheyAreTwo() {
    // With positive = negative every point would be mapped to +1: a one-class set read as a labelling.
    assertMessage(() -> LabeledPoints.fromClasses(new double[][] {{1}, {2}}, new int[] {3, 3}, 3, 3),
        "the positive and the negative class are both 3");
    LabeledPoints zeroOne = LabeledPoints.fromClasses(new double[][] {{1}, {2}}, new int[] {0, 1}, 1, 0);
    assertEquals(-1, zeroOne.label(0));
    assertEquals(1, zeroOne.label(1));
  }

  @Test
  void aPredictionOrACountOnValuesWithoutASignIsRefused() {
    // h(NaN) would be −1, as if the point were on the negative side; NaN weights would count every point wrong.
    assertMessage(() -> Perceptron.predict(new double[] {1, 1}, new double[] {Double.NaN}), "feature 0 is NaN");
    assertMessage(() -> Perceptron.predict(new double[] {1, Double.POSITIVE_INFINITY}, new double[] {1}),
        "weight 1 is Infinity");
    assertMessage(() -> Perceptron.errors(line, new double[] {Double.NaN, 1}), "weight 0 is NaN");
  }

  @Test
  void anotherOrderMustHoldEveryPointOnce() {
    assertEquals(List.of(-1, 1), List.of(line.reordered(new int[] {1, 0}).label(0), line.reordered(new int[] {1, 0})
        .label(1)));
    assertMessage(() -> line.reordered(new int[] {0, 0}), "point 0 appears twice");
    assertMessage(() -> line.reordered(new int[] {0}), "1 indices for 2 points");
    assertMessage(() -> line.reordered(new int[] {0, 5}), "index 5 is not a point of the 2");
    assertNull(() -> line.reordered(null), "order");
  }

  private static void assertNull(org.junit.jupiter.api.function.Executable e, String name) {
    NullPointerException x = assertThrows(NullPointerException.class, e);
    assertTrue(x.getMessage() != null && x.getMessage().startsWith(name), x.getMessage());
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable e, String fragment) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().contains(fragment), x.getMessage());
  }
}
