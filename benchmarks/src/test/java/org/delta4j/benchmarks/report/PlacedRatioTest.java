package org.delta4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A ratio of two results is taken over the iterations both measured in one placement of the cores, the one with the
 * most of them; over all iterations when either recorded none; and is not comparable when they share no placement.
 */
class PlacedRatioTest {
  private static final CorePlacement N = CorePlacement.NEAR;
  private static final CorePlacement F = CorePlacement.FAR;
  private static final CorePlacement M = CorePlacement.CHANGED;

  /** A result whose iterations alternate score and placement: 10.0, N, 12.0, F, ... */
  private static Optional<JmhResults.Result> result(Object... scoreAndPlacement) {
    List<JmhResults.Iteration> it = new ArrayList<>();
    double sum = 0;
    for (int i = 0; i < scoreAndPlacement.length; i += 2) {
      double score = ((Number) scoreAndPlacement[i]).doubleValue();
      sum += score;
      it.add(new JmhResults.Iteration(score, (CorePlacement) scoreAndPlacement[i + 1]));
    }
    return Optional.of(new JmhResults.Result("x.y.Gemm.gemm", Map.of(), sum / it.size(), 0, "ops/s",
        Optional.empty(), it));
  }

  @Test
  void theCommonPlacementWithTheMostIterationsIsCompared() {
    // near: min(1, 2) = 1 iteration of both; far: min(2, 2) = 2; moved iterations are never compared
    PlacedRatio r = PlacedRatio.of(result(50, N, 40, F, 40, F, 30, M), result(100, N, 100, N, 80, F, 80, F, 70, M));
    assertEquals(F, r.placement());
    assertEquals(0.5, r.value(), 1e-12);
    assertTrue(r.comparable());
    assertEquals("far cores: 2 of a's 4 iterations, 2 of b's 5", r.describe("a", "b"));
  }

  @Test
  void onATieNearCoresAreCompared() {
    PlacedRatio r = PlacedRatio.of(result(60, N, 30, F), result(100, N, 50, F));
    assertEquals(N, r.placement());
    assertEquals(0.6, r.value(), 1e-12);
  }

  @Test
  void everyIterationInOnePlacementNeedsNoCount() {
    PlacedRatio r = PlacedRatio.of(result(60, N, 60, N), result(100, N, 100, N, 100, N));
    assertEquals("near cores", r.describe("a", "b"));
  }

  @Test
  void withoutRecordedPlacementsEveryIterationCounts() {
    CorePlacement u = CorePlacement.UNKNOWN;
    PlacedRatio r = PlacedRatio.of(result(60, N, 30, F), result(100, u, 50, u));
    assertEquals(u, r.placement());
    assertEquals(0.6, r.value(), 1e-12); // 45 ÷ 75
    assertTrue(r.comparable());
    assertEquals("", r.describe("a", "b"));
  }

  @Test
  void twoResultsOfDifferentPlacementsOnlyAreNotComparable() {
    PlacedRatio r = PlacedRatio.of(result(40, F, 40, F, 90, M), result(100, N));
    assertFalse(r.comparable());
    assertEquals((40 + 40 + 90) / 3.0 / 100, r.value(), 1e-12); // over all iterations, and marked as such
    assertEquals("a was measured with far cores in 2 of 3 iterations, b with near cores in 1 of 1 iterations",
        r.describe("a", "b"));
  }

  @Test
  void onlyFarCoresOnTheFirstSideAndNearOnesOnTheOtherStandAgainstTheFirst() {
    assertTrue(PlacedRatio.of(result(40, F, 40, F), result(100, N)).placementStoodAgainstA());
    assertFalse(PlacedRatio.of(result(40, N), result(100, F, 90, F)).placementStoodAgainstA());
    assertFalse(PlacedRatio.of(result(40, F, 50, N), result(100, N)).placementStoodAgainstA()); // comparable near
    assertFalse(PlacedRatio.of(result(40, F), result(100, M)).placementStoodAgainstA()); // nothing placed on b's side
  }

  @Test
  void againstBestComparesWithTheOthersBestIterationInThePlacement() {
    PlacedRatio r = PlacedRatio.againstBest(result(60, N, 60, N), result(40, N, 50, N, 90, F));
    assertEquals(N, r.placement());
    assertEquals(60 / 50.0, r.value(), 1e-12);
  }

  @Test
  void aMissingResultGivesNoRatio() {
    PlacedRatio r = PlacedRatio.of(Optional.empty(), result(100, N));
    assertTrue(Double.isNaN(r.value()));
  }
}
