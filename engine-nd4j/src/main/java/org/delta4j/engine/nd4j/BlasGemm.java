package org.delta4j.engine.nd4j;

import java.util.concurrent.locks.ReentrantLock;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * C ← α·op(A)·op(B) + β·C as one {@code cblas_sgemm} or {@code cblas_dgemm} call on the tensors' native memory, in
 * row-major order with the transpose flags passed through (no transposed copy); a C of one row (a batch of one) as
 * one {@code gemv}, which reads B where it lies instead of packing it first. This is the OpenBLAS binding ND4J
 * ships and its own gemm ends in; calling it directly skips what ND4J's {@code Nd4j.gemm} adds per call (a matmul
 * custom op built, its shapes computed and checked, the op executed through the executioner and libnd4j's dispatch):
 * tens of microseconds, which dominate a product at batch 1. The arguments are checked by the caller
 * ({@code KernelArguments.gemm}); every tensor of this engine is contiguous in C order. Thread-safe: OpenBLAS's gemm
 * and gemv are reentrant and nothing is kept between calls. While OpenBLAS runs a gemm on more than one thread, gemms
 * from several threads take turns ({@link #setTurns}).
 */
final class BlasGemm {
  /**
   * Held for a gemm while OpenBLAS spreads each over several threads. Each product then already uses every core;
   * two at once (two networks training side by side on one engine) oversubscribe them, and OpenBLAS's idle threads
   * spin against the other caller's. Measured (ConcurrentTrainingBenchmark, nd4j, 2 cores, 2 BLAS threads): two
   * networks at once made 0.53× one network's steps/s in total without turns, 0.94–1.09× with them. With one BLAS
   * thread the products run side by side instead, each on its caller's core.
   */
  private static final ReentrantLock TURNS = new ReentrantLock();
  private static volatile boolean turns;

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
    NativeMemory ma = a.memory("gemm");
    NativeMemory mb = b.memory("gemm");
    NativeMemory mc = c.memory("gemm");
    gemm(transposeA, transposeB, m, n, k, alpha, ma.pointer, Math.max(1, a.shape().dim(1)), mb.pointer,
        Math.max(1, b.shape().dim(1)), beta, mc.pointer, Math.max(1, n));
    NativeMemory.keep(ma, mb, mc); // the pointers are bare addresses
  }

  /**
   * The same product on raw row-major operands: each a {@link FloatPointer} or {@link DoublePointer} (all of one
   * type) whose position is the matrix's first element, with its leading dimension (stored row length).
   */
  static void gemm(boolean transposeA, boolean transposeB, int m, int n, int k, double alpha, Pointer a, int lda,
      Pointer b, int ldb, double beta, Pointer c, int ldc) {
    if (alpha == 0) {
      // C ← β·C without reading A or B, as BLAS defines it. OpenBLAS's small-matrix kernels for AVX-512 (SkylakeX,
      // 0.3.19) compute 0·op(A)·op(B) instead, so a NaN or ∞ in A or B made C NaN (Intel Xeon, family 6 model 167).
      scale(m, n, beta, c, ldc);
      return;
    }
    if (m == 1 && k > 0) {
      // One row of C (a batch of one): c = α·op(B)ᵀ·x + β·c as one gemv, which reads B once where gemm packs it first.
      // x is op(A)'s row: A's one row, or A's one column (stride lda) when A is transposed.
      int incx = transposeA ? lda : 1;
      int tb = transposeB ? NO_TRANSPOSE : TRANSPOSE; // B [k, n] stored: Bᵀ·x; B [n, k] stored: B·x
      int rows = transposeB ? n : k;
      int cols = transposeB ? k : n;
      if (c instanceof FloatPointer fc) {
        openblas_nolapack.cblas_sgemv(ROW_MAJOR, tb, rows, cols, (float) alpha, (FloatPointer) b, ldb,
            (FloatPointer) a, incx, (float) beta, fc, 1);
      } else {
        openblas_nolapack.cblas_dgemv(ROW_MAJOR, tb, rows, cols, alpha, (DoublePointer) b, ldb, (DoublePointer) a,
            incx, beta, (DoublePointer) c, 1);
      }
      return;
    }
    int ta = transposeA ? TRANSPOSE : NO_TRANSPOSE;
    int tb = transposeB ? TRANSPOSE : NO_TRANSPOSE;
    boolean turn = turns;
    if (turn) {
      TURNS.lock();
    }
    try {
      if (c instanceof FloatPointer fc) {
        openblas_nolapack.cblas_sgemm(ROW_MAJOR, ta, tb, m, n, k, (float) alpha, (FloatPointer) a, lda,
            (FloatPointer) b, ldb, (float) beta, fc, ldc);
      } else {
        openblas_nolapack.cblas_dgemm(ROW_MAJOR, ta, tb, m, n, k, alpha, (DoublePointer) a, lda, (DoublePointer) b,
            ldb, beta, (DoublePointer) c, ldc);
      }
    } finally {
      if (turn) {
        TURNS.unlock();
      }
    }
  }

  /** C ← β·C over its m × n elements, row stride ldc; β = 0 writes zeros over whatever C held, NaN included. */
  private static void scale(int m, int n, double beta, Pointer c, int ldc) {
    FloatPointer fc = c instanceof FloatPointer f ? f : null;
    DoublePointer dc = fc == null ? (DoublePointer) c : null;
    for (int i = 0; i < m; i++) {
      for (long at = (long) i * ldc, end = at + n; at < end; at++) {
        if (fc != null) {
          fc.put(at, beta == 0 ? 0f : (float) beta * fc.get(at));
        } else {
          dc.put(at, beta == 0 ? 0 : beta * dc.get(at));
        }
      }
    }
  }

  /** Whether gemms take turns: set when the engine gives OpenBLAS its thread count, true for more than one. */
  static void setTurns(int blasThreads) {
    turns = blasThreads > 1;
  }

  /** Whether gemms take turns now (see {@link #setTurns}): what the engine chose for OpenBLAS's thread count. */
  static boolean turns() {
    return turns;
  }

  /**
   * A private copy of {@code m}'s BLAS pointer, for a caller that moves its position to address a sub-matrix: the
   * tensor's own pointer is shared between threads and must keep position 0.
   */
  static Pointer cursor(NativeMemory m) {
    return m.floats ? new FloatPointer(m.pointer) : new DoublePointer(m.pointer);
  }
}
