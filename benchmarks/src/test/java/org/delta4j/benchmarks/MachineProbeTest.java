package org.delta4j.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.delta4j.benchmarks.report.CorePlacement;
import org.delta4j.benchmarks.report.Machine;
import org.junit.jupiter.api.Test;

/**
 * The machine probe measures how long a cache line takes between two cores, within its time budget and whatever else
 * runs on them meanwhile, and records it with the machine on a machine of more than one core.
 */
class MachineProbeTest {
  @Test
  void aCacheLinePassesBetweenCoresInNanosecondsNotInASchedulerTick() {
    if (Runtime.getRuntime().availableProcessors() < 2) {
      assertTrue(Double.isNaN(MachineProbe.cacheLineBetweenCoresNanos(50)), "one core: nothing to measure");
      return;
    }
    // Hardware hands a line over in tens to hundreds of nanoseconds; a thread preempted for a scheduler tick (a
    // millisecond or more) would put the mean in microseconds. Other processes busy on both cores (a build's other
    // work) may keep the probe's two threads on one core for a whole probe, a context switch per hand-over (26,778 ns
    // was read so): CorePlacement counts such a probe as disturbed. Of five probes, one must find the cores.
    List<Double> read = new ArrayList<>();
    for (int i = 0; i < 5 && (read.isEmpty() || !(read.get(read.size() - 1) < 1_000)); i++) {
      long start = System.nanoTime();
      read.add(MachineProbe.cacheLineBetweenCoresNanos(100));
      double tookMs = (System.nanoTime() - start) / 1e6;
      assertTrue(tookMs < 1_000, "took " + tookMs + " ms for a budget of 100");
    }
    double ns = read.get(read.size() - 1);
    assertTrue(ns > 1 && ns < 1_000, "one way, in five probes: " + read + " ns");
  }

  @Test
  void threadsSpinningOnTheCoresMeanwhileDoNotCount() throws InterruptedException {
    if (Runtime.getRuntime().availableProcessors() < 2) {
      return;
    }
    // As many spinning threads as cores, as ND4J's BLAS and OpenMP threads leave behind after a product: the probe's
    // two threads run beside them only part of the time, and the windows in which one was preempted are not counted.
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread[] spinners = new Thread[Runtime.getRuntime().availableProcessors()];
    for (int i = 0; i < spinners.length; i++) {
      spinners[i] = new Thread(() -> {
        while (!stop.get()) {
          Thread.onSpinWait();
        }
      });
      spinners[i].setDaemon(true);
      spinners[i].start();
    }
    try {
      // The scheduler may also keep the probe's two threads on one core for all eight attempts of a probe (reads of
      // 26,590 and, five probes in a row, 12,900 ns: a context switch per hand-over): CorePlacement then counts the
      // probe as disturbed, and the profiler has the iteration's other probe. Of ten probes, one must find a window
      // of hand-overs between the cores.
      java.util.List<Double> read = new ArrayList<>();
      for (int i = 0; i < 10 && (read.isEmpty() || !(read.get(read.size() - 1) < 1_000)); i++) {
        read.add(MachineProbe.cacheLineBetweenCoresNanos(200));
      }
      double ns = read.get(read.size() - 1);
      assertTrue(ns > 1 && ns < 1_000, "one way beside spinning threads, in ten probes: " + read + " ns");
    } finally {
      stop.set(true);
      for (Thread t : spinners) {
        t.join();
      }
    }
  }

  @Test
  void theMachineRecordsIt() {
    Machine m = MachineProbe.probe(false);
    String line = m.settings().get(Machine.CACHE_LINE_BETWEEN_CORES);
    if (Runtime.getRuntime().availableProcessors() < 2) {
      assertEquals(null, line);
    } else {
      assertTrue(line.matches("\\d+ ns one way"), line);
    }
  }

  /**
   * {@code MachineProbe --cores}, which the PyTorch peer times its rounds between, answers each line with the cache
   * line's time and the placement since its previous answer, by the report's rule.
   */
  @Test
  void theCoresProbeAnswersEachLineWithATimeAndAPlacement() throws Exception {
    String jvm = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(jvm, "-cp", System.getProperty("java.class.path"), MachineProbe.class.getName(),
        "--cores").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> answers = new ArrayList<>();
    try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8)); var out = p.getOutputStream()) {
      for (int i = 0; i < 3; i++) {
        out.write('\n');
        out.flush();
        answers.add(in.readLine());
      }
    }
    assertEquals(0, p.waitFor(), "the probe ends with its input");
    Set<String> placements = Arrays.stream(CorePlacement.values()).map(String::valueOf)
        .collect(Collectors.toSet());
    double[] nanos = new double[answers.size()];
    for (int i = 0; i < answers.size(); i++) {
      String[] parts = answers.get(i).split(" ", 2);
      nanos[i] = Double.parseDouble(parts[0]);
      assertTrue(Double.isNaN(nanos[i]) || nanos[i] > 0, "a time or NaN: " + answers);
      assertTrue(placements.contains(parts[1]), "a placement the report names: " + answers);
      CorePlacement expected = CorePlacement.of(i == 0 ? Double.NaN : nanos[i - 1], nanos[i]);
      assertEquals(expected.toString(), parts[1], "the placement since the previous answer: " + answers);
    }
  }
}
