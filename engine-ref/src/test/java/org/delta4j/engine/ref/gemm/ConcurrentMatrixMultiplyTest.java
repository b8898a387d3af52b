package org.delta4j.engine.ref.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.delta4j.engine.WorkerPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Matrix products from several threads at once on one {@link MatrixMultiply}: each thread cycles through products of
 * different shapes — unpacked ones with fewer rows than a tile, packed ones on one thread, ones large enough to be
 * split over the pool by rows, by columns, in halves of k or in slices of k, ones crossing every cache block — in
 * float and double, and every result is bit-identical to the same product computed with no other caller about.
 */
class ConcurrentMatrixMultiplyTest {
  static final int ROUNDS = 3;
  /** {m, k, n, transposes}: transposes bit 0 is op(A) = Aᵀ, bit 1 is op(B) = Bᵀ. */
  static final int[][] PRODUCTS = {{1, 784, 256, 0}, {3, 200, 300, 1}, {13, 17, 35, 2}, {97, 300, 33, 3},
      {200, 150, 170, 0}, {128, 784, 40, 1}, {128, 256, 128, 2}, {256, 512, 96, 0}, {128, 784, 256, 0},
      {32, 20000, 9, 2}};

  static Stream<Arguments> engines() {
    return Stream.of(2, 4).flatMap(threads -> Stream.of(MatrixMultiply.get(), MatrixMultiplyTest.SCALAR,
        MatrixMultiplyTest.ALL[2]).map(mm -> Arguments.of(threads, mm.description(), mm)));
  }

  @ParameterizedTest(name = "{0} threads, {1}")
  @MethodSource("engines")
  void productsFromSeveralThreadsAtOnceMatchTheLoneCallersBitForBit(int threads, String kind, MatrixMultiply mm)
      throws Exception {
    List<float[]> floats = new ArrayList<>();
    List<double[]> doubles = new ArrayList<>();
    for (int[] p : PRODUCTS) {
      floats.add(product(mm, p, new float[p[0] * p[2]]));
      doubles.add(product(mm, p, new double[p[0] * p[2]]));
    }
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> callers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        callers.add(pool.submit(() -> {
          start.await();
          for (int r = 0; r < ROUNDS * PRODUCTS.length; r++) {
            int i = (first + r) % PRODUCTS.length; // each thread in its own order: different shapes at once
            int[] p = PRODUCTS[i];
            String what = "thread " + first + ", product " + p[0] + "×" + p[1] + "×" + p[2] + " transposes " + p[3];
            assertArrayEquals(floats.get(i), product(mm, p, new float[p[0] * p[2]]), "float " + what);
            assertArrayEquals(doubles.get(i), product(mm, p, new double[p[0] * p[2]]), "double " + what);
          }
          return null;
        }));
      }
      for (Future<?> caller : callers) {
        caller.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** C ← 0.75·op(A)·op(B) + 0.5·C for the product's shape, A, B and C drawn from seeds fixed by the shape. */
  static float[] product(MatrixMultiply mm, int[] p, float[] c) {
    double[] a = MatrixMultiplyTest.random(p[0] * p[1], p[0]);
    double[] b = MatrixMultiplyTest.random(p[1] * p[2], p[2]);
    double[] c0 = MatrixMultiplyTest.random(c.length, p[1]);
    float[] fa = MatrixMultiplyTest.toFloat(a);
    float[] fb = MatrixMultiplyTest.toFloat(b);
    for (int i = 0; i < c.length; i++) {
      c[i] = (float) c0[i];
    }
    boolean ta = (p[3] & 1) != 0;
    boolean tb = (p[3] & 2) != 0;
    mm.sgemm(ta, tb, p[0], p[2], p[1], 0.75f, fa, ta ? p[0] : p[1], fb, tb ? p[1] : p[2], 0.5f, c, p[2]);
    return c;
  }

  static double[] product(MatrixMultiply mm, int[] p, double[] c) {
    double[] a = MatrixMultiplyTest.random(p[0] * p[1], p[0]);
    double[] b = MatrixMultiplyTest.random(p[1] * p[2], p[2]);
    System.arraycopy(MatrixMultiplyTest.random(c.length, p[1]), 0, c, 0, c.length);
    boolean ta = (p[3] & 1) != 0;
    boolean tb = (p[3] & 2) != 0;
    mm.dgemm(ta, tb, p[0], p[2], p[1], 0.75, a, ta ? p[0] : p[1], b, tb ? p[1] : p[2], 0.5, c, p[2]);
    return c;
  }

  /**
   * A product split over k (conv1's weight gradient in small, and one whose slices pad less transposed), into two
   * halves of k (a Dense layer's X·W, k odd, and transposed), over rows (higher than wide) or over columns (wider)
   * gives the same bits on pools of one, two and three threads: the slices and halves of k are fixed by the shape, and
   * their partial products are summed in order whichever thread computed them. The widest, 300 × 100 × 2100, packs
   * A's rows once for all blocks of B's columns on one and two threads (each thread's columns wider than a block) and
   * A block by block on three: the same bits either way. The last three are at least the deep blocking's kc high and
   * wide and take its blocks of k, wherever they are split (by rows, by columns, along the rows or not), and match the
   * definition.
   */
  @Test
  void aSplitProductHasTheSameBitsWhateverTheNumberOfThreads() {
    CpuShape.Blocking shallow = new CpuShape.Blocking(192, 64, 1024, 128);
    CpuShape.Blocking deep = new CpuShape.Blocking(288, 48, 256, 96);
    // {m, k, n, transposes, split over k: 0 no, 1 in slices, 2 in halves; deep blocks: 1}
    int[][] products = {{32, 20000, 9, 2, 1, 0}, {9, 6000, 40, 1, 1, 0}, {16, 8001, 20, 3, 1, 0},
        {128, 784, 256, 0, 2, 0}, {100, 333, 77, 3, 2, 0}, {130, 601, 97, 1, 2, 0}, {200, 150, 170, 0, 0, 0},
        {64, 300, 701, 2, 0, 0}, {300, 100, 2100, 1, 0, 0}, {300, 700, 290, 0, 0, 1}, {600, 500, 300, 1, 0, 1},
        {290, 600, 800, 2, 0, 1}};
    for (int[] p : products) {
      double[] expected = null;
      float[] expectedFloat = null;
      for (int threads = 1; threads <= 3; threads++) {
        WorkerPool pool = new WorkerPool(threads);
        DoubleGemm doubles = new DoubleGemm(new DoubleVectorKernel.Rows14(), shallow, deep, pool,
            MatrixMultiplyTest.SPLIT_SMALL, MatrixMultiplyTest.SPLIT_SMALL, MatrixMultiplyTest.SPLIT_SMALL);
        FloatGemm floats = new FloatGemm(new FloatVectorKernel.Rows14(), shallow, deep, pool,
            MatrixMultiplyTest.SPLIT_SMALL, MatrixMultiplyTest.SPLIT_SMALL, MatrixMultiplyTest.SPLIT_SMALL);
        assertEquals(p[4] == 1, doubles.slices(p[0], p[2], p[1]) > 1,
            "split over k: " + java.util.Arrays.toString(p));
        assertEquals(p[4] == 2, doubles.slices(p[0], p[2], p[1]) == 1 && doubles.halves(p[0], p[2], p[1]),
            "split in halves of k: " + java.util.Arrays.toString(p));
        assertEquals(p[5] == 1 ? deep : shallow, doubles.blocking(p[0], p[2], p[1]),
            "blocking of " + java.util.Arrays.toString(p));
        double[] a = MatrixMultiplyTest.random(p[0] * p[1], 1);
        double[] b = MatrixMultiplyTest.random(p[1] * p[2], 2);
        double[] c = new double[p[0] * p[2]];
        boolean ta = (p[3] & 1) != 0;
        boolean tb = (p[3] & 2) != 0;
        doubles.gemm(ta, tb, p[0], p[2], p[1], 0.75, a, ta ? p[0] : p[1], b, tb ? p[1] : p[2], 0, c, p[2]);
        float[] cf = new float[c.length];
        floats.gemm(ta, tb, p[0], p[2], p[1], 0.75f, MatrixMultiplyTest.toFloat(a), ta ? p[0] : p[1],
            MatrixMultiplyTest.toFloat(b), tb ? p[1] : p[2], 0, cf, p[2]);
        if (expected == null) {
          expected = c;
          expectedFloat = cf;
          if (p[5] == 1) {
            double[] definition = MatrixMultiplyTest.reference(ta, tb, p[0], p[2], p[1], 0.75, a, b, 0, c);
            for (int i = 0; i < c.length; i++) {
              assertEquals(definition[i], c[i], 1e-12 * p[1], "double C[" + i / p[2] + "][" + i % p[2] + "]");
              assertEquals(definition[i], cf[i], 2e-6 * p[1], "float C[" + i / p[2] + "][" + i % p[2] + "]");
            }
          }
        } else {
          String what = threads + " threads, product " + java.util.Arrays.toString(p);
          assertArrayEquals(expected, c, "double, " + what);
          assertArrayEquals(expectedFloat, cf, "float, " + what);
        }
      }
    }
  }

  @Test
  void aPoolSharedByTwoCallersRunsEveryPartOfEachJobExactlyOnce() throws Exception {
    WorkerPool pool = new WorkerPool(3);
    int parts = 5;
    int jobs = 200;
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      List<Future<AtomicIntegerArray>> runs = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        runs.add(callers.submit(() -> {
          AtomicIntegerArray counts = new AtomicIntegerArray(parts);
          start.await();
          for (int j = 0; j < jobs; j++) {
            pool.invoke(parts, counts::incrementAndGet);
          }
          return counts;
        }));
      }
      for (Future<AtomicIntegerArray> run : runs) {
        AtomicIntegerArray counts = run.get();
        for (int p = 0; p < parts; p++) {
          assertEquals(jobs, counts.get(p), "part " + p + " of each job");
        }
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aFailingPartIsRethrownToItsCallerAndFreesTheWorkers() {
    WorkerPool pool = new WorkerPool(2);
    IllegalStateException thrown = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> pool.invoke(2, part -> {
          if (part == 1) {
            throw new IllegalStateException("part 1 failed");
          }
        }));
    assertEquals("part 1 failed", thrown.getMessage());
    AtomicIntegerArray counts = new AtomicIntegerArray(2);
    pool.invoke(2, counts::incrementAndGet);
    assertTrue(counts.get(0) == 1 && counts.get(1) == 1, "the next job runs both parts: " + counts);
  }

  /**
   * A product large enough to split among polling workers, run alone because the pool's worker had parked, sets it
   * polling, so that the next product as large splits: products in a loop do not stay on one core.
   */
  @Test
  void aProductRunAloneBecauseTheWorkerHadParkedSetsItPolling() throws InterruptedException {
    WorkerPool pool = new WorkerPool(2);
    int m = 128;
    int k = 256;
    int n = 128; // 8.4 MFLOP
    DoubleVectorKernel kernel = new DoubleVectorKernel();
    CpuShape here = CpuShape.here(kernel.nr() / 2 * Double.SIZE);
    DoubleGemm gemm = new DoubleGemm(kernel, here.blocking(Double.BYTES, kernel.mr(), kernel.nr()),
        here.deepBlocking(Double.BYTES, kernel.mr(), kernel.nr()), pool, Long.MAX_VALUE, 2L * m * n * k,
        Long.MAX_VALUE);
    double[] a = MatrixMultiplyTest.random(m * k, 1);
    double[] b = MatrixMultiplyTest.random(k * n, 2);
    double[] c = new double[m * n];
    boolean polled = false;
    // A poll also ends when a yield ran another thread (the compiler's, early in a JVM): tried again until seen.
    for (int attempt = 0; attempt < 20 && !polled; attempt++) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (pool.pollingWorkers() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertEquals(0, pool.pollingWorkers(), "parked");
      gemm.gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
      long until = System.nanoTime() + 100_000_000L;
      while (!polled && System.nanoTime() < until) {
        polled = pool.pollingWorkers() == 1;
      }
    }
    assertTrue(polled, "the worker polls after a product it would have taken part in");
  }
}
