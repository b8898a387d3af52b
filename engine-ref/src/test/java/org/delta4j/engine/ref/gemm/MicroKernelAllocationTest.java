package org.delta4j.engine.ref.gemm;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every Vector API micro-kernel, in both element types, allocates nothing once C2 has compiled it (the 14-row one
 * reading A in runs too), on the CPU the test runs on: its accumulators stay in registers. A kernel whose method C2
 * cannot inline whole boxes its vectors on every call instead (a 4-row tile did so with 256-bit vectors, about 70 KB a
 * training step of a small network), which no result check notices. Each kernel is called in rounds (full tiles and
 * edges, stored and accumulated) until C2 has compiled it, which in a JVM whose earlier tests compiled it for other
 * shapes means a deoptimisation and a second compilation in the background; it passes when one round allocates less
 * than a byte a call, and fails if none has within {@value #SECONDS} seconds.
 */
class MicroKernelAllocationTest {
  private static final int CALLS = 20_000;
  private static final int SECONDS = 60;
  private static final int KC = 32;

  @Test
  void doubleKernelsAllocateNothingOnceCompiled() {
    for (DoubleGemm.MicroKernel kernel : List.of(new DoubleVectorKernel(), new DoubleVectorKernel.Rows6(),
        new DoubleVectorKernel.Rows14())) {
      int mr = kernel.mr();
      int nr = kernel.nr();
      double[] a = new double[KC * mr];
      double[] b = new double[KC * nr];
      double[] c = new double[mr * nr];
      double[] tile = new double[mr * nr];
      java.util.Arrays.fill(a, 0.5);
      java.util.Arrays.fill(b, 0.25);
      assertSteadyWithoutAllocation(kernel.getClass().getSimpleName() + " (double, " + mr + "×" + nr + ")", call -> {
        boolean edge = call % 7 == 0;
        kernel.compute(KC, a, 0, b, 0, kernel.nr(), tile);
        kernel.addTile(edge ? mr - 1 : mr, edge ? nr - 1 : nr, 1e-3, call % 2 == 0, call % 3 == 0, tile, c, 0, nr);
      });
      // One sample's row of a product: every block width the kernel takes (8 × 2 tile widths = 16 vectors, 8, 1) and
      // a scalar tail
      int n = 8 * nr + 4 * nr + nr / 2 + 3;
      double[] w = new double[KC * n];
      double[] y = new double[n];
      java.util.Arrays.fill(w, 0.25);
      assertSteadyWithoutAllocation(kernel.getClass().getSimpleName() + " (double) row",
          call -> kernel.row(n, KC, 1e-3, a, 0, w, n, y, 0));
    }
    // The 14-row kernel that reads A's panels packed in runs, and their packing, from a plain A of 14 rows
    DoubleGemm.MicroKernel runs = new DoubleVectorKernel.Rows14();
    double[] plain = new double[14 * KC];
    double[] b = new double[KC * runs.nr()];
    double[] panel = new double[14 * KC]; // KC a whole number of runs of any vector width
    double[] tile = new double[14 * runs.nr()];
    java.util.Arrays.fill(plain, 0.5);
    java.util.Arrays.fill(b, 0.25);
    assertSteadyWithoutAllocation("Rows14 (double) in runs", call -> {
      runs.packRuns(plain, 0, KC, call % 7 == 0 ? 13 : 14, KC, panel, 0);
      runs.computeRuns(KC, panel, 0, b, 0, runs.nr(), tile);
    });
  }

  @Test
  void floatKernelsAllocateNothingOnceCompiled() {
    for (FloatGemm.MicroKernel kernel : List.of(new FloatVectorKernel(), new FloatVectorKernel.Rows6(),
        new FloatVectorKernel.Rows14())) {
      int mr = kernel.mr();
      int nr = kernel.nr();
      float[] a = new float[KC * mr];
      float[] b = new float[KC * nr];
      float[] c = new float[mr * nr];
      float[] tile = new float[mr * nr];
      java.util.Arrays.fill(a, 0.5f);
      java.util.Arrays.fill(b, 0.25f);
      assertSteadyWithoutAllocation(kernel.getClass().getSimpleName() + " (float, " + mr + "×" + nr + ")", call -> {
        boolean edge = call % 7 == 0;
        kernel.compute(KC, a, 0, b, 0, kernel.nr(), tile);
        kernel.addTile(edge ? mr - 1 : mr, edge ? nr - 1 : nr, 1e-3f, call % 2 == 0, call % 3 == 0, tile, c, 0,
            nr);
      });
      int n = 8 * nr + 4 * nr + nr / 2 + 3;
      float[] w = new float[KC * n];
      float[] y = new float[n];
      java.util.Arrays.fill(w, 0.25f);
      assertSteadyWithoutAllocation(kernel.getClass().getSimpleName() + " (float) row",
          call -> kernel.row(n, KC, 1e-3f, a, 0, w, n, y, 0));
    }
    FloatGemm.MicroKernel runs = new FloatVectorKernel.Rows14();
    float[] plain = new float[14 * KC];
    float[] b = new float[KC * runs.nr()];
    float[] panel = new float[14 * KC];
    float[] tile = new float[14 * runs.nr()];
    java.util.Arrays.fill(plain, 0.5f);
    java.util.Arrays.fill(b, 0.25f);
    assertSteadyWithoutAllocation("Rows14 (float) in runs", call -> {
      runs.packRuns(plain, 0, KC, call % 7 == 0 ? 13 : 14, KC, panel, 0);
      runs.computeRuns(KC, panel, 0, b, 0, runs.nr(), tile);
    });
  }

  private static void assertSteadyWithoutAllocation(String name, java.util.function.IntConsumer call) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long perCall = Long.MAX_VALUE;
    long calls = 0;
    long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < CALLS; i++) {
        call.accept(i);
      }
      perCall = (threads.getThreadAllocatedBytes(thread) - before) / CALLS;
      calls += CALLS;
      if (perCall < 1) {
        return;
      }
    }
    fail(name + " still allocates " + perCall + " bytes a call after " + calls + " calls in " + SECONDS
        + " s: its vectors are boxed, not kept in registers");
  }
}
