package org.delta4j.engine.ref.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.delta4j.engine.CpuInfo;
import org.delta4j.random.SplitMix64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both micro-kernels — the Vector API one and the portable scalar one — against the definition
 * C[i][j] = α·Σₚ op(A)[i][p]·op(B)[p][j] + β·C[i][j], on shapes that hit every edge: 1 × 1, fewer rows than a tile
 * (the unpacked path), sizes that are not multiples of the tile or the block, every transpose, products large enough
 * to be split over threads by rows, ones whose k exceeds m and n (a Dense layer's X·W) split in halves of k, and ones
 * whose k dwarfs m·n (a convolution's weight gradient) split over k, and ones higher than a block of k and wider than
 * a block of B's columns, whose rows of A are packed once for all those blocks; with every register tile there is a
 * kernel for, and with caches small enough that every block boundary is crossed.
 */
class MatrixMultiplyTest {
  static final MatrixMultiply VECTOR = new MatrixMultiply(true);
  static final MatrixMultiply SCALAR = new MatrixMultiply(false);
  /** 4 KiB, 16 KiB and 64 KiB of cache: the smallest blocks, so that the shapes below cross them all. */
  static final CpuShape TINY_CACHES = new CpuShape(0, 16, 8, 4 << 10, 16 << 10, 64 << 10);
  /** Splits rows or columns from 4 MFLOP, so that the shapes below split as well as running on one core. */
  static final long SPLIT_SMALL = 4_000_000;
  static final MatrixMultiply[] ALL = {VECTOR, SCALAR, new MatrixMultiply(true, 4, TINY_CACHES, SPLIT_SMALL),
      new MatrixMultiply(true, 5, TINY_CACHES, SPLIT_SMALL), new MatrixMultiply(true, 6, TINY_CACHES, SPLIT_SMALL),
      new MatrixMultiply(true, 14, null, SPLIT_SMALL),
      new MatrixMultiply(false, 0, TINY_CACHES, SPLIT_SMALL)};

  @Test
  void theVectorKernelsAreInUseInTheTests() {
    assertTrue(MatrixMultiply.get().vector(), "surefire runs with --add-modules jdk.incubator.vector");
    assertTrue(MatrixMultiply.get().description().startsWith("Vector API gemm"), MatrixMultiply.get().description());
    assertTrue(SCALAR.description().startsWith("scalar gemm"), SCALAR.description());
  }

  /**
   * What decides a product's bits is the kernels and their blocking, which differ between the scalar and vector
   * kernels and between CPUs; the threads only split rows and columns, so they are left out (a resume on a machine of
   * more cores computes the same bits).
   */
  @Test
  void theKernelsThatDecideTheBitsAreNamedWithoutTheThreads() {
    MatrixMultiply m = MatrixMultiply.get();
    assertTrue(m.description().startsWith(m.kernels() + ", ") && m.description().endsWith(" threads"),
        m.description());
    assertFalse(m.kernels().contains("threads"), m.kernels());
    assertNotEquals(SCALAR.kernels(), m.kernels());
    assertTrue(new org.delta4j.engine.ref.RefEngine().numerics().endsWith(m.kernels()));
  }

  @Test
  void aJvmWithoutTheVectorModuleIsWarnedOfTheScalarKernelsNamingTheFlag() {
    String warning = MatrixMultiply.scalarWarning(false, null).orElseThrow();
    assertTrue(warning.contains("--add-modules jdk.incubator.vector"), warning);
    assertTrue(warning.contains("scalar kernels"), warning);
    assertTrue(MatrixMultiply.scalarWarning(false, "false").isEmpty(), "the scalar kernels chosen by the property");
    assertTrue(MatrixMultiply.scalarWarning(false, "FALSE").isEmpty(), "the property read as the kernels read it");
    assertTrue(MatrixMultiply.scalarWarning(false, "true").isPresent(), "the property does not bring the module");
    assertTrue(MatrixMultiply.scalarWarning(true, null).isEmpty(), "the vector kernels in use");
    assertTrue(MatrixMultiply.scalarWarning(true, "false").isEmpty(), "the scalar kernels chosen, the module present");
  }

  static Stream<Arguments> shapes() {
    int[][] sizes = {{1, 1, 1}, {1, 9, 1}, {1, 784, 256}, {2, 33, 70}, {3, 200, 300}, {7, 1, 5}, {6, 32, 32},
        {13, 17, 35}, {97, 300, 33}, {200, 150, 170}, {5, 513, 70}, {128, 784, 40}, {32, 20000, 9},
        {16, 8001, 20}, {64, 300, 701}, {130, 601, 97}, {150, 100, 400}};
    List<Arguments> out = new ArrayList<>();
    for (MatrixMultiply mm : ALL) {
      for (int[] s : sizes) {
        for (int t = 0; t < 4; t++) {
          out.add(Arguments.of(mm.description(), mm, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
        }
      }
    }
    return out.stream();
  }

  static double[] random(int n, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 2 * r.nextDouble() - 1;
    }
    return v;
  }

  /** The definition, in double, one dot product per element. */
  static double[] reference(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, double[] b,
      double beta, double[] c) {
    double[] out = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          sum += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
        }
        out[i * n + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * n + j]);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} m={2} k={3} n={4} transposeA={5} transposeB={6}")
  @MethodSource("shapes")
  void matchesTheDefinition(String kind, MatrixMultiply mm, int m, int k, int n, boolean ta, boolean tb) {
    double[] a = random(m * k, 1);
    double[] b = random(k * n, 2);
    double[] c = random(m * n, 3);
    for (double[] ab : new double[][] {{1, 0}, {-0.5, 1}, {2, 0.25}}) {
      double[] expected = reference(ta, tb, m, n, k, ab[0], a, b, ab[1], c);
      double[] cd = c.clone();
      if (ab[1] == 0) {
        java.util.Arrays.fill(cd, Double.NaN); // β = 0 must ignore C entirely
      }
      mm.dgemm(ta, tb, m, n, k, ab[0], a, ta ? m : k, b, tb ? k : n, ab[1], cd, n);
      float[] af = toFloat(a);
      float[] bf = toFloat(b);
      float[] cf = toFloat(ab[1] == 0 ? cd : c);
      mm.sgemm(ta, tb, m, n, k, (float) ab[0], af, ta ? m : k, bf, tb ? k : n, (float) ab[1], cf, n);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], cd[i], 1e-12 * (k + 1), "double C[" + i / n + "][" + i % n + "]");
        assertEquals(expected[i], cf[i], 2e-6 * (k + 1), "float C[" + i / n + "][" + i % n + "]");
      }
    }
  }

  /**
   * With a bias, C is the product's bits plus the bias, row by row, whichever path the product takes (halves of k,
   * whose sum adds the bias in the same pass, or any other, after which it is added): the same as the product, then
   * the row added.
   */
  @ParameterizedTest(name = "{0} m={2} k={3} n={4} transposeA={5} transposeB={6}")
  @MethodSource("shapes")
  void aBiasIsAddedToTheProductsBits(String kind, MatrixMultiply mm, int m, int k, int n, boolean ta, boolean tb) {
    double[] a = random(m * k, 7);
    double[] b = random(k * n, 8);
    double[] bias = random(n, 9);
    for (double beta : new double[] {0, 1}) {
      double[] c = random(m * n, 10);
      double[] fused = c.clone();
      mm.dgemm(ta, tb, m, n, k, 0.5, a, ta ? m : k, b, tb ? k : n, beta, fused, n, bias);
      mm.dgemm(ta, tb, m, n, k, 0.5, a, ta ? m : k, b, tb ? k : n, beta, c, n);
      float[] af = toFloat(a);
      float[] bf = toFloat(b);
      float[] biasF = toFloat(bias);
      float[] cf = toFloat(random(m * n, 10));
      float[] fusedF = cf.clone();
      mm.sgemm(ta, tb, m, n, k, 0.5f, af, ta ? m : k, bf, tb ? k : n, (float) beta, fusedF, n, biasF);
      mm.sgemm(ta, tb, m, n, k, 0.5f, af, ta ? m : k, bf, tb ? k : n, (float) beta, cf, n);
      for (int i = 0; i < m * n; i++) {
        c[i] += bias[i % n];
        cf[i] += biasF[i % n];
      }
      assertArrayEquals(c, fused, "double, β = " + beta);
      assertArrayEquals(cf, fusedF, "float, β = " + beta);
    }
  }

  /**
   * Where no product is computed (α = 0, or k = 0) C is β·C, then the bias added to every row.
   */
  @Test
  void aBiasIsAddedWhereNoProductIsComputed() {
    double[] a = {Double.NaN, 1, 2, 3};
    double[] b = {4, 5, 6, Double.NaN};
    double[] bias = {0.25, -1};
    double[] before = {1, 2, 3, 4};
    double[] expected = new double[4];
    for (int i = 0; i < 4; i++) {
      expected[i] = 0.5 * before[i] + bias[i % 2]; // β·C + bias, exact in float too
    }
    for (MatrixMultiply mm : ALL) {
      double[] c = before.clone();
      mm.dgemm(false, false, 2, 2, 2, 0, a, 2, b, 2, 0.5, c, 2, bias); // α = 0: A and B not read
      assertArrayEquals(expected, c, mm.description() + ", α = 0");
      float[] cf = toFloat(before);
      mm.sgemm(false, false, 2, 2, 0, 1, new float[0], 0, new float[0], 2, 0.5f, cf, 2, toFloat(bias));
      assertArrayEquals(toFloat(expected), cf, mm.description() + ", k = 0");
    }
  }

  /**
   * A plain B's full panels are read where they lie, unless its rows are a multiple of 4 KiB apart, where they are
   * packed first (the level 1 would hold too few of them): the same B both ways, with rows of n elements and of 4 KiB,
   * gives C the same bits.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void bReadWhereItLiesHasTheBitsOfBPacked(String kind, MatrixMultiply mm) {
    int[][] sizes = {{13, 17, 35}, {97, 300, 33}, {128, 300, 70}, {200, 150, 170}, {130, 601, 97}};
    for (int[] s : sizes) {
      int m = s[0];
      int k = s[1];
      int n = s[2];
      for (boolean ta : new boolean[] {false, true}) {
        double[] a = random(m * k, 11);
        double[] b = random(k * n, 12);
        double[] wide = new double[k * 512]; // rows of 512 doubles, 4 KiB
        float[] wideF = new float[k * 1024]; // rows of 1024 floats
        for (int p = 0; p < k; p++) {
          for (int j = 0; j < n; j++) {
            wide[p * 512 + j] = b[p * n + j];
            wideF[p * 1024 + j] = (float) b[p * n + j];
          }
        }
        double[] inPlace = new double[m * n];
        double[] packed = new double[m * n];
        mm.dgemm(ta, false, m, n, k, 1, a, ta ? m : k, b, n, 0, inPlace, n);
        mm.dgemm(ta, false, m, n, k, 1, a, ta ? m : k, wide, 512, 0, packed, n);
        assertArrayEquals(packed, inPlace, kind + " double " + m + "×" + k + "×" + n + (ta ? " Aᵀ" : ""));
        float[] af = toFloat(a);
        float[] inPlaceF = new float[m * n];
        float[] packedF = new float[m * n];
        mm.sgemm(ta, false, m, n, k, 1, af, ta ? m : k, toFloat(b), n, 0, inPlaceF, n);
        mm.sgemm(ta, false, m, n, k, 1, af, ta ? m : k, wideF, 1024, 0, packedF, n);
        assertArrayEquals(packedF, inPlaceF, kind + " float " + m + "×" + k + "×" + n + (ta ? " Aᵀ" : ""));
      }
    }
  }

  /**
   * A plain A's panels are packed in runs of its rows, where the kernel reads runs ({@code DoubleGemm.runs}), and a
   * transposed A's step by step: the same op(A) stored either way gives C the same bits, whatever the rows left for a
   * last panel (a full one, 5-13 rows, at most 4), the steps left for a last run (k or a block of k not a multiple of
   * the vector's lanes), and the way the product splits (halves of k, rows, columns, along the rows).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kindsWithRuns")
  void aPackedInRunsHasTheBitsOfAPackedStepByStep(String kind, MatrixMultiply mm) {
    int[][] sizes = {{14, 17, 35}, {45, 7, 20}, {97, 300, 33}, {128, 784, 256}, {200, 150, 170}, {130, 601, 97},
        {31, 64, 40}, {600, 300, 1100}};
    for (int[] s : sizes) {
      int m = s[0];
      int k = s[1];
      int n = s[2];
      assertAStoredEitherWayGivesTheSameBits(kind + " " + m + "×" + k + "×" + n, mm, m, k, n,
          random(m * k, 13), false, random(k * n, 14), 1, 0, new double[m * n]);
    }
  }

  /**
   * A product of a transposed A narrower than a tile, which one thread computes as its transpose op(B)ᵀ·A (a
   * classifier's weight gradient Hᵀ·dZ, 10 columns), has the bits of the same product of A stored plain, computed
   * directly: for every α and β, C added to or not, B either way, in one block of k or several, and on one thread or
   * many (600 × 500 × 300, which splits from the pool's threshold).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aNarrowProductOfATransposedAHasTheBitsOfAPlainOne(String kind, MatrixMultiply mm) {
    int[][] sizes = {{128, 128, 10}, {14, 5, 1}, {130, 601, 9}, {45, 300, 20}, {64, 30, 3}, {600, 500, 300}};
    for (int[] s : sizes) {
      int m = s[0];
      int k = s[1];
      int n = s[2];
      double[] a = random(m * k, 15);
      double[] b = random(k * n, 16);
      double[] c = random(m * n, 17);
      for (boolean tb : new boolean[] {false, true}) {
        for (double[] ab : new double[][] {{1, 0}, {1, 1}, {1, 0.25}, {-0.3, 0}, {0.75, 0.25}}) {
          String what = kind + " " + m + "×" + k + "×" + n + (tb ? " Bᵀ" : "") + " α=" + ab[0] + " β=" + ab[1];
          assertAStoredEitherWayGivesTheSameBits(what, mm, m, k, n, a, tb, b, ab[0], ab[1], c);
        }
      }
    }
  }

  /**
   * C ← α·A·op(B) + β·C with the m × k matrix A stored plain and again stored transposed (read as op(A) = Aᵀ of its
   * k × m transpose): the same bits, in double and in float. C itself is left as it was.
   */
  private static void assertAStoredEitherWayGivesTheSameBits(String what, MatrixMultiply mm, int m, int k, int n,
      double[] a, boolean tb, double[] b, double alpha, double beta, double[] c) {
    double[] at = transpose(a, m, k);
    int ldb = tb ? k : n;
    double[] plain = c.clone();
    double[] transposed = c.clone();
    mm.dgemm(false, tb, m, n, k, alpha, a, k, b, ldb, beta, plain, n);
    mm.dgemm(true, tb, m, n, k, alpha, at, m, b, ldb, beta, transposed, n);
    assertArrayEquals(plain, transposed, "double " + what);
    float[] plainF = toFloat(c);
    float[] transposedF = toFloat(c);
    float[] bf = toFloat(b);
    mm.sgemm(false, tb, m, n, k, (float) alpha, toFloat(a), k, bf, ldb, (float) beta, plainF, n);
    mm.sgemm(true, tb, m, n, k, (float) alpha, toFloat(at), m, bf, ldb, (float) beta, transposedF, n);
    assertArrayEquals(plainF, transposedF, "float " + what);
  }

  /** The k × m transpose of the m × k row-major matrix a. */
  static double[] transpose(double[] a, int m, int k) {
    double[] at = new double[k * m];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        at[p * m + i] = a[i * k + p];
      }
    }
    return at;
  }

  /** Every kind, and the 14-row kernel, which reads runs (float, 16 lanes), in blocks that end runs short. */
  static Stream<Arguments> kindsWithRuns() {
    return Stream.concat(kinds(), Stream.of(new MatrixMultiply(true, 14, TINY_CACHES, SPLIT_SMALL))
        .map(mm -> Arguments.of(mm.description(), mm)));
  }

  static Stream<Arguments> kinds() {
    return java.util.Arrays.stream(ALL).map(mm -> Arguments.of(mm.description(), mm));
  }

  /**
   * A result below the smallest normal number is stored as 0, as the CPU's flush-to-zero mode would, on every path a
   * product takes (tiles, rows, halves and slices of k, C scaled by β alone): A and B of positive normal numbers whose
   * products, summed over any k of the shapes, stay below 2⁻¹²⁶ in float and 2⁻¹⁰²² in double.
   */
  @ParameterizedTest(name = "{0} m={2} k={3} n={4} transposeA={5} transposeB={6}")
  @MethodSource("shapes")
  void subnormalResultsAreStoredAsZero(String kind, MatrixMultiply mm, int m, int k, int n, boolean ta,
      boolean tb) {
    double[] a = random(m * k, 1);
    double[] b = random(k * n, 2);
    float[] af = new float[a.length];
    float[] bf = new float[b.length];
    for (int i = 0; i < a.length; i++) {
      af[i] = (float) Math.scalb(1 + Math.abs(a[i]), -72); // products below 2⁻¹⁴², sums of 20,001 below 2⁻¹²⁷
      a[i] = Math.scalb(1 + Math.abs(a[i]), -520); //         products below 2⁻¹⁰³⁸
    }
    for (int i = 0; i < b.length; i++) {
      bf[i] = (float) Math.scalb(1 + Math.abs(b[i]), -72);
      b[i] = Math.scalb(1 + Math.abs(b[i]), -520);
    }
    for (double beta : new double[] {0, 1}) {
      double[] c = new double[m * n];
      float[] cf = new float[m * n];
      mm.dgemm(ta, tb, m, n, k, 1, a, ta ? m : k, b, tb ? k : n, beta, c, n);
      mm.sgemm(ta, tb, m, n, k, 1, af, ta ? m : k, bf, tb ? k : n, (float) beta, cf, n);
      for (int i = 0; i < c.length; i++) {
        assertEquals(0, c[i], "double C[" + i / n + "][" + i % n + "], β = " + beta);
        assertEquals(0, cf[i], "float C[" + i / n + "][" + i % n + "], β = " + beta);
      }
    }
    double[] c = new double[m * n];
    float[] cf = new float[m * n];
    java.util.Arrays.fill(c, Math.scalb(1.0, -1020));
    java.util.Arrays.fill(cf, Math.scalb(1f, -124));
    mm.dgemm(ta, tb, m, n, k, 0, a, ta ? m : k, b, tb ? k : n, 0x1p-4, c, n); // C ← β·C, below 2⁻¹⁰²²
    mm.sgemm(ta, tb, m, n, k, 0, af, ta ? m : k, bf, tb ? k : n, 0x1p-4f, cf, n);
    for (int i = 0; i < c.length; i++) {
      assertEquals(0, c[i], "double β·C[" + i / n + "][" + i % n + "]");
      assertEquals(0, cf[i], "float β·C[" + i / n + "][" + i % n + "]");
    }
  }

  /**
   * One sample's row, taken in blocks of sixteen vectors by the 14-row kernel (for thirty-two registers), has the bits
   * of the base kernel's blocks of eight and one: each column is the same fused multiply-adds in the same order.
   */
  @Test
  void aRowInWideBlocksHasTheBitsOfNarrowOnes() {
    int k = 301;
    for (int n : new int[] {1, 37, 128, 256, 300, 529}) {
      double[] a = random(k, 4);
      double[] b = random(k * n, 5);
      double[] c = random(n, 6);
      double[] narrow = c.clone();
      double[] wide = c.clone();
      new DoubleVectorKernel().row(n, k, 0.75, a, 0, b, n, narrow, 0);
      new DoubleVectorKernel.Rows14().row(n, k, 0.75, a, 0, b, n, wide, 0);
      float[] af = toFloat(a);
      float[] bf = toFloat(b);
      float[] narrowF = toFloat(c);
      float[] wideF = toFloat(c);
      new FloatVectorKernel().row(n, k, 0.75f, af, 0, bf, n, narrowF, 0);
      new FloatVectorKernel.Rows14().row(n, k, 0.75f, af, 0, bf, n, wideF, 0);
      for (int j = 0; j < n; j++) {
        assertEquals(Double.doubleToLongBits(narrow[j]), Double.doubleToLongBits(wide[j]), "double, n=" + n + ", " + j);
        assertEquals(Float.floatToIntBits(narrowF[j]), Float.floatToIntBits(wideF[j]), "float, n=" + n + ", " + j);
      }
    }
  }

  /** Each element rounded to float. */
  static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Test
  void theTileAndBlockingFollowTheCpu() {
    // AVX2: sixteen registers, 4 × 2 vectors where the FMA takes four cycles (8 accumulators fill two pipes; with 2
    // of B and a broadcast, 11 registers), 5 × 2 where it takes five (10 chains, 13 registers); 6 × 2 would fit, but
    // measured slower. AVX-512: 32 registers, 14 × 2 (28 + 3), whatever the latency.
    assertEquals(4, new CpuShape(256, 16, 8, 32 << 10, 512 << 10, 32 << 20).tileRows());
    assertEquals(5, new CpuShape(256, 16, 10, 32 << 10, 512 << 10, 32 << 20).tileRows());
    assertEquals(14, new CpuShape(512, 32, 8, 48 << 10, 2 << 20, 32 << 20).tileRows());
    assertEquals(14, new CpuShape(512, 32, 10, 48 << 10, 2 << 20, 32 << 20).tileRows());
    // Eight registers hold no tile's accumulators and operands: the narrowest there is a kernel for
    assertEquals(4, new CpuShape(128, 8, 10, 32 << 10, 512 << 10, 32 << 20).tileRows());
    // More chains than 5 rows give: the most rows sixteen registers hold, 6 (12 accumulators + 3)
    assertEquals(6, new CpuShape(256, 16, 16, 32 << 10, 512 << 10, 32 << 20).tileRows());
    // delta4j.ref.tileRows names any tile there is a kernel for, whatever the registers; anything else is refused
    CpuShape avx512 = new CpuShape(512, 32, 8, 48 << 10, 2 << 20, 32 << 20);
    assertEquals(14, avx512.tileRows(null));
    assertEquals(6, avx512.tileRows(" 6 "));
    assertEquals(5, avx512.tileRows("5"));
    assertEquals(14, new CpuShape(256, 16, 8, 32 << 10, 512 << 10, 32 << 20).tileRows("14"));
    for (String bad : new String[] {"7", "six", ""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> avx512.tileRows(bad));
      assertEquals(
          "delta4j.ref.tileRows=" + bad + ": the rows must be one of [4, 5, 6, 14], the tiles there are kernels for",
          e.getMessage());
    }
    assertEquals(16, CpuShape.registers("amd64", 256));
    assertEquals(32, CpuShape.registers("amd64", 512));
    assertEquals(32, CpuShape.registers("aarch64", 128));
    // The rows of A packed at once along the rows (mcL3) are 4 MiB at kc = 256 wherever a quarter of the last level
    // is larger: 4,096 floats or 2,048 doubles, rounded down to whole tiles.
    // Zen 3, float 4 × 16: a 512 × 16 panel of B would fill 32 KiB, and kc stops at 256; 256 rows of A × 256 fill
    // half of 512 KiB, and so do 256 × 256 columns of B. With the 6-row tile, A's rows are whole tiles: 252.
    CpuShape zen3 = new CpuShape(256, 16, 8, 32 << 10, 512 << 10, 32 << 20);
    assertEquals(new CpuShape.Blocking(256, 256, 256, 4096), zen3.blocking(Float.BYTES, 4, 16));
    assertEquals(new CpuShape.Blocking(256, 252, 256, 4092), zen3.blocking(Float.BYTES, 6, 16));
    // Zen 2, double 5 × 8: 128 rows of A × 256 doubles fill half of 512 KiB, 125 in whole tiles; float 5 × 16, 255.
    // Along the rows, 4 MiB (a quarter of 16 MiB) of A: 2,048 rows of 256 doubles, 2,045 in whole tiles; 4,095 floats.
    CpuShape zen2 = new CpuShape(256, 16, 10, 32 << 10, 512 << 10, 16 << 20);
    assertEquals(new CpuShape.Blocking(256, 125, 128, 2045), zen2.blocking(Double.BYTES, 5, 8));
    assertEquals(new CpuShape.Blocking(256, 255, 256, 4095), zen2.blocking(Float.BYTES, 5, 16));
    // Zen 4, float 14 × 32 and double 14 × 16: a 256 × 32 panel of floats (× 16 of doubles) fills 32 KiB; half of
    // 1 MiB of L2 holds 512 rows of A × 256 floats, capped at 476 (whole tiles under 480), or 252 × 256 doubles; and
    // 256 × 512 floats (256 doubles) of B.
    CpuShape zen4 = new CpuShape(512, 32, 8, 32 << 10, 1 << 20, 32 << 20);
    assertEquals(new CpuShape.Blocking(256, 476, 512, 4088), zen4.blocking(Float.BYTES, 14, 32));
    assertEquals(new CpuShape.Blocking(256, 252, 256, 2044), zen4.blocking(Double.BYTES, 14, 16));
    // Sapphire Rapids, float 8 × 32 and double 8 × 16: 48 KiB of L1 would take 384 steps, kc stops at 256; 2 MiB of
    // L2 → mc capped at 480, and 256 × 1024 floats (512 doubles) of B are half of it.
    CpuShape spr = new CpuShape(512, 32, 8, 48 << 10, 2 << 20, 105 << 20);
    assertEquals(new CpuShape.Blocking(256, 480, 1024, 4096), spr.blocking(Float.BYTES, 8, 32));
    assertEquals(new CpuShape.Blocking(256, 480, 512, 2048), spr.blocking(Double.BYTES, 8, 16));
    // The deep blocks, for products whose C is at least kc × kc: where a panel of B fills the level 1 in more than 256
    // steps, up to 512. Zen 3 and Zen 2 (32 KiB, AVX2): 512 × 16 floats or × 8 doubles; half of 512 KiB of L2 then
    // holds 128 rows of A or columns of B in float (125 rows in whole 5-row tiles), 64 in double (60 rows); and 4 MiB
    // of A packed at once, 2,048 rows of float and 1,024 of double, rounded down to whole tiles.
    assertEquals(new CpuShape.Blocking(512, 128, 128, 2048), zen3.deepBlocking(Float.BYTES, 4, 16));
    assertEquals(new CpuShape.Blocking(512, 125, 128, 2045), zen2.deepBlocking(Float.BYTES, 5, 16));
    assertEquals(new CpuShape.Blocking(512, 60, 64, 1020), zen2.deepBlocking(Double.BYTES, 5, 8));
    // Zen 4's panels of B fill its level 1 in 256 steps, and A's allow no deeper (60 % of 32 KiB holds 351 steps of a
    // 14-row float panel, a power of two 256): the deep blocks are the others.
    assertEquals(zen4.blocking(Float.BYTES, 14, 32), zen4.deepBlocking(Float.BYTES, 14, 32));
    assertEquals(zen4.blocking(Double.BYTES, 14, 16), zen4.deepBlocking(Double.BYTES, 14, 16));
    // Sapphire Rapids' 48 KiB take 384 steps of B's panel. In double (8 × 16) that stays, A's panel allowing 256 (460
    // steps in 60 % of 48 KiB): mc 336 (whole tiles of the 341 doubles half of 2 MiB holds), nc 336, and 4 MiB of A,
    // 1,365 rows (1,360 in whole 8-row tiles). In float A's 8-row panel allows 512 (921 steps): mc capped at 480, nc
    // 512 floats, 2,048 rows of A.
    assertEquals(new CpuShape.Blocking(512, 480, 512, 2048), spr.deepBlocking(Float.BYTES, 8, 32));
    assertEquals(new CpuShape.Blocking(384, 336, 336, 1360), spr.deepBlocking(Double.BYTES, 8, 16));
    // With 14-row tiles as this engine takes them on AVX-512: a float panel of A takes 28 KiB at 512 steps (58 % of 48
    // KiB), mc 476 in whole tiles, 2,044 rows of A; a double panel would take 56 KiB, so B's 384 steps stay.
    assertEquals(new CpuShape.Blocking(512, 476, 512, 2044), spr.deepBlocking(Float.BYTES, 14, 32));
    assertEquals(new CpuShape.Blocking(384, 336, 336, 1358), spr.deepBlocking(Double.BYTES, 14, 16));
    // A level 1 of 16 KiB: a 128 × 32 panel of floats fills it.
    assertEquals(128, new CpuShape(512, 32, 8, 16 << 10, 1 << 20, 32 << 20).blocking(Float.BYTES, 14, 32).kc());
    // A last level smaller than the level 2 would hold bounds the block of B instead: a quarter of 1 MiB.
    CpuShape small = new CpuShape(512, 32, 8, 48 << 10, 2 << 20, 1 << 20);
    assertEquals(256, small.blocking(Float.BYTES, 8, 32).nc());
    // and the rows of A packed at once: a quarter of 1 MiB is 256 rows × 256 floats, fewer than mc's 480, which stays.
    assertEquals(480, small.blocking(Float.BYTES, 8, 32).mcL3());
    assertEquals(48L << 10, CpuShape.parseSize("48K\n"));
    assertEquals(32L << 20, CpuShape.parseSize("32M"));
    assertTrue(VECTOR.description().contains("-bit vectors"), VECTOR.description());
    assertTrue(VECTOR.description().contains(" FMA chains"), VECTOR.description());
  }

  @Test
  void theFmaChainsFollowTheMicroarchitecture() {
    // Two pipes of five cycles: AMD's family 17h (Zen 2: family 23, model 49), Haswell (3C) and Broadwell (4F)
    assertEquals(10, CpuShape.fmaChains(cpu("AuthenticAMD", 23, 49)));
    assertEquals(10, CpuShape.fmaChains(cpu("AuthenticAMD", 23, 1)));
    assertEquals(10, CpuShape.fmaChains(cpu("GenuineIntel", 6, 0x3C)));
    assertEquals(10, CpuShape.fmaChains(cpu("GenuineIntel", 6, 0x4F)));
    // Two pipes of four cycles: Zen 3 and 4 (family 19h), Skylake-X (55), Sapphire Rapids (8F)
    assertEquals(8, CpuShape.fmaChains(cpu("AuthenticAMD", 25, 1)));
    assertEquals(8, CpuShape.fmaChains(cpu("AuthenticAMD", 25, 17)));
    assertEquals(8, CpuShape.fmaChains(cpu("GenuineIntel", 6, 0x55)));
    assertEquals(8, CpuShape.fmaChains(cpu("GenuineIntel", 6, 0x8F)));
    // Nothing readable, or a vendor not known: the common four cycles
    assertEquals(8, CpuShape.fmaChains(CpuInfo.parse("")));
    assertEquals(8, CpuShape.fmaChains(CpuInfo.parse("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: x\n")));
    assertEquals(8, CpuShape.fmaChains(cpu("CentaurHauls", 6, 0x3C)));
  }

  private static CpuInfo cpu(String vendor, int family, int model) {
    return new CpuInfo(
        Map.of("vendor_id", vendor, "cpu family", String.valueOf(family), "model", String.valueOf(model)));
  }

  @Test
  void rowStridesWiderThanTheMatrixAreHonoured() {
    // A is the left 3 columns of a 2 × 5 array, B the top-left 3 × 2 of a 3 × 4 array, C the left 2 columns of 2 × 3.
    double[] a = {1, 2, 3, 99, 99, 4, 5, 6, 99, 99};
    double[] b = {1, 0, 99, 99, 0, 1, 99, 99, 1, 1, 99, 99};
    double[] c = {0, 0, 7, 0, 0, 7};
    VECTOR.dgemm(false, false, 2, 2, 3, 1, a, 5, b, 4, 0, c, 3);
    assertEquals(List.of(4.0, 5.0, 7.0, 10.0, 11.0, 7.0), java.util.Arrays.stream(c).boxed().toList());
  }
}
