package org.delta4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.delta4j.benchmarks.CorePlacementProfiler;
import org.delta4j.benchmarks.FmaPeakBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * An iteration's placement of the cores is near when a cache line passed between them in at most 70 ns both before
 * and after it, far when it took longer both times, and moved otherwise; the profiler records it in JMH's results, and
 * the report reads it back for each iteration.
 */
class CorePlacementTest {
  @Test
  void anIterationIsNearFarOrMovedByTheCacheLineAroundIt() {
    assertEquals(CorePlacement.NEAR, CorePlacement.of(31.8, 32.4));
    assertEquals(CorePlacement.NEAR, CorePlacement.of(70, 70));
    assertEquals(CorePlacement.FAR, CorePlacement.of(70.5, 160));
    assertEquals(CorePlacement.CHANGED, CorePlacement.of(30, 160));
    assertEquals(CorePlacement.CHANGED, CorePlacement.of(160, 30));
  }

  @Test
  void aProbeThatMeasuredNothingOrWasDisturbedLeavesTheOtherToTell() {
    assertEquals(CorePlacement.NEAR, CorePlacement.of(0, 30)); // the profiler's record of a probe with no window
    assertEquals(CorePlacement.FAR, CorePlacement.of(150, Double.NaN));
    // 26.6 µs: beside ND4J's spinning threads, one of the probe's was preempted in every window
    assertEquals(CorePlacement.NEAR, CorePlacement.of(26_644.3, 32.9));
    assertEquals(CorePlacement.UNKNOWN, CorePlacement.of(Double.POSITIVE_INFINITY, 0));
    assertEquals(CorePlacement.UNKNOWN, CorePlacement.of(-1, 5_000));
  }

  @Test
  void onlyNearAndFarAreCompared() {
    assertTrue(CorePlacement.NEAR.comparable());
    assertTrue(CorePlacement.FAR.comparable());
    assertFalse(CorePlacement.CHANGED.comparable());
    assertFalse(CorePlacement.UNKNOWN.comparable());
  }

  @Test
  void theProfilersRecordIsReadBackAsEachIterationsPlacement(@TempDir Path dir) throws RunnerException, IOException {
    System.setProperty("jmh.ignoreLock", "true"); // measures nothing: another JMH run on the machine must not stop it
    Path json = dir.resolve("jmh.json");
    new Runner(new OptionsBuilder()
        .include(FmaPeakBenchmark.class.getName() + ".float32OneCore$")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(3)
        .measurementTime(TimeValue.milliseconds(50))
        .timeUnit(TimeUnit.SECONDS)
        .addProfiler(CorePlacementProfiler.class)
        .resultFormat(ResultFormatType.JSON)
        .result(json.toString())
        .shouldFailOnError(true)
        .build()).run();
    List<JmhResults.Result> results = JmhResults.read(json).all();
    assertEquals(1, results.size());
    List<JmhResults.Iteration> iterations = results.get(0).iterations();
    assertEquals(3, iterations.size());
    iterations.forEach(i -> assertTrue(i.score() > 0, "score " + i.score()));
    long placed = iterations.stream().filter(i -> i.placement().comparable()).count();
    if (Runtime.getRuntime().availableProcessors() >= 2) {
      // each iteration's probes recorded; a probe may be disturbed, or the host move the cores, but not in all three
      assertTrue(placed >= 1, "placements read back: " + iterations);
    } else {
      assertEquals(0, placed, "one core: nothing to record");
    }
  }
}
