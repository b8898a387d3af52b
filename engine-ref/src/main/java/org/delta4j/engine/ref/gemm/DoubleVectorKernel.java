package org.delta4j.engine.ref.gemm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double micro-kernel on the JDK's Vector API: a 4 × 2L tile (L lanes of the widest vector the CPU has) held in
 * eight vector registers, each step one broadcast of A times two vectors of B, fused multiply-add. (A 6-row tile,
 * twelve accumulators, made C2 keep some of them as heap objects and allocate in the inner loop; four rows keep every
 * one in a register and run twice as fast.) Loaded only when the module {@code jdk.incubator.vector} is present.
 */
final class DoubleVectorKernel implements DoubleGemm.MicroKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int NR = 2 * L;

  @Override
  public int mr() {
    return 4;
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
    for (int p = 0; p < kc; p++, ao += 4, bo += NR) {
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
    }
    // Each row is added through one inlined call, so the accumulators stay in registers (an array of them would
    // force every vector onto the heap).
    int full = rows == 4 && cols == NR ? 4 : 0;
    DoubleVector al = DoubleVector.broadcast(S, alpha);
    store(c00, c01, c, co, full > 0, al, tile, 0);
    store(c10, c11, c, co + ldc, full > 0, al, tile, NR);
    store(c20, c21, c, co + 2 * ldc, full > 0, al, tile, 2 * NR);
    store(c30, c31, c, co + 3 * ldc, full > 0, al, tile, 3 * NR);
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
