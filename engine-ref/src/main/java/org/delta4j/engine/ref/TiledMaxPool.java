package org.delta4j.engine.ref;

import java.util.Arrays;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.WorkArrays;

/**
 * Float 2×2 max pooling with stride 2, no dilation and no padding, the usual pooling. Its windows tile the image, so
 * each input element lies under at most one window: the backward pass writes every element of dx once (the gradient
 * at the window's first maximal tap, 0 elsewhere) instead of clearing dx and scattering into it, and neither pass
 * needs the geometry's tap table. The maxima come from {@link FloatLoops#windowMaxima}, vectorised over a whole plane;
 * the backward pass picks the first maximal tap without branches (on random data a branch on which tap is larger is
 * a coin toss, and a mispredicted branch costs more than the rest of a window's work). Same results as
 * {@link org.delta4j.engine.ImageLoops#maxPool}: the maximum as Math.max gives it, taps in the order (0, 0), (0, 1),
 * (1, 0), (1, 1), ties to the first (−0 ties +0), a window holding NaN passing its gradient to its last NaN, as
 * PyTorch's max_pool2d. Works on the planes [from, to) of [N·C, H, W]. Stateless.
 */
final class TiledMaxPool {
  private TiledMaxPool() {}

  /** Forward (dy and dx null: y ← the windows' maxima) or backward (y null: dx ← dy at each window's maximum). */
  static void pool(float[] x, float[] y, float[] dy, float[] dx, ConvGeometry g, int from, int to) {
    int w = g.width();
    int oh = g.outputHeight();
    int ow = g.outputWidth();
    int corners = (2 * oh - 2) * w + 2 * ow - 1; // the plane's window corners all lie below this
    // one more: the vector gradient loop loads a window's two columns whole, the last window's second one included
    float[] max = WorkArrays.floats(corners + 1);
    for (int pl = from; pl < to; pl++) {
      int image = pl * g.plane();
      FloatLoops.get().windowMaxima(x, image, w, max, 0, corners);
      if (dx != null) {
        clearUncovered(dx, image, g);
      }
      for (int oy = 0; oy < oh; oy++) {
        int out = (pl * oh + oy) * ow;
        int row = 2 * oy * w;
        if (dx != null) {
          FloatLoops.get().windowGradients(x, image + row, w, max, row, dy, out, dx, 0, ow);
          continue;
        }
        for (int ox = 0; ox < ow; ox++) {
          y[out + ox] = max[row + 2 * ox];
        }
      }
    }
  }

  /** Zeroes the plane's elements under no window: the last column and the last row of an odd width or height. */
  private static void clearUncovered(float[] dx, int image, ConvGeometry g) {
    int w = g.width();
    int coveredRows = 2 * g.outputHeight();
    int coveredColumns = 2 * g.outputWidth();
    for (int r = 0; r < coveredRows && coveredColumns < w; r++) {
      Arrays.fill(dx, image + r * w + coveredColumns, image + (r + 1) * w, 0f);
    }
    Arrays.fill(dx, image + coveredRows * w, image + g.plane(), 0f);
  }
}
