package org.delta4j.gradcheck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A gradient checker that could check nothing, or only with a step that makes every difference NaN, is refused. */
class GradientCheckerTest {
  @Test
  void aCheckerOfNoEntriesIsRefused() {
    // with 0 it compared no entry and reported an error of 0, a pass; with −1 it failed making an array
    for (int entries : new int[] {0, -1}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new GradientChecker(1e-6, entries, 1));
      assertTrue(e.getMessage().contains("entries") && e.getMessage().contains(String.valueOf(entries)),
          e.getMessage());
    }
  }

  @Test
  void anInfiniteStepIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GradientChecker(Double.POSITIVE_INFINITY, 64, 1));
    assertTrue(e.getMessage().contains("epsilon") && e.getMessage().contains("Infinity"), e.getMessage());
  }
}
