package org.delta4j.engine.ref.gemm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
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

  /**
   * Eight vectors of C's row at a time (8L columns, each B row read once per block); the FMA latency is hidden by
   * eight independent chains, then L columns at a time, then a scalar tail.
   */
  @Override
  public void row(int n, int k, double alpha, double[] a, int ao, double[] b, int ldb, double[] c, int co) {
    int j = 0;
    for (; j + 8 * L <= n; j += 8 * L) {
      DoubleVector s0 = DoubleVector.zero(S);
      DoubleVector s1 = s0;
      DoubleVector s2 = s0;
      DoubleVector s3 = s0;
      DoubleVector s4 = s0;
      DoubleVector s5 = s0;
      DoubleVector s6 = s0;
      DoubleVector s7 = s0;
      for (int p = 0, bo = j; p < k; p++, bo += ldb) {
        DoubleVector x = DoubleVector.broadcast(S, a[ao + p]);
        s0 = x.fma(DoubleVector.fromArray(S, b, bo), s0);
        s1 = x.fma(DoubleVector.fromArray(S, b, bo + L), s1);
        s2 = x.fma(DoubleVector.fromArray(S, b, bo + 2 * L), s2);
        s3 = x.fma(DoubleVector.fromArray(S, b, bo + 3 * L), s3);
        s4 = x.fma(DoubleVector.fromArray(S, b, bo + 4 * L), s4);
        s5 = x.fma(DoubleVector.fromArray(S, b, bo + 5 * L), s5);
        s6 = x.fma(DoubleVector.fromArray(S, b, bo + 6 * L), s6);
        s7 = x.fma(DoubleVector.fromArray(S, b, bo + 7 * L), s7);
      }
      DoubleVector al = DoubleVector.broadcast(S, alpha);
      int o = co + j;
      s0.fma(al, DoubleVector.fromArray(S, c, o)).intoArray(c, o);
      s1.fma(al, DoubleVector.fromArray(S, c, o + L)).intoArray(c, o + L);
      s2.fma(al, DoubleVector.fromArray(S, c, o + 2 * L)).intoArray(c, o + 2 * L);
      s3.fma(al, DoubleVector.fromArray(S, c, o + 3 * L)).intoArray(c, o + 3 * L);
      s4.fma(al, DoubleVector.fromArray(S, c, o + 4 * L)).intoArray(c, o + 4 * L);
      s5.fma(al, DoubleVector.fromArray(S, c, o + 5 * L)).intoArray(c, o + 5 * L);
      s6.fma(al, DoubleVector.fromArray(S, c, o + 6 * L)).intoArray(c, o + 6 * L);
      s7.fma(al, DoubleVector.fromArray(S, c, o + 7 * L)).intoArray(c, o + 7 * L);
    }
    for (; j + L <= n; j += L) {
      DoubleVector s = DoubleVector.zero(S);
      for (int p = 0, bo = j; p < k; p++, bo += ldb) {
        s = DoubleVector.broadcast(S, a[ao + p]).fma(DoubleVector.fromArray(S, b, bo), s);
      }
      s.fma(DoubleVector.broadcast(S, alpha), DoubleVector.fromArray(S, c, co + j)).intoArray(c, co + j);
    }
    for (; j < n; j++) {
      double sum = 0;
      for (int p = 0, bo = j; p < k; p++, bo += ldb) {
        sum += a[ao + p] * b[bo];
      }
      c[co + j] += alpha * sum;
    }
  }

  /** Four columns at a time: one load of A's row feeds four dot products, each an L-lane partial sum. */
  @Override
  public void rowTransposed(int n, int k, double alpha, double[] a, int ao, double[] b, int ldb, double[] c, int co) {
    int kv = k - k % L;
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      int b0 = j * ldb;
      int b1 = b0 + ldb;
      int b2 = b1 + ldb;
      int b3 = b2 + ldb;
      DoubleVector s0 = DoubleVector.zero(S);
      DoubleVector s1 = s0;
      DoubleVector s2 = s0;
      DoubleVector s3 = s0;
      for (int p = 0; p < kv; p += L) {
        DoubleVector x = DoubleVector.fromArray(S, a, ao + p);
        s0 = x.fma(DoubleVector.fromArray(S, b, b0 + p), s0);
        s1 = x.fma(DoubleVector.fromArray(S, b, b1 + p), s1);
        s2 = x.fma(DoubleVector.fromArray(S, b, b2 + p), s2);
        s3 = x.fma(DoubleVector.fromArray(S, b, b3 + p), s3);
      }
      double d0 = s0.reduceLanes(VectorOperators.ADD);
      double d1 = s1.reduceLanes(VectorOperators.ADD);
      double d2 = s2.reduceLanes(VectorOperators.ADD);
      double d3 = s3.reduceLanes(VectorOperators.ADD);
      for (int p = kv; p < k; p++) {
        double x = a[ao + p];
        d0 += x * b[b0 + p];
        d1 += x * b[b1 + p];
        d2 += x * b[b2 + p];
        d3 += x * b[b3 + p];
      }
      c[co + j] += alpha * d0;
      c[co + j + 1] += alpha * d1;
      c[co + j + 2] += alpha * d2;
      c[co + j + 3] += alpha * d3;
    }
    for (; j < n; j++) {
      int bo = j * ldb;
      DoubleVector s = DoubleVector.zero(S);
      for (int p = 0; p < kv; p += L) {
        s = DoubleVector.fromArray(S, a, ao + p).fma(DoubleVector.fromArray(S, b, bo + p), s);
      }
      double d = s.reduceLanes(VectorOperators.ADD);
      for (int p = kv; p < k; p++) {
        d += a[ao + p] * b[bo + p];
      }
      c[co + j] += alpha * d;
    }
  }
}
