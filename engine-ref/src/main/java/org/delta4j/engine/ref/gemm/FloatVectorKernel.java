package org.delta4j.engine.ref.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float micro-kernel on the JDK's Vector API: a 4 × 2L tile (L lanes of the widest vector the CPU has) held in
 * eight vector registers, each step one broadcast of A times two vectors of B, fused multiply-add. (A 6-row tile,
 * twelve accumulators, made C2 keep some of them as heap objects and allocate in the inner loop; four rows keep every
 * one in a register and run twice as fast.) Loaded only when the module {@code jdk.incubator.vector} is present.
 */
final class FloatVectorKernel implements FloatGemm.MicroKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
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
  public void compute(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float alpha, int rows,
      int cols, float[] tile) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    for (int p = 0; p < kc; p++, ao += 4, bo += NR) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector x = FloatVector.broadcast(S, a[ao]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[ao + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[ao + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[ao + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    // Each row is added through one inlined call, so the accumulators stay in registers (an array of them would
    // force every vector onto the heap).
    int full = rows == 4 && cols == NR ? 4 : 0;
    FloatVector al = FloatVector.broadcast(S, alpha);
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
  private static void store(FloatVector lo, FloatVector hi, float[] c, int o, boolean full, FloatVector alpha,
      float[] tile, int t) {
    if (full) {
      lo.fma(alpha, FloatVector.fromArray(S, c, o)).intoArray(c, o);
      hi.fma(alpha, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
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
  public void row(int n, int k, float alpha, float[] a, int ao, float[] b, int ldb, float[] c, int co) {
    int j = 0;
    for (; j + 8 * L <= n; j += 8 * L) {
      FloatVector s0 = FloatVector.zero(S);
      FloatVector s1 = s0;
      FloatVector s2 = s0;
      FloatVector s3 = s0;
      FloatVector s4 = s0;
      FloatVector s5 = s0;
      FloatVector s6 = s0;
      FloatVector s7 = s0;
      for (int p = 0, bo = j; p < k; p++, bo += ldb) {
        FloatVector x = FloatVector.broadcast(S, a[ao + p]);
        s0 = x.fma(FloatVector.fromArray(S, b, bo), s0);
        s1 = x.fma(FloatVector.fromArray(S, b, bo + L), s1);
        s2 = x.fma(FloatVector.fromArray(S, b, bo + 2 * L), s2);
        s3 = x.fma(FloatVector.fromArray(S, b, bo + 3 * L), s3);
        s4 = x.fma(FloatVector.fromArray(S, b, bo + 4 * L), s4);
        s5 = x.fma(FloatVector.fromArray(S, b, bo + 5 * L), s5);
        s6 = x.fma(FloatVector.fromArray(S, b, bo + 6 * L), s6);
        s7 = x.fma(FloatVector.fromArray(S, b, bo + 7 * L), s7);
      }
      FloatVector al = FloatVector.broadcast(S, alpha);
      int o = co + j;
      s0.fma(al, FloatVector.fromArray(S, c, o)).intoArray(c, o);
      s1.fma(al, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
      s2.fma(al, FloatVector.fromArray(S, c, o + 2 * L)).intoArray(c, o + 2 * L);
      s3.fma(al, FloatVector.fromArray(S, c, o + 3 * L)).intoArray(c, o + 3 * L);
      s4.fma(al, FloatVector.fromArray(S, c, o + 4 * L)).intoArray(c, o + 4 * L);
      s5.fma(al, FloatVector.fromArray(S, c, o + 5 * L)).intoArray(c, o + 5 * L);
      s6.fma(al, FloatVector.fromArray(S, c, o + 6 * L)).intoArray(c, o + 6 * L);
      s7.fma(al, FloatVector.fromArray(S, c, o + 7 * L)).intoArray(c, o + 7 * L);
    }
    for (; j + L <= n; j += L) {
      FloatVector s = FloatVector.zero(S);
      for (int p = 0, bo = j; p < k; p++, bo += ldb) {
        s = FloatVector.broadcast(S, a[ao + p]).fma(FloatVector.fromArray(S, b, bo), s);
      }
      s.fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, c, co + j)).intoArray(c, co + j);
    }
    for (; j < n; j++) {
      float sum = 0;
      for (int p = 0, bo = j; p < k; p++, bo += ldb) {
        sum += a[ao + p] * b[bo];
      }
      c[co + j] += alpha * sum;
    }
  }

  /** Four columns at a time: one load of A's row feeds four dot products, each an L-lane partial sum. */
  @Override
  public void rowTransposed(int n, int k, float alpha, float[] a, int ao, float[] b, int ldb, float[] c, int co) {
    int kv = k - k % L;
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      int b0 = j * ldb;
      int b1 = b0 + ldb;
      int b2 = b1 + ldb;
      int b3 = b2 + ldb;
      FloatVector s0 = FloatVector.zero(S);
      FloatVector s1 = s0;
      FloatVector s2 = s0;
      FloatVector s3 = s0;
      for (int p = 0; p < kv; p += L) {
        FloatVector x = FloatVector.fromArray(S, a, ao + p);
        s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
        s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
        s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
        s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
      }
      float d0 = s0.reduceLanes(VectorOperators.ADD);
      float d1 = s1.reduceLanes(VectorOperators.ADD);
      float d2 = s2.reduceLanes(VectorOperators.ADD);
      float d3 = s3.reduceLanes(VectorOperators.ADD);
      for (int p = kv; p < k; p++) {
        float x = a[ao + p];
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
      FloatVector s = FloatVector.zero(S);
      for (int p = 0; p < kv; p += L) {
        s = FloatVector.fromArray(S, a, ao + p).fma(FloatVector.fromArray(S, b, bo + p), s);
      }
      float d = s.reduceLanes(VectorOperators.ADD);
      for (int p = kv; p < k; p++) {
        d += a[ao + p] * b[bo + p];
      }
      c[co + j] += alpha * d;
    }
  }
}
