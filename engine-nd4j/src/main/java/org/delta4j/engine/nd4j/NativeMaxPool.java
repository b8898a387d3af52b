package org.delta4j.engine.nd4j;

import java.nio.FloatBuffer;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.TiledMaxPool;
import org.delta4j.engine.WorkArrays;

/**
 * Float 2×2 max pooling with stride 2, no dilation and no padding, over native memory: {@link TiledMaxPool}, the
 * reference engine's loops, on heap copies of each plane, where ND4J's {@code maxpool2d} and {@code maxpool2d_bp}
 * take 5 to 7 times as long at a CNN's sizes (and drop NaN). Each plane of x and of dy is copied to the heap in one
 * block and its result made there and written out in one copy: vector loads from native memory cost more than the
 * copies (over [128, 32, 28, 28] alone, the backward pass took 1.59-1.85 ms without them and 1.41-1.48 with them, the
 * forward pass 0.89-0.97 and 0.83-0.92; over [128, 64, 14, 14], 1.22 and 0.69-0.71 ms, 0.78-0.80 and 0.49-0.52).
 * Works on the planes [from, to) of [N·C, H, W]. Stateless.
 */
final class NativeMaxPool {
  private NativeMaxPool() {}

  /** Forward (dy and dx null: y ← the windows' maxima) or backward (y null: dx ← dy at each window's maximum). */
  static void pool(NativeMemory x, NativeMemory y, NativeMemory dy, NativeMemory dx, ConvGeometry g, int from,
      int to) {
    TiledMaxPool pool = TiledMaxPool.get();
    int plane = g.plane();
    int outputs = g.positions();
    // One heap array: the pool's scratch, then the plane's result, x's plane and dy's plane, each with a vector's
    // room after it, so that the backward pass writes its last window in whole vectors too.
    int slack = pool.vectorLength();
    int result = pool.scratchLength(g);
    int xs = result + plane + slack;
    int dys = xs + plane + slack;
    float[] work = WorkArrays.floats(dys + outputs + slack);
    for (int pl = from; pl < to; pl++) {
      ((FloatBuffer) x.elements).get(pl * plane, work, xs, plane);
      if (dx == null) {
        pool.forward(work, xs, work, result, g, work);
        ((FloatBuffer) y.elements).put(pl * outputs, work, result, outputs);
        continue;
      }
      ((FloatBuffer) dy.elements).get(pl * outputs, work, dys, outputs);
      pool.backward(work, xs, work, dys, work, result, result + plane + slack, g, work);
      ((FloatBuffer) dx.elements).put(pl * plane, work, result, plane);
    }
    NativeMemory.keep(x, y, dy, dx);
  }
}
