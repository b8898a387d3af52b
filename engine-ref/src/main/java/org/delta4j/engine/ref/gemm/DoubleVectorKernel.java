package org.delta4j.engine.ref.gemm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double micro-kernel on the JDK's Vector API: a 6 × 2L tile (L lanes of the widest vector the CPU has) held in
 * twelve vector registers, each step one broadcast of A times two vectors of B, fused multiply-add. Loaded only when
 * the module {@code jdk.incubator.vector} is present.
 */
final class DoubleVectorKernel implements DoubleGemm.MicroKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int NR = 2 * L;

  @Override
  public int mr() {
    return 6;
  }

  @Override
  public int nr() {
    return NR;
  }

  @Override
  public void compute(int kc, double[] a, int ao, double[] b, int bo, double[] c, int co, int ldc, double alpha, int rows,
      int cols, double[] tile) {
    DoubleVector c00 = DoubleVector.zero(S);
    DoubleVector c01 = c00;
    DoubleVector c10 = c00;
    DoubleVector c11 = c00;
    DoubleVector c20 = c00;
    DoubleVector c21 = c00;
    DoubleVector c30 = c00;
    DoubleVector c31 = c00;
    DoubleVector c40 = c00;
    DoubleVector c41 = c00;
    DoubleVector c50 = c00;
    DoubleVector c51 = c00;
    for (int p = 0; p < kc; p++, ao += 6, bo += NR) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, bo);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bo + L);
      DoubleVector x = DoubleVector.broadcast(S, a[ao]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = DoubleVector.broadcast(S, a[ao + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = DoubleVector.broadcast(S, a[ao + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = DoubleVector.broadcast(S, a[ao + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = DoubleVector.broadcast(S, a[ao + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = DoubleVector.broadcast(S, a[ao + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    // Each row is added through one inlined call, so the accumulators stay in registers (an array of them would
    // force every vector onto the heap).
    int full = rows == 6 && cols == NR ? 6 : 0;
    DoubleVector al = DoubleVector.broadcast(S, alpha);
    store(c00, c01, c, co, full > 0, al, tile, 0);
    store(c10, c11, c, co + ldc, full > 0, al, tile, NR);
    store(c20, c21, c, co + 2 * ldc, full > 0, al, tile, 2 * NR);
    store(c30, c31, c, co + 3 * ldc, full > 0, al, tile, 3 * NR);
    store(c40, c41, c, co + 4 * ldc, full > 0, al, tile, 4 * NR);
    store(c50, c51, c, co + 5 * ldc, full > 0, al, tile, 5 * NR);
    if (full == 0) {
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < cols; j++) {
          c[co + r * ldc + j] += alpha * tile[r * NR + j];
        }
      }
    }
  }

  /** A whole row: C += α·acc in place; at an edge the row goes to the tile and is added element by element after. */
  private static void store(DoubleVector lo, DoubleVector hi, double[] c, int o, boolean full, DoubleVector alpha,
      double[] tile, int t) {
    if (full) {
      lo.fma(alpha, DoubleVector.fromArray(S, c, o)).intoArray(c, o);
      hi.fma(alpha, DoubleVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    } else {
      lo.intoArray(tile, t);
      hi.intoArray(tile, t + L);
    }
  }
}
