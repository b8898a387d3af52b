package org.delta4j.engine.ref.gemm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double micro-kernels on the JDK's Vector API: an MR × 2L tile (L lanes of the widest vector the JVM uses here)
 * held in 2·MR vector registers, each step one broadcast of A times two vectors of B, fused multiply-add. This class is
 * the 4-row tile; {@link Rows6} and {@link Rows12} are the 6- and 12-row ones, for sixteen registers (AVX2) and
 * thirty-two (AVX-512, AArch64): {@link CpuShape#tileRows()} chooses. Every accumulator is a local, stored to the tile
 * array once k is done, and {@link #addTile} adds the tile into C, so that C2 keeps them all in registers (an array of
 * them, a loop over rows, or a vector passed to a call it does not inline would put them on the heap). Loaded only when
 * the module {@code jdk.incubator.vector} is present. The build writes the 32-bit kernels from the 64-bit source by
 * renaming the type (engine-ref/pom.xml).
 */
class DoubleVectorKernel implements DoubleGemm.MicroKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int NR = 2 * L;
  /** This class's own 4-row tile: every kernel's {@link #edge}. */
  private static final DoubleVectorKernel FOUR_ROWS = new DoubleVectorKernel();

  @Override
  public int mr() {
    return 4;
  }

  @Override
  public int nr() {
    return NR;
  }

  @Override
  public DoubleGemm.MicroKernel edge() {
    return FOUR_ROWS;
  }

  @Override
  public void compute(int kc, double[] a, int ao, double[] b, int bo, double[] c, int co, int ldc, double alpha, int rows,
      int cols, boolean accumulate, double[] tile) {
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
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    addTile(rows, cols, alpha, accumulate, tile, c, co, ldc);
  }

  /**
   * The rows × cols corner of a tile, α times, into C (added, or stored unless {@code accumulate}): whole rows a vector
   * at a time, an edge element by element. Every kernel ends this way, accumulators to the tile first: adding them into
   * C in place makes the kernel's method too large for C2 to inline all of it, and the accumulators then live on the
   * heap (seen with 256-bit vectors, where the 4-row tile allocated about 70 KB a step of a small network in FLOAT64).
   */
  static void addTile(int rows, int cols, double alpha, boolean accumulate, double[] tile, double[] c, int co,
      int ldc) {
    DoubleVector al = DoubleVector.broadcast(S, alpha);
    for (int r = 0; r < rows; r++) {
      int o = co + r * ldc;
      int t = r * NR;
      // No vector crosses a call: C2 does not always inline a callee here, and a vector passed to one is boxed.
      if (cols == NR && accumulate) { // c ← α·tile + c, one fused multiply-add a vector
        DoubleVector.fromArray(S, tile, t).fma(al, DoubleVector.fromArray(S, c, o)).intoArray(c, o);
        DoubleVector.fromArray(S, tile, t + L).fma(al, DoubleVector.fromArray(S, c, o + L)).intoArray(c, o + L);
      } else if (cols == NR) { // c ← α·tile
        DoubleVector.fromArray(S, tile, t).mul(al).intoArray(c, o);
        DoubleVector.fromArray(S, tile, t + L).mul(al).intoArray(c, o + L);
      } else {
        for (int j = 0; j < cols; j++) {
          double x = alpha * tile[t + j];
          c[o + j] = accumulate ? c[o + j] + x : x;
        }
      }
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

  /** The 6 × 2L tile: twelve accumulators, for sixteen vector registers (AVX2: 6×16 in float). */
  static final class Rows6 extends DoubleVectorKernel {
    @Override
    public int mr() {
      return 6;
    }

    @Override
    public void compute(int kc, double[] a, int ao, double[] b, int bo, double[] c, int co, int ldc, double alpha,
        int rows, int cols, boolean accumulate, double[] tile) {
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
      c00.intoArray(tile, 0);
      c01.intoArray(tile, L);
      c10.intoArray(tile, NR);
      c11.intoArray(tile, NR + L);
      c20.intoArray(tile, 2 * NR);
      c21.intoArray(tile, 2 * NR + L);
      c30.intoArray(tile, 3 * NR);
      c31.intoArray(tile, 3 * NR + L);
      c40.intoArray(tile, 4 * NR);
      c41.intoArray(tile, 4 * NR + L);
      c50.intoArray(tile, 5 * NR);
      c51.intoArray(tile, 5 * NR + L);
      addTile(rows, cols, alpha, accumulate, tile, c, co, ldc);
    }
  }

  /**
   * The 12 × 2L tile: twenty-four accumulators, for thirty-two vector registers (AVX-512: 12×32 in float). A step's
   * two loads of B and twelve broadcasts of A feed 24 fused multiply-adds, where an 8-row tile's ten fed 16: fewer
   * other instructions per multiply-add. Measured on one AVX-512 core by thread CPU time at n = 1024, against the
   * 8-row tile it replaced: double 53 → 60 GFLOP/s, float about the same (115-124).
   */
  static final class Rows12 extends DoubleVectorKernel {
    @Override
    public int mr() {
      return 12;
    }

    @Override
    public void compute(int kc, double[] a, int ao, double[] b, int bo, double[] c, int co, int ldc, double alpha,
        int rows, int cols, boolean accumulate, double[] tile) {
      DoubleVector lo0 = DoubleVector.zero(S);
      DoubleVector hi0 = lo0;
      DoubleVector lo1 = lo0;
      DoubleVector hi1 = lo0;
      DoubleVector lo2 = lo0;
      DoubleVector hi2 = lo0;
      DoubleVector lo3 = lo0;
      DoubleVector hi3 = lo0;
      DoubleVector lo4 = lo0;
      DoubleVector hi4 = lo0;
      DoubleVector lo5 = lo0;
      DoubleVector hi5 = lo0;
      DoubleVector lo6 = lo0;
      DoubleVector hi6 = lo0;
      DoubleVector lo7 = lo0;
      DoubleVector hi7 = lo0;
      DoubleVector lo8 = lo0;
      DoubleVector hi8 = lo0;
      DoubleVector lo9 = lo0;
      DoubleVector hi9 = lo0;
      DoubleVector lo10 = lo0;
      DoubleVector hi10 = lo0;
      DoubleVector lo11 = lo0;
      DoubleVector hi11 = lo0;
      for (int p = 0; p < kc; p++, ao += 12, bo += NR) {
        DoubleVector b0 = DoubleVector.fromArray(S, b, bo);
        DoubleVector b1 = DoubleVector.fromArray(S, b, bo + L);
        DoubleVector x = DoubleVector.broadcast(S, a[ao]);
        lo0 = x.fma(b0, lo0);
        hi0 = x.fma(b1, hi0);
        x = DoubleVector.broadcast(S, a[ao + 1]);
        lo1 = x.fma(b0, lo1);
        hi1 = x.fma(b1, hi1);
        x = DoubleVector.broadcast(S, a[ao + 2]);
        lo2 = x.fma(b0, lo2);
        hi2 = x.fma(b1, hi2);
        x = DoubleVector.broadcast(S, a[ao + 3]);
        lo3 = x.fma(b0, lo3);
        hi3 = x.fma(b1, hi3);
        x = DoubleVector.broadcast(S, a[ao + 4]);
        lo4 = x.fma(b0, lo4);
        hi4 = x.fma(b1, hi4);
        x = DoubleVector.broadcast(S, a[ao + 5]);
        lo5 = x.fma(b0, lo5);
        hi5 = x.fma(b1, hi5);
        x = DoubleVector.broadcast(S, a[ao + 6]);
        lo6 = x.fma(b0, lo6);
        hi6 = x.fma(b1, hi6);
        x = DoubleVector.broadcast(S, a[ao + 7]);
        lo7 = x.fma(b0, lo7);
        hi7 = x.fma(b1, hi7);
        x = DoubleVector.broadcast(S, a[ao + 8]);
        lo8 = x.fma(b0, lo8);
        hi8 = x.fma(b1, hi8);
        x = DoubleVector.broadcast(S, a[ao + 9]);
        lo9 = x.fma(b0, lo9);
        hi9 = x.fma(b1, hi9);
        x = DoubleVector.broadcast(S, a[ao + 10]);
        lo10 = x.fma(b0, lo10);
        hi10 = x.fma(b1, hi10);
        x = DoubleVector.broadcast(S, a[ao + 11]);
        lo11 = x.fma(b0, lo11);
        hi11 = x.fma(b1, hi11);
      }
      lo0.intoArray(tile, 0);
      hi0.intoArray(tile, L);
      lo1.intoArray(tile, NR);
      hi1.intoArray(tile, NR + L);
      lo2.intoArray(tile, 2 * NR);
      hi2.intoArray(tile, 2 * NR + L);
      lo3.intoArray(tile, 3 * NR);
      hi3.intoArray(tile, 3 * NR + L);
      lo4.intoArray(tile, 4 * NR);
      hi4.intoArray(tile, 4 * NR + L);
      lo5.intoArray(tile, 5 * NR);
      hi5.intoArray(tile, 5 * NR + L);
      lo6.intoArray(tile, 6 * NR);
      hi6.intoArray(tile, 6 * NR + L);
      lo7.intoArray(tile, 7 * NR);
      hi7.intoArray(tile, 7 * NR + L);
      lo8.intoArray(tile, 8 * NR);
      hi8.intoArray(tile, 8 * NR + L);
      lo9.intoArray(tile, 9 * NR);
      hi9.intoArray(tile, 9 * NR + L);
      lo10.intoArray(tile, 10 * NR);
      hi10.intoArray(tile, 10 * NR + L);
      lo11.intoArray(tile, 11 * NR);
      hi11.intoArray(tile, 11 * NR + L);
      addTile(rows, cols, alpha, accumulate, tile, c, co, ldc);
    }
  }
}
