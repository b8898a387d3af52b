package org.delta4j.engine.ref;

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

  /** y[i] ← y[i] + a·x[i] for i in [from, to). */
  void axpy(float a, float[] x, float[] y, int from, int to) {
    for (int i = from; i < to; i++) {
      y[i] += a * x[i];
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
   * ReLU's backward pass: dx[i] ← x[i] &gt; 0 ? dy[i] : 0 for i in [from, to) (0 where x is NaN). Without a branch:
   * on a layer's inputs the sign is a coin toss, and the mispredicted branch cost 4 ns an element, ten times the
   * rest. x &gt; 0 exactly when x's bits b, read as an int, satisfy 0 &lt; b ≤ bits(+∞) (−0, negatives and NaN
   * fall outside), which is when neither b − 1 nor bits(+∞) − b is negative; dy's bits are kept under that mask,
   * else +0.
   */
  void reluBackward(float[] x, float[] dy, float[] dx, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = Float.floatToRawIntBits(x[i]);
      int keep = ~(((b - 1) | (POSITIVE_INFINITY_BITS - b)) >> 31);
      dx[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[i]) & keep);
    }
  }

  /**
   * The maxima of 2×2 windows at every offset of a plane of width w starting at {@code image}: max[e] ←
   * max(x[i], x[i + 1], x[i + w], x[i + w + 1]) with i = image + e, for e in [from, to), compared in that order as
   * Math.max does (NaN wins, +0 above −0). The window reads must lie inside x.
   */
  void windowMaxima(float[] x, int image, int w, float[] max, int from, int to) {
    for (int e = from; e < to; e++) {
      int i = image + e;
      max[e] = Math.max(Math.max(Math.max(x[i], x[i + 1]), x[i + w]), x[i + w + 1]);
    }
  }

  /**
   * Max pooling's backward pass over windows [fromWindow, toWindow) of a row of 2×2 windows tiling two image rows:
   * window o covers x[r + 2o], x[r + 2o + 1] (row 0) and the same w further on (row 1), its maximum is max[m + 2o]
   * (from {@link #windowMaxima}) and its gradient dy[out + o]. dx at the window's first maximal tap, in the order
   * (0, 0), (0, 1), (1, 0), (1, 1), ← 0 + dy (−0 becoming +0, as a scatter into zeros gives), and 0 at the other taps
   * and at every tap of a window whose maximum is NaN. A tap is maximal when it equals the maximum (== has −0 equal
   * +0); the masks are made by conditional moves, not branches, as which tap is largest is a coin toss.
   */
  void windowGradients(float[] x, int r, int w, float[] max, int m, float[] dy, int out, float[] dx, int fromWindow,
      int toWindow) {
    for (int o = fromWindow; o < toWindow; o++) {
      float mo = max[m + 2 * o];
      int i = r + 2 * o;
      int k = i + w;
      int ta = x[i] == mo ? -1 : 0;
      int tb = (x[i + 1] == mo ? -1 : 0) & ~ta;
      int tc = (x[k] == mo ? -1 : 0) & ~(ta | tb);
      int td = ~(ta | tb | tc); // one tap equals a maximum that is not NaN
      int gradient = mo != mo ? 0 : Float.floatToRawIntBits(0f + dy[out + o]);
      dx[i] = Float.intBitsToFloat(gradient & ta);
      dx[i + 1] = Float.intBitsToFloat(gradient & tb);
      dx[k] = Float.intBitsToFloat(gradient & tc);
      dx[k + 1] = Float.intBitsToFloat(gradient & td);
    }
  }

  /**
   * Per-channel affine map of the rows [fromRow, toRow) of [n, channels, size] read as n·channels rows of size:
   * y[r, t] ← scale[r mod channels]·x[r, t] + shift[r mod channels] (null scale: 1, null shift: 0).
   */
  final void channelAffine(float[] x, float[] scale, float[] shift, float[] y, int channels, int size, int fromRow,
      int toRow) {
    for (int r = fromRow; r < toRow; r++) {
      int c = r % channels;
      affine(x, scale == null ? 1 : scale[c], shift == null ? 0 : shift[c], y, r * size, (r + 1) * size);
    }
  }

  /**
   * Per-channel combination of the rows [fromRow, toRow) of [n, channels, size] read as n·channels rows of size:
   * y[r, t] ← a[r mod channels]·x[r, t] + b[r mod channels]·z[r, t] + shift[r mod channels], in float.
   */
  final void channelCombine(float[] x, float[] a, float[] z, float[] b, float[] shift, float[] y, int channels,
      int size, int fromRow, int toRow) {
    for (int r = fromRow; r < toRow; r++) {
      int c = r % channels;
      float ac = a[c];
      float bc = b[c];
      float sc = shift[c];
      for (int i = r * size, end = i + size; i < end; i++) {
        y[i] = ac * x[i] + bc * z[i] + sc;
      }
    }
  }

  /**
   * Per-channel sums of a and of a·b over [n, channels, size] in one pass, for the channels [fromChannel,
   * toChannel): sums[c] ← Σ over samples s (in order) of Σ over t of a[s, c, t], and sums[channels + c] ← the same of
   * a[s, c, t]·b[s, c, t], each product and sum in double and added in the order of {@link #channelSums}.
   */
  final void channelSumsAndProducts(float[] a, float[] b, double[] sums, int n, int channels, int size,
      int fromChannel, int toChannel) {
    for (int c = fromChannel; c < toChannel; c++) {
      double sum = 0;
      double product = 0;
      for (int s = 0; s < n; s++) {
        int from = (s * channels + c) * size;
        int to = from + size;
        // sum(a) and sumOfProducts(a, b) of the row, in their order, in one reading (two calls measured twice as slow)
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double p0 = 0;
        double p1 = 0;
        double p2 = 0;
        double p3 = 0;
        int i = from;
        for (int end = to - LANES + 1; i < end; i += LANES) {
          float a0 = a[i];
          float a1 = a[i + 1];
          float a2 = a[i + 2];
          float a3 = a[i + 3];
          s0 += a0;
          s1 += a1;
          s2 += a2;
          s3 += a3;
          p0 += (double) a0 * b[i];
          p1 += (double) a1 * b[i + 1];
          p2 += (double) a2 * b[i + 2];
          p3 += (double) a3 * b[i + 3];
        }
        for (; i < to; i++) {
          s0 += a[i];
          p0 += (double) a[i] * b[i];
        }
        sum += (s0 + s1) + (s2 + s3);
        product += (p0 + p1) + (p2 + p3);
      }
      sums[c] = sum;
      sums[channels + c] = product;
    }
  }

  /**
   * Per-channel shift and sums of squares over [n, channels, size] in one pass, for the channels [fromChannel,
   * toChannel): y[s, c, t] ← x[s, c, t] + shift[c] in float, and squares[c] ← Σ over samples s (in order) of Σ over
   * t of y[s, c, t]², each square and sum in double, in the order of {@link #channelSums}.
   */
  final void channelShiftAndSquares(float[] x, float[] shift, float[] y, double[] squares, int n, int channels,
      int size, int fromChannel, int toChannel) {
    for (int c = fromChannel; c < toChannel; c++) {
      float sc = shift[c];
      double sum = 0;
      for (int s = 0; s < n; s++) {
        int from = (s * channels + c) * size;
        int to = from + size;
        for (int i = from; i < to; i++) {
          y[i] = x[i] + sc;
        }
        sum += sumOfProducts(y, y, from, to); // the row is still in the L1 cache
      }
      squares[c] = sum;
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
