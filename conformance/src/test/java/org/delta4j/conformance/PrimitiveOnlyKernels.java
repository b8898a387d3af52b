package org.delta4j.conformance;

import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.KernelArguments;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.UnaryOp;
import org.delta4j.engine.Window;
import org.delta4j.tensor.Tensor;

/**
 * The primitive kernels of {@link PrimitiveOnlyEngine} and nothing else: every fused operation is {@link Kernels}'
 * default. Each element is computed in double by the op's own formula and rounded once to the tensor's type; sums
 * and products accumulate in double. Stateless, so thread-safe.
 */
final class PrimitiveOnlyKernels implements Kernels {
  private final PrimitiveOnlyEngine engine;

  PrimitiveOnlyKernels(PrimitiveOnlyEngine engine) {
    this.engine = engine;
  }

  private ArrayTensor array(String kernel, Tensor t) {
    return KernelArguments.owned(kernel, t, engine, ArrayTensor.class);
  }

  /** C ← α·op(A)·op(B) + β·C, each element a dot product in double; C is not read when β = 0. */
  @Override
  public void gemm(Tensor a, boolean transposeA, Tensor b, boolean transposeB, double alpha, double beta, Tensor c) {
    KernelArguments.gemm(a, transposeA, b, transposeB, c);
    double[] x = array("gemm", a).values;
    double[] y = array("gemm", b).values;
    ArrayTensor z = array("gemm", c);
    int m = c.shape().dim(0);
    int n = c.shape().dim(1);
    int k = a.shape().dim(transposeA ? 0 : 1);
    int lda = a.shape().dim(1);
    int ldb = b.shape().dim(1);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double dot = 0;
        for (int p = 0; p < k; p++) {
          dot += x[transposeA ? p * lda + i : i * lda + p] * y[transposeB ? j * ldb + p : p * ldb + j];
        }
        // with α = 0 the product is not read (NaN in A or B stays out), with β = 0 C is not
        z.store(i * n + j, (alpha == 0 ? 0 : alpha * dot) + (beta == 0 ? 0 : beta * z.values[i * n + j]));
      }
    }
  }

  @Override
  public void unary(UnaryOp f, Tensor x, Tensor y) {
    KernelArguments.present("unary", "the function", f);
    String kernel = "unary " + f;
    KernelArguments.sameShape(kernel, x, y);
    double[] in = array(kernel, x).values;
    ArrayTensor out = array(kernel, y);
    for (int i = 0; i < in.length; i++) {
      out.store(i, f.apply(in[i]));
    }
  }

  @Override
  public void affine(Tensor x, double s, double t, Tensor y) {
    KernelArguments.sameShape("affine", x, y);
    double[] in = array("affine", x).values;
    ArrayTensor out = array("affine", y);
    for (int i = 0; i < in.length; i++) {
      out.store(i, s * in[i] + t);
    }
  }

  /** b is read at flat index (i mod its rows)·its columns + (j mod its columns) for out's element (i, j). */
  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    KernelArguments.present("binary", "the function", op);
    String kernel = "binary " + op;
    KernelArguments.binary(kernel, a, b, out);
    double[] x = array(kernel, a).values;
    double[] y = array(kernel, b).values;
    ArrayTensor z = array(kernel, out);
    boolean matrix = out.shape().rank() == 2;
    int columns = matrix ? out.shape().dim(1) : x.length;
    int bRows = matrix ? b.shape().dim(0) : 1;
    int bColumns = matrix ? b.shape().dim(1) : y.length;
    for (int k = 0; k < x.length; k++) {
      int i = k / columns;
      int j = k % columns;
      z.store(k, op.apply(x[k], y[(i % bRows) * bColumns + j % bColumns]));
    }
  }

  @Override
  public void select(Tensor mask, Tensor a, Tensor b, Tensor out) {
    KernelArguments.sameShape("select", mask, a, b, out);
    double[] m = array("select", mask).values;
    double[] x = array("select", a).values;
    double[] y = array("select", b).values;
    ArrayTensor z = array("select", out);
    for (int k = 0; k < m.length; k++) {
      z.store(k, m[k] != 0 ? x[k] : y[k]);
    }
  }

  @Override
  public void reduce(ReduceOp op, Tensor m, int axis, Tensor out) {
    KernelArguments.present("reduce", "the function", op);
    String kernel = "reduce " + op;
    KernelArguments.reduce(kernel, m, axis, out);
    double[] x = array(kernel, m).values;
    ArrayTensor r = array(kernel, out);
    int rows = m.shape().dim(0);
    int columns = m.shape().dim(1);
    int results = axis == 0 ? columns : rows;
    int length = axis == 0 ? rows : columns;
    for (int q = 0; q < results; q++) {
      double acc = op.identity();
      for (int p = 0; p < length; p++) {
        acc = op.combine(acc, x[axis == 0 ? p * columns + q : q * columns + p]);
      }
      r.store(q, acc);
    }
  }

  @Override
  public void copyWindow(Tensor src, Window from, Tensor dst, Window to) {
    KernelArguments.copyWindow(src, from, dst, to);
    double[] s = array("copyWindow", src).values;
    ArrayTensor d = array("copyWindow", dst);
    for (int i = 0; i < from.rows(); i++) {
      for (int j = 0; j < from.columns(); j++) {
        d.store((int) to.index(i, j), s[(int) from.index(i, j)]);
      }
    }
  }

  @Override
  public void fill(Tensor t, double value) {
    ArrayTensor a = array("fill", t);
    for (int i = 0; i < a.values.length; i++) {
      a.store(i, value);
    }
  }

  @Override
  public void argmaxRows(Tensor m, int[] out) {
    KernelArguments.argmax(m, out);
    double[] x = array("argmaxRows", m).values;
    int columns = m.shape().dim(1);
    for (int i = 0; i < m.shape().dim(0); i++) {
      int best = 0;
      double max = Double.NEGATIVE_INFINITY; // not the first element, which may be NaN: NaN is never the maximum
      for (int j = 0; j < columns; j++) {
        if (x[i * columns + j] > max) {
          max = x[i * columns + j];
          best = j;
        }
      }
      out[i] = best;
    }
  }
}
