package org.delta4j.engine.nd4j;

import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.ReduceOp;
import org.delta4j.tensor.Shape;

/**
 * Element-wise maxima and minima and the maxima of a matrix's rows or columns, over the tensors' native memory, by
 * the formulas of {@link BinaryOp#MAX}, {@link BinaryOp#MIN} and {@link ReduceOp#MAX} (Java's: a NaN is the result),
 * as on the reference engine. ND4J's own ops compare with a &gt; b, so that a NaN is passed over in some places and
 * kept in others: max(NaN, 1) is 1 there but max(1, NaN) NaN, and a row's maximum skips NaN. Arguments are checked by
 * the caller. Stateless.
 */
final class ExtremaLoops {
  private ExtremaLoops() {}

  /**
   * out[i, j] ← a[i, j] ∘ b[i·bRow + j·bColumn] over a [rows, columns] view of out: b's strides are 0 along an axis it
   * is broadcast over (a tensor of another rank than 2 is one row of all its elements).
   */
  static void binary(BinaryOp op, NativeMemory a, NativeMemory b, Shape bShape, NativeMemory out, Shape outShape) {
    boolean matrix = outShape.rank() == 2;
    int rows = matrix ? outShape.dim(0) : 1;
    int columns = matrix ? outShape.dim(1) : out.length;
    int bRow = matrix && bShape.dim(0) != 1 ? bShape.dim(1) : 0;
    int bColumn = matrix && bShape.dim(1) == 1 ? 0 : 1;
    for (int i = 0; i < rows; i++) {
      for (int j = 0, k = i * columns; j < columns; j++, k++) {
        set(out, k, op.apply(get(a, k), get(b, i * bRow + j * bColumn)));
      }
    }
    NativeMemory.keep(a, b, out);
  }

  /** out ← the maximum over axis 0 (one per column) or axis 1 (one per row) of the [rows, columns] matrix m. */
  static void reduceMax(NativeMemory m, int rows, int columns, int axis, NativeMemory out) {
    int results = axis == 0 ? columns : rows;
    for (int k = 0; k < results; k++) {
      set(out, k, ReduceOp.MAX.identity());
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < columns; j++) {
        int k = axis == 0 ? j : i;
        set(out, k, ReduceOp.MAX.combine(get(out, k), get(m, i * columns + j)));
      }
    }
    NativeMemory.keep(m, out);
  }

  private static double get(NativeMemory t, int i) {
    return t.floats ? t.bytes.getFloat(i * Float.BYTES) : t.bytes.getDouble(i * Double.BYTES);
  }

  private static void set(NativeMemory t, int i, double v) {
    if (t.floats) {
      t.bytes.putFloat(i * Float.BYTES, (float) v);
    } else {
      t.bytes.putDouble(i * Double.BYTES, v);
    }
  }
}
