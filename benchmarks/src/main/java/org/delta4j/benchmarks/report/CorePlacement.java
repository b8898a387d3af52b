package org.delta4j.benchmarks.report;

/**
 * Where the two cores a benchmark ran on sat during one measured iteration, told by how long a cache line took between
 * them just before and just after it ({@code CorePlacementProfiler}): {@link #NEAR}, sharing a last-level cache, or
 * {@link #FAR}, on two. A virtual machine's host moves its cores between the two every few seconds to minutes, and
 * every step that hands work from one core to the other runs slower when they are far, so two benchmarks are compared
 * only over iterations of one placement.
 */
enum CorePlacement {
  /** A line passed in at most {@value #FAR_ABOVE_NANOS} ns one way before and after: one L3. */
  NEAR("near cores"),
  /** A line took more than {@value #FAR_ABOVE_NANOS} ns one way before and after: two L3s, or two sockets. */
  FAR("far cores"),
  /** The probe before and the one after disagree: the host moved the cores during the iteration. */
  CHANGED("cores moved"),
  /** No probe was recorded (one core, results of a run without the profiler, or a probe that completed nothing). */
  UNKNOWN("placement not recorded");

  /**
   * Between the 25-40 ns of two cores of one AMD core complex or one Intel mesh and the 100-200 ns between two
   * complexes or sockets, as measured on the machines this project has run on.
   */
  static final double FAR_ABOVE_NANOS = 70;

  private final String label;

  CorePlacement(String label) {
    this.label = label;
  }

  /** The placement of an iteration with a cache line {@code beforeNanos} and {@code afterNanos} one way around it. */
  static CorePlacement of(double beforeNanos, double afterNanos) {
    CorePlacement before = of(beforeNanos);
    CorePlacement after = of(afterNanos);
    if (before == UNKNOWN || after == UNKNOWN) {
      return UNKNOWN;
    }
    return before == after ? before : CHANGED;
  }

  private static CorePlacement of(double nanos) {
    if (!(nanos > 0) || Double.isInfinite(nanos)) { // NaN, or the 0 the profiler records for a probe with no window
      return UNKNOWN;
    }
    return nanos > FAR_ABOVE_NANOS ? FAR : NEAR;
  }

  /** Whether iterations of this placement are compared with others of it: {@link #NEAR} and {@link #FAR}. */
  boolean comparable() {
    return this == NEAR || this == FAR;
  }

  @Override
  public String toString() {
    return label;
  }
}
