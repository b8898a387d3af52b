package org.delta4j.engine.nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Locale;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.ImageLoops;
import org.delta4j.io.Heap;
import org.delta4j.tensor.DataType;

/**
 * Heap arrays beside native memory, for the engine's use of the portable image loops (the convolution, max pooling):
 * a float[] for FLOAT32, a double[] for FLOAT64, passed as {@code Object} so that one caller serves both types; bulk
 * copies to and from a {@link NativeMemory} (absolute, so the memory's views keep no position and may be shared); one
 * sample's im2col and col2im, and max pooling of some planes, through {@link ImageLoops}. Stateless.
 */
final class HeapCopy {
  private HeapCopy() {}

  /**
   * A zeroed heap array of the type, {@code length} long, for {@code what}; one the heap cannot give fails as
   * {@link Heap#outOfMemory} says, naming it.
   */
  static Object make(DataType type, int length, String what) {
    try {
      return type == DataType.FLOAT32 ? new float[length] : new double[length];
    } catch (OutOfMemoryError e) {
      throw Heap.outOfMemory(String.format(Locale.ROOT, "%s, %,d values in %s,", what, length, type),
          (long) length * type.bytes(), e);
    }
  }

  /** Whether {@code a} is a heap array of the type at least {@code length} long. */
  static boolean fits(Object a, DataType type, int length) {
    return type == DataType.FLOAT32 ? a instanceof float[] f && f.length >= length
        : a instanceof double[] d && d.length >= length;
  }

  /** heap[0, length) ← m[at, at + length); heap is of m's type. */
  static void load(NativeMemory m, long at, Object heap, int length) {
    load(m, at, heap, 0, length);
  }

  /** heap[offset, offset + length) ← m[at, at + length); heap is of m's type. */
  static void load(NativeMemory m, long at, Object heap, int offset, int length) {
    if (m.floats) {
      ((FloatBuffer) m.elements).get((int) at, (float[]) heap, offset, length);
    } else {
      ((DoubleBuffer) m.elements).get((int) at, (double[]) heap, offset, length);
    }
    NativeMemory.keep(m);
  }

  /** m[at, at + length) ← heap[0, length); heap is of m's type. */
  static void store(Object heap, NativeMemory m, long at, int length) {
    store(heap, 0, m, at, length);
  }

  /** m[at, at + length) ← heap[offset, offset + length); heap is of m's type. */
  static void store(Object heap, int offset, NativeMemory m, long at, int length) {
    if (m.floats) {
      ((FloatBuffer) m.elements).put((int) at, (float[]) heap, offset, length);
    } else {
      ((DoubleBuffer) m.elements).put((int) at, (double[]) heap, offset, length);
    }
    NativeMemory.keep(m);
  }

  /** heap[r·length, (r + 1)·length) ← m[at + r·stride, at + r·stride + length) for r in [0, rows). */
  static void loadRows(NativeMemory m, long at, int stride, Object heap, int rows, int length) {
    for (int r = 0; r < rows; r++) {
      load(m, at + (long) r * stride, heap, r * length, length);
    }
  }

  /** m[at + r·stride, at + r·stride + length) ← heap[r·length, (r + 1)·length) for r in [0, rows). */
  static void storeRows(Object heap, NativeMemory m, long at, int stride, int rows, int length) {
    for (int r = 0; r < rows; r++) {
      store(heap, r * length, m, at + (long) r * stride, length);
    }
  }

  /** col ← the column matrix [C·kh·kw, oh·ow] of sample s of the batch x. */
  static void im2col(Object x, Object col, ConvGeometry g, int s) {
    if (x instanceof float[] f) {
      ImageLoops.im2col(f, (float[]) col, g, 1, 0, 1, s);
    } else {
      ImageLoops.im2col((double[]) x, (double[]) col, g, 1, 0, 1, s);
    }
  }

  /**
   * {@link ImageLoops#maxPool} over the planes [0, planes) of the heap arrays, forward (y given) or backward (dy and
   * dx given); index is g's tap table.
   */
  static void maxPool(Object x, Object y, Object dy, Object dx, ConvGeometry g, int[] index, int planes) {
    if (x instanceof float[] f) {
      ImageLoops.maxPool(f, (float[]) y, (float[]) dy, (float[]) dx, g, index, 0, planes);
    } else {
      ImageLoops.maxPool((double[]) x, (double[]) y, (double[]) dy, (double[]) dx, g, index, 0, planes);
    }
  }

  /**
   * Sample s of the batch x ← col⁻¹(col), col one sample's column matrix, which this may overwrite (in float, its
   * padding entries are set to 0 so that a tap's rows add as one run).
   */
  static void col2im(Object col, Object x, ConvGeometry g, int s) {
    if (x instanceof float[] f) {
      ImageLoops.col2im((float[]) col, f, g, 1, 0, 1, s, true);
    } else {
      ImageLoops.col2im((double[]) col, (double[]) x, g, 1, 0, 1, s);
    }
  }
}
