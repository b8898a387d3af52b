package org.delta4j.engine;

import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The argument checks every engine's {@link Kernels} make before computing, in one place, so that a misuse fails with
 * the same clear message (naming the kernel and the shapes) on every engine instead of an index error inside one.
 */
public final class KernelArguments {
  private KernelArguments() {}

  /** Checks C ← op(A)·op(B): then m and n are C's dimensions and k is op(A)'s columns. */
  public static void gemm(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c) {
    matrix("gemm", "A", a);
    matrix("gemm", "B", b);
    matrix("gemm", "C", c);
    sameType("gemm", a, b, c);
    int m = a.shape().dim(transposeA ? 1 : 0);
    int k = a.shape().dim(transposeA ? 0 : 1);
    int kb = b.shape().dim(transposeB ? 1 : 0);
    int n = b.shape().dim(transposeB ? 0 : 1);
    if (k != kb || c.shape().dim(0) != m || c.shape().dim(1) != n) {
      throw new IllegalArgumentException("gemm: op(A) is [" + m + ", " + k + "] (A " + a.shape()
          + (transposeA ? " transposed" : "") + "), op(B) is [" + kb + ", " + n + "] (B " + b.shape()
          + (transposeB ? " transposed" : "") + "), C is " + c.shape() + ": need op(A) [m, k], op(B) [k, n], C [m, n]");
    }
    if (c == a || c == b) {
      throw new IllegalArgumentException("gemm: C must not be A or B");
    }
  }

  /** Checks that {@code out} can hold one index per row of the matrix {@code m}. */
  public static void argmax(Tensor m, int[] out) {
    matrix("argmaxRows", "m", m);
    if (out.length < m.shape().dim(0)) {
      throw new IllegalArgumentException("argmaxRows: output holds " + out.length + " but the matrix has "
          + m.shape().dim(0) + " rows");
    }
  }

  /** Checks a [rows, n] matrix against a vector of n elements. */
  public static void rowVector(String kernel, Tensor m, Tensor v) {
    matrix(kernel, "matrix", m);
    sameType(kernel, m, v);
    if (v.size() != m.shape().dim(1)) {
      throw new IllegalArgumentException(kernel + ": the matrix is " + m.shape() + " so the vector needs "
          + m.shape().dim(1) + " elements, but it is " + v.shape());
    }
  }

  /** Checks that every tensor has the first one's shape and type. */
  public static void sameShape(String kernel, Tensor... tensors) {
    Shape s = tensors[0].shape();
    for (int i = 1; i < tensors.length; i++) {
      if (!tensors[i].shape().equals(s)) {
        throw new IllegalArgumentException(kernel + ": tensors must have one shape, got " + s + " and "
            + tensors[i].shape());
      }
    }
    sameType(kernel, tensors);
  }

  public static void matrix(String kernel, String what, Tensor t) {
    if (t.shape().rank() != 2) {
      throw new IllegalArgumentException(kernel + ": " + what + " must be a matrix (rank 2), got " + t.shape());
    }
  }

  private static void sameType(String kernel, Tensor... tensors) {
    for (Tensor t : tensors) {
      if (t.dataType() != tensors[0].dataType()) {
        throw new IllegalArgumentException(kernel + ": tensors must share one data type, got " + tensors[0].dataType()
            + " and " + t.dataType());
      }
      if (t.engine() != tensors[0].engine()) {
        throw new IllegalArgumentException(kernel + ": tensors belong to different engines ('"
            + tensors[0].engine().name() + "' and '" + t.engine().name() + "')");
      }
    }
  }
}
