package org.delta4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Accuracy, precision, recall and F1 read off a confusion matrix, checked against counts done by hand. */
class ConfusionMatrixTest {
  // actual:    0 0 0 1 1 2 2 2 2
  // predicted: 0 1 0 1 1 2 0 2 1
  private final ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 0, 0, 1, 1, 2, 2, 2, 2},
      new int[] {0, 1, 0, 1, 1, 2, 0, 2, 1}, 3);

  @Test
  void measuresByHand() {
    assertEquals(6 / 9.0, m.accuracy(), 1e-15);
    assertEquals(2 / 3.0, m.precision(0), 1e-15); // predicted 0: three, two right
    assertEquals(2 / 3.0, m.recall(0), 1e-15); //    actual 0: three, two found
    assertEquals(2 / 4.0, m.precision(1), 1e-15); // predicted 1: four, two right
    assertEquals(1.0, m.recall(1), 1e-15);
    assertEquals(2 * 0.5 / 1.5, m.f1(1), 1e-15);
    assertEquals(1.0, m.precision(2), 1e-15);
    assertEquals(0.5, m.recall(2), 1e-15);
    assertEquals(4, m.support(2));
    assertEquals((2 / 3.0 + 2 / 3.0 + 2 / 3.0) / 3, m.macroF1(), 1e-15);
  }

  @Test
  void aClassNeverPredictedHasPrecisionZero() {
    ConfusionMatrix none = ConfusionMatrix.of(new int[] {0, 1}, new int[] {0, 0}, 2);
    assertEquals(0, none.precision(1));
    assertEquals(0, none.f1(1));
  }

  @Test
  void aLabelOutsideTheClassesIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> m.add(3, 0));
  }

  @Test
  void missingLabelsOrPredictionsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfusionMatrix.of(null, new int[] {0}, 2));
    assertTrue(e.getMessage().endsWith("the actual labels are null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(new int[] {0}, null, 2));
    assertTrue(e.getMessage().endsWith("the predictions are null"), e.getMessage());
  }
}
