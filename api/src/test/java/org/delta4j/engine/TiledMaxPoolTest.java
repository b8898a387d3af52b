package org.delta4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.delta4j.random.SplitMix64;
import org.junit.jupiter.api.Test;

/**
 * The 2×2 pooling's loops, plain and on the Vector API, give the bits of the general loops ({@link
 * ImageLoops#maxPool}) over every plane size from 2 to 35 (odd ones leave a column and a row under no window), with
 * ties, NaN and ±0 among the values; and they keep to the planes they are given.
 */
class TiledMaxPoolTest {
  private static final TiledMaxPool VECTOR = TiledMaxPool.get();
  private static final TiledMaxPool PLAIN = TiledMaxPool.plain();
  private static final float SENTINEL = 12345f;

  private static List<ConvGeometry> geometries() {
    List<ConvGeometry> all = new ArrayList<>();
    for (int h = 2; h <= 35; h += 3) {
      for (int w = 2; w <= 35; w++) {
        all.add(new ConvGeometry(3, h, w, 2, 2, 2, 2, 1, 1, 0, 0, h / 2, w / 2));
      }
    }
    // outputs short of the image, as an explicit output size may leave them: more rows and columns under no window
    all.add(new ConvGeometry(2, 9, 21, 2, 2, 2, 2, 1, 1, 0, 0, 3, 8));
    return all;
  }

  /** Values of few levels, so windows tie, with NaN, −0, +0 and the infinities among them. */
  private static float[] values(int n, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    float[] special = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      v[i] = u < 0.03 ? special[(int) (r.nextDouble() * special.length)] : (float) Math.floor(8 * r.nextDouble()) - 4;
    }
    return v;
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }

  @Test
  void bothLoopsGiveTheGeneralLoopsBitsOverEveryPlaneSize() {
    assertNotSame(PLAIN, VECTOR, "the tests run with the Vector API (surefire adds its module)");
    assertTrue(VECTOR.vectorLength() > 1);
    long seed = 1;
    for (ConvGeometry g : geometries()) {
      assertTrue(g.tilesBy2x2(), g::toString);
      int planes = g.channels();
      float[] x = values(planes * g.plane(), seed++);
      float[] dy = values(planes * g.positions(), seed++);
      float[] y = new float[planes * g.positions()];
      float[] dx = new float[planes * g.plane()];
      ImageLoops.maxPool(x, y, null, null, g, g.tapIndices(), 0, planes);
      ImageLoops.maxPool(x, null, dy, dx, g, g.tapIndices(), 0, planes);
      for (TiledMaxPool pool : new TiledMaxPool[] {PLAIN, VECTOR}) {
        String what = pool.getClass().getSimpleName() + " over " + g.height() + "×" + g.width();
        float[] ty = new float[y.length];
        float[] tdx = new float[dx.length];
        Arrays.fill(tdx, SENTINEL); // every element is written, those under no window included
        pool.pool(x, ty, null, null, g, 0, planes);
        pool.pool(x, null, dy, tdx, g, 0, planes);
        assertArrayEquals(bits(y), bits(ty), what + ": forward");
        assertArrayEquals(bits(dx), bits(tdx), what + ": backward");
      }
    }
  }

  @Test
  void aPlaneIsWrittenWithinItsBoundsAndReadToTheArraysEnds() {
    long seed = 100;
    for (ConvGeometry g : geometries()) {
      int plane = g.plane();
      int outputs = g.positions();
      // the plane of x and dy the last of their arrays (nothing after it to read into), or followed by others
      for (int tail : new int[] {0, 40}) {
        float[] x = values(3 + plane + tail, seed++);
        float[] dy = values(5 + outputs + tail, seed++);
        float[] expected = new float[plane];
        ImageLoops.maxPool(Arrays.copyOfRange(x, 3, 3 + plane), null, Arrays.copyOfRange(dy, 5, 5 + outputs),
            expected, g, g.tapIndices(), 0, 1);
        for (TiledMaxPool pool : new TiledMaxPool[] {PLAIN, VECTOR}) {
          String what = pool.getClass().getSimpleName() + " over " + g.height() + "×" + g.width() + ", tail " + tail;
          float[] scratch = new float[pool.scratchLength(g)];
          // dx's plane between others' elements: nothing outside it written when dxEnd is its end, nothing past the
          // room when a vector's room is allowed after it
          int before = 7;
          float[] dx = new float[before + plane + 2 * VECTOR.vectorLength()];
          for (int end : new int[] {before + plane, before + plane + pool.vectorLength()}) {
            Arrays.fill(dx, SENTINEL);
            pool.backward(x, 3, dy, 5, dx, before, end, g, scratch);
            assertArrayEquals(bits(expected), bits(Arrays.copyOfRange(dx, before, before + plane)), what);
            for (int i = 0; i < dx.length; i++) {
              if (i < before || i >= end) {
                assertEquals(SENTINEL, dx[i], what + ": dx[" + i + "] outside [" + before + ", " + end + ")");
              }
            }
          }
        }
      }
    }
  }

  @Test
  void oneArrayMayHoldTheScratchThePlanesAndTheResult() {
    // as the nd4j engine lays out each plane's heap copies: scratch, result with room, x, dy
    long seed = 200;
    for (ConvGeometry g : geometries()) {
      int plane = g.plane();
      int outputs = g.positions();
      float[] x = values(plane, seed++);
      float[] dy = values(outputs, seed++);
      float[] y = new float[outputs];
      float[] dx = new float[plane];
      ImageLoops.maxPool(x, y, null, null, g, g.tapIndices(), 0, 1);
      ImageLoops.maxPool(x, null, dy, dx, g, g.tapIndices(), 0, 1);
      TiledMaxPool pool = VECTOR;
      int slack = pool.vectorLength();
      int result = pool.scratchLength(g);
      int xs = result + plane + slack;
      int dys = xs + plane + slack;
      float[] work = values(dys + outputs + slack, seed++);
      System.arraycopy(x, 0, work, xs, plane);
      System.arraycopy(dy, 0, work, dys, outputs);
      pool.forward(work, xs, work, result, g, work);
      assertArrayEquals(bits(y), bits(Arrays.copyOfRange(work, result, result + outputs)), g + ": forward");
      pool.backward(work, xs, work, dys, work, result, xs, g, work);
      assertArrayEquals(bits(dx), bits(Arrays.copyOfRange(work, result, result + plane)), g + ": backward");
      assertArrayEquals(bits(x), bits(Arrays.copyOfRange(work, xs, xs + plane)), g + ": x left as it was");
    }
  }
}
