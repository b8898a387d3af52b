package org.delta4j.engine.ref.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packing of a gemm's panels against its definition, element by element: a panel w wide takes count columns
 * (or rows) of the source over kc steps, in the panel's order p·w + x, zeros past count, and leaves the rest of the
 * buffer as it was; over counts and step counts that are not multiples of the tile ({@link DoubleGemm#PACK_STEPS}),
 * rows wider than the matrix, and offsets into the middle of both arrays. The products that use these panels are
 * held to the definition of C in {@link MatrixMultiplyTest}.
 */
class PackingTest {
  @ParameterizedTest(name = "count={0} kc={1} w={2} ld={3}")
  @CsvSource({"1,1,1,1", "8,16,8,16", "8,17,8,40", "5,33,8,33", "32,192,32,1024", "31,15,32,15", "3,1,16,7",
      "16,47,16,1027", "1,100,4,100"})
  void aPanelAcrossTheRowsIsTheirTranspose(int count, int kc, int w, int ld) {
    packs(true, count, kc, w, ld);
  }

  @ParameterizedTest(name = "count={0} kc={1} w={2} ld={3}")
  @CsvSource({"1,1,1,1", "8,16,8,8", "5,17,8,9", "32,192,32,1024", "31,15,32,40", "1,3,16,1"})
  void aPanelAlongTheRowsIsTheirCopy(int count, int kc, int w, int ld) {
    packs(false, count, kc, w, ld);
  }

  /** Every micro-kernel, double and float, and the portable one. */
  static Stream<Named<Object>> kernels() {
    return Stream.of(new DoubleVectorKernel(), new DoubleVectorKernel.Rows5(), new DoubleVectorKernel.Rows6(),
        new DoubleVectorKernel.Rows14(), new FloatVectorKernel(), new FloatVectorKernel.Rows5(),
        new FloatVectorKernel.Rows6(), new FloatVectorKernel.Rows14(), new DoubleGemm.Scalar())
        .map(k -> Named.of(k.getClass().getName().substring(k.getClass().getPackageName().length() + 1), k));
  }

  /** A kernel's tile, MR × NR (NR = 2L), double or float. */
  private static int[] tile(Object k) {
    return k instanceof FloatGemm.MicroKernel f ? new int[] {f.mr(), f.nr()}
        : new int[] {((DoubleGemm.MicroKernel) k).mr(), ((DoubleGemm.MicroKernel) k).nr()};
  }

  /**
   * Every micro-kernel's own packing along the rows is the same panel: steps of whole vectors, of vectors overlapping
   * where L does not divide w, and of fewer elements than a vector, with and without zeros to pad. The widths are
   * taken from the kernel's tile (L = NR / 2, and MR), so that each case is met on any CPU.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  void everyKernelPacksAlongTheRowsAsTheDefinition(Object k) {
    int[] tile = tile(k); // MR, 2L
    int lanes = tile[1] / 2;
    int rows = tile[0];
    int[][] cases = { // count, w
        {2 * lanes, 2 * lanes}, {rows, rows}, {lanes + 1, lanes + 1}, {3 * lanes - 1, 3 * lanes - 1}, {lanes, lanes},
        {lanes - 1, lanes - 1}, {1, 1}, {2 * lanes - 3, 2 * lanes}, {rows - 1, rows}, {lanes, lanes + 2}};
    for (int[] c : cases) {
      for (int kc : new int[] {1, 7, 33}) {
        packs(false, c[0], kc, c[1], c[0] + 3, k);
      }
    }
  }

  /**
   * A step narrower than a vector, copied a vector at a time that spills into the steps after it, reads nothing past
   * the source and writes nothing past the panel: here both arrays end where the panel's elements do, so a vector too
   * many would throw. Rows from as wide as the step to a few elements wider, 1 to 40 steps.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  void aNarrowStepStaysInsideTheSourceAndThePanel(Object k) {
    int[] tile = tile(k); // MR, 2L
    for (int w : new int[] {1, 2, 3, tile[0], tile[1] / 2 - 1, tile[1] / 2}) {
      for (int ld = w; ld <= w + 3; ld++) {
        for (int kc : new int[] {1, 2, 3, 7, 40}) {
          int n = (kc - 1) * ld + w;
          String where = k.getClass().getSimpleName() + " w=" + w + " ld=" + ld + " kc=" + kc;
          double[] src = new double[n];
          for (int i = 0; i < n; i++) {
            src[i] = i + 1;
          }
          double[] out = new double[kc * w];
          packAlong(k, src, 0, ld, w, kc, w, out, 0);
          for (int p = 0; p < kc; p++) {
            for (int x = 0; x < w; x++) {
              assertEquals(src[p * ld + x], out[p * w + x], where + " at step " + p + ", element " + x);
            }
          }
        }
      }
    }
  }

  private static void packs(boolean across, int count, int kc, int w, int ld) {
    packs(across, count, kc, w, ld, null);
  }

  /**
   * Packs a panel from 3 elements into a source whose every element says where it is, to 5 elements into a buffer
   * full of a value no panel holds, and compares it with out[5 + p·w + x] = src[3 + x·ld + p] ({@code across}) or
   * src[3 + p·ld + x] for x &lt; count, 0 up to w, the rest untouched: {@link DoubleGemm}'s packing, or
   * {@code kernel}'s own along the rows (double or float, see {@link #packAlong}).
   */
  private static void packs(boolean across, int count, int kc, int w, int ld, Object kernel) {
    int s = 3;
    int o = 5;
    double[] src = new double[s + (across ? (count - 1) * ld + kc : (kc - 1) * ld + count) + 2];
    for (int i = 0; i < src.length; i++) {
      src[i] = i + 1;
    }
    double[] out = new double[o + kc * w + 4];
    java.util.Arrays.fill(out, -1);
    double[] expected = out.clone();
    for (int p = 0; p < kc; p++) {
      for (int x = 0; x < w; x++) {
        expected[o + p * w + x] = x < count ? src[s + (across ? x * ld + p : p * ld + x)] : 0;
      }
    }
    if (across) {
      DoubleGemm.packAcross(src, s, ld, count, kc, w, out, o);
    } else if (kernel == null) {
      DoubleGemm.packAlong(src, s, ld, count, kc, w, out, o);
    } else {
      packAlong(kernel, src, s, ld, count, kc, w, out, o);
    }
    assertArrayEquals(expected, out, kernel == null ? "count=" + count + " w=" + w + " kc=" + kc
        : kernel.getClass().getSimpleName() + " count=" + count + " w=" + w + " kc=" + kc);
  }

  /**
   * {@code kernel}'s own packing along the rows: a double kernel's on the arrays, a float kernel's on their elements
   * as floats (the tests' elements are small integers, exact in both), its panel read back into {@code out}.
   */
  private static void packAlong(Object kernel, double[] src, int s, int ld, int count, int kc, int w, double[] out,
      int o) {
    if (kernel instanceof DoubleGemm.MicroKernel d) {
      d.packAlong(src, s, ld, count, kc, w, out, o);
      return;
    }
    float[] outFloats = MatrixMultiplyTest.toFloat(out);
    ((FloatGemm.MicroKernel) kernel).packAlong(MatrixMultiplyTest.toFloat(src), s, ld, count, kc, w, outFloats, o);
    for (int i = 0; i < out.length; i++) {
      out[i] = outFloats[i];
    }
  }

  /**
   * Every transpose with rows wider than the matrices (the gemm of a block of a larger array), on the smallest caches'
   * blocking so that the panels are cut at every block edge: the packed operands' strides reach the product.
   */
  @ParameterizedTest(name = "m={0} k={1} n={2}")
  @CsvSource({"9,37,21", "64,47,33", "17,100,70"})
  void stridesWiderThanTheMatrixReachThePackedProduct(int m, int k, int n) {
    MatrixMultiply mm = new MatrixMultiply(true, 0, MatrixMultiplyTest.TINY_CACHES); // this CPU's tile
    int pad = 13;
    for (int t = 0; t < 4; t++) {
      boolean ta = (t & 1) != 0;
      boolean tb = (t & 2) != 0;
      int lda = (ta ? m : k) + pad;
      int ldb = (tb ? k : n) + pad;
      int ldc = n + pad;
      double[] a = MatrixMultiplyTest.random((ta ? k : m) * lda, 1);
      double[] b = MatrixMultiplyTest.random((tb ? n : k) * ldb, 2);
      double[] c = MatrixMultiplyTest.random(m * ldc, 3);
      double[] expected = c.clone();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          for (int p = 0; p < k; p++) {
            sum += (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
          }
          expected[i * ldc + j] = 0.5 * sum + 2 * c[i * ldc + j];
        }
      }
      mm.dgemm(ta, tb, m, n, k, 0.5, a, lda, b, ldb, 2, c, ldc);
      for (int i = 0; i < c.length; i++) {
        assertEquals(expected[i], c[i], 1e-12 * k, "ta=" + ta + " tb=" + tb + " C at " + i);
      }
    }
  }
}
