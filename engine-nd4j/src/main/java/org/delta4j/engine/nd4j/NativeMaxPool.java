package org.delta4j.engine.nd4j;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.ImageLoops;
import org.delta4j.engine.WorkArrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float 2×2 max pooling with stride 2, no dilation and no padding, on the JDK's Vector API over native memory, where
 * ND4J's {@code maxpool2d} and {@code maxpool2d_bp} take 5 to 7 times as long at a CNN's sizes. The reference engine's
 * tiled pooling on another kind of memory: its windows tile the image, so the backward pass writes every element of dx
 * once (the gradient at the window's first maximal tap, 0 elsewhere) instead of clearing dx and scattering into it. Per
 * plane, the maxima of the 2×2 windows at every offset are taken in whole vectors into a heap array; the forward pass
 * keeps every other one of every other row, the backward pass compares each tap with its window's maximum and picks
 * the first maximal tap by masks, not branches (which tap is largest is a coin toss on real data). Each plane of x and
 * of dy is copied to the heap in one block and its result made there and written out in one copy: the vector loads
 * from native memory cost more than the copies (over [128, 32, 28, 28] alone, the backward pass took 1.59-1.85 ms
 * without them and 1.41-1.48 with them, the forward pass 0.89-0.97 and 0.83-0.92; over [128, 64, 14, 14], 1.22 and
 * 0.69-0.71 ms, 0.78-0.80 and 0.49-0.52). Same results as
 * {@link org.delta4j.engine.ImageLoops#maxPool}: the maximum as Math.max gives it, taps in the order (0, 0), (0, 1),
 * (1, 0), (1, 1), ties to the first (−0 ties +0), a window holding NaN passing its gradient to its last NaN, as PyTorch's
 * max_pool2d. Works on the planes
 * [from, to) of [N·C, H, W]; loaded only when {@code jdk.incubator.vector} is present. Stateless.
 */
final class NativeMaxPool {
  /**
   * The JDK's preferred species, as in the engine's other loops. A second species in the process splits the Vector
   * API's shared call profiles between two vector classes, and C2 then kept vectors of other loops as heap objects:
   * with 256-bit vectors here beside the per-channel loops' 512-bit ones (Zen 4), the CNN's training step allocated
   * 56 MB a step instead of 0.9.
   */
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Lane l takes lane l with its last bit cleared: a window's first column, for both of its columns. */
  private static final VectorShuffle<Float> WINDOW_START = VectorShuffle.fromOp(S, l -> l & ~1);
  /** Lane l takes lane l / 2: window l / 2's gradient, for both of its columns. */
  private static final VectorShuffle<Float> WINDOW_OF_COLUMN = VectorShuffle.fromOp(S, l -> l / 2);
  /** Lane l takes the other column of its window. */
  private static final VectorShuffle<Float> OTHER_COLUMN = VectorShuffle.fromOp(S, l -> l ^ 1);
  /** The lanes of a window's first column. */
  private static final VectorMask<Float> FIRST_COLUMN = VectorMask.fromLong(S, 0x5555_5555_5555_5555L);

  private NativeMaxPool() {}

  /** Forward (dy and dx null: y ← the windows' maxima) or backward (y null: dx ← dy at each window's maximum). */
  static void pool(NativeMemory x, NativeMemory y, NativeMemory dy, NativeMemory dx, ConvGeometry g, int from,
      int to) {
    int w = g.width();
    int oh = g.outputHeight();
    int ow = g.outputWidth();
    int plane = g.plane();
    int corners = (2 * oh - 2) * w + 2 * ow - 1; // the plane's window corners all lie below this
    // On the heap, each with a vector's slack: the maxima (the gradient loop loads whole vectors of them) and the
    // plane's result, written whole to y or dx once complete.
    int slack = S.length();
    int outputs = oh * ow;
    int result = corners + slack;
    int xs = result + plane + slack; // the plane of x, and after it its dy, copied in whole
    int dys = xs + plane + slack;
    float[] work = WorkArrays.floats(dys + outputs + slack);
    for (int pl = from; pl < to; pl++) {
      ((FloatBuffer) x.elements).get(pl * plane, work, xs, plane);
      windowMaxima(work, xs, w, work, corners);
      if (dx == null) {
        for (int oy = 0, o = result; oy < oh; oy++) {
          for (int ox = 0, m = 2 * oy * w; ox < ow; ox++, o++, m += 2) {
            work[o] = work[m];
          }
        }
        ((FloatBuffer) y.elements).put(pl * outputs, work, result, outputs);
        continue;
      }
      ((FloatBuffer) dy.elements).get(pl * outputs, work, dys, outputs);
      for (int oy = 0; oy < oh; oy++) {
        int row = 2 * oy * w;
        windowGradients(work, xs + row, xs + plane + slack, w, row, dys + oy * ow, dys + outputs + slack,
            result + row, ow);
      }
      clearUncovered(work, result, g);
      ((FloatBuffer) dx.elements).put(pl * plane, work, result, plane);
    }
    NativeMemory.keep(x, y, dy, dx);
  }

  /**
   * max[e] ← max(x[i], x[i + 1], x[i + w], x[i + w + 1]) with i = image + e, for e in [0, to), compared in that order
   * as Math.max does (NaN wins, +0 above −0).
   */
  private static void windowMaxima(float[] x, int image, int w, float[] max, int to) {
    int end = to - S.length();
    int e = 0;
    // the last, partial vector done as a whole one ending at the last offset, again for the offsets it shares
    for (int next = 0; e <= end; e = next) {
      next = e + S.length() > end && e < end ? end : e + S.length();
      int i = image + e;
      FloatVector.fromArray(S, x, i).max(FloatVector.fromArray(S, x, i + 1)).max(FloatVector.fromArray(S, x, i + w))
          .max(FloatVector.fromArray(S, x, i + w + 1)).intoArray(max, e);
    }
    for (; e < to; e++) {
      int i = image + e;
      max[e] = Math.max(Math.max(Math.max(x[i], x[i + 1]), x[i + w]), x[i + w + 1]);
    }
  }

  /**
   * The backward pass over the windows [0, windows) of a row of 2×2 windows tiling two image rows, in the heap array a
   * that holds the plane of x (to xEnd, its slack included), the maxima, the plane of dy (to dyEnd) and the result d:
   * window o covers x[r + 2o], x[r + 2o + 1] and the same w further on, its maximum is max[m + 2o] and its gradient
   * dy[out + o]. The gradient of x[r + j] goes to d[at + j]: at the window's first maximal tap 0 + dy (−0 becoming +0,
   * as a scatter into zeros gives), 0 at the other taps; a window whose maximum is NaN passes it to its last NaN
   * instead ({@link ImageLoops#nanWindowGradient}). A tap is maximal when it equals the maximum (== has −0 equal +0).
   *
   * <p>Half a vector of windows a step, all of them in vectors however narrow the row (7 windows, 14 columns, fill 7 of
   * 8 windows of 16 lanes): a row's last vector may read past its end, and write past it, into the heap plane d. It is
   * done first, the steps going right to left: what it writes past the top row's end lands on the bottom row's first
   * columns, which the step at o = 0 writes after it; what it writes past the bottom row lands on the next rows,
   * written later, or on the slack after the plane. Reads past x's or dy's end are not made: such a step is scalar, as
   * is a step over a window holding NaN.
   */
  private static void windowGradients(float[] a, int r, int xEnd, int w, int m, int out, int dyEnd, int at,
      int windows) {
    int half = S.length() / 2;
    FloatVector zero = FloatVector.zero(S);
    for (int o = (windows - 1) / half * half; o >= 0; o -= half) {
      int i = r + 2 * o;
      int k = i + w;
      if (k + S.length() > xEnd || out + o + S.length() > dyEnd) {
        scalarGradients(a, r, w, m, out, at, o, Math.min(windows, o + half));
        continue;
      }
      FloatVector mo = FloatVector.fromArray(S, a, m + 2 * o).rearrange(WINDOW_START);
      if (mo.compare(VectorOperators.NE, mo).anyTrue()) { // a window holding NaN: rare, so a predicted branch
        scalarGradients(a, r, w, m, out, at, o, Math.min(windows, o + half));
        continue;
      }
      FloatVector top = FloatVector.fromArray(S, a, i);
      FloatVector bottom = FloatVector.fromArray(S, a, k);
      VectorMask<Float> first = top.compare(VectorOperators.EQ, mo);
      VectorMask<Float> otherA = top.rearrange(OTHER_COLUMN).compare(VectorOperators.EQ, mo);
      VectorMask<Float> otherB = bottom.rearrange(OTHER_COLUMN).compare(VectorOperators.EQ, mo);
      VectorMask<Float> firstA = first.and(FIRST_COLUMN.or(otherA.not()));
      // and(x.not()) rather than andNot(x): JDK 17's andNot is not forced inline as the mask operations are, and a
      // call left in this loop makes every mask a heap object
      VectorMask<Float> firstB = bottom.compare(VectorOperators.EQ, mo).and(first.or(otherA).not())
          .and(FIRST_COLUMN.or(otherB.not()));
      FloatVector gradient = FloatVector.fromArray(S, a, out + o).rearrange(WINDOW_OF_COLUMN).add(0f);
      zero.blend(gradient, firstA).intoArray(a, at + 2 * o);
      zero.blend(gradient, firstB).intoArray(a, at + w + 2 * o);
    }
  }

  /** {@link #windowGradients} for the windows [from, to), one at a time. */
  private static void scalarGradients(float[] a, int r, int w, int m, int out, int at, int from, int to) {
    for (int o = from; o < to; o++) {
      float mo = a[m + 2 * o];
      int i = r + 2 * o;
      int k = i + w;
      int j = at + 2 * o;
      if (mo != mo) {
        ImageLoops.nanWindowGradient(a[i], a[i + 1], a[k], a[k + 1], 0f + a[out + o], a, j, w);
        continue;
      }
      int ta = a[i] == mo ? -1 : 0;
      int tb = (a[i + 1] == mo ? -1 : 0) & ~ta;
      int tc = (a[k] == mo ? -1 : 0) & ~(ta | tb);
      int td = ~(ta | tb | tc); // one tap equals the maximum, which is not NaN
      int gradient = Float.floatToRawIntBits(0f + a[out + o]);
      a[j] = Float.intBitsToFloat(gradient & ta);
      a[j + 1] = Float.intBitsToFloat(gradient & tb);
      a[j + w] = Float.intBitsToFloat(gradient & tc);
      a[j + w + 1] = Float.intBitsToFloat(gradient & td);
    }
  }

  /**
   * Zeroes the elements of the heap plane d (from {@code at}) under no window: the last column and the last row of an
   * odd width or height.
   */
  private static void clearUncovered(float[] d, int at, ConvGeometry g) {
    int w = g.width();
    int coveredRows = 2 * g.outputHeight();
    int coveredColumns = 2 * g.outputWidth();
    for (int r = 0; r < coveredRows && coveredColumns < w; r++) {
      Arrays.fill(d, at + r * w + coveredColumns, at + (r + 1) * w, 0f);
    }
    Arrays.fill(d, at + coveredRows * w, at + g.plane(), 0f);
  }
}
