package org.delta4j.engine.nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SmallArrays}' loops on the JDK's Vector API over native memory, L elements a step and the remainder one at a
 * time with the same operation. Loaded only when {@code jdk.incubator.vector} is present. Stateless.
 */
final class VectorRowLoops {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private VectorRowLoops() {}

  /** The width of the loops' float vectors, in bits: it decides the order of their sums. */
  static int bits() {
    return F.vectorBitSize();
  }

  /** M[i, j] += v[j] for the [rows, n] matrix m. */
  static void addRowVector(NativeMemory m, int rows, int n, NativeMemory v) {
    if (m.floats) {
      addRowFloats(m.bytes, rows, n, v.bytes);
    } else {
      addRowDoubles(m.bytes, rows, n, v.bytes);
    }
    NativeMemory.keep(m, v);
  }

  private static void addRowFloats(ByteBuffer m, int rows, int n, ByteBuffer v) {
    int end = F.loopBound(n);
    for (int i = 0; i < rows; i++) {
      int row = i * n * Float.BYTES;
      int j = 0;
      for (; j < end; j += F.length()) {
        int o = row + j * Float.BYTES;
        FloatVector.fromByteBuffer(F, m, o, ORDER).add(FloatVector.fromByteBuffer(F, v, j * Float.BYTES, ORDER))
            .intoByteBuffer(m, o, ORDER);
      }
      for (; j < n; j++) {
        int o = row + j * Float.BYTES;
        m.putFloat(o, m.getFloat(o) + v.getFloat(j * Float.BYTES));
      }
    }
  }

  private static void addRowDoubles(ByteBuffer m, int rows, int n, ByteBuffer v) {
    int end = D.loopBound(n);
    for (int i = 0; i < rows; i++) {
      int row = i * n * Double.BYTES;
      int j = 0;
      for (; j < end; j += D.length()) {
        int o = row + j * Double.BYTES;
        DoubleVector.fromByteBuffer(D, m, o, ORDER).add(DoubleVector.fromByteBuffer(D, v, j * Double.BYTES, ORDER))
            .intoByteBuffer(m, o, ORDER);
      }
      for (; j < n; j++) {
        int o = row + j * Double.BYTES;
        m.putDouble(o, m.getDouble(o) + v.getDouble(j * Double.BYTES));
      }
    }
  }

  /**
   * out ← x &gt; 0 ? v : α·v, element-wise, for leaky ReLU; out ← x ≤ 0 ? 0 : v for ReLU: the forward pass with v =
   * x (ReLU then as max(x, 0), the maximum as {@link Math#max} takes it, as the reference engine computes it), the
   * backward pass with v = dy (the derivative at 0 taken as α, or 0). At NaN both tests fail, as in PyTorch's
   * leaky_relu and relu backward: α·v, and v. ReLU passes nothing where x ≤ 0, not 0·dy, which is NaN for an infinite
   * dy. out may be x or v.
   */
  static void rectify(NativeMemory x, NativeMemory v, boolean leaky, double alpha, NativeMemory out) {
    if (x.floats) {
      rectifyFloats(x.bytes, v.bytes, x.length, x == v && !leaky, !leaky, (float) alpha, out.bytes);
    } else {
      rectifyDoubles(x.bytes, v.bytes, x.length, x == v && !leaky, !leaky, alpha, out.bytes);
    }
    NativeMemory.keep(x, v, out);
  }

  private static void rectifyFloats(ByteBuffer x, ByteBuffer v, int n, boolean max, boolean gate, float alpha,
      ByteBuffer y) {
    int end = F.loopBound(n);
    int i = 0;
    for (; i < end; i += F.length()) {
      int o = i * Float.BYTES;
      FloatVector a = FloatVector.fromByteBuffer(F, x, o, ORDER);
      FloatVector b = FloatVector.fromByteBuffer(F, v, o, ORDER);
      FloatVector r = max ? a.max(0f) : gate ? b.blend(FloatVector.zero(F), a.compare(VectorOperators.LE, 0f))
          : b.mul(alpha).blend(b, a.compare(VectorOperators.GT, 0f));
      r.intoByteBuffer(y, o, ORDER);
    }
    for (; i < n; i++) {
      int o = i * Float.BYTES;
      float a = x.getFloat(o);
      float b = v.getFloat(o);
      y.putFloat(o, max ? Math.max(a, 0f) : gate ? (a <= 0 ? 0f : b) : a > 0 ? b : alpha * b);
    }
  }

  private static void rectifyDoubles(ByteBuffer x, ByteBuffer v, int n, boolean max, boolean gate, double alpha,
      ByteBuffer y) {
    int end = D.loopBound(n);
    int i = 0;
    for (; i < end; i += D.length()) {
      int o = i * Double.BYTES;
      DoubleVector a = DoubleVector.fromByteBuffer(D, x, o, ORDER);
      DoubleVector b = DoubleVector.fromByteBuffer(D, v, o, ORDER);
      DoubleVector r = max ? a.max(0) : gate ? b.blend(DoubleVector.zero(D), a.compare(VectorOperators.LE, 0))
          : b.mul(alpha).blend(b, a.compare(VectorOperators.GT, 0));
      r.intoByteBuffer(y, o, ORDER);
    }
    for (; i < n; i++) {
      int o = i * Double.BYTES;
      double a = x.getDouble(o);
      double b = v.getDouble(o);
      y.putDouble(o, max ? Math.max(a, 0) : gate ? (a <= 0 ? 0 : b) : a > 0 ? b : alpha * b);
    }
  }
}
