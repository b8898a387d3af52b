package org.delta4j.engine;

import java.util.Arrays;
import org.delta4j.tensor.Tensor;

/**
 * The loops behind the convolution, pooling and per-channel kernels of {@link Kernels}, on row-major Java arrays of
 * NCHW images, once per element type (Java has no generics over primitives): the defaults of {@link Kernels} run them
 * on copies, an array-backed engine on its own storage, splitting a batch between threads by the {@code [from, to)}
 * ranges (of samples, or of planes n·C + c), which touch disjoint outputs. Sums and means are taken in double.
 * Stateless and thread-safe; {@code index} is {@link ConvGeometry#tapIndices()}.
 */
public final class ImageLoops {
  private ImageLoops() {}

  /**
   * Checks x [N, C, ...] (rank ≥ 2) against the per-channel vector (null or of C elements) of a per-channel kernel
   * and returns C. Fixed arities, not a variable one, so that a check in every step allocates no array.
   */
  public static int checkChannelVectors(String kernel, Tensor x, Tensor vector) {
    int channels = channels(kernel, x);
    checkChannelVector(kernel, x, channels, vector);
    return channels;
  }

  /** {@link #checkChannelVectors(String, Tensor, Tensor)} for two vectors. */
  public static int checkChannelVectors(String kernel, Tensor x, Tensor first, Tensor second) {
    int channels = channels(kernel, x);
    checkChannelVector(kernel, x, channels, first);
    checkChannelVector(kernel, x, channels, second);
    return channels;
  }

  private static int channels(String kernel, Tensor x) {
    if (KernelArguments.present(kernel, "the input", x).shape().rank() < 2) {
      throw new IllegalArgumentException(kernel + ": the input must be [N, C, ...], got " + x.shape());
    }
    return x.shape().dim(1);
  }

  private static void checkChannelVector(String kernel, Tensor x, int channels, Tensor v) {
    if (v != null && v.size() != channels) {
      throw new IllegalArgumentException(kernel + ": the input is " + x.shape() + ", so per-channel vectors need "
          + channels + " elements, got " + v.shape());
    }
    if (v != null) {
      KernelArguments.sameType(kernel, x, v);
    }
  }

  /**
   * im2col for the column matrix's samples [from, to) of n: col[c·kh·kw + q, s·P + p] ← x[first + s, c] at tap q of
   * position p, or 0 for padding; {@code first} places a column matrix of some samples of a larger batch x. Row by
   * output row: the taps of one output row that fall inside the image are one strided run of an image row (one
   * block copy at stride 1), the rest padding.
   */
  public static void im2col(double[] x, double[] col, ConvGeometry g, int n, int from, int to, int first) {
    im2colAny(x, col, g, n, from, to, first);
  }

  /** {@link #im2col(double[], double[], ConvGeometry, int, int, int, int)} in float. */
  public static void im2col(float[] x, float[] col, ConvGeometry g, int n, int from, int to, int first) {
    im2colAny(x, col, g, n, from, to, first);
  }

  /** im2col of a float[] or double[] pair: one walk for both types, the typed element work in the helpers. */
  private static void im2colAny(Object x, Object col, ConvGeometry g, int n, int from, int to, int first) {
    int p = g.positions();
    int ow = g.outputWidth();
    for (int c = 0; c < g.channels(); c++) {
      for (int i = 0; i < g.kernelHeight(); i++) {
        for (int j = 0; j < g.kernelWidth(); j++) {
          int row = (c * g.taps() + i * g.kernelWidth() + j) * n * p;
          int shift = j * g.dilationWidth() - g.padLeft();
          int x0 = insideFrom(g, shift);
          int x1 = insideTo(g, shift, x0);
          for (int s = from; s < to; s++) {
            int image = ((first + s) * g.channels() + c) * g.plane();
            if (rowsAdjoin(g)) {
              im2colRun(x, col, g, image, row + s * p, i, shift, x0, x1);
              continue;
            }
            for (int y = 0; y < g.outputHeight(); y++) {
              int o = row + s * p + y * ow;
              int r = y * g.strideHeight() - g.padTop() + i * g.dilationHeight();
              if (r < 0 || r >= g.height()) {
                clear(col, o, o + ow);
                continue;
              }
              clear(col, o, o + x0);
              // x0 = x1 when no tap of the row lies inside the image (a dilated tap past a 1-wide image's edge):
              // then the run would start outside x, which even an empty arraycopy refuses
              if (x1 > x0) {
                int in = image + r * g.width() + x0 * g.strideWidth() + shift;
                if (g.strideWidth() == 1) {
                  System.arraycopy(x, in, col, o + x0, x1 - x0);
                } else {
                  gather(x, in, g.strideWidth(), col, o + x0, x1 - x0);
                }
              }
              clear(col, o + x1, o + ow);
            }
          }
        }
      }
    }
  }

  /** col[o + k] ← x[in + k·step] for k &lt; length, for a float[] or double[] pair. */
  private static void gather(Object x, int in, int step, Object col, int o, int length) {
    if (x instanceof float[] f) {
      float[] c = (float[]) col;
      for (int k = 0; k < length; k++) {
        c[o + k] = f[in + k * step];
      }
    } else {
      double[] d = (double[]) x;
      double[] c = (double[]) col;
      for (int k = 0; k < length; k++) {
        c[o + k] = d[in + k * step];
      }
    }
  }

  /**
   * Whether a tap's runs of consecutive output rows adjoin in x as they do in the column matrix: at stride 1 with the
   * output as wide as the image (same padding), row y + 1's run starts w elements after row y's in both.
   */
  private static boolean rowsAdjoin(ConvGeometry g) {
    return g.strideHeight() == 1 && g.strideWidth() == 1 && g.outputWidth() == g.width();
  }

  /**
   * im2col of tap (i, ·) of one image plane into the column matrix's run of P elements at o, when
   * {@link #rowsAdjoin}: the output rows whose tap row lies inside the image read one run of x, copied in one
   * block (short runs of an image row each cost a call), and then the columns outside [x0, x1) of each of those
   * rows, which received the neighbouring row's ends, and the rows outside are set to 0 as padding.
   */
  private static void im2colRun(Object x, Object col, ConvGeometry g, int image, int o, int i, int shift, int x0,
      int x1) {
    int ow = g.outputWidth();
    int oh = g.outputHeight();
    int top = i * g.dilationHeight() - g.padTop(); // tap row r = y + top
    int first = firstInside(g, top);
    int last = lastInside(g, top, first);
    clear(col, o, o + first * ow);
    if (last > first && x1 > x0) {
      int start = o + first * ow + x0;
      int length = o + (last - 1) * ow + x1 - start;
      System.arraycopy(x, image + (first + top) * g.width() + x0 + shift, col, start, length);
      for (int y = first; y < last; y++) {
        clear(col, o + y * ow, o + y * ow + x0);
        clear(col, o + y * ow + x1, o + (y + 1) * ow);
      }
    } else {
      clear(col, o + first * ow, o + last * ow);
    }
    clear(col, o + last * ow, o + oh * ow);
  }

  /** The adjoint of {@link #im2colRun}, for the scratch col2im of floats. */
  private static void col2imRun(float[] col, float[] x, ConvGeometry g, int image, int o, int i, int shift, int x0,
      int x1) {
    int ow = g.outputWidth();
    int top = i * g.dilationHeight() - g.padTop();
    int first = firstInside(g, top);
    int last = lastInside(g, top, first);
    if (last == first || x1 == x0) {
      return;
    }
    for (int y = first; y < last; y++) { // the padding columns between the rows' runs add +0
      clear(col, o + y * ow, o + y * ow + x0);
      clear(col, o + y * ow + x1, o + (y + 1) * ow);
    }
    int start = o + first * ow + x0;
    int out = image + (first + top) * g.width() + x0 + shift;
    for (int k = 0, length = o + (last - 1) * ow + x1 - start; k < length; k++) { // a loop the JIT vectorises
      x[out + k] += col[start + k];
    }
  }

  /** The first output row whose tap row y + top lies inside the image (may be oh). */
  private static int firstInside(ConvGeometry g, int top) {
    return Math.min(g.outputHeight(), Math.max(0, -top));
  }

  /** One past the last output row whose tap row y + top lies inside the image; ≥ first. */
  private static int lastInside(ConvGeometry g, int top, int first) {
    return Math.min(g.outputHeight(), Math.max(first, g.height() - top));
  }

  /** a[from, to) ← 0 for a float[] or double[]; a loop, as most ranges are a column or two (a call costs more). */
  private static void clear(Object a, int from, int to) {
    if (a instanceof float[] f) {
      for (int k = from; k < to; k++) {
        f[k] = 0;
      }
    } else {
      double[] d = (double[]) a;
      for (int k = from; k < to; k++) {
        d[k] = 0;
      }
    }
  }

  /**
   * col2im for the column matrix's samples [from, to) of n, the adjoint of im2col: x[first + s] ← 0, then each
   * col[c·kh·kw + q, s·P + p] whose tap lies inside the image is added to the element of x[first + s, c] it was read
   * from, run by run as im2col reads them.
   */
  public static void col2im(double[] col, double[] x, ConvGeometry g, int n, int from, int to, int first) {
    col2imAny(col, x, g, n, from, to, first, false);
  }

  /** {@link #col2im(double[], double[], ConvGeometry, int, int, int, int)} in float. */
  public static void col2im(float[] col, float[] x, ConvGeometry g, int n, int from, int to, int first) {
    col2imAny(col, x, g, n, from, to, first, false);
  }

  /**
   * {@link #col2im(float[], float[], ConvGeometry, int, int, int, int)}, and when {@code scratch} the column matrix is
   * the caller's work buffer, whose entries at padding taps (read nowhere) may be set to 0: then, when
   * {@link #rowsAdjoin}, a tap's output rows inside the image are added as one run (short runs of 14 each cost a
   * loop's entry and exit), the entries between them set to 0 first. Same bits: each element of x still receives its
   * taps in the same order, and the extra terms are +0, which leaves any value x can hold unchanged (x starts at +0
   * and a sum of floats is −0 only when every term is).
   */
  public static void col2im(float[] col, float[] x, ConvGeometry g, int n, int from, int to, int first,
      boolean scratch) {
    col2imAny(col, x, g, n, from, to, first, scratch);
  }

  /** col2im of a float[] or double[] pair: one walk for both types, the typed element work in the helpers. */
  private static void col2imAny(Object col, Object x, ConvGeometry g, int n, int from, int to, int first,
      boolean scratch) {
    boolean runs = scratch && rowsAdjoin(g);
    int p = g.positions();
    int ow = g.outputWidth();
    int size = g.channels() * g.plane();
    clear(x, (first + from) * size, (first + to) * size);
    for (int c = 0; c < g.channels(); c++) {
      for (int i = 0; i < g.kernelHeight(); i++) {
        for (int j = 0; j < g.kernelWidth(); j++) {
          int row = (c * g.taps() + i * g.kernelWidth() + j) * n * p;
          int shift = j * g.dilationWidth() - g.padLeft();
          int x0 = insideFrom(g, shift);
          int x1 = insideTo(g, shift, x0);
          for (int s = from; s < to; s++) {
            int image = ((first + s) * g.channels() + c) * g.plane();
            if (runs) {
              col2imRun((float[]) col, (float[]) x, g, image, row + s * p, i, shift, x0, x1);
              continue;
            }
            for (int y = 0; y < g.outputHeight(); y++) {
              int r = y * g.strideHeight() - g.padTop() + i * g.dilationHeight();
              if (r < 0 || r >= g.height()) {
                continue;
              }
              int o = row + s * p + y * ow + x0;
              int out = image + r * g.width() + x0 * g.strideWidth() + shift;
              scatterAdd(col, o, x, out, g.strideWidth(), x1 - x0);
            }
          }
        }
      }
    }
  }

  /** x[out + k·step] += col[o + k] for k &lt; length, for a float[] or double[] pair (at step 1 the JIT vectorises). */
  private static void scatterAdd(Object col, int o, Object x, int out, int step, int length) {
    if (col instanceof float[] c) {
      float[] f = (float[]) x;
      if (step == 1) {
        for (int k = 0; k < length; k++) {
          f[out + k] += c[o + k];
        }
      } else {
        for (int k = 0; k < length; k++) {
          f[out + k * step] += c[o + k];
        }
      }
    } else {
      double[] c = (double[]) col;
      double[] d = (double[]) x;
      if (step == 1) {
        for (int k = 0; k < length; k++) {
          d[out + k] += c[o + k];
        }
      } else {
        for (int k = 0; k < length; k++) {
          d[out + k * step] += c[o + k];
        }
      }
    }
  }

  /** The first output column whose tap, {@code shift} columns from x·stride, lies inside the image (may be ow). */
  private static int insideFrom(ConvGeometry g, int shift) {
    int x0 = shift >= 0 ? 0 : (-shift + g.strideWidth() - 1) / g.strideWidth();
    return Math.min(x0, g.outputWidth());
  }

  /** One past the last output column whose tap, {@code shift} columns from x·stride, lies inside the image; ≥ x0. */
  private static int insideTo(ConvGeometry g, int shift, int x0) {
    int last = Math.floorDiv(g.width() - 1 - shift, g.strideWidth());
    return Math.max(x0, Math.min(g.outputWidth(), last + 1));
  }

  /**
   * Max pooling of planes [from, to): y[plane, p] ← max over the window's taps inside the image (NaN where one is
   * NaN); with {@code dy} and {@code dx} given (backward), instead dx[plane] ← 0, then dx at the first maximal tap, or
   * the window's last NaN, += dy[plane, p], as PyTorch's max_pool2d.
   */
  public static void maxPool(double[] x, double[] y, double[] dy, double[] dx, ConvGeometry g, int[] index,
      int from, int to) {
    int taps = g.taps();
    int p = g.positions();
    int plane = g.plane();
    // per plane, filled tap by tap: each pass reads the index table in order, no branch on x
    double[] max = WorkArrays.doubles(p);
    int[] first = dx != null ? WorkArrays.ints(p) : null;
    if (dx != null) {
      Arrays.fill(dx, from * plane, to * plane, 0);
    }
    for (int pl = from; pl < to; pl++) {
      int image = pl * plane;
      Arrays.fill(max, 0, p, Double.NEGATIVE_INFINITY);
      for (int q = 0; q < taps; q++) {
        for (int k = 0, t = q * p; k < p; k++, t++) {
          int i = index[t];
          if (i >= 0) {
            max[k] = Math.max(max[k], x[image + i]);
          }
        }
      }
      if (dx == null) {
        System.arraycopy(max, 0, y, pl * p, p);
        continue;
      }
      Arrays.fill(first, 0, p, -1);
      // the first tap holding the maximum receives the gradient, or where the window holds NaN (the maximum, which
      // equals nothing) its last NaN, as in PyTorch's max_pool2d, whose every NaN takes the index over
      for (int q = 0; q < taps; q++) {
        for (int k = 0, t = q * p; k < p; k++, t++) {
          int i = index[t];
          if (i >= 0 && (first[k] < 0 && x[image + i] == max[k] || x[image + i] != x[image + i])) {
            first[k] = i;
          }
        }
      }
      for (int k = 0; k < p; k++) {
        if (first[k] >= 0) { // none only for a window over padding alone, which pooling's geometry does not make
          dx[image + first[k]] += dy[pl * p + k];
        }
      }
    }
  }

  public static void maxPool(float[] x, float[] y, float[] dy, float[] dx, ConvGeometry g, int[] index, int from,
      int to) {
    int taps = g.taps();
    int p = g.positions();
    int plane = g.plane();
    // per plane, filled tap by tap: each pass reads the index table in order, no branch on x
    float[] max = WorkArrays.floats(p);
    int[] first = dx != null ? WorkArrays.ints(p) : null;
    if (dx != null) {
      Arrays.fill(dx, from * plane, to * plane, 0);
    }
    for (int pl = from; pl < to; pl++) {
      int image = pl * plane;
      Arrays.fill(max, 0, p, Float.NEGATIVE_INFINITY);
      for (int q = 0; q < taps; q++) {
        for (int k = 0, t = q * p; k < p; k++, t++) {
          int i = index[t];
          if (i >= 0) {
            max[k] = Math.max(max[k], x[image + i]);
          }
        }
      }
      if (dx == null) {
        System.arraycopy(max, 0, y, pl * p, p);
        continue;
      }
      Arrays.fill(first, 0, p, -1);
      // the first tap holding the maximum receives the gradient, or where the window holds NaN (the maximum, which
      // equals nothing) its last NaN, as in PyTorch's max_pool2d, whose every NaN takes the index over
      for (int q = 0; q < taps; q++) {
        for (int k = 0, t = q * p; k < p; k++, t++) {
          int i = index[t];
          if (i >= 0 && (first[k] < 0 && x[image + i] == max[k] || x[image + i] != x[image + i])) {
            first[k] = i;
          }
        }
      }
      for (int k = 0; k < p; k++) {
        if (first[k] >= 0) { // none only for a window over padding alone, which pooling's geometry does not make
          dx[image + first[k]] += dy[pl * p + k];
        }
      }
    }
  }

  /**
   * The backward pass of one 2×2 max-pooling window that holds NaN, taps a, b (row 0) and c, d (row 1) at dx[at],
   * dx[at + 1], dx[at + w], dx[at + w + 1]: {@code gradient} at the last NaN of them, 0 at the others, as {@link
   * #maxPool} and PyTorch's max_pool2d pass it. For the 2×2 loops of the engines, which take the window whose maximum
   * is NaN (rare, so a well-predicted branch) here.
   */
  public static void nanWindowGradient(float a, float b, float c, float d, float gradient, float[] dx, int at, int w) {
    int last = d != d ? 3 : c != c ? 2 : b != b ? 1 : 0;
    dx[at] = last == 0 ? gradient : 0f;
    dx[at + 1] = last == 1 ? gradient : 0f;
    dx[at + w] = last == 2 ? gradient : 0f;
    dx[at + w + 1] = last == 3 ? gradient : 0f;
  }

  /**
   * Average pooling of planes [from, to), padding counted as zeros: y[plane, p] ← Σ taps x / (kh·kw); with {@code dy}
   * and {@code dx} given (backward), instead dx[plane] ← 0, then dx at each tap += dy[plane, p] / (kh·kw).
   */
  public static void avgPool(double[] x, double[] y, double[] dy, double[] dx, ConvGeometry g, int[] index,
      int from, int to) {
    int taps = g.taps();
    int p = g.positions();
    int plane = g.plane();
    if (dx != null) {
      Arrays.fill(dx, from * plane, to * plane, 0);
    }
    for (int pl = from; pl < to; pl++) {
      int image = pl * plane;
      for (int k = 0; k < p; k++) {
        double sum = 0;
        double share = dx != null ? dy[pl * p + k] / taps : 0;
        for (int q = 0; q < taps; q++) {
          int i = index[q * p + k];
          if (i >= 0) {
            if (dx != null) {
              dx[image + i] += share;
            } else {
              sum += x[image + i];
            }
          }
        }
        if (dx == null) {
          y[pl * p + k] = sum / taps;
        }
      }
    }
  }

  public static void avgPool(float[] x, float[] y, float[] dy, float[] dx, ConvGeometry g, int[] index, int from,
      int to) {
    int taps = g.taps();
    int p = g.positions();
    int plane = g.plane();
    if (dx != null) {
      Arrays.fill(dx, from * plane, to * plane, 0);
    }
    for (int pl = from; pl < to; pl++) {
      int image = pl * plane;
      for (int k = 0; k < p; k++) {
        double sum = 0;
        float share = dx != null ? (float) ((double) dy[pl * p + k] / taps) : 0;
        for (int q = 0; q < taps; q++) {
          int i = index[q * p + k];
          if (i >= 0) {
            if (dx != null) {
              dx[image + i] += share;
            } else {
              sum += x[image + i];
            }
          }
        }
        if (dx == null) {
          y[pl * p + k] = (float) (sum / taps);
        }
      }
    }
  }

  /** Checks src [a, b, ...] against dst [b, a, ...] for {@link Kernels#swapLeadingAxes} and returns a. */
  public static int checkSwap(Tensor src, Tensor dst) {
    int[] s = KernelArguments.present("swapLeadingAxes", "src", src).shape().dims();
    int[] d = KernelArguments.present("swapLeadingAxes", "dst", dst).shape().dims();
    boolean ok = s.length >= 2 && d.length == s.length && d[0] == s[1] && d[1] == s[0]
        && Arrays.equals(s, 2, s.length, d, 2, d.length);
    if (!ok) {
      throw new IllegalArgumentException("swapLeadingAxes: src is " + src.shape() + " and dst " + dst.shape()
          + ": need [a, b, ...] and [b, a, ...]");
    }
    KernelArguments.sameType("swapLeadingAxes", src, dst);
    KernelArguments.distinct("swapLeadingAxes", dst, src);
    return s[0];
  }

  /**
   * dst[dstOffset + (j, i, t)] ← src[srcOffset + (i, j, t)] for src [a, b, r] read as a×b blocks of r elements (any
   * array type): the first two axes swapped, each block moved whole.
   */
  public static void swapLeadingAxes(Object src, int srcOffset, Object dst, int dstOffset, int a, int b, int r) {
    for (int i = 0; i < a; i++) {
      for (int j = 0; j < b; j++) {
        System.arraycopy(src, srcOffset + (i * b + j) * r, dst, dstOffset + (j * a + i) * r, r);
      }
    }
  }

  /**
   * y[s, c, t] ← scale[c]·(x[s, c, t] − centre[c]) + shift[c] over [n, channels, size], the difference first; a null
   * centre is 0, a null scale 1, a null shift 0.
   */
  public static void channelAffine(double[] x, double[] centre, double[] scale, double[] shift, double[] y, int n,
      int channels, int size) {
    for (int s = 0; s < n; s++) {
      for (int c = 0; c < channels; c++) {
        double k = centre == null ? 0 : centre[c];
        double a = scale == null ? 1 : scale[c];
        double b = shift == null ? 0 : shift[c];
        int o = (s * channels + c) * size;
        for (int t = o; t < o + size; t++) {
          y[t] = a * (x[t] - k) + b;
        }
      }
    }
  }

  public static void channelAffine(float[] x, float[] scale, float[] shift, float[] y, int n, int channels,
      int size) {
    for (int s = 0; s < n; s++) {
      for (int c = 0; c < channels; c++) {
        float a = scale == null ? 1 : scale[c];
        float b = shift == null ? 0 : shift[c];
        int o = (s * channels + c) * size;
        for (int t = o; t < o + size; t++) {
          y[t] = a * x[t] + b;
        }
      }
    }
  }

  /**
   * {@link Kernels#channelSumsAndProducts(Tensor, Tensor, Tensor, ReluGate, Tensor, Tensor, Tensor)} over
   * [n, channels, size]: sums[c] ← Σ over s, t of g·a[s, c, t] and sums[channels + c] ← Σ of
   * g·a[s, c, t]·(b[s, c, t] − origin[c]), the difference formed first; g is 0 where gateScale[c]·(b[s, c, t] −
   * gateCentre[c]) + gateShift[c] ≤ 0, as {@link #channelAffine} computes that map, else 1 (NaN opens the gate, as
   * PyTorch's relu backward passes dy there).
   * Null origin and gateCentre are 0; a null gateScale opens the gate everywhere.
   */
  public static void channelSumsAndProducts(double[] a, double[] b, double[] origin, double[] gateCentre,
      double[] gateScale, double[] gateShift, double[] sums, int n, int channels, int size) {
    Arrays.fill(sums, 0, 2 * channels, 0);
    for (int s = 0; s < n; s++) {
      for (int c = 0; c < channels; c++) {
        double o = origin == null ? 0 : origin[c];
        double gk = gateCentre == null ? 0 : gateCentre[c];
        double gs = gateScale == null ? 0 : gateScale[c];
        double gt = gateShift == null ? 0 : gateShift[c];
        int from = (s * channels + c) * size;
        double sum = 0;
        double product = 0;
        for (int t = from; t < from + size; t++) {
          // a closed gate takes a as 0, not the term away: 0·(b − o) is NaN at an infinite b, as in the default
          double v = gateScale == null || !(gs * (b[t] - gk) + gt <= 0) ? a[t] : 0;
          sum += v;
          product += v * (b[t] - o);
        }
        sums[c] += sum;
        sums[channels + c] += product;
      }
    }
  }

  /** sums[c] ← Σ over s, t of a[s, c, t]·b[s, c, t] over [n, channels, size]; a null b is 1. */
  public static void channelSums(double[] a, double[] b, double[] sums, int n, int channels, int size) {
    Arrays.fill(sums, 0, channels, 0);
    for (int s = 0; s < n; s++) {
      for (int c = 0; c < channels; c++) {
        int o = (s * channels + c) * size;
        double sum = 0;
        for (int t = o; t < o + size; t++) {
          sum += b == null ? a[t] : a[t] * b[t];
        }
        sums[c] += sum;
      }
    }
  }

  public static void channelSums(float[] a, float[] b, double[] sums, int n, int channels, int size) {
    Arrays.fill(sums, 0, channels, 0);
    for (int s = 0; s < n; s++) {
      for (int c = 0; c < channels; c++) {
        int o = (s * channels + c) * size;
        double sum = 0;
        for (int t = o; t < o + size; t++) {
          sum += b == null ? a[t] : (double) a[t] * b[t];
        }
        sums[c] += sum;
      }
    }
  }
}
