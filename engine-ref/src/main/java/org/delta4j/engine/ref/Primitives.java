package org.delta4j.engine.ref;

import java.util.Arrays;
import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.UnaryOp;
import org.delta4j.engine.Window;

/**
 * The reference engine's primitive kernels as plain loops over the tensors' arrays, once for float and once for
 * double storage. Each element is computed by the op's own formula ({@link UnaryOp#apply}, {@link BinaryOp#apply},
 * {@link ReduceOp#combine}) in double and rounded once to the storage type; reductions accumulate in double. Arguments
 * are checked by the caller ({@link RefKernels}). Stateless, so thread-safe.
 */
final class Primitives {
  private Primitives() {}

  /** y ← f(x). */
  static void unary(UnaryOp f, RefTensor x, RefTensor y) {
    if (x.floats != null) {
      float[] a = x.floats;
      float[] b = y.floats;
      for (int i = 0; i < a.length; i++) {
        b[i] = (float) f.apply(a[i]);
      }
    } else {
      double[] a = x.doubles;
      double[] b = y.doubles;
      for (int i = 0; i < a.length; i++) {
        b[i] = f.apply(a[i]);
      }
    }
  }

  /** y ← s·x + t. */
  static void affine(RefTensor x, double s, double t, RefTensor y) {
    if (x.floats != null) {
      float[] a = x.floats;
      float[] b = y.floats;
      for (int i = 0; i < a.length; i++) {
        b[i] = (float) (s * a[i] + t);
      }
    } else {
      double[] a = x.doubles;
      double[] b = y.doubles;
      for (int i = 0; i < a.length; i++) {
        b[i] = s * a[i] + t;
      }
    }
  }

  /**
   * out[i, j] ← a[i, j] ∘ b[i·bRow + j·bColumn] over a [rows, columns] view of out: b's strides are 0 along an axis it
   * is broadcast over (a tensor of another rank than 2 is one row of all its elements).
   */
  static void binary(BinaryOp op, RefTensor a, RefTensor b, RefTensor out) {
    int[] o = out.shape().dims();
    int[] s = b.shape().dims();
    boolean matrix = o.length == 2;
    int rows = matrix ? o[0] : 1;
    int columns = matrix ? o[1] : out.shape().intSize();
    int bRow = matrix && s[0] != 1 ? s[1] : 0;
    int bColumn = matrix && s[1] == 1 ? 0 : 1;
    if (a.floats != null) {
      float[] x = a.floats;
      float[] y = b.floats;
      float[] z = out.floats;
      for (int i = 0; i < rows; i++) {
        for (int j = 0, k = i * columns; j < columns; j++, k++) {
          z[k] = (float) op.apply(x[k], y[i * bRow + j * bColumn]);
        }
      }
    } else {
      double[] x = a.doubles;
      double[] y = b.doubles;
      double[] z = out.doubles;
      for (int i = 0; i < rows; i++) {
        for (int j = 0, k = i * columns; j < columns; j++, k++) {
          z[k] = op.apply(x[k], y[i * bRow + j * bColumn]);
        }
      }
    }
  }

  /** out ← mask ≠ 0 ? a : b. */
  static void select(RefTensor mask, RefTensor a, RefTensor b, RefTensor out) {
    if (mask.floats != null) {
      for (int i = 0; i < out.floats.length; i++) {
        out.floats[i] = mask.floats[i] != 0 ? a.floats[i] : b.floats[i];
      }
    } else {
      for (int i = 0; i < out.doubles.length; i++) {
        out.doubles[i] = mask.doubles[i] != 0 ? a.doubles[i] : b.doubles[i];
      }
    }
  }

  /** out ← op over axis 0 (one result per column) or axis 1 (one per row) of the [rows, columns] matrix m. */
  static void reduce(ReduceOp op, RefTensor m, int axis, RefTensor out) {
    int rows = m.shape().dim(0);
    int columns = m.shape().dim(1);
    double[] r = new double[axis == 0 ? columns : rows];
    Arrays.fill(r, op.identity());
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < columns; j++) {
        double x = m.floats != null ? m.floats[i * columns + j] : m.doubles[i * columns + j];
        int k = axis == 0 ? j : i;
        r[k] = op.combine(r[k], x);
      }
    }
    out.copyFrom(r);
  }

  /** dst[to(i, j)] ← src[from(i, j)], a row at a time (one array copy per row where both are contiguous). */
  static void copyWindow(RefTensor src, Window from, RefTensor dst, Window to) {
    int columns = from.columns();
    int ss = (int) from.columnStride();
    int ds = (int) to.columnStride();
    for (int i = 0; i < from.rows(); i++) {
      int s = (int) from.index(i, 0);
      int d = (int) to.index(i, 0);
      if (ss == 1 && ds == 1) {
        System.arraycopy(src.floats != null ? src.floats : src.doubles, s, dst.floats != null ? dst.floats
            : dst.doubles, d, columns);
      } else if (src.floats != null) {
        for (int j = 0; j < columns; j++) {
          dst.floats[d + j * ds] = src.floats[s + j * ss];
        }
      } else {
        for (int j = 0; j < columns; j++) {
          dst.doubles[d + j * ds] = src.doubles[s + j * ss];
        }
      }
    }
  }
}
