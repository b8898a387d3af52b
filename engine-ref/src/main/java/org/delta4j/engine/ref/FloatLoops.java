package org.delta4j.engine.ref;

import org.delta4j.engine.WorkArrays;
import org.delta4j.engine.ref.gemm.MatrixMultiply;

/**
 * The memory-bound float loops of the per-channel and activation kernels, over a range of elements so that callers
 * can split a tensor between the cores: plain Java here, and on the JDK's Vector API in {@link VectorFloatLoops}
 * (chosen once, by {@link #get()}). Element-wise loops give the same bits in both forms; a channel's sum adds its
 * terms in double, in order, so results never depend on how the channels were split between threads.
 * Stateless and thread-safe.
 */
class FloatLoops {
  private static final FloatLoops INSTANCE = load();
  private static final int POSITIVE_INFINITY_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

  private static FloatLoops load() {
    if (!MatrixMultiply.vectorApi()) {
      return new FloatLoops();
    }
    try {
      return (FloatLoops) Class.forName(FloatLoops.class.getPackageName() + ".VectorFloatLoops")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the Vector API float loops", e);
    }
  }

  /** The loops this JVM runs: vectorised where the Vector API is. */
  static FloatLoops get() {
    return INSTANCE;
  }

  /** y[i] ← a·x[i] + b for i in [from, to). y may be x. */
  void affine(float[] x, float a, float b, float[] y, int from, int to) {
    for (int i = from; i < to; i++) {
      y[i] = a * x[i] + b;
    }
  }

  /** y[i] ← a·(x[i] − k) + b for i in [from, to), the difference first. y may be x. */
  void centredAffine(float[] x, float k, float a, float b, float[] y, int from, int to) {
    for (int i = from; i < to; i++) {
      y[i] = a * (x[i] - k) + b;
    }
  }

  /** y[i] ← y[i] + a·x[i] for i in [from, to). */
  void axpy(float a, float[] x, float[] y, int from, int to) {
    for (int i = from; i < to; i++) {
      y[i] += a * x[i];
    }
  }

  /**
   * s[j] ← s[j] + Σᵢ x[i·n + j] over the rows i in [0, rows), for the columns j in [from, to) (a bias's gradient
   * Σ_rows dY): each column's terms added in float, in row order, so both forms give the same bits.
   */
  void columnSums(float[] x, int rows, int n, float[] s, int from, int to) {
    for (int i = 0; i < rows; i++) {
      int o = i * n;
      for (int j = from; j < to; j++) {
        s[j] += x[o + j];
      }
    }
  }

  /**
   * Terms a sum keeps in flight: Σ over [from, to) is taken as LANES partial sums, partial j adding the terms
   * from + j, from + j + LANES, … in order, the tail after the last whole group going to partial 0, then
   * (p₀ + p₁) + (p₂ + p₃). One chain of double additions waits four cycles per term; four chains overlap, so a
   * per-channel sum of batch norm runs about four times as fast. The order depends on the range alone.
   */
  static final int LANES = 4;

  /** Σ x[i] over [from, to), each term in double, in the order of {@link #LANES}. */
  double sum(float[] x, int from, int to) {
    return sumOfProducts(x, null, from, to);
  }

  /**
   * Σ x[i]·y[i] over [from, to), each product and the sum in double, in the order of {@link #LANES}; a null y is 1
   * (x[i]·1 is exact, and the JIT moves the test on y out of the loop).
   */
  double sumOfProducts(float[] x, float[] y, int from, int to) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = from;
    for (int end = to - LANES + 1; i < end; i += LANES) {
      s0 += (double) x[i] * (y == null ? 1 : y[i]);
      s1 += (double) x[i + 1] * (y == null ? 1 : y[i + 1]);
      s2 += (double) x[i + 2] * (y == null ? 1 : y[i + 2]);
      s3 += (double) x[i + 3] * (y == null ? 1 : y[i + 3]);
    }
    for (; i < to; i++) {
      s0 += (double) x[i] * (y == null ? 1 : y[i]);
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** ReLU: y[i] ← max(x[i], 0) for i in [from, to) (NaN stays NaN). */
  void relu(float[] x, float[] y, int from, int to) {
    for (int i = from; i < to; i++) {
      y[i] = Math.max(x[i], 0f);
    }
  }

  /**
   * ReLU's backward pass: dx[i] ← x[i] ≤ 0 ? 0 : dy[i] for i in [from, to) (dy where x is NaN, as PyTorch's
   * threshold_backward). Without a branch: on a layer's inputs the sign is a coin toss, and the mispredicted branch
   * cost 4 ns an element, ten times the rest. With x's bits b read as an int and |b| those without the sign bit, x ≤
   * 0 holds exactly when |b| ≤ 0 for a clear sign bit (+0) and |b| ≤ bits(+∞) for a set one (−0 to −∞, not NaN):
   * when (b's sign spread over the word ∧ bits(+∞)) − |b| is not negative, as many operations as the test x &gt; 0
   * took. dy's bits are kept under the sign of that difference, else +0.
   */
  void reluBackward(float[] x, float[] dy, float[] dx, int from, int to) {
    for (int i = from; i < to; i++) {
      dx[i] = passed(x[i], dy[i]);
    }
  }

  /** ReLU's backward pass at one element, +0 where x ≤ 0, else v, without a branch (see {@link #reluBackward}). */
  static float passed(float x, float v) {
    int b = Float.floatToRawIntBits(x);
    int keep = (((b >> 31) & POSITIVE_INFINITY_BITS) - (b & Integer.MAX_VALUE)) >> 31;
    return Float.intBitsToFloat(Float.floatToRawIntBits(v) & keep);
  }

  /**
   * Per-channel affine map of the rows [fromRow, toRow) of [n, channels, size] read as n·channels rows of size:
   * y[r, t] ← scale[c]·x[r, t] + shift[c], or with a centre scale[c]·(x[r, t] − centre[c]) + shift[c] (null scale:
   * 1, null shift: 0), c = r mod channels, then with {@code relu} max(y, 0), each row's ReLU while the row is in the
   * L1 cache (the bits of the two loops).
   */
  final void channelAffine(float[] x, float[] centre, float[] scale, float[] shift, float[] y, boolean relu,
      int channels, int size, int fromRow, int toRow) {
    for (int r = fromRow; r < toRow; r++) {
      int c = r % channels;
      float a = scale == null ? 1 : scale[c];
      float b = shift == null ? 0 : shift[c];
      if (centre == null) {
        affine(x, a, b, y, r * size, (r + 1) * size);
      } else {
        centredAffine(x, centre[c], a, b, y, r * size, (r + 1) * size);
      }
      if (relu) {
        relu(y, y, r * size, (r + 1) * size);
      }
    }
  }

  /**
   * Per-channel combination of the rows [fromRow, toRow) of [n, channels, size] read as n·channels rows of size:
   * y[r, t] ← a[c]·x′ + b[c]·(z[r, t] − centre[c]) + shift[c], in float, with c = r mod channels (null centre: 0) and
   * x′ = x[r, t], or with a gate (gateScale and gateShift not null) x′ = {@link #passed}(gateScale[c]·(z[r, t] −
   * gateCentre[c]) + gateShift[c], x[r, t]) (null gateCentre: 0): x where the ReLU of that affine map of z (the bits
   * {@link #centredAffine} gives) passed its input.
   */
  final void channelCombine(float[] x, float[] a, float[] z, float[] centre, float[] b, float[] shift,
      float[] gateCentre, float[] gateScale, float[] gateShift, float[] y, int channels, int size, int fromRow,
      int toRow) {
    boolean gated = gateScale != null;
    for (int r = fromRow; r < toRow; r++) {
      int c = r % channels;
      combine(x, a[c], z, centre == null ? 0 : centre[c], b[c], shift[c], gated,
          gated && gateCentre != null ? gateCentre[c] : 0, gated ? gateScale[c] : 0, gated ? gateShift[c] : 0, y,
          r * size, (r + 1) * size);
    }
  }

  /**
   * One row [from, to) of {@link #channelCombine}: y[i] ← a·x′ + b·(z[i] − k) + shift, x′ = x[i] or, gated,
   * {@link #passed}(gs·(z[i] − gk) + gt, x[i]). With k = 0, z[i] − k is z[i]: the bits of b·z[i].
   */
  void combine(float[] x, float a, float[] z, float k, float b, float shift, boolean gated, float gk, float gs,
      float gt, float[] y, int from, int to) {
    for (int i = from; i < to; i++) {
      y[i] = a * (gated ? passed(gs * (z[i] - gk) + gt, x[i]) : x[i]) + b * (z[i] - k) + shift;
    }
  }

  /**
   * Per-channel centred sums over [n, channels, size] in one pass, for the channels [fromChannel, toChannel): with
   * p = a′ − aOrigin[c] and q = b[s, c, t] − bOrigin[c] (null origins: 0), where a′ = a[s, c, t], or with a gate
   * (gateScale not null) {@link #passed}(gateScale[c]·(b[s, c, t] − gateCentre[c]) + gateShift[c], a[s, c, t])
   * (null gateCentre: 0), a where the ReLU of that affine map of b passed its input, sums[c] ← Σ over samples s (in
   * order) of Σ over t of p, and sums[channels + c] ← the same of p·q. Each term is rounded to float once, as the
   * tensors' type holds it (by {@link #centredTerms}, vectorised), and added in double in the order of
   * {@link #LANES}: the sum's error does not grow with the number of terms. A batch normalisation's Σdy and
   * Σdy·(x − μ) (a = dy, b = x, bOrigin = μ), and its shifted moments Σ(x − k) and Σ(x − k)² (a = b = x, both
   * origins k, a value of each channel: the shift keeps Σ(x − k)² − (Σ(x − k))²/M from cancelling when |μ| ≫ σ;
   * Chan, Golub and LeVeque, 1983).
   */
  final void channelSumsAndProducts(float[] a, float[] aOrigin, float[] b, float[] bOrigin, float[] gateCentre,
      float[] gateScale, float[] gateShift, double[] sums, int n, int channels, int size, int fromChannel,
      int toChannel) {
    boolean gated = gateScale != null;
    float[] terms = WorkArrays.floats(2 * size); // one row's p, then its p·q
    for (int c = fromChannel; c < toChannel; c++) {
      float ka = aOrigin == null ? 0 : aOrigin[c];
      float kb = bOrigin == null ? 0 : bOrigin[c];
      float gk = gated && gateCentre != null ? gateCentre[c] : 0;
      float gs = gated ? gateScale[c] : 0;
      float gt = gated ? gateShift[c] : 0;
      sums[c] = 0;
      sums[channels + c] = 0;
      for (int s = 0; s < n; s++) {
        int from = (s * channels + c) * size;
        centredTerms(a, ka, b, kb, gated, gk, gs, gt, terms, size, from, from, from + size);
        addSums(terms, size, sums, c, channels + c);
      }
    }
  }

  /**
   * out[first] += Σ terms[0, size) and out[second] += Σ terms[size, 2·size), each the bits of {@link #sum}: the two
   * sets of four chains interleaved in one loop, so that the eight additions in flight overlap (one set after the
   * other waits on four chains, half the adder's throughput).
   */
  private static void addSums(float[] terms, int size, double[] out, int first, int second) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0; // Σ terms[0, size), lane by lane
    double p0 = 0, p1 = 0, p2 = 0, p3 = 0; // Σ terms[size, 2·size)
    int i = 0;
    for (int end = size - LANES + 1; i < end; i += LANES) {
      int j = size + i;
      s0 += terms[i];
      s1 += terms[i + 1];
      s2 += terms[i + 2];
      s3 += terms[i + 3];
      p0 += terms[j];
      p1 += terms[j + 1];
      p2 += terms[j + 2];
      p3 += terms[j + 3];
    }
    for (; i < size; i++) {
      s0 += terms[i];
      p0 += terms[size + i];
    }
    out[first] += (s0 + s1) + (s2 + s3);
    out[second] += (p0 + p1) + (p2 + p3);
  }

  /**
   * The terms of {@link #channelSumsAndProducts} at [from, to) of the row of {@code size} starting at {@code row},
   * in float: p ← a′ − ka into terms[i − row] and p·(b[i] − kb) into terms[size + i − row], a′ = a[i] or, gated,
   * {@link #passed}(gs·(b[i] − gk) + gt, a[i]).
   */
  void centredTerms(float[] a, float ka, float[] b, float kb, boolean gated, float gk, float gs, float gt,
      float[] terms, int size, int row, int from, int to) {
    for (int i = from; i < to; i++) {
      float p = (gated ? passed(gs * (b[i] - gk) + gt, a[i]) : a[i]) - ka;
      terms[i - row] = p;
      terms[size + i - row] = p * (b[i] - kb);
    }
  }

  /**
   * Per-channel sums of [n, channels, size] for the channels [fromChannel, toChannel): sums[c] ← Σ over samples s
   * (in order) of Σ over t of a[s, c, t]·b[s, c, t] (null b: of a alone).
   */
  final void channelSums(float[] a, float[] b, double[] sums, int n, int channels, int size, int fromChannel,
      int toChannel) {
    for (int c = fromChannel; c < toChannel; c++) {
      double sum = 0;
      for (int s = 0; s < n; s++) {
        int o = (s * channels + c) * size;
        sum += b == null ? sum(a, o, o + size) : sumOfProducts(a, b, o, o + size);
      }
      sums[c] = sum;
    }
  }
}
