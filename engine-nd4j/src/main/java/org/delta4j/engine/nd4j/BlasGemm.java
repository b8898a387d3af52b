package org.delta4j.engine.nd4j;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * C ← α·op(A)·op(B) + β·C as one {@code cblas_sgemm} or {@code cblas_dgemm} call on the tensors' native memory, in
 * row-major order with the transpose flags passed through (no transposed copy). This is the OpenBLAS binding ND4J
 * ships and its own gemm ends in; calling it directly skips what ND4J's {@code Nd4j.gemm} adds per call (a matmul
 * custom op built, its shapes computed and checked, the op executed through the executioner and libnd4j's dispatch):
 * tens of microseconds, which dominate a product at batch 1. The arguments are checked by the caller
 * ({@code KernelArguments.gemm}); every tensor of this engine is contiguous in C order. Thread-safe: OpenBLAS's gemm
 * is reentrant and nothing is kept between calls.
 */
final class BlasGemm {
  // CBLAS enumerations (cblas.h): CblasRowMajor, CblasNoTrans, CblasTrans.
  private static final int ROW_MAJOR = 101;
  private static final int NO_TRANSPOSE = 111;
  private static final int TRANSPOSE = 112;

  private BlasGemm() {}

  /** Shapes: A is [rows, cols] stored, op(A) [m, k]; likewise B, op(B) [k, n]; C [m, n]. */
  static void gemm(Nd4jTensor a, boolean transposeA, Nd4jTensor b, boolean transposeB, double alpha, double beta,
      Nd4jTensor c) {
    int m = c.shape().dim(0);
    int n = c.shape().dim(1);
    int k = a.shape().dim(transposeA ? 0 : 1);
    // Leading dimensions are the stored row lengths; BLAS wants them ≥ 1 even for an empty operand.
    int lda = Math.max(1, a.shape().dim(1));
    int ldb = Math.max(1, b.shape().dim(1));
    int ldc = Math.max(1, n);
    int ta = transposeA ? TRANSPOSE : NO_TRANSPOSE;
    int tb = transposeB ? TRANSPOSE : NO_TRANSPOSE;
    NativeMemory pa = a.memory("gemm");
    NativeMemory pb = b.memory("gemm");
    NativeMemory pc = c.memory("gemm");
    if (pc.floats) {
      openblas_nolapack.cblas_sgemm(ROW_MAJOR, ta, tb, m, n, k, (float) alpha, (FloatPointer) pa.pointer, lda,
          (FloatPointer) pb.pointer, ldb, (float) beta, (FloatPointer) pc.pointer, ldc);
    } else {
      openblas_nolapack.cblas_dgemm(ROW_MAJOR, ta, tb, m, n, k, alpha, (DoublePointer) pa.pointer, lda,
          (DoublePointer) pb.pointer, ldb, beta, (DoublePointer) pc.pointer, ldc);
    }
  }
}
