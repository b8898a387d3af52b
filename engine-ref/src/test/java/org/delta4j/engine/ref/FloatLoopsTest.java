package org.delta4j.engine.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.delta4j.random.SplitMix64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API float loops against the plain ones, over lengths around the vector width and ranges that start
 * inside an array: element-wise loops give the same bits (NaN, −0 and infinities included), sums agree to double
 * rounding.
 */
class FloatLoopsTest {
  private static final FloatLoops PLAIN = new FloatLoops();
  private static final FloatLoops VECTOR = new VectorFloatLoops();

  private static float[] values(int n, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    float[] special = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextDouble() < 0.1 ? special[(int) (r.nextDouble() * special.length)]
          : (float) (4 * r.nextDouble() - 2);
    }
    return v;
  }

  private static float[] finite(int n, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (4 * r.nextDouble() - 1);
    }
    return v;
  }

  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {1, 7, 8, 15, 16, 17, 33, 100, 785, 1023, 1024, 1025, 4099}) // short and long (vector) axpys
  void elementWiseLoopsGiveThePlainLoopsBits(int n) {
    float[] x = values(n + 3, 1);
    // ReLU has no vector form (see VectorFloatLoops), so only the loops that do are compared
    for (int[] range : new int[][] {{0, n}, {3, n + 3}}) {
      float[] expected = values(n + 3, 9);
      float[] actual = expected.clone();
      PLAIN.axpy(0.75f, x, expected, range[0], range[1]);
      VECTOR.axpy(0.75f, x, actual, range[0], range[1]);
      assertArrayEquals(expected, actual);
      PLAIN.affine(x, -1.5f, 0.25f, expected, range[0], range[1]);
      VECTOR.affine(x, -1.5f, 0.25f, actual, range[0], range[1]);
      assertArrayEquals(expected, actual);
      PLAIN.centredAffine(x, 0.75f, -1.5f, 0.25f, expected, range[0], range[1]);
      VECTOR.centredAffine(x, 0.75f, -1.5f, 0.25f, actual, range[0], range[1]);
      assertArrayEquals(expected, actual);
      float[] z = values(n + 3, 10); // NaN, ±0 and ±∞ among them: the gate open at NaN and +∞
      for (boolean gated : new boolean[] {false, true}) {
        PLAIN.combine(x, 0.5f, z, 0.375f, -1.25f, 0.125f, gated, -0.5f, 1.5f, -0.25f, expected, range[0], range[1]);
        VECTOR.combine(x, 0.5f, z, 0.375f, -1.25f, 0.125f, gated, -0.5f, 1.5f, -0.25f, actual, range[0], range[1]);
        assertArrayEquals(expected, actual);
        int size = range[1] - range[0];
        float[] plainTerms = new float[2 * size];
        float[] vectorTerms = new float[2 * size];
        PLAIN.centredTerms(x, 0.5f, z, -0.75f, gated, -0.5f, 1.5f, -0.25f, plainTerms, size, range[0], range[0],
            range[1]);
        VECTOR.centredTerms(x, 0.5f, z, -0.75f, gated, -0.5f, 1.5f, -0.25f, vectorTerms, size, range[0], range[0],
            range[1]);
        assertArrayEquals(plainTerms, vectorTerms);
      }
    }
  }

  /**
   * A column's sum is its rows' terms added in order in float, in vectors of columns or one column at a time: the same
   * bits, over any range of columns however wide, leaving the others. Once with finite terms only, so that every
   * column's sum shows the order of its additions, once with NaN, ±0, ±∞ and subnormal terms among them.
   */
  @ParameterizedTest(name = "{0} columns")
  @ValueSource(ints = {1, 10, 15, 16, 17, 63, 64, 65, 128, 200, 256})
  void columnSumsGiveThePlainLoopsBits(int n) {
    int rows = 37;
    assertColumnSumsGiveThePlainLoopsBits(finite(rows * n, 20), finite(n, 22), rows, n);
    assertColumnSumsGiveThePlainLoopsBits(values(rows * n, 21), values(n, 22), rows, n);
  }

  /** Columns summed into {@code start}'s values, over three ranges. */
  private static void assertColumnSumsGiveThePlainLoopsBits(float[] x, float[] start, int rows, int n) {
    for (int[] range : new int[][] {{0, n}, {n / 3, n}, {0, n / 2}}) {
      float[] expected = start.clone();
      float[] actual = expected.clone();
      float[] untouched = expected.clone();
      PLAIN.columnSums(x, rows, n, expected, range[0], range[1]);
      VECTOR.columnSums(x, rows, n, actual, range[0], range[1]);
      assertArrayEquals(expected, actual, "columns " + range[0] + "-" + range[1] + " of " + n);
      for (int j = 0; j < n; j++) {
        float sum = untouched[j];
        for (int i = 0; j >= range[0] && j < range[1] && i < rows; i++) {
          sum += x[i * n + j];
        }
        assertEquals(sum, expected[j], "column " + j + " of " + n + ", range " + range[0] + "-" + range[1]);
      }
    }
  }

  @ParameterizedTest(name = "{0} values a row")
  @ValueSource(ints = {1, 7, 8, 15, 16, 17, 33, 100, 785})
  void channelSumsAgreeWithThePlainLoops(int size) {
    int n = 3;
    int channels = 2;
    float[] a = finite(n * channels * size, 3);
    float[] b = finite(n * channels * size, 4);
    for (float[] second : new float[][] {null, b}) {
      double[] expected = new double[channels];
      double[] actual = new double[channels];
      PLAIN.channelSums(a, second, expected, n, channels, size, 0, channels);
      VECTOR.channelSums(a, second, actual, n, channels, size, 0, channels);
      assertArrayEquals(expected, actual, 1e-13 * n * size);
    }
  }

  @ParameterizedTest(name = "{0} channels")
  @ValueSource(ints = {1, 3, 32})
  void channelLoopsCoverTheirRangesAndNoMore(int channels) {
    int n = 3;
    int size = 17;
    float[] a = finite(n * channels * size, 5);
    float[] b = finite(n * channels * size, 6);
    float[] scale = finite(channels, 7);
    float[] shift = finite(channels, 8);
    float[] whole = new float[a.length];
    float[] halves = new float[a.length];
    int rows = n * channels;
    VECTOR.channelAffine(a, null, scale, shift, whole, false, channels, size, 0, rows);
    VECTOR.channelAffine(a, null, scale, shift, halves, false, channels, size, 0, rows / 2);
    VECTOR.channelAffine(a, null, scale, shift, halves, false, channels, size, rows / 2, rows);
    assertArrayEquals(whole, halves);
    for (int s = 0; s < n; s++) {
      for (int c = 0; c < channels; c++) {
        int i = (s * channels + c) * size + 5;
        assertEquals(scale[c] * a[i] + shift[c], whole[i]);
      }
    }
    double[] sums = new double[channels];
    double[] split = new double[channels];
    VECTOR.channelSums(a, b, sums, n, channels, size, 0, channels);
    VECTOR.channelSums(a, b, split, n, channels, size, 0, channels / 2);
    VECTOR.channelSums(a, b, split, n, channels, size, channels / 2, channels);
    assertArrayEquals(sums, split); // a channel's sum does not depend on how the channels were split
    double[] moments = new double[2 * channels];
    double[] splitMoments = new double[2 * channels];
    VECTOR.channelSumsAndProducts(a, scale, b, shift, null, scale, shift, moments, n, channels, size, 0, channels);
    VECTOR.channelSumsAndProducts(a, scale, b, shift, null, scale, shift, splitMoments, n, channels, size, 0,
        channels / 2);
    VECTOR.channelSumsAndProducts(a, scale, b, shift, null, scale, shift, splitMoments, n, channels, size,
        channels / 2, channels);
    assertArrayEquals(moments, splitMoments);
    for (int c = 0; c < channels; c++) {
      double expected = 0;
      for (int s = 0; s < n; s++) {
        for (int t = 0; t < size; t++) {
          int i = (s * channels + c) * size + t;
          expected += (double) a[i] * b[i];
        }
      }
      assertEquals(expected, sums[c], 1e-12);
    }
  }

  /** In both forms: the vector loop's lanes (the first among them) and its plain tail. */
  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {1, 3, 4, 5, 16, 17, 100, 1025})
  void reluBackwardPassesTheGradientExactlyWhereTheInputIsNotAtMostZero(int n) {
    float[] special = {Float.NaN, Float.intBitsToFloat(0xffc00000), -0f, 0f, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};
    float[] x = values(n, 11);
    float[] dy = values(n, 12);
    for (float first : special) {
      x[0] = first;
      for (float gradient : new float[] {-0f, Float.NaN, 2.5f}) {
        dy[0] = gradient;
        for (FloatLoops loops : new FloatLoops[] {PLAIN, VECTOR}) {
          float[] dx = new float[n + 2];
          loops.reluBackward(x, dy, dx, 0, n);
          for (int i = 0; i < n; i++) {
            float expected = x[i] <= 0 ? 0f : dy[i]; // PyTorch's threshold_backward: dy at NaN too
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dx[i]), "x = " + x[i]);
          }
          assertEquals(0f, dx[n]); // nothing past the range
        }
      }
    }
  }

  /**
   * A range that starts inside the arrays, as each core's share of a batch does, over several of the vector loop's
   * calls: the plain loop's bits within it, nothing written outside it.
   */
  @ParameterizedTest(name = "elements {0} to {1}")
  @CsvSource({"1, 2", "3, 40", "17, 300", "255, 1030", "600, 601", "5, 5"})
  void reluBackwardOverARangeWritesThatRangeOnly(int from, int to) {
    float[] x = values(to + 9, 15);
    float[] dy = values(to + 9, 16);
    float[] expected = values(to + 9, 17);
    float[] actual = expected.clone();
    float[] before = expected.clone();
    PLAIN.reluBackward(x, dy, expected, from, to);
    VECTOR.reluBackward(x, dy, actual, from, to);
    for (int i = 0; i < actual.length; i++) {
      int want = Float.floatToRawIntBits(i < from || i >= to ? before[i] : expected[i]);
      assertEquals(want, Float.floatToRawIntBits(actual[i]), "element " + i);
    }
  }

  @ParameterizedTest(name = "{0} values")
  @ValueSource(ints = {1, 3, 4, 5, 8, 9, 785})
  void sumsKeepFourChainsInAFixedOrderThatTheOnePassLoopsShare(int size) {
    float[] a = finite(2 * size, 13);
    float[] b = finite(2 * size, 14);
    double[] lanes = new double[FloatLoops.LANES];
    double[] products = new double[FloatLoops.LANES];
    int whole = size / FloatLoops.LANES * FloatLoops.LANES;
    for (int i = 0; i < size; i++) { // partial i mod 4, the tail after the last group of four into partial 0
      int lane = i < whole ? i % FloatLoops.LANES : 0;
      lanes[lane] += a[size + i];
      products[lane] += (double) a[size + i] * b[size + i];
    }
    assertEquals((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]), PLAIN.sum(a, size, 2 * size));
    double expectedProducts = (products[0] + products[1]) + (products[2] + products[3]);
    assertEquals(expectedProducts, PLAIN.sumOfProducts(a, b, size, 2 * size));
    double[] both = new double[2];
    PLAIN.channelSumsAndProducts(a, null, b, null, null, null, null, both, 2, 1, size, 0, 1);
    assertEquals(PLAIN.sum(a, 0, size) + PLAIN.sum(a, size, 2 * size), both[0]);
    float[] floatProducts = new float[2 * size]; // the one-pass loops round each term to float, then sum in order
    for (int i = 0; i < 2 * size; i++) {
      floatProducts[i] = a[i] * b[i];
    }
    assertEquals(PLAIN.sum(floatProducts, 0, size) + PLAIN.sum(floatProducts, size, 2 * size), both[1]);
    double[] vector = new double[2];
    VECTOR.channelSumsAndProducts(a, null, b, null, null, null, null, vector, 2, 1, size, 0, 1);
    assertArrayEquals(both, vector); // the terms are element-wise: the same bits in both forms
  }
}
