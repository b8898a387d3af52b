package org.delta4j.engine.ref.gemm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.delta4j.engine.Subnormals;

/**
 * The double micro-kernels on the JDK's Vector API: an MR × 2L tile (L lanes of the widest vector the JVM uses here)
 * held in 2·MR vector registers, each step one broadcast of A times two vectors of B, fused multiply-add. This class is
 * the 4-row tile, for sixteen registers (AVX2) and a four-cycle FMA; {@link Rows5} the 5-row one, for sixteen and a
 * five-cycle FMA; {@link Rows14} the 14-row one, for thirty-two (AVX-512, AArch64); and {@link Rows6} a 6-row one that
 * sixteen also hold: {@link CpuShape#tileRows()} chooses. Every accumulator is a
 * local, stored to the tile array once k is done, and {@link #addTile} adds the tile into C, so that C2 keeps them all
 * in registers (an array of them, a loop over rows, or a vector passed to a call it does not inline would put them on
 * the heap). The first step of k multiplies and the loop runs from the second: accumulators that all started as one
 * shared zero were, in some JVMs, copied between registers every step and some kept on the stack (with AVX2's sixteen
 * registers in every JVM: 70 instructions a step for 12 multiply-adds, four accumulators on the stack, against 49 and
 * none). Loaded only when the module {@code jdk.incubator.vector} is present. The build writes the 32-bit kernels from
 * the 64-bit source by renaming the type (engine-ref/pom.xml).
 */
class DoubleVectorKernel implements DoubleGemm.MicroKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  /**
   * The class of S's vectors, to cast an accumulator to before a method is called on it. Carried around a loop, a
   * vector is to C2's parser only a DoubleVector, and a method called on it ({@code intoArray}, {@code reduceLanes}) is
   * bound to S's class through the call profile of the JDK's own code, shared by every caller. In some JVMs that
   * binding kept a slow path, and the accumulators became heap objects in every step of k: 8.9 GB allocated and a
   * seventh of the speed in a training step of the convolutional network (one fork of a full benchmark run; three
   * forks in ten with the compiler's logging on, none in twelve with this cast). Cast to this final class, the
   * receiver's type is exact whatever the profile. Passed as an argument instead (the accumulator of a fused
   * multiply-add), a vector is checked against its receiver's class, which does as much. The result of that
   * multiply-add is stored through the cast as well: uncast, the one-row kernels' stores ran their Java template in
   * some JVMs (about one in four of the kernels' allocation test), every block's sums on the heap.
   */
  private static final Class<? extends Vector<Double>> VECTOR = S.vectorType();
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
  public void compute(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] tile) {
    DoubleVector b0 = DoubleVector.fromArray(S, b, bo);
    DoubleVector b1 = DoubleVector.fromArray(S, b, bo + L);
    DoubleVector x = DoubleVector.broadcast(S, a[ao]);
    DoubleVector lo0 = x.mul(b0);
    DoubleVector hi0 = x.mul(b1);
    x = DoubleVector.broadcast(S, a[ao + 1]);
    DoubleVector lo1 = x.mul(b0);
    DoubleVector hi1 = x.mul(b1);
    x = DoubleVector.broadcast(S, a[ao + 2]);
    DoubleVector lo2 = x.mul(b0);
    DoubleVector hi2 = x.mul(b1);
    x = DoubleVector.broadcast(S, a[ao + 3]);
    DoubleVector lo3 = x.mul(b0);
    DoubleVector hi3 = x.mul(b1);
    // Two steps of k an iteration. C2's loop for one step is some 30 instructions for 8 multiply-adds, bound by how
    // many instructions the core issues a cycle rather than by its FMA pipes; taking two, its index arithmetic, range
    // checks of B and branch are paid once for 16 (AVX2, Zen 4, alone on a core: 104-106 GFLOP/s against 95 of 117).
    // The two steps' four vectors of B, eight accumulators and a broadcast still fit sixteen registers.
    int p = 1;
    for (; p + 1 < kc; p += 2) {
      ao += 4;
      bo += ldb;
      b0 = DoubleVector.fromArray(S, b, bo);
      b1 = DoubleVector.fromArray(S, b, bo + L);
      x = DoubleVector.broadcast(S, a[ao]);
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
      ao += 4;
      bo += ldb;
      b0 = DoubleVector.fromArray(S, b, bo);
      b1 = DoubleVector.fromArray(S, b, bo + L);
      x = DoubleVector.broadcast(S, a[ao]);
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
    }
    if (p < kc) { // the last step of an even kc
      ao += 4;
      bo += ldb;
      b0 = DoubleVector.fromArray(S, b, bo);
      b1 = DoubleVector.fromArray(S, b, bo + L);
      x = DoubleVector.broadcast(S, a[ao]);
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
    }
    ((DoubleVector) VECTOR.cast(lo0)).intoArray(tile, 0);
    ((DoubleVector) VECTOR.cast(hi0)).intoArray(tile, L);
    ((DoubleVector) VECTOR.cast(lo1)).intoArray(tile, NR);
    ((DoubleVector) VECTOR.cast(hi1)).intoArray(tile, NR + L);
    ((DoubleVector) VECTOR.cast(lo2)).intoArray(tile, 2 * NR);
    ((DoubleVector) VECTOR.cast(hi2)).intoArray(tile, 2 * NR + L);
    ((DoubleVector) VECTOR.cast(lo3)).intoArray(tile, 3 * NR);
    ((DoubleVector) VECTOR.cast(hi3)).intoArray(tile, 3 * NR + L);
  }

  /**
   * The rows × cols corner of a tile, α times, into C (added, or stored unless {@code accumulate}): whole rows a vector
   * at a time, an edge element by element. Every kernel ends this way, accumulators to the tile first: adding them into
   * C in place makes the kernel's method too large for C2 to inline all of it, and the accumulators then live on the
   * heap (seen with 256-bit vectors, where the 4-row tile allocated about 70 KB a step of a small network in FLOAT64).
   */
  @Override
  public void addTile(int rows, int cols, double alpha, boolean accumulate, boolean last, double[] tile, double[] c,
      int co, int ldc) {
    DoubleVector al = DoubleVector.broadcast(S, alpha);
    for (int r = 0; r < rows; r++) {
      int o = co + r * ldc;
      int t = r * NR;
      // No vector crosses a call: C2 does not always inline a callee here, and a vector passed to one is boxed.
      // Each case written out, a vector never merged from two: C2 may box a vector that two paths define.
      if (cols == NR && accumulate && last) { // c ← α·tile + c, one fused multiply-add a vector, subnormals 0
        DoubleVector lo = DoubleVector.fromArray(S, tile, t).fma(al, DoubleVector.fromArray(S, c, o));
        DoubleVector hi = DoubleVector.fromArray(S, tile, t + L).fma(al, DoubleVector.fromArray(S, c, o + L));
        lo.blend(0, lo.abs().compare(VectorOperators.LT, Double.MIN_NORMAL)).intoArray(c, o);
        hi.blend(0, hi.abs().compare(VectorOperators.LT, Double.MIN_NORMAL)).intoArray(c, o + L);
      } else if (cols == NR && accumulate) { // the same, a partial sum
        DoubleVector.fromArray(S, tile, t).fma(al, DoubleVector.fromArray(S, c, o)).intoArray(c, o);
        DoubleVector.fromArray(S, tile, t + L).fma(al, DoubleVector.fromArray(S, c, o + L)).intoArray(c, o + L);
      } else if (cols == NR && last) { // c ← α·tile, subnormals 0
        DoubleVector lo = DoubleVector.fromArray(S, tile, t).mul(al);
        DoubleVector hi = DoubleVector.fromArray(S, tile, t + L).mul(al);
        lo.blend(0, lo.abs().compare(VectorOperators.LT, Double.MIN_NORMAL)).intoArray(c, o);
        hi.blend(0, hi.abs().compare(VectorOperators.LT, Double.MIN_NORMAL)).intoArray(c, o + L);
      } else if (cols == NR) { // the same, a partial sum
        DoubleVector.fromArray(S, tile, t).mul(al).intoArray(c, o);
        DoubleVector.fromArray(S, tile, t + L).mul(al).intoArray(c, o + L);
      } else {
        for (int j = 0; j < cols; j++) {
          double x = alpha * tile[t + j];
          double sum = accumulate ? c[o + j] + x : x;
          c[o + j] = last ? Subnormals.flush(sum) : sum;
        }
      }
    }
  }

  /**
   * As {@link DoubleGemm#packAlong}, a vector at a time where a step has no zeros to pad. A step of at least one vector
   * (B's NR-wide panels; A's where MR ≥ L) ends with a vector that ends where the step does, overlapping the one
   * before when L does not divide w. A narrower step (A's panels of a transposed A where MR &lt; L, as in float, and
   * the 4-row edge panels where L &gt; 4) is one vector whose last L − w lanes spill into the steps after it, which
   * overwrite them; the last steps, whose spill would leave the panel, go element by element. Measured on AVX2 Zen 2,
   * float: B's 784 × 256 in 16-float panels took 30 µs against 91 for a {@code System.arraycopy} a step; Xᵀ of
   * 128 × 784 in 5-row panels 28-31 µs against 114-119 element by element, and the MLP's training step, the two
   * taking turns in one JVM, ran 6 % faster.
   */
  @Override
  public void packAlong(double[] src, int s, int ld, int count, int kc, int w, double[] out, int o) {
    if (count != w) {
      DoubleGemm.packAlong(src, s, ld, count, kc, w, out, o);
      return;
    }
    if (w < L) {
      // Step p writes [o + p·w, o + p·w + L): inside the panel while p·w + L ≤ kc·w, for p < kc − ⌊(L − 1)/w⌋. It
      // reads [s + p·ld, s + p·ld + L), then inside the panel's source, which reaches s + (kc − 1)·ld + w: for rows
      // ld ≥ w apart, ⌊(L − 1)/w⌋·ld ≥ L − w.
      int steps = ld < w ? 0 : Math.max(0, kc - (L - 1) / w);
      for (int p = 0; p < steps; p++, s += ld, o += w) {
        DoubleVector.fromArray(S, src, s).intoArray(out, o);
      }
      DoubleGemm.packAlong(src, s, ld, count, kc - steps, w, out, o);
      return;
    }
    int last = w - L;
    for (int p = 0; p < kc; p++, s += ld, o += w) {
      for (int x = 0; x < last; x += L) {
        DoubleVector.fromArray(S, src, s + x).intoArray(out, o + x);
      }
      DoubleVector.fromArray(S, src, s + last).intoArray(out, o + last);
    }
  }

  /**
   * Each row of each run one vector: L steps of a row of A, copied as they lie. The last run, shorter than L when L
   * does not divide kc, goes element by element.
   */
  @Override
  public void packRuns(double[] src, int s, int ld, int count, int kc, double[] out, int o) {
    int mr = mr();
    int full = kc / L * L;
    for (int p = 0; p < full; p += L) {
      int run = o + p * mr;
      for (int r = 0; r < count; r++) {
        DoubleVector.fromArray(S, src, s + r * ld + p).intoArray(out, run + r * L);
      }
      // Rows past A's edge by a plain fill, so that no vector lives across these loops: a zero vector made before
      // them and stored only in this rarely taken one is what C2 must box if it leaves that store a call (the
      // allocation test once measured 80 bytes a call of this packing and its kernel, in a full run of the tests)
      java.util.Arrays.fill(out, run + count * L, run + mr * L, 0);
    }
    DoubleGemm.packRuns(src, s, ld, count, full, kc, mr, L, out, o);
  }

  @Override
  public void add(int n, double[] x, int xo, double[] y, int yo) {
    int j = 0;
    for (; j + L <= n; j += L) {
      DoubleVector sum = DoubleVector.fromArray(S, y, yo + j).add(DoubleVector.fromArray(S, x, xo + j));
      sum.blend(0, sum.abs().compare(VectorOperators.LT, Double.MIN_NORMAL)).intoArray(y, yo + j);
    }
    for (; j < n; j++) {
      y[yo + j] = Subnormals.flush(y[yo + j] + x[xo + j]);
    }
  }

  /**
   * Eight vectors of C's row at a time (8L columns, each B row read once per block); the FMA latency is hidden by
   * eight independent chains, then L columns at a time, then a scalar tail.
   */
  @Override
  public void row(int n, int k, double alpha, double[] a, int ao, double[] b, int ldb, double[] c, int co) {
    rowFrom(0, n, k, alpha, a, ao, b, ldb, c, co);
  }

  /**
   * As {@link #row}, for C's columns [j, n) only. Every column is the same fused multiply-adds in the same order
   * whichever block it falls in, so a kernel that takes wider blocks first gives the same bits.
   */
  final void rowFrom(int j, int n, int k, double alpha, double[] a, int ao, double[] b, int ldb, double[] c,
      int co) {
    if (k == 0) { // no step to start the sums with; a product of k = 0 adds nothing (the gemm returns before)
      return;
    }
    for (; j + 8 * L <= n; j += 8 * L) {
      // The first step multiplies and the loop runs from the second, as compute's: with every sum started from one
      // shared zero, a JVM now and then compiled this loop with the sums boxed, some 100 KB a step of a small
      // network's FLOAT64 products of a few rows. A first product x·b is what fma(x, b, 0) rounds to, but for the
      // sign of a zero product (compute's too).
      DoubleVector x0 = DoubleVector.broadcast(S, a[ao]);
      DoubleVector s0 = x0.mul(DoubleVector.fromArray(S, b, j));
      DoubleVector s1 = x0.mul(DoubleVector.fromArray(S, b, j + L));
      DoubleVector s2 = x0.mul(DoubleVector.fromArray(S, b, j + 2 * L));
      DoubleVector s3 = x0.mul(DoubleVector.fromArray(S, b, j + 3 * L));
      DoubleVector s4 = x0.mul(DoubleVector.fromArray(S, b, j + 4 * L));
      DoubleVector s5 = x0.mul(DoubleVector.fromArray(S, b, j + 5 * L));
      DoubleVector s6 = x0.mul(DoubleVector.fromArray(S, b, j + 6 * L));
      DoubleVector s7 = x0.mul(DoubleVector.fromArray(S, b, j + 7 * L));
      for (int p = 1, bo = j + ldb; p < k; p++, bo += ldb) {
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
      // α·s + c with α the receiver: the sums are passed, not called on, and the result cast before it is stored (see
      // VECTOR); the product's bits are the same
      ((DoubleVector) VECTOR.cast(al.fma(s0, DoubleVector.fromArray(S, c, o)))).intoArray(c, o);
      ((DoubleVector) VECTOR.cast(al.fma(s1, DoubleVector.fromArray(S, c, o + L)))).intoArray(c, o + L);
      ((DoubleVector) VECTOR.cast(al.fma(s2, DoubleVector.fromArray(S, c, o + 2 * L)))).intoArray(c, o + 2 * L);
      ((DoubleVector) VECTOR.cast(al.fma(s3, DoubleVector.fromArray(S, c, o + 3 * L)))).intoArray(c, o + 3 * L);
      ((DoubleVector) VECTOR.cast(al.fma(s4, DoubleVector.fromArray(S, c, o + 4 * L)))).intoArray(c, o + 4 * L);
      ((DoubleVector) VECTOR.cast(al.fma(s5, DoubleVector.fromArray(S, c, o + 5 * L)))).intoArray(c, o + 5 * L);
      ((DoubleVector) VECTOR.cast(al.fma(s6, DoubleVector.fromArray(S, c, o + 6 * L)))).intoArray(c, o + 6 * L);
      ((DoubleVector) VECTOR.cast(al.fma(s7, DoubleVector.fromArray(S, c, o + 7 * L)))).intoArray(c, o + 7 * L);
    }
    for (; j + L <= n; j += L) {
      DoubleVector s = DoubleVector.broadcast(S, a[ao]).mul(DoubleVector.fromArray(S, b, j));
      for (int p = 1, bo = j + ldb; p < k; p++, bo += ldb) {
        s = DoubleVector.broadcast(S, a[ao + p]).fma(DoubleVector.fromArray(S, b, bo), s);
      }
      ((DoubleVector) VECTOR.cast(DoubleVector.broadcast(S, alpha).fma(s, DoubleVector.fromArray(S, c, co + j))))
          .intoArray(c, co + j);
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
      double d0 = ((DoubleVector) VECTOR.cast(s0)).reduceLanes(VectorOperators.ADD);
      double d1 = ((DoubleVector) VECTOR.cast(s1)).reduceLanes(VectorOperators.ADD);
      double d2 = ((DoubleVector) VECTOR.cast(s2)).reduceLanes(VectorOperators.ADD);
      double d3 = ((DoubleVector) VECTOR.cast(s3)).reduceLanes(VectorOperators.ADD);
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
      double d = ((DoubleVector) VECTOR.cast(s)).reduceLanes(VectorOperators.ADD);
      for (int p = kv; p < k; p++) {
        d += a[ao + p] * b[bo + p];
      }
      c[co + j] += alpha * d;
    }
  }

  /**
   * The 6 × 2L tile: twelve accumulators, which with B's two vectors and a broadcast fill 15 of sixteen registers
   * (6×16 in float with AVX2, BLIS's Haswell shape). Chosen only by {@code delta4j.ref.tileRows=6}: the 4- and 5-row
   * tiles were faster on the AVX2 machines measured (see {@link CpuShape#tileRows()}).
   */
  static final class Rows6 extends DoubleVectorKernel {
    @Override
    public int mr() {
      return 6;
    }

    @Override
    public void compute(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] tile) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, bo);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bo + L);
      DoubleVector x = DoubleVector.broadcast(S, a[ao]);
      DoubleVector lo0 = x.mul(b0);
      DoubleVector hi0 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 1]);
      DoubleVector lo1 = x.mul(b0);
      DoubleVector hi1 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 2]);
      DoubleVector lo2 = x.mul(b0);
      DoubleVector hi2 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 3]);
      DoubleVector lo3 = x.mul(b0);
      DoubleVector hi3 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 4]);
      DoubleVector lo4 = x.mul(b0);
      DoubleVector hi4 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 5]);
      DoubleVector lo5 = x.mul(b0);
      DoubleVector hi5 = x.mul(b1);
      for (int p = 1; p < kc; p++) {
        ao += 6;
        bo += ldb;
        b0 = DoubleVector.fromArray(S, b, bo);
        b1 = DoubleVector.fromArray(S, b, bo + L);
        x = DoubleVector.broadcast(S, a[ao]);
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
      }
      ((DoubleVector) VECTOR.cast(lo0)).intoArray(tile, 0);
      ((DoubleVector) VECTOR.cast(hi0)).intoArray(tile, L);
      ((DoubleVector) VECTOR.cast(lo1)).intoArray(tile, NR);
      ((DoubleVector) VECTOR.cast(hi1)).intoArray(tile, NR + L);
      ((DoubleVector) VECTOR.cast(lo2)).intoArray(tile, 2 * NR);
      ((DoubleVector) VECTOR.cast(hi2)).intoArray(tile, 2 * NR + L);
      ((DoubleVector) VECTOR.cast(lo3)).intoArray(tile, 3 * NR);
      ((DoubleVector) VECTOR.cast(hi3)).intoArray(tile, 3 * NR + L);
      ((DoubleVector) VECTOR.cast(lo4)).intoArray(tile, 4 * NR);
      ((DoubleVector) VECTOR.cast(hi4)).intoArray(tile, 4 * NR + L);
      ((DoubleVector) VECTOR.cast(lo5)).intoArray(tile, 5 * NR);
      ((DoubleVector) VECTOR.cast(hi5)).intoArray(tile, 5 * NR + L);
    }
  }

  /**
   * The 5 × 2L tile: ten accumulators, which with B's two vectors and a broadcast take 13 of sixteen registers (5×16
   * in float with AVX2). Ten independent chains fill two FMA pipes of five cycles' latency (Zen 2, Haswell), where the
   * 4-row tile's eight leave a fifth of them idle; two steps of k an iteration, as the 4-row tile.
   */
  static final class Rows5 extends DoubleVectorKernel {
    @Override
    public int mr() {
      return 5;
    }

    @Override
    public void compute(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] tile) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, bo);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bo + L);
      DoubleVector x = DoubleVector.broadcast(S, a[ao]);
      DoubleVector lo0 = x.mul(b0);
      DoubleVector hi0 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 1]);
      DoubleVector lo1 = x.mul(b0);
      DoubleVector hi1 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 2]);
      DoubleVector lo2 = x.mul(b0);
      DoubleVector hi2 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 3]);
      DoubleVector lo3 = x.mul(b0);
      DoubleVector hi3 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 4]);
      DoubleVector lo4 = x.mul(b0);
      DoubleVector hi4 = x.mul(b1);
      int p = 1;
      for (; p + 1 < kc; p += 2) {
        ao += 5;
        bo += ldb;
        b0 = DoubleVector.fromArray(S, b, bo);
        b1 = DoubleVector.fromArray(S, b, bo + L);
        x = DoubleVector.broadcast(S, a[ao]);
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
        ao += 5;
        bo += ldb;
        b0 = DoubleVector.fromArray(S, b, bo);
        b1 = DoubleVector.fromArray(S, b, bo + L);
        x = DoubleVector.broadcast(S, a[ao]);
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
      }
      if (p < kc) { // the last step of an even kc
        ao += 5;
        bo += ldb;
        b0 = DoubleVector.fromArray(S, b, bo);
        b1 = DoubleVector.fromArray(S, b, bo + L);
        x = DoubleVector.broadcast(S, a[ao]);
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
      }
      ((DoubleVector) VECTOR.cast(lo0)).intoArray(tile, 0);
      ((DoubleVector) VECTOR.cast(hi0)).intoArray(tile, 0 + L);
      ((DoubleVector) VECTOR.cast(lo1)).intoArray(tile, NR);
      ((DoubleVector) VECTOR.cast(hi1)).intoArray(tile, NR + L);
      ((DoubleVector) VECTOR.cast(lo2)).intoArray(tile, 2 * NR);
      ((DoubleVector) VECTOR.cast(hi2)).intoArray(tile, 2 * NR + L);
      ((DoubleVector) VECTOR.cast(lo3)).intoArray(tile, 3 * NR);
      ((DoubleVector) VECTOR.cast(hi3)).intoArray(tile, 3 * NR + L);
      ((DoubleVector) VECTOR.cast(lo4)).intoArray(tile, 4 * NR);
      ((DoubleVector) VECTOR.cast(hi4)).intoArray(tile, 4 * NR + L);
    }
  }

  /**
   * The 14 × 2L tile: twenty-eight accumulators, for thirty-two vector registers (AVX-512: 14×32 in float); with the
   * two vectors of B and one broadcast of A, 31 registers. A step's two loads of B and fourteen broadcasts of A feed 28
   * fused multiply-adds in 78 instructions. Measured alone on one AVX-512 core, B's panel in the level-1 cache, the
   * float kernel reached 170 GFLOP/s, the core's FMA peak, where the 12-row tile it replaced reached 131; B streaming
   * from the level 2, 130-145 against 104-109.
   */
  static final class Rows14 extends DoubleVectorKernel {
    @Override
    public int mr() {
      return 14;
    }

    /**
     * Runs of L steps where a vector holds 16 elements (float on AVX-512); none in double there, whose runs measured no
     * faster: 128 × 784 × 256 took 400-419 µs in runs against 372-436 step by step, in separate JVMs in turn.
     */
    @Override
    public int run() {
      return L >= 16 ? L : 0;
    }

    /**
     * Sixteen vectors of C's row at a time (16L columns: a float row of 256 is one block), then as the base kernel's
     * {@link #row}. Sixteen accumulators, a broadcast and a load take 18 of the thirty-two registers. A block as wide
     * as B's row reads B straight through, one row after the next, where eight vectors read each row in two halves a
     * pass apart. Inference on one sample is this loop over the weights: on an AVX-512 Xeon (family 6 model 167), the
     * MLP's 784 × 256 and 256 × 128 rows took 8.8-9.2 µs against 10.3-10.8.
     */
    @Override
    public void row(int n, int k, double alpha, double[] a, int ao, double[] b, int ldb, double[] c, int co) {
      int j = 0;
      for (; k > 0 && j + 16 * L <= n; j += 16 * L) {
        // the first step multiplies, as rowFrom's (see there)
        DoubleVector x0 = DoubleVector.broadcast(S, a[ao]);
        DoubleVector s0 = x0.mul(DoubleVector.fromArray(S, b, j));
        DoubleVector s1 = x0.mul(DoubleVector.fromArray(S, b, j + L));
        DoubleVector s2 = x0.mul(DoubleVector.fromArray(S, b, j + 2 * L));
        DoubleVector s3 = x0.mul(DoubleVector.fromArray(S, b, j + 3 * L));
        DoubleVector s4 = x0.mul(DoubleVector.fromArray(S, b, j + 4 * L));
        DoubleVector s5 = x0.mul(DoubleVector.fromArray(S, b, j + 5 * L));
        DoubleVector s6 = x0.mul(DoubleVector.fromArray(S, b, j + 6 * L));
        DoubleVector s7 = x0.mul(DoubleVector.fromArray(S, b, j + 7 * L));
        DoubleVector s8 = x0.mul(DoubleVector.fromArray(S, b, j + 8 * L));
        DoubleVector s9 = x0.mul(DoubleVector.fromArray(S, b, j + 9 * L));
        DoubleVector s10 = x0.mul(DoubleVector.fromArray(S, b, j + 10 * L));
        DoubleVector s11 = x0.mul(DoubleVector.fromArray(S, b, j + 11 * L));
        DoubleVector s12 = x0.mul(DoubleVector.fromArray(S, b, j + 12 * L));
        DoubleVector s13 = x0.mul(DoubleVector.fromArray(S, b, j + 13 * L));
        DoubleVector s14 = x0.mul(DoubleVector.fromArray(S, b, j + 14 * L));
        DoubleVector s15 = x0.mul(DoubleVector.fromArray(S, b, j + 15 * L));
        for (int p = 1, bo = j + ldb; p < k; p++, bo += ldb) {
          DoubleVector x = DoubleVector.broadcast(S, a[ao + p]);
          s0 = x.fma(DoubleVector.fromArray(S, b, bo), s0);
          s1 = x.fma(DoubleVector.fromArray(S, b, bo + L), s1);
          s2 = x.fma(DoubleVector.fromArray(S, b, bo + 2 * L), s2);
          s3 = x.fma(DoubleVector.fromArray(S, b, bo + 3 * L), s3);
          s4 = x.fma(DoubleVector.fromArray(S, b, bo + 4 * L), s4);
          s5 = x.fma(DoubleVector.fromArray(S, b, bo + 5 * L), s5);
          s6 = x.fma(DoubleVector.fromArray(S, b, bo + 6 * L), s6);
          s7 = x.fma(DoubleVector.fromArray(S, b, bo + 7 * L), s7);
          s8 = x.fma(DoubleVector.fromArray(S, b, bo + 8 * L), s8);
          s9 = x.fma(DoubleVector.fromArray(S, b, bo + 9 * L), s9);
          s10 = x.fma(DoubleVector.fromArray(S, b, bo + 10 * L), s10);
          s11 = x.fma(DoubleVector.fromArray(S, b, bo + 11 * L), s11);
          s12 = x.fma(DoubleVector.fromArray(S, b, bo + 12 * L), s12);
          s13 = x.fma(DoubleVector.fromArray(S, b, bo + 13 * L), s13);
          s14 = x.fma(DoubleVector.fromArray(S, b, bo + 14 * L), s14);
          s15 = x.fma(DoubleVector.fromArray(S, b, bo + 15 * L), s15);
        }
        DoubleVector al = DoubleVector.broadcast(S, alpha);
        int o = co + j;
        // as the base kernel's: α the receiver, the sums passed, the result cast (see VECTOR)
        ((DoubleVector) VECTOR.cast(al.fma(s0, DoubleVector.fromArray(S, c, o)))).intoArray(c, o);
        ((DoubleVector) VECTOR.cast(al.fma(s1, DoubleVector.fromArray(S, c, o + L)))).intoArray(c, o + L);
        ((DoubleVector) VECTOR.cast(al.fma(s2, DoubleVector.fromArray(S, c, o + 2 * L)))).intoArray(c, o + 2 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s3, DoubleVector.fromArray(S, c, o + 3 * L)))).intoArray(c, o + 3 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s4, DoubleVector.fromArray(S, c, o + 4 * L)))).intoArray(c, o + 4 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s5, DoubleVector.fromArray(S, c, o + 5 * L)))).intoArray(c, o + 5 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s6, DoubleVector.fromArray(S, c, o + 6 * L)))).intoArray(c, o + 6 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s7, DoubleVector.fromArray(S, c, o + 7 * L)))).intoArray(c, o + 7 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s8, DoubleVector.fromArray(S, c, o + 8 * L)))).intoArray(c, o + 8 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s9, DoubleVector.fromArray(S, c, o + 9 * L)))).intoArray(c, o + 9 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s10, DoubleVector.fromArray(S, c, o + 10 * L)))).intoArray(c, o + 10 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s11, DoubleVector.fromArray(S, c, o + 11 * L)))).intoArray(c, o + 11 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s12, DoubleVector.fromArray(S, c, o + 12 * L)))).intoArray(c, o + 12 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s13, DoubleVector.fromArray(S, c, o + 13 * L)))).intoArray(c, o + 13 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s14, DoubleVector.fromArray(S, c, o + 14 * L)))).intoArray(c, o + 14 * L);
        ((DoubleVector) VECTOR.cast(al.fma(s15, DoubleVector.fromArray(S, c, o + 15 * L)))).intoArray(c, o + 15 * L);
      }
      rowFrom(j, n, k, alpha, a, ao, b, ldb, c, co);
    }

    @Override
    public void compute(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] tile) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, bo);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bo + L);
      DoubleVector x = DoubleVector.broadcast(S, a[ao]);
      DoubleVector lo0 = x.mul(b0);
      DoubleVector hi0 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 1]);
      DoubleVector lo1 = x.mul(b0);
      DoubleVector hi1 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 2]);
      DoubleVector lo2 = x.mul(b0);
      DoubleVector hi2 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 3]);
      DoubleVector lo3 = x.mul(b0);
      DoubleVector hi3 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 4]);
      DoubleVector lo4 = x.mul(b0);
      DoubleVector hi4 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 5]);
      DoubleVector lo5 = x.mul(b0);
      DoubleVector hi5 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 6]);
      DoubleVector lo6 = x.mul(b0);
      DoubleVector hi6 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 7]);
      DoubleVector lo7 = x.mul(b0);
      DoubleVector hi7 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 8]);
      DoubleVector lo8 = x.mul(b0);
      DoubleVector hi8 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 9]);
      DoubleVector lo9 = x.mul(b0);
      DoubleVector hi9 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 10]);
      DoubleVector lo10 = x.mul(b0);
      DoubleVector hi10 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 11]);
      DoubleVector lo11 = x.mul(b0);
      DoubleVector hi11 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 12]);
      DoubleVector lo12 = x.mul(b0);
      DoubleVector hi12 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 13]);
      DoubleVector lo13 = x.mul(b0);
      DoubleVector hi13 = x.mul(b1);
      for (int p = 1; p < kc; p++) {
        ao += 14;
        bo += ldb;
        b0 = DoubleVector.fromArray(S, b, bo);
        b1 = DoubleVector.fromArray(S, b, bo + L);
        x = DoubleVector.broadcast(S, a[ao]);
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
        x = DoubleVector.broadcast(S, a[ao + 12]);
        lo12 = x.fma(b0, lo12);
        hi12 = x.fma(b1, hi12);
        x = DoubleVector.broadcast(S, a[ao + 13]);
        lo13 = x.fma(b0, lo13);
        hi13 = x.fma(b1, hi13);
      }
      ((DoubleVector) VECTOR.cast(lo0)).intoArray(tile, 0);
      ((DoubleVector) VECTOR.cast(hi0)).intoArray(tile, L);
      ((DoubleVector) VECTOR.cast(lo1)).intoArray(tile, NR);
      ((DoubleVector) VECTOR.cast(hi1)).intoArray(tile, NR + L);
      ((DoubleVector) VECTOR.cast(lo2)).intoArray(tile, 2 * NR);
      ((DoubleVector) VECTOR.cast(hi2)).intoArray(tile, 2 * NR + L);
      ((DoubleVector) VECTOR.cast(lo3)).intoArray(tile, 3 * NR);
      ((DoubleVector) VECTOR.cast(hi3)).intoArray(tile, 3 * NR + L);
      ((DoubleVector) VECTOR.cast(lo4)).intoArray(tile, 4 * NR);
      ((DoubleVector) VECTOR.cast(hi4)).intoArray(tile, 4 * NR + L);
      ((DoubleVector) VECTOR.cast(lo5)).intoArray(tile, 5 * NR);
      ((DoubleVector) VECTOR.cast(hi5)).intoArray(tile, 5 * NR + L);
      ((DoubleVector) VECTOR.cast(lo6)).intoArray(tile, 6 * NR);
      ((DoubleVector) VECTOR.cast(hi6)).intoArray(tile, 6 * NR + L);
      ((DoubleVector) VECTOR.cast(lo7)).intoArray(tile, 7 * NR);
      ((DoubleVector) VECTOR.cast(hi7)).intoArray(tile, 7 * NR + L);
      ((DoubleVector) VECTOR.cast(lo8)).intoArray(tile, 8 * NR);
      ((DoubleVector) VECTOR.cast(hi8)).intoArray(tile, 8 * NR + L);
      ((DoubleVector) VECTOR.cast(lo9)).intoArray(tile, 9 * NR);
      ((DoubleVector) VECTOR.cast(hi9)).intoArray(tile, 9 * NR + L);
      ((DoubleVector) VECTOR.cast(lo10)).intoArray(tile, 10 * NR);
      ((DoubleVector) VECTOR.cast(hi10)).intoArray(tile, 10 * NR + L);
      ((DoubleVector) VECTOR.cast(lo11)).intoArray(tile, 11 * NR);
      ((DoubleVector) VECTOR.cast(hi11)).intoArray(tile, 11 * NR + L);
      ((DoubleVector) VECTOR.cast(lo12)).intoArray(tile, 12 * NR);
      ((DoubleVector) VECTOR.cast(hi12)).intoArray(tile, 12 * NR + L);
      ((DoubleVector) VECTOR.cast(lo13)).intoArray(tile, 13 * NR);
      ((DoubleVector) VECTOR.cast(hi13)).intoArray(tile, 13 * NR + L);
    }

    /**
     * As {@link #compute}, A's panel packed in runs ({@link #packRuns}): step p of row r at
     * ao + ⌊p/L⌋·14·L + r·L + p mod L, so that each broadcast is at a constant offset from one index.
     */
    @Override
    public void computeRuns(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] tile) {
      DoubleVector b0 = DoubleVector.fromArray(S, b, bo);
      DoubleVector b1 = DoubleVector.fromArray(S, b, bo + L);
      DoubleVector x = DoubleVector.broadcast(S, a[ao]);
      DoubleVector lo0 = x.mul(b0);
      DoubleVector hi0 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 1 * L]);
      DoubleVector lo1 = x.mul(b0);
      DoubleVector hi1 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 2 * L]);
      DoubleVector lo2 = x.mul(b0);
      DoubleVector hi2 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 3 * L]);
      DoubleVector lo3 = x.mul(b0);
      DoubleVector hi3 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 4 * L]);
      DoubleVector lo4 = x.mul(b0);
      DoubleVector hi4 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 5 * L]);
      DoubleVector lo5 = x.mul(b0);
      DoubleVector hi5 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 6 * L]);
      DoubleVector lo6 = x.mul(b0);
      DoubleVector hi6 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 7 * L]);
      DoubleVector lo7 = x.mul(b0);
      DoubleVector hi7 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 8 * L]);
      DoubleVector lo8 = x.mul(b0);
      DoubleVector hi8 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 9 * L]);
      DoubleVector lo9 = x.mul(b0);
      DoubleVector hi9 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 10 * L]);
      DoubleVector lo10 = x.mul(b0);
      DoubleVector hi10 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 11 * L]);
      DoubleVector lo11 = x.mul(b0);
      DoubleVector hi11 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 12 * L]);
      DoubleVector lo12 = x.mul(b0);
      DoubleVector hi12 = x.mul(b1);
      x = DoubleVector.broadcast(S, a[ao + 13 * L]);
      DoubleVector lo13 = x.mul(b0);
      DoubleVector hi13 = x.mul(b1);
      int a0 = ao;
      for (int p = 1; p < kc; p++) {
        // ⌊p/L⌋·14·L + p mod L = p + ⌊p/L⌋·13·L, computed anew each step: incremented with a jump at each run's end,
        // a branch a step, the kernel ran 5-7 % slower than compute alone on a core, this way as fast (176-178 GFLOP/s
        // against 177-178, float, AVX-512)
        ao = a0 + p + p / L * (13 * L);
        bo += ldb;
        b0 = DoubleVector.fromArray(S, b, bo);
        b1 = DoubleVector.fromArray(S, b, bo + L);
        x = DoubleVector.broadcast(S, a[ao]);
        lo0 = x.fma(b0, lo0);
        hi0 = x.fma(b1, hi0);
        x = DoubleVector.broadcast(S, a[ao + 1 * L]);
        lo1 = x.fma(b0, lo1);
        hi1 = x.fma(b1, hi1);
        x = DoubleVector.broadcast(S, a[ao + 2 * L]);
        lo2 = x.fma(b0, lo2);
        hi2 = x.fma(b1, hi2);
        x = DoubleVector.broadcast(S, a[ao + 3 * L]);
        lo3 = x.fma(b0, lo3);
        hi3 = x.fma(b1, hi3);
        x = DoubleVector.broadcast(S, a[ao + 4 * L]);
        lo4 = x.fma(b0, lo4);
        hi4 = x.fma(b1, hi4);
        x = DoubleVector.broadcast(S, a[ao + 5 * L]);
        lo5 = x.fma(b0, lo5);
        hi5 = x.fma(b1, hi5);
        x = DoubleVector.broadcast(S, a[ao + 6 * L]);
        lo6 = x.fma(b0, lo6);
        hi6 = x.fma(b1, hi6);
        x = DoubleVector.broadcast(S, a[ao + 7 * L]);
        lo7 = x.fma(b0, lo7);
        hi7 = x.fma(b1, hi7);
        x = DoubleVector.broadcast(S, a[ao + 8 * L]);
        lo8 = x.fma(b0, lo8);
        hi8 = x.fma(b1, hi8);
        x = DoubleVector.broadcast(S, a[ao + 9 * L]);
        lo9 = x.fma(b0, lo9);
        hi9 = x.fma(b1, hi9);
        x = DoubleVector.broadcast(S, a[ao + 10 * L]);
        lo10 = x.fma(b0, lo10);
        hi10 = x.fma(b1, hi10);
        x = DoubleVector.broadcast(S, a[ao + 11 * L]);
        lo11 = x.fma(b0, lo11);
        hi11 = x.fma(b1, hi11);
        x = DoubleVector.broadcast(S, a[ao + 12 * L]);
        lo12 = x.fma(b0, lo12);
        hi12 = x.fma(b1, hi12);
        x = DoubleVector.broadcast(S, a[ao + 13 * L]);
        lo13 = x.fma(b0, lo13);
        hi13 = x.fma(b1, hi13);
      }
      ((DoubleVector) VECTOR.cast(lo0)).intoArray(tile, 0);
      ((DoubleVector) VECTOR.cast(hi0)).intoArray(tile, L);
      ((DoubleVector) VECTOR.cast(lo1)).intoArray(tile, NR);
      ((DoubleVector) VECTOR.cast(hi1)).intoArray(tile, NR + L);
      ((DoubleVector) VECTOR.cast(lo2)).intoArray(tile, 2 * NR);
      ((DoubleVector) VECTOR.cast(hi2)).intoArray(tile, 2 * NR + L);
      ((DoubleVector) VECTOR.cast(lo3)).intoArray(tile, 3 * NR);
      ((DoubleVector) VECTOR.cast(hi3)).intoArray(tile, 3 * NR + L);
      ((DoubleVector) VECTOR.cast(lo4)).intoArray(tile, 4 * NR);
      ((DoubleVector) VECTOR.cast(hi4)).intoArray(tile, 4 * NR + L);
      ((DoubleVector) VECTOR.cast(lo5)).intoArray(tile, 5 * NR);
      ((DoubleVector) VECTOR.cast(hi5)).intoArray(tile, 5 * NR + L);
      ((DoubleVector) VECTOR.cast(lo6)).intoArray(tile, 6 * NR);
      ((DoubleVector) VECTOR.cast(hi6)).intoArray(tile, 6 * NR + L);
      ((DoubleVector) VECTOR.cast(lo7)).intoArray(tile, 7 * NR);
      ((DoubleVector) VECTOR.cast(hi7)).intoArray(tile, 7 * NR + L);
      ((DoubleVector) VECTOR.cast(lo8)).intoArray(tile, 8 * NR);
      ((DoubleVector) VECTOR.cast(hi8)).intoArray(tile, 8 * NR + L);
      ((DoubleVector) VECTOR.cast(lo9)).intoArray(tile, 9 * NR);
      ((DoubleVector) VECTOR.cast(hi9)).intoArray(tile, 9 * NR + L);
      ((DoubleVector) VECTOR.cast(lo10)).intoArray(tile, 10 * NR);
      ((DoubleVector) VECTOR.cast(hi10)).intoArray(tile, 10 * NR + L);
      ((DoubleVector) VECTOR.cast(lo11)).intoArray(tile, 11 * NR);
      ((DoubleVector) VECTOR.cast(hi11)).intoArray(tile, 11 * NR + L);
      ((DoubleVector) VECTOR.cast(lo12)).intoArray(tile, 12 * NR);
      ((DoubleVector) VECTOR.cast(hi12)).intoArray(tile, 12 * NR + L);
      ((DoubleVector) VECTOR.cast(lo13)).intoArray(tile, 13 * NR);
      ((DoubleVector) VECTOR.cast(hi13)).intoArray(tile, 13 * NR + L);
    }
  }
}
