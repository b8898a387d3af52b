package org.delta4j.benchmarks;

import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof org.delta4j.benchmarks.CorePlacementProfiler}) that records, for every iteration, how
 * long a cache line took between two cores just before it and just after it ({@link
 * MachineProbe#cacheLineBetweenCoresNanos}), as the secondary metrics {@value #BEFORE} and {@value #AFTER} in
 * nanoseconds one way.
 *
 * <p>Why: on a virtual machine the host may move the virtual cores between two cores of one L3 and two of different
 * L3s every few seconds to minutes, and each step that hands work from one core to the other runs a quarter to a half
 * slower on two L3s. A fork's mean is then partly the host's placement; with the placement of each iteration, the
 * report compares two benchmarks only over iterations measured in the same placement. On one core nothing is
 * recorded. The probe runs between iterations, outside the measured time, some {@value #MILLIS} ms each side.
 */
public final class CorePlacementProfiler implements InternalProfiler {
  /** The secondary metric of the probe run just before an iteration, ns one way. */
  public static final String BEFORE = "cores.cacheLine.before";
  /** The secondary metric of the probe run just after an iteration, ns one way. */
  public static final String AFTER = "cores.cacheLine.after";
  /**
   * Each probe's budget: enough attempts for a window in which both cores ran the probe, even beside the threads a
   * BLAS leaves spinning for a while after a product (see {@code MachineProbeTest}), and short beside an iteration.
   */
  static final long MILLIS = 40;

  private final boolean twoCores = Runtime.getRuntime().availableProcessors() >= 2;
  private double before = Double.NaN;

  @Override
  public String getDescription() {
    return "the time a cache line takes between two cores before and after each iteration (the host's placement)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    before = twoCores ? MachineProbe.cacheLineBetweenCoresNanos(MILLIS) : Double.NaN;
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
      IterationResult result) {
    if (!twoCores) {
      return List.of();
    }
    double after = MachineProbe.cacheLineBetweenCoresNanos(MILLIS);
    // A probe that completed no window (NaN) is recorded as 0, which no placement claims: JMH's aggregates of the
    // metric stay finite, and the iteration counts as of an unknown placement.
    return List.of(new ScalarResult(BEFORE, Double.isNaN(before) ? 0 : before, "ns", AggregationPolicy.AVG),
        new ScalarResult(AFTER, Double.isNaN(after) ? 0 : after, "ns", AggregationPolicy.AVG));
  }
}
