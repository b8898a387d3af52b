package org.delta4j.engine.nd4j;

import static org.delta4j.engine.Subnormals.flush;

import java.nio.ByteBuffer;
import org.delta4j.engine.WorkerPool;

/**
 * Adam's update, m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − α(m·r₁) / (√(v·r₂) + ε) with rᵢ = 1 / cᵢ the
 * reciprocals of the bias corrections (one square root and one division an element, which bound it), computed in Java
 * over the native memory of ND4J arrays. ND4J's fused {@code adam_updater} computes its square root and division one
 * element at a time, and slows further once moments of always-zero gradients decay into subnormal numbers, which
 * libnd4j does not flush; it took most of a training step (benchmarks/PROFILE.md). This loop is SIMD
 * where the Vector API is present and flushes the moments to zero below the smallest normal number, as the reference
 * engine does; the engine runs it only where ε hides a subnormal moment ({@code Kernels.flushIsUnseen}). Arrays must be
 * contiguous and in C order, as every tensor of this engine is.
 */
final class NativeMemoryAdam {
  /**
   * One element type's loop over elements [from, n) of buffers whose element 0 is at byte 0; r1, r2 are the
   * reciprocals of the bias corrections, and for floats ob1, ob2 are 1 − β₁ and 1 − β₂ taken in double and rounded
   * (1 − (float) β is off by up to 2⁻²⁵/(1 − β) of itself: by 1.3e-5 for β = 0.999).
   */
  interface Loop {
    void floats(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int n, float rate, float b1,
        float ob1, float b2, float ob2, float eps, float r1, float r2);

    void doubles(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int n, double rate, double b1,
        double b2, double eps, double r1, double r2);
  }

  private static final Loop LOOP = load();
  /** Where a split may fall: a multiple of every vector length, in elements. */
  private static final int ALIGN = 64;

  private NativeMemoryAdam() {}

  private static Loop load() {
    if (!SmallArrays.VECTOR_API) {
      return new Scalar();
    }
    try {
      return (Loop) Class.forName(NativeMemoryAdam.class.getPackageName() + ".VectorAdamLoop")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the Vector API Adam loop", e);
    }
  }

  static boolean vectorised() {
    return !(LOOP instanceof Scalar);
  }

  /** Adam over the arrays' native memory, as the engine's tensors keep it (a step's update makes no buffers). */
  static void update(NativeMemory w, NativeMemory g, NativeMemory m, NativeMemory v, double rate, double b1, double b2,
      double eps, double c1, double c2) {
    update(LOOP, w, g, m, v, rate, b1, b2, eps, c1, c2);
  }

  /**
   * The same by the given loop (the scalar one, in tests). A large parameter is split between the cores of the shared
   * {@link WorkerPool} in blocks of {@link #ALIGN} elements, so that the same elements fall in the vector loop and its
   * tail, and the result has the same bits, on any number of cores.
   */
  static void update(Loop loop, NativeMemory w, NativeMemory g, NativeMemory m, NativeMemory v, double rate,
      double b1, double b2, double eps, double c1, double c2) {
    int n = w.length;
    WorkerPool.shared().split((n + ALIGN - 1) / ALIGN, n, (part, from, to) -> update(loop, w, g, m, v, from * ALIGN,
        Math.min(n, to * ALIGN), rate, b1, b2, eps, c1, c2));
    NativeMemory.keep(w, g, m, v);
  }

  /** Elements [from, to) of the arrays. */
  private static void update(Loop loop, NativeMemory w, NativeMemory g, NativeMemory m, NativeMemory v, int from,
      int to, double rate, double b1, double b2, double eps, double c1, double c2) {
    if (w.floats) {
      loop.floats(w.bytes, g.bytes, m.bytes, v.bytes, from, to, (float) rate, (float) b1, (float) (1 - b1),
          (float) b2, (float) (1 - b2), (float) eps, (float) (1 / c1), (float) (1 / c2));
    } else {
      loop.doubles(w.bytes, g.bytes, m.bytes, v.bytes, from, to, rate, b1, b2, eps, 1 / c1, 1 / c2);
    }
  }

  /** One element at a time; also the vector loop's tail. */
  static final class Scalar implements Loop {
    @Override
    public void floats(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int n, float rate,
        float b1, float ob1, float b2, float ob2, float eps, float r1, float r2) {
      for (int i = from; i < n; i++) {
        int o = i * Float.BYTES;
        float gi = g.getFloat(o);
        float mi = flush(b1 * m.getFloat(o) + ob1 * gi);
        float vi = flush(b2 * v.getFloat(o) + ob2 * gi * gi);
        m.putFloat(o, mi);
        v.putFloat(o, vi);
        w.putFloat(o, w.getFloat(o) - rate * (mi * r1 / ((float) Math.sqrt(vi * r2) + eps)));
      }
    }

    @Override
    public void doubles(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int n, double rate,
        double b1, double b2, double eps, double r1, double r2) {
      double ob1 = 1 - b1;
      double ob2 = 1 - b2;
      for (int i = from; i < n; i++) {
        int o = i * Double.BYTES;
        double gi = g.getDouble(o);
        double mi = flush(b1 * m.getDouble(o) + ob1 * gi);
        double vi = flush(b2 * v.getDouble(o) + ob2 * gi * gi);
        m.putDouble(o, mi);
        v.putDouble(o, vi);
        w.putDouble(o, w.getDouble(o) - rate * (mi * r1 / (Math.sqrt(vi * r2) + eps)));
      }
    }
  }
}
