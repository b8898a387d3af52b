package org.delta4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Many classes, classes never seen, counts near a long's end and classes out of range. */
class ConfusionMatrixScaleTest {
  @Test
  void aHundredThousandClassesTakeMemoryForTheSamplesNotForClassesSquared() {
    // A dense table would be 10¹⁰ longs, 80 GB: an OutOfMemoryError before the first sample.
    ConfusionMatrix m = new ConfusionMatrix(100_000);
    m.add(99_999, 99_999);
    m.add(99_999, 0);
    m.add(5, 5);
    assertEquals(2 / 3.0, m.accuracy(), 1e-15);
    assertEquals(1, m.count(99_999, 0));
    assertEquals(0, m.count(0, 99_999));
    assertEquals(0.5, m.recall(99_999));
    assertEquals(0, m.precision(0), "predicted once, never right");
    assertEquals(0, m.f1(42), "never present nor predicted: 0 by convention");
    assertEquals((1 + 2 * 0.5 / 1.5) / 100_000, m.macroF1(), 1e-18);
    IllegalStateException e = assertThrows(IllegalStateException.class, m::counts);
    assertTrue(e.getMessage().contains("10000000000 counts"), e.getMessage());
  }

  @Test
  void theLargestClassCountIsAcceptedToo() {
    ConfusionMatrix m = new ConfusionMatrix(Integer.MAX_VALUE);
    m.add(Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 1);
    assertEquals(1, m.count(Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 1));
    assertEquals(1.0, m.f1(Integer.MAX_VALUE - 1));
  }

  @Test
  void theDenseCopyStillHoldsEveryCount() {
    ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 2, 2, 1}, new int[] {0, 1, 2, 1}, 3);
    assertEquals(java.util.Arrays.deepToString(new long[][] {{1, 0, 0}, {0, 1, 0}, {0, 1, 1}}),
        java.util.Arrays.deepToString(m.counts()));
  }

  @Test
  void aClassOutOfRangeIsNamedByEveryReader() {
    ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 1}, new int[] {0, 1}, 2);
    for (org.junit.jupiter.api.function.Executable read : new org.junit.jupiter.api.function.Executable[] {
        () -> m.precision(2), () -> m.recall(-1), () -> m.f1(2), () -> m.support(7), () -> m.count(0, 2)}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read);
      assertTrue(e.getMessage().contains("outside the 2 classes [0, 2)"), e.getMessage());
    }
  }

  @Test
  void countsThatOverflowALongAreRefusedNotWrappedNegative() {
    ConfusionMatrix m = new ConfusionMatrix(2);
    m.add(0, 0, Long.MAX_VALUE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.add(1, 1, 1));
    assertTrue(e.getMessage().contains("overflows a long"), e.getMessage());
    assertEquals(1.0, m.accuracy(), "the refused add left the counts as they were");
    assertEquals(0, m.support(1));
  }

  @Test
  void noSamplesGiveNaNForTheMeansWeightedBySupportAndZeroForTheMacroOnes() {
    ConfusionMatrix m = new ConfusionMatrix(3);
    assertTrue(Double.isNaN(m.accuracy()));
    assertTrue(Double.isNaN(m.weightedF1()));
    assertEquals(0, m.macroF1());
  }
}
