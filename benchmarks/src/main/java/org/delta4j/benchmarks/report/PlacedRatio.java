package org.delta4j.benchmarks.report;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ratio of two JMH results' scores, taken over the iterations both measured in one placement of the cores
 * ({@link CorePlacement}) where both recorded it: the host's moves then do not pass for a difference in code.
 *
 * @param value a's mean score ÷ b's, over the iterations of {@code placement}; over all iterations when the placements
 *     were not recorded, or have none in common; NaN if either result is missing
 * @param placement the placement compared in, or {@link CorePlacement#UNKNOWN} when all iterations were
 * @param a a's iterations by placement (empty if not recorded)
 * @param b b's iterations by placement (empty if not recorded)
 */
record PlacedRatio(double value, CorePlacement placement, Map<CorePlacement, Integer> a,
    Map<CorePlacement, Integer> b) {
  PlacedRatio {
    a = Map.copyOf(a);
    b = Map.copyOf(b);
  }

  /**
   * a ÷ b in the placement both measured most iterations in (the larger of the two counts' minimum; near cores on a
   * tie); over all iterations if either recorded no placement it could be compared in, or if none is common.
   */
  static PlacedRatio of(Optional<JmhResults.Result> a, Optional<JmhResults.Result> b) {
    return of(a, b, false);
  }

  /**
   * As {@link #of}, with b's best iteration in the placement instead of its mean, and b's score when no placement is
   * compared: for a peer that reports the best of its timed rounds (the PyTorch peer), so that placing the ratio does
   * not turn the peer's best into its mean.
   */
  static PlacedRatio againstBest(Optional<JmhResults.Result> a, Optional<JmhResults.Result> b) {
    return of(a, b, true);
  }

  private static PlacedRatio of(Optional<JmhResults.Result> a, Optional<JmhResults.Result> b, boolean bestOfB) {
    if (a.isEmpty() || b.isEmpty()) {
      return new PlacedRatio(Double.NaN, CorePlacement.UNKNOWN, Map.of(), Map.of());
    }
    Map<CorePlacement, Integer> pa = a.get().placements();
    Map<CorePlacement, Integer> pb = b.get().placements();
    CorePlacement best = CorePlacement.UNKNOWN;
    int most = 0;
    for (CorePlacement p : CorePlacement.values()) { // in the enum's order: near first, so near on a tie
      int both = Math.min(pa.getOrDefault(p, 0), pb.getOrDefault(p, 0));
      if (p.comparable() && both > most) {
        best = p;
        most = both;
      }
    }
    double value = best == CorePlacement.UNKNOWN ? a.get().score() / b.get().score()
        : a.get().scoreIn(best) / (bestOfB ? b.get().bestIn(best) : b.get().scoreIn(best));
    return new PlacedRatio(value, best, pa, pb);
  }

  /**
   * Whether the ratio compares like with like: a placement in common, or no placement recorded by one of the two. False
   * when each was measured, as far as recorded, only in placements the other never was.
   */
  boolean comparable() {
    return placement.comparable() || !recorded(a) || !recorded(b);
  }

  /**
   * Whether, the two having no placement in common, a was measured with far cores and b with near ones: the host's
   * placement then stood against a, since far cores only slow a measurement (a step that hands work between the cores
   * pays for every hand-over, one that does not is unmoved), so the ratio understates a's rate against b's and
   * overstates a's time.
   */
  boolean placementStoodAgainstA() {
    return !comparable() && only(a) == CorePlacement.FAR && only(b) == CorePlacement.NEAR;
  }

  /** The one comparable placement of a side that has no placement in common with the other's. */
  private static CorePlacement only(Map<CorePlacement, Integer> p) {
    return p.keySet().stream().filter(CorePlacement::comparable).findFirst().orElseThrow();
  }

  /**
   * Where the ratio was measured, for a report: empty when no placement was recorded or every iteration of both was in
   * the one compared; otherwise which placement, with how many of each one's iterations; or, when not {@link
   * #comparable}, where each was measured.
   */
  String describe(String aName, String bName) {
    if (!comparable()) {
      return aName + " was measured with " + where(a) + ", " + bName + " with " + where(b);
    }
    if (placement == CorePlacement.UNKNOWN) {
      return "";
    }
    int na = total(a);
    int nb = total(b);
    int ia = a.get(placement);
    int ib = b.get(placement);
    if (ia == na && ib == nb) {
      return placement.toString();
    }
    return String.format(Locale.ROOT, "%s: %d of %s's %d iterations, %d of %s's %d", placement, ia, aName, na, ib,
        bName, nb);
  }

  private static boolean recorded(Map<CorePlacement, Integer> p) {
    return p.keySet().stream().anyMatch(CorePlacement::comparable);
  }

  private static int total(Map<CorePlacement, Integer> p) {
    return p.values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * Where one was measured, when the two have no placement in common: each was then measured in one placement that can
   * be compared (two would share one with the other's), e.g. "far cores in 5 of 5 iterations".
   */
  private static String where(Map<CorePlacement, Integer> p) {
    CorePlacement only = only(p);
    return only + " in " + p.get(only) + " of " + total(p) + " iterations";
  }
}
