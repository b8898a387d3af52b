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

  /** Σ x[i] over [from, to), each term in double. */
  double sum(float[] x, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += x[i];
    }
    return sum;
  }

  /** Σ x[i]·y[i] over [from, to), each product and the sum in double. */
  double sumOfProducts(float[] x, float[] y, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += (double) x[i] * y[i];
    }
    return sum;
  }

  /** ReLU: y[i] ← max(x[i], 0) for i in [from, to) (NaN stays NaN). */
  void relu(float[] x, float[] y, int from, int to) {
    for (int i = from; i < to; i++) {
      y[i] = Math.max(x[i], 0f);
    }
  }

  /** ReLU's backward pass: dx[i] ← x[i] &gt; 0 ? dy[i] : 0 for i in [from, to) (0 where x is NaN). */
  void reluBackward(float[] x, float[] dy, float[] dx, int from, int to) {
    for (int i = from; i < to; i++) {
      dx[i] = x[i] > 0 ? dy[i] : 0f;
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
   * a[s, c, t]·b[s, c, t], each product and sum in double and added in the order of {@link #channelSums} without
   * vectors.
   */
  final void channelSumsAndProducts(float[] a, float[] b, double[] sums, int n, int channels, int size,
      int fromChannel, int toChannel) {
    for (int c = fromChannel; c < toChannel; c++) {
      double sum = 0;
      double product = 0;
      for (int s = 0; s < n; s++) {
        double sampleSum = 0;
        double sampleProduct = 0;
        for (int i = (s * channels + c) * size, end = i + size; i < end; i++) {
          sampleSum += a[i];
          sampleProduct += (double) a[i] * b[i];
        }
        sum += sampleSum;
        product += sampleProduct;
      }
      sums[c] = sum;
      sums[channels + c] = product;
    }
  }

  /**
   * Per-channel shift and sums of squares over [n, channels, size] in one pass, for the channels [fromChannel,
   * toChannel): y[s, c, t] ← x[s, c, t] + shift[c] in float, and squares[c] ← Σ over samples s (in order) of Σ over
   * t of y[s, c, t]², each square and sum in double, in the order of {@link #channelSums} without vectors.
   */
  final void channelShiftAndSquares(float[] x, float[] shift, float[] y, double[] squares, int n, int channels,
      int size, int fromChannel, int toChannel) {
    for (int c = fromChannel; c < toChannel; c++) {
      float sc = shift[c];
      double sum = 0;
      for (int s = 0; s < n; s++) {
        double sampleSum = 0;
        for (int i = (s * channels + c) * size, end = i + size; i < end; i++) {
          float v = x[i] + sc;
          y[i] = v;
          sampleSum += (double) v * v;
        }
        sum += sampleSum;
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
