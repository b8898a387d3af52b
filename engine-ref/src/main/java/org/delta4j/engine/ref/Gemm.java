package org.delta4j.engine.ref;

/**
 * Matrix multiply on row-major arrays: C ← α·op(A)·op(B) + β·C. A is stored with row stride lda, B with ldb, C with
 * ldc. With β = 0 the old C is ignored, NaN included. Thread-safe.
 */
final class Gemm {
  private Gemm() {}

  static String description() {
    return "scalar gemm";
  }

  static void sgemm(
      boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta,
      float[] c, int ldc) {
    for (int i = 0; i < m; i++) {
      int ci = i * ldc;
      for (int j = 0; j < n; j++) {
        c[ci + j] = beta == 0 ? 0f : beta * c[ci + j];
      }
      for (int p = 0; p < k; p++) {
        float aip = alpha * (ta ? a[p * lda + i] : a[i * lda + p]);
        if (tb) {
          for (int j = 0; j < n; j++) {
            c[ci + j] += aip * b[j * ldb + p];
          }
        } else {
          int bp = p * ldb;
          for (int j = 0; j < n; j++) {
            c[ci + j] += aip * b[bp + j];
          }
        }
      }
    }
  }

  static void dgemm(
      boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int lda, double[] b, int ldb, double beta,
      double[] c, int ldc) {
    for (int i = 0; i < m; i++) {
      int ci = i * ldc;
      for (int j = 0; j < n; j++) {
        c[ci + j] = beta == 0 ? 0 : beta * c[ci + j];
      }
      for (int p = 0; p < k; p++) {
        double aip = alpha * (ta ? a[p * lda + i] : a[i * lda + p]);
        if (tb) {
          for (int j = 0; j < n; j++) {
            c[ci + j] += aip * b[j * ldb + p];
          }
        } else {
          int bp = p * ldb;
          for (int j = 0; j < n; j++) {
            c[ci + j] += aip * b[bp + j];
          }
        }
      }
    }
  }
}
