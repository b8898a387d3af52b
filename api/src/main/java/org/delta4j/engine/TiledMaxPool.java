package org.delta4j.engine;

import java.util.Arrays;

/**
 * Float max pooling by 2×2 windows of stride 2, undilated and unpadded ({@link ConvGeometry#tilesBy2x2()}), the usual
 * pooling, one image plane at a time on the heap: the engines' loops for it, the reference engine's over its arrays
 * and the nd4j engine's over heap copies of each plane. The windows tile the image, so each input element lies under
 * at most one window: the backward pass writes every element of dx once (the gradient at the window's first maximal
 * tap, 0 elsewhere) instead of clearing dx and scattering into it, and neither pass needs the geometry's tap table.
 * Per plane, the maxima of the 2×2 windows at every offset are taken in whole vectors into a scratch array; the
 * forward pass keeps every other one of every other row, the backward pass compares each tap with its window's
 * maximum. Same results as {@link ImageLoops#maxPool}: the maximum as Math.max gives it, taps in the order (0, 0),
 * (0, 1), (1, 0), (1, 1), ties to the first (−0 ties +0), a window holding NaN passing its gradient to its last NaN,
 * as PyTorch's max_pool2d. Plain loops here; {@link #get()} gives the same bits on the JDK's Vector API where the
 * module {@code jdk.incubator.vector} is present. Stateless and thread-safe.
 */
public class TiledMaxPool {
  private static final TiledMaxPool PLAIN = new TiledMaxPool();
  private static final TiledMaxPool INSTANCE = load();

  TiledMaxPool() {}

  private static TiledMaxPool load() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return PLAIN;
    }
    try {
      // by name, so that the vector class (and the incubator module it links against) loads only where present
      return (TiledMaxPool) Class.forName(TiledMaxPool.class.getPackageName() + ".VectorTiledMaxPool")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the Vector API max pooling", e);
    }
  }

  /** The loops this JVM runs fastest: on the Vector API where it is present. */
  public static TiledMaxPool get() {
    return INSTANCE;
  }

  /** The plain loops, for an engine told not to use the Vector API. */
  public static TiledMaxPool plain() {
    return PLAIN;
  }

  /**
   * The floats a loop takes a step: 1 for the plain loops, a vector's lanes for the Vector API's. A backward pass
   * allowed this many elements past the end of dx's plane writes it in whole vectors to its last window.
   */
  public int vectorLength() {
    return 1;
  }

  /** The length of the scratch array a pass over one plane of {@code g} needs: its window maxima and a vector. */
  public final int scratchLength(ConvGeometry g) {
    return corners(g) + vectorLength();
  }

  /**
   * Forward (dy and dx null: y ← the windows' maxima) or backward (y null: dx ← dy at each window's maximum) over the
   * planes [from, to) of x and dx [N·C, H, W] and of y and dy [N·C, OH, OW], with the calling thread's
   * {@link WorkArrays}: planes in other ranges are neither read nor written but for reads of x and dy past a plane's
   * end, which do not change the results.
   */
  public final void pool(float[] x, float[] y, float[] dy, float[] dx, ConvGeometry g, int from, int to) {
    int plane = g.plane();
    int outputs = g.positions();
    float[] scratch = WorkArrays.floats(scratchLength(g));
    for (int pl = from; pl < to; pl++) {
      if (dx == null) {
        forward(x, pl * plane, y, pl * outputs, g, scratch);
      } else {
        backward(x, pl * plane, dy, pl * outputs, dx, pl * plane, (pl + 1) * plane, g, scratch);
      }
    }
  }

  /**
   * y[yAt + o] ← the maximum of window o (in row-major order) of the plane of x starting at {@code xAt}, for the
   * OH·OW windows. {@code scratch} holds at least {@link #scratchLength} elements, and may be x or y where their
   * elements lie after that many; its values are left arbitrary.
   */
  public final void forward(float[] x, int xAt, float[] y, int yAt, ConvGeometry g, float[] scratch) {
    int w = g.width();
    windowMaxima(x, xAt, w, scratch, corners(g));
    for (int oy = 0, o = yAt; oy < g.outputHeight(); oy++) {
      for (int ox = 0, m = 2 * oy * w; ox < g.outputWidth(); ox++, o++, m += 2) {
        y[o] = scratch[m];
      }
    }
  }

  /**
   * The plane of dx starting at {@code dxAt} ← the gradient of the plane of x at {@code xAt} from its windows'
   * gradients dy[dyAt + o]: at each window's first maximal tap 0 + dy (−0 becoming +0, as a scatter into zeros gives),
   * 0 at its other taps and under no window (the last column and row of an odd width or height). Reads of x and dy
   * stay inside the arrays, and what they find past the plane does not change the results; writes stay in [dxAt,
   * dxEnd), dxEnd ≥ dxAt + H·W, where what lies past the plane is left arbitrary. {@code scratch} as for
   * {@link #forward}; it may be one of the other arrays where its elements lie apart from theirs.
   */
  public final void backward(float[] x, int xAt, float[] dy, int dyAt, float[] dx, int dxAt, int dxEnd, ConvGeometry g,
      float[] scratch) {
    int w = g.width();
    int ow = g.outputWidth();
    windowMaxima(x, xAt, w, scratch, corners(g));
    for (int oy = 0; oy < g.outputHeight(); oy++) {
      int row = 2 * oy * w;
      rowGradients(x, xAt + row, w, scratch, row, dy, dyAt + oy * ow, dx, dxAt + row, dxEnd, ow);
    }
    clearUncovered(dx, dxAt, g);
  }

  /** The plane's window corners all lie below this offset. */
  private static int corners(ConvGeometry g) {
    return (2 * g.outputHeight() - 2) * g.width() + 2 * g.outputWidth() - 1;
  }

  /**
   * max[e] ← max(x[i], x[i + 1], x[i + w], x[i + w + 1]) with i = image + e, for e in [0, to), compared in that order
   * as Math.max does (NaN wins, +0 above −0).
   */
  void windowMaxima(float[] x, int image, int w, float[] max, int to) {
    windowMaxima(x, image, w, max, 0, to);
  }

  /** {@link #windowMaxima(float[], int, int, float[], int)} for e in [from, to). */
  static void windowMaxima(float[] x, int image, int w, float[] max, int from, int to) {
    for (int e = from; e < to; e++) {
      int i = image + e;
      max[e] = Math.max(Math.max(Math.max(x[i], x[i + 1]), x[i + w]), x[i + w + 1]);
    }
  }

  /**
   * The backward pass over a row of {@code windows} 2×2 windows tiling two image rows: window o covers x[r + 2o],
   * x[r + 2o + 1] and the same w further on, its maximum is max[m + 2o] and its gradient dy[out + o]; the gradient of
   * x[r + j] goes to dx[at + j]. Writes stay in [at, dxEnd): the plain loop writes the row's windows alone, the
   * vector loop also past the row's end, on elements written after it or past the plane where dxEnd allows.
   */
  void rowGradients(float[] x, int r, int w, float[] max, int m, float[] dy, int out, float[] dx, int at, int dxEnd,
      int windows) {
    windowGradients(x, r, w, max, m, dy, out, dx, at, 0, windows);
  }

  /**
   * {@link #rowGradients} for the windows [from, to), one at a time, writing inside them only. A tap is maximal when
   * it equals the maximum (== has −0 equal +0); the masks are made by conditional moves, not branches, as which tap is
   * largest is a coin toss on real data. A window whose maximum is NaN passes its gradient to its last NaN ({@link
   * ImageLoops#nanWindowGradient}).
   */
  static void windowGradients(float[] x, int r, int w, float[] max, int m, float[] dy, int out, float[] dx, int at,
      int from, int to) {
    for (int o = from; o < to; o++) {
      float mo = max[m + 2 * o];
      int i = r + 2 * o;
      int k = i + w;
      int j = at + 2 * o;
      if (mo != mo) {
        ImageLoops.nanWindowGradient(x[i], x[i + 1], x[k], x[k + 1], 0f + dy[out + o], dx, j, w);
        continue;
      }
      int ta = x[i] == mo ? -1 : 0;
      int tb = (x[i + 1] == mo ? -1 : 0) & ~ta;
      int tc = (x[k] == mo ? -1 : 0) & ~(ta | tb);
      int td = ~(ta | tb | tc); // one tap equals the maximum, which is not NaN
      int gradient = Float.floatToRawIntBits(0f + dy[out + o]);
      dx[j] = Float.intBitsToFloat(gradient & ta);
      dx[j + 1] = Float.intBitsToFloat(gradient & tb);
      dx[j + w] = Float.intBitsToFloat(gradient & tc);
      dx[j + w + 1] = Float.intBitsToFloat(gradient & td);
    }
  }

  /** Zeroes the elements of dx's plane (from {@code at}) under no window: the last column and row of an odd size. */
  private static void clearUncovered(float[] dx, int at, ConvGeometry g) {
    int w = g.width();
    int coveredRows = 2 * g.outputHeight();
    int coveredColumns = 2 * g.outputWidth();
    for (int r = 0; r < coveredRows && coveredColumns < w; r++) {
      Arrays.fill(dx, at + r * w + coveredColumns, at + (r + 1) * w, 0f);
    }
    Arrays.fill(dx, at + coveredRows * w, at + g.plane(), 0f);
  }
}
