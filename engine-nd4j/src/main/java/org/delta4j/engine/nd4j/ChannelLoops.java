package org.delta4j.engine.nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-channel kernels on FLOAT32 tensors [N, C, S] as single passes of the JDK's Vector API over native memory: a
 * batch normalisation's statistics, its output and its input gradient each read their tensors once, where ND4J's
 * broadcast and reduction ops take one pass (and often a scratch array) per arithmetic step. Row r = n·C + c of S
 * contiguous elements belongs to channel c, whose coefficients come from C-element vectors (null: the identity
 * value); S, the elements per sample and channel, is given. Sums are taken per row in float lanes, then added across
 * rows in double. Each loop works on the rows [from, to), so that the rows of a tensor may be split between the cores;
 * the sums add into the caller's double arrays (one per part, added after). Loaded only when
 * {@code jdk.incubator.vector} is present; {@link Nd4jKernels} checks shapes and types first. Stateless.
 */
final class ChannelLoops {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  /**
   * The class of F's vectors. A sum carried around a loop is only a FloatVector to C2's parser, and a method called on
   * it is bound to its class through the JDK's shared call profile, which in some JVMs left every vector of the loop a
   * heap object; so a sum is only ever passed (v.add(s), not s.add(v): the same bits) and cast to this final class
   * before it is reduced.
   */
  private static final Class<? extends Vector<Float>> FLOATS = F.vectorType();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private ChannelLoops() {}

  /**
   * y[n, c, s] ← p[c]·x[n, c, s] + q[c]·(z[n, c, s] − k[c]) + r[c] (z null: no second term; p null: 1; k and r null:
   * 0). y may be x, not z.
   */
  static void combine(NativeMemory x, NativeMemory p, NativeMemory z, NativeMemory k, NativeMemory q, NativeMemory r,
      NativeMemory y, int channels, int size, int from, int to) {
    int end = F.loopBound(size);
    for (int row = from; row < to; row++) {
      int c = row % channels;
      float a = coefficient(p, c, 1);
      float centre = coefficient(k, c, 0);
      float b = coefficient(q, c, 0);
      float t = coefficient(r, c, 0);
      int base = row * size * Float.BYTES;
      int j = 0;
      if (z == null) {
        for (; j < end; j += F.length()) {
          int o = base + j * Float.BYTES;
          FloatVector.fromByteBuffer(F, x.bytes, o, ORDER).fma(a, t).intoByteBuffer(y.bytes, o, ORDER);
        }
      } else {
        for (; j < end; j += F.length()) {
          int o = base + j * Float.BYTES;
          FloatVector.fromByteBuffer(F, z.bytes, o, ORDER).sub(centre).fma(b, t)
              .add(FloatVector.fromByteBuffer(F, x.bytes, o, ORDER).mul(a)).intoByteBuffer(y.bytes, o, ORDER);
        }
      }
      for (; j < size; j++) {
        int o = base + j * Float.BYTES;
        // the vector loop's arithmetic, lane for lane: one fused multiply-add, then the product added
        float xs = x.bytes.getFloat(o);
        y.bytes.putFloat(o, z == null ? Math.fma(a, xs, t) : Math.fma(b, z.bytes.getFloat(o) - centre, t) + a * xs);
      }
    }
    NativeMemory.keep(x, p, z, k, q, r, y);
  }

  /**
   * y[n, c, s] ← p[c]·(x[n, c, s] − k[c]) + r[c] (k null: 0; p null: 1; r null: 0), the difference first, then one
   * fused multiply-add, and with {@code relu} max(y, 0): so that y is 0 exactly where {@link #gatedCombine}'s and
   * {@link #gatedCentredSums}' gate closes. NaN stays NaN, as {@code Math.max} keeps it, and opens the gate. y may
   * be x.
   */
  static void centredAffine(NativeMemory x, NativeMemory k, NativeMemory p, NativeMemory r, boolean relu,
      NativeMemory y, int channels, int size, int from, int to) {
    int end = F.loopBound(size);
    for (int row = from; row < to; row++) {
      int c = row % channels;
      float centre = coefficient(k, c, 0);
      float a = coefficient(p, c, 1);
      float t = coefficient(r, c, 0);
      int base = row * size * Float.BYTES;
      int j = 0;
      // Two loops rather than a test inside one: a vector updated under a branch is boxed (an array per step).
      if (relu) {
        for (; j < end; j += F.length()) {
          int o = base + j * Float.BYTES;
          FloatVector.fromByteBuffer(F, x.bytes, o, ORDER).sub(centre).fma(a, t).max(0f)
              .intoByteBuffer(y.bytes, o, ORDER);
        }
      } else {
        for (; j < end; j += F.length()) {
          int o = base + j * Float.BYTES;
          FloatVector.fromByteBuffer(F, x.bytes, o, ORDER).sub(centre).fma(a, t).intoByteBuffer(y.bytes, o, ORDER);
        }
      }
      for (; j < size; j++) {
        int o = base + j * Float.BYTES;
        float v = Math.fma(a, x.bytes.getFloat(o) - centre, t);
        y.bytes.putFloat(o, relu ? Math.max(v, 0f) : v);
      }
    }
    NativeMemory.keep(x, k, p, r, y);
  }

  /**
   * A batch normalisation's input gradient through the ReLU after it, in one pass: y[n, c, s] ← p[c]·g·x[n, c, s] +
   * q[c]·(z[n, c, s] − k[c]) + r[c], where g is 0 if gs[c]·(z − gk[c]) + gt[c] ≤ 0 (computed as
   * {@link #centredAffine} computes it, so the gate is closed exactly where the forward pass's ReLU output 0; NaN
   * opens it, as PyTorch's relu backward) and 1 otherwise; k and gk null: 0. The same arithmetic as {@link #combine} on the gated x, which
   * the default builds in three more passes. y must not be x or z.
   */
  static void gatedCombine(NativeMemory x, NativeMemory p, NativeMemory z, NativeMemory k, NativeMemory q,
      NativeMemory r, NativeMemory gk, NativeMemory gs, NativeMemory gt, NativeMemory y, int channels, int size,
      int from, int to) {
    int end = F.loopBound(size);
    FloatVector zero = FloatVector.zero(F);
    for (int row = from; row < to; row++) {
      int c = row % channels;
      float a = coefficient(p, c, 1);
      float centre = coefficient(k, c, 0);
      float b = coefficient(q, c, 0);
      float t = coefficient(r, c, 0);
      float gateCentre = coefficient(gk, c, 0);
      float gateScale = coefficient(gs, c, 1);
      float gateShift = coefficient(gt, c, 0);
      int base = row * size * Float.BYTES;
      int j = 0;
      for (; j < end; j += F.length()) {
        int o = base + j * Float.BYTES;
        FloatVector zv = FloatVector.fromByteBuffer(F, z.bytes, o, ORDER);
        FloatVector xv = FloatVector.fromByteBuffer(F, x.bytes, o, ORDER).blend(zero,
            zv.sub(gateCentre).fma(gateScale, gateShift).compare(VectorOperators.LE, 0f));
        zv.sub(centre).fma(b, t).add(xv.mul(a)).intoByteBuffer(y.bytes, o, ORDER);
      }
      for (; j < size; j++) {
        int o = base + j * Float.BYTES;
        float zs = z.bytes.getFloat(o);
        float xs = opens(gateScale, zs, gateCentre, gateShift) ? x.bytes.getFloat(o) : 0f;
        y.bytes.putFloat(o, Math.fma(b, zs - centre, t) + a * xs);
      }
    }
    NativeMemory.keep(x, p, z, k, q, r, gk, gs, gt, y);
  }

  /** total[c] += Σ over the rows' s of a, and with b, product[c] += Σ of a·b (b null: product not touched). */
  static void sums(NativeMemory a, NativeMemory b, double[] total, double[] product, int channels, int size,
      int from, int to) {
    int end = F.loopBound(size);
    for (int row = from; row < to; row++) {
      int c = row % channels;
      int base = row * size * Float.BYTES;
      FloatVector s = FloatVector.zero(F);
      FloatVector ps = FloatVector.zero(F);
      int j = 0;
      // Two loops rather than a test inside one: a vector updated under a branch is boxed (an array per step).
      if (b == null) {
        for (; j < end; j += F.length()) {
          s = FloatVector.fromByteBuffer(F, a.bytes, base + j * Float.BYTES, ORDER).add(s);
        }
      } else {
        for (; j < end; j += F.length()) {
          int o = base + j * Float.BYTES;
          FloatVector v = FloatVector.fromByteBuffer(F, a.bytes, o, ORDER);
          s = v.add(s);
          ps = FloatVector.fromByteBuffer(F, b.bytes, o, ORDER).fma(v, ps);
        }
      }
      double rowSum = ((FloatVector) FLOATS.cast(s)).reduceLanes(VectorOperators.ADD);
      double rowProduct = ((FloatVector) FLOATS.cast(ps)).reduceLanes(VectorOperators.ADD);
      for (; j < size; j++) {
        int o = base + j * Float.BYTES;
        float v = a.bytes.getFloat(o);
        rowSum += v;
        if (b != null) {
          rowProduct += v * b.bytes.getFloat(o);
        }
      }
      total[c] += rowSum;
      if (b != null) {
        product[c] += rowProduct;
      }
    }
    NativeMemory.keep(a, b);
  }

  /**
   * total[c] += Σ over the rows' s of g·a, product[c] += Σ of g·a·(b − o[c]) (o null: 0), the centring done inside the
   * pass so that it does not cancel when |o| is large against the spread of b. g is 0 where p[c]·(b − k[c]) + q[c]
   * ≤ 0 (k null: 0), that map computed as {@link #centredAffine} computes it (so the gate is closed exactly where the
   * forward pass's ReLU output 0; NaN opens it), else 1; everywhere 1 when p is null.
   */
  static void gatedCentredSums(NativeMemory a, NativeMemory b, NativeMemory o, NativeMemory k, NativeMemory p,
      NativeMemory q, double[] total, double[] product, int channels, int size, int from, int to) {
    int end = F.loopBound(size);
    FloatVector zero = FloatVector.zero(F);
    for (int row = from; row < to; row++) {
      int c = row % channels;
      float origin = coefficient(o, c, 0);
      float gateCentre = coefficient(k, c, 0);
      float gateScale = coefficient(p, c, 1);
      float gateShift = coefficient(q, c, 0);
      int base = row * size * Float.BYTES;
      FloatVector s = zero;
      FloatVector ps = zero;
      int j = 0;
      // Two loops rather than a test inside one: a vector updated under a branch is boxed (an array per step).
      if (p == null) {
        for (; j < end; j += F.length()) {
          int at = base + j * Float.BYTES;
          FloatVector v = FloatVector.fromByteBuffer(F, a.bytes, at, ORDER);
          s = v.add(s);
          ps = FloatVector.fromByteBuffer(F, b.bytes, at, ORDER).sub(origin).fma(v, ps);
        }
      } else {
        for (; j < end; j += F.length()) {
          int at = base + j * Float.BYTES;
          FloatVector x = FloatVector.fromByteBuffer(F, b.bytes, at, ORDER);
          FloatVector v = FloatVector.fromByteBuffer(F, a.bytes, at, ORDER).blend(zero,
              x.sub(gateCentre).fma(gateScale, gateShift).compare(VectorOperators.LE, 0f));
          s = v.add(s);
          ps = x.sub(origin).fma(v, ps);
        }
      }
      double rowSum = ((FloatVector) FLOATS.cast(s)).reduceLanes(VectorOperators.ADD);
      double rowProduct = ((FloatVector) FLOATS.cast(ps)).reduceLanes(VectorOperators.ADD);
      for (; j < size; j++) {
        int at = base + j * Float.BYTES;
        float x = b.bytes.getFloat(at);
        // as the vector loop's blend: a closed gate takes a as 0, and 0·(x − origin) is NaN at an infinite x
        float v = p == null || opens(gateScale, x, gateCentre, gateShift) ? a.bytes.getFloat(at) : 0f;
        rowSum += v;
        rowProduct += v * (x - origin);
      }
      total[c] += rowSum;
      product[c] += rowProduct;
    }
    NativeMemory.keep(a, b, o, k, p, q);
  }

  /** y[n, c, s] ← x[n, c, s] + r[c], then squares[c] += Σ over the rows' s of y². y may be x. */
  static void shiftAndSquares(NativeMemory x, NativeMemory r, NativeMemory y, double[] squares, int channels,
      int size, int from, int to) {
    int end = F.loopBound(size);
    for (int row = from; row < to; row++) {
      int c = row % channels;
      float t = coefficient(r, c, 0);
      int base = row * size * Float.BYTES;
      FloatVector s = FloatVector.zero(F);
      int j = 0;
      for (; j < end; j += F.length()) {
        int o = base + j * Float.BYTES;
        FloatVector v = FloatVector.fromByteBuffer(F, x.bytes, o, ORDER).add(t);
        v.intoByteBuffer(y.bytes, o, ORDER);
        s = v.fma(v, s);
      }
      double rowSum = ((FloatVector) FLOATS.cast(s)).reduceLanes(VectorOperators.ADD);
      for (; j < size; j++) {
        int o = base + j * Float.BYTES;
        float v = x.bytes.getFloat(o) + t;
        y.bytes.putFloat(o, v);
        rowSum += v * v;
      }
      squares[c] += rowSum;
    }
    NativeMemory.keep(x, r, y);
  }

  /**
   * The ReLU gate at one element, as the vector loops decide it for theirs: closed where scale·(z − centre) + shift, a
   * difference and one fused multiply-add, is ≤ 0, open elsewhere (NaN included, as PyTorch's relu backward passes
   * dy there). The vector loops inline the same test, a mask not being passed to a call.
   */
  private static boolean opens(float scale, float z, float centre, float shift) {
    return !(Math.fma(scale, z - centre, shift) <= 0);
  }

  private static float coefficient(NativeMemory v, int c, float identity) {
    return v == null ? identity : v.bytes.getFloat(c * Float.BYTES);
  }

  /** out[c] ← total[c] + β·out[c] (β = 0: out's contents ignored); nothing when out is null. */
  static void store(double[] total, double beta, NativeMemory out) {
    if (out == null) {
      return;
    }
    for (int c = 0; c < total.length; c++) {
      double old = beta == 0 ? 0 : beta * out.bytes.getFloat(c * Float.BYTES);
      out.bytes.putFloat(c * Float.BYTES, (float) (total[c] + old));
    }
    NativeMemory.keep(out);
  }
}
