package org.delta4j.benchmarks.report;

/**
 * Where the two cores a benchmark ran on sat during one measured iteration, told by how long a cache line took between
 * them just before and just after it ({@code CorePlacementProfiler}): {@link #NEAR}, sharing a last-level cache, or
 * {@link #FAR}, on two. A virtual machine's host moves its cores between the two every few seconds to minutes, and
 * every step that hands work from one core to the other runs slower when they are far, so two benchmarks are compared
 * only over iterations of one placement.
 */
public enum CorePlacement {
  /** A line passed in at most {@value #FAR_ABOVE_NANOS} ns one way before and after: one L3. */
  NEAR("near cores"),
  /** A line took more than {@value #FAR_ABOVE_NANOS} ns one way before and after: two L3s, or two sockets. */
  FAR("far cores"),
  /** The probe before and the one after disagree: the host moved the cores during the iteration. */
  CHANGED("cores moved"),
  /** Neither probe told: one core, a run without the profiler, or probes that completed nothing or were disturbed. */
  UNKNOWN("placement not recorded");

  /**
   * Between the 25-40 ns of two cores of one AMD core complex or one Intel mesh and the 100-200 ns between two
   * complexes or sockets, as measured on the machines this project has run on.
   */
  static final double FAR_ABOVE_NANOS = 70;
  /**
   * Hardware hands a line over in tens to hundreds of nanoseconds; a probe whose fastest window took microseconds had
   * one of its threads preempted in every window (by a BLAS's threads spinning beside it, say) and timed the scheduler,
   * not the cores.
   */
  static final double DISTURBED_ABOVE_NANOS = 1_000;

  private final String label;

  CorePlacement(String label) {
    this.label = label;
  }

  /**
   * The placement of an iteration with a cache line {@code beforeNanos} and {@code afterNanos} one way around it. A
   * probe that measured nothing (NaN, or the 0 the profiler records then) or was disturbed leaves the other to tell.
   */
  public static CorePlacement of(double beforeNanos, double afterNanos) {
    CorePlacement before = of(beforeNanos);
    CorePlacement after = of(afterNanos);
    if (before == UNKNOWN || after == UNKNOWN) {
      return before == UNKNOWN ? after : before;
    }
    return before == after ? before : CHANGED;
  }

  private static CorePlacement of(double nanos) {
    if (!(nanos > 0 && nanos <= DISTURBED_ABOVE_NANOS)) {
      return UNKNOWN;
    }
    return nanos > FAR_ABOVE_NANOS ? FAR : NEAR;
  }

  /** Whether iterations of this placement are compared with others of it: {@link #NEAR} and {@link #FAR}. */
  public boolean comparable() {
    return this == NEAR || this == FAR;
  }

  @Override
  public String toString() {
    return label;
  }
}
