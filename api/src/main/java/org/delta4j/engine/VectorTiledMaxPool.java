package org.delta4j.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TiledMaxPool} on the JDK's Vector API, with the plain loops' bits. Loaded only when the module {@code
 * jdk.incubator.vector} is present.
 */
final class VectorTiledMaxPool extends TiledMaxPool {
  /**
   * The JDK's preferred species, as in the engines' other loops. A second species in the process splits the Vector
   * API's shared call profiles between two vector classes, and C2 then kept vectors of other loops as heap objects:
   * with 256-bit vectors in one loop beside 512-bit ones in another (Zen 4), the CNN's training step allocated 56 MB a
   * step instead of 0.9.
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

  @Override
  public int vectorLength() {
    return S.length();
  }

  /** L offsets a step; the last, partial vector done as a whole one ending at the last offset, again for the rest. */
  @Override
  void windowMaxima(float[] x, int image, int w, float[] max, int to) {
    int end = to - S.length();
    int e = 0;
    for (int next = 0; e <= end; e = next) {
      next = e + S.length() > end && e < end ? end : e + S.length();
      int i = image + e;
      FloatVector.fromArray(S, x, i).max(FloatVector.fromArray(S, x, i + 1)).max(FloatVector.fromArray(S, x, i + w))
          .max(FloatVector.fromArray(S, x, i + w + 1)).intoArray(max, e);
    }
    windowMaxima(x, image, w, max, e, to);
  }

  /**
   * L/2 windows a step, a lane per column: the maximum and the gradient repeated over a window's two columns, and the
   * tap order kept by lane masks: row 0's second column counts only when its first does not hold the maximum, row 1
   * only when row 0 has none, its second column only when its first does not.
   *
   * <p>All of a row's windows in vectors however narrow the row (7 windows, 14 columns, fill 7 of 8 windows of 16
   * lanes): a row's last vector may read past its end, and write past it. It is done first, the steps going right to
   * left: what it writes past the top row's end lands on the bottom row's first columns, which the step at o = 0
   * writes after it; what it writes past the bottom row lands on the next rows, written later, or past the plane,
   * where the caller allows it (dxEnd). A step that would read past x's or dy's end or write past dxEnd is the plain
   * loop's, as is a step over a window holding NaN (rare: a predicted branch).
   */
  @Override
  void rowGradients(float[] x, int r, int w, float[] max, int m, float[] dy, int out, float[] dx, int at, int dxEnd,
      int windows) {
    int half = S.length() / 2;
    FloatVector zero = FloatVector.zero(S);
    for (int o = (windows - 1) / half * half; o >= 0; o -= half) {
      int i = r + 2 * o;
      int k = i + w;
      if (k + S.length() > x.length || out + o + S.length() > dy.length || at + w + 2 * o + S.length() > dxEnd) {
        windowGradients(x, r, w, max, m, dy, out, dx, at, o, Math.min(windows, o + half));
        continue;
      }
      FloatVector mo = FloatVector.fromArray(S, max, m + 2 * o).rearrange(WINDOW_START);
      if (mo.compare(VectorOperators.NE, mo).anyTrue()) {
        windowGradients(x, r, w, max, m, dy, out, dx, at, o, Math.min(windows, o + half));
        continue;
      }
      FloatVector top = FloatVector.fromArray(S, x, i);
      FloatVector bottom = FloatVector.fromArray(S, x, k);
      VectorMask<Float> first = top.compare(VectorOperators.EQ, mo);
      VectorMask<Float> otherA = top.rearrange(OTHER_COLUMN).compare(VectorOperators.EQ, mo);
      VectorMask<Float> otherB = bottom.rearrange(OTHER_COLUMN).compare(VectorOperators.EQ, mo);
      VectorMask<Float> firstA = first.and(FIRST_COLUMN.or(otherA.not()));
      // and(x.not()) rather than andNot(x): JDK 17's andNot is not forced inline as the mask operations are, and C2
      // left it a call when compiling this loop before the call had run MinInliningThreshold times (3 forks of the
      // CNN's training step in 16), so that every mask became a heap object: 8.3 MB a step
      VectorMask<Float> firstB = bottom.compare(VectorOperators.EQ, mo).and(first.or(otherA).not())
          .and(FIRST_COLUMN.or(otherB.not()));
      FloatVector gradient = FloatVector.fromArray(S, dy, out + o).rearrange(WINDOW_OF_COLUMN).add(0f);
      zero.blend(gradient, firstA).intoArray(dx, at + 2 * o);
      zero.blend(gradient, firstB).intoArray(dx, at + w + 2 * o);
    }
  }
}
