package org.delta4j.engine.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.ImageLoops;
import org.delta4j.random.SplitMix64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Float 2×2 max pooling over tiling windows gives the general pooling loop's bits, forward and backward: over odd sizes
 * (an uncovered last row and column), one channel, one sample, ties (the first tap wins, −0 ties +0) and NaN, and
 * rows wide enough for the vector loops (several vectors of windows, then a tail, or none: rows of 16, 32, 48 and 64
 * columns end on a whole vector whatever its width).
 */
class TiledMaxPoolTest {
  private static ConvGeometry pooling(int channels, int height, int width) {
    return new ConvGeometry(channels, height, width, 2, 2, 2, 2, 1, 1, 0, 0, height / 2, width / 2);
  }

  /** Values from a few levels, so that many windows hold ties, with −0, +0 and, when asked, NaN among them. */
  private static float[] values(int n, long seed, boolean nan) {
    SplitMix64 r = new SplitMix64(seed);
    float[] levels = {-1f, -0f, 0f, 0.5f, 2f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      v[i] = u < 0.5 ? levels[(int) (r.nextDouble() * levels.length)] : (float) (2 * r.nextDouble() - 1);
      if (nan && u > 0.97) {
        v[i] = Float.NaN;
      }
    }
    return v;
  }

  @ParameterizedTest(name = "{0} planes of {1}×{2}, NaN {3}")
  @CsvSource({"1, 2, 2, false", "1, 5, 7, false", "3, 28, 28, false", "2, 14, 14, true", "4, 9, 6, true",
      "1, 3, 2, true", "6, 7, 7, false", "2, 34, 40, true", "3, 33, 35, true", "2, 4, 70, false",
      "2, 6, 32, true", "1, 4, 16, false", "2, 4, 64, true", "1, 2, 48, false"})
  void givesTheGeneralLoopsBits(int planes, int height, int width, boolean nan) throws Throwable {
    // on a thread of its own, whose work arrays are as long as the loops ask for and no longer: a load past the end
    // of one fails here instead of reading what an earlier, larger call left behind
    Throwable[] failure = new Throwable[1];
    Thread thread = new Thread(() -> {
      try {
        comparePools(planes, height, width, nan);
      } catch (Throwable t) {
        failure[0] = t;
      }
    });
    thread.start();
    thread.join();
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  private static void comparePools(int planes, int height, int width, boolean nan) {
    ConvGeometry g = pooling(1, height, width);
    assertTrue(TiledMaxPool.tiles(pooling(planes, height, width)));
    int[] index = g.tapIndices();
    int in = planes * height * width;
    int out = planes * g.positions();
    float[] x = values(in, 1, nan);
    float[] dy = values(out, 2, false);

    float[] y = new float[out];
    float[] expectedY = new float[out];
    TiledMaxPool.pool(x, y, null, null, g, 0, planes);
    ImageLoops.maxPool(x, expectedY, null, null, g, index, 0, planes);
    assertArrayEquals(expectedY, y);

    float[] dx = values(in, 3, true); // garbage: every element must be written
    float[] expectedDx = new float[in];
    TiledMaxPool.pool(x, null, dy, dx, g, 0, planes);
    ImageLoops.maxPool(x, null, dy, expectedDx, g, index, 0, planes);
    assertArrayEquals(expectedDx, dx);
  }

  @ParameterizedTest(name = "kernel {0}×{1} stride {2}, padding {3}")
  @CsvSource({"3, 3, 3, 0", "2, 2, 1, 0", "2, 2, 2, 1", "2, 3, 2, 0"})
  void appliesOnlyToTiling2x2Windows(int kh, int kw, int stride, int pad) {
    ConvGeometry g = new ConvGeometry(1, 8, 8, kh, kw, stride, stride, 1, 1, pad, pad, (8 + 2 * pad - kh) / stride + 1,
        (8 + 2 * pad - kw) / stride + 1);
    assertFalse(TiledMaxPool.tiles(g));
  }
}
