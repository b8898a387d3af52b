package org.delta4j.engine;

import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.Tensor;

/**
 * The numerical kernels an engine provides. Every layer, loss and optimizer in {@code api} is written against these,
 * so an engine that implements them runs the whole catalogue; the conformance suite holds each engine to the
 * reference engine's results.
 *
 * <p>Contract for every method: all tensors belong to this engine and share one {@link
 * org.delta4j.tensor.DataType}; "matrix" means rank 2 (callers reshape rank &gt; 2 first); outputs are written in
 * place and must not alias inputs unless the method says so. Arithmetic is done in the tensors' type. A kernel may
 * use several threads internally but is called from one thread at a time per set of tensors.
 */
public interface Kernels {

  /**
   * General matrix multiply: C ← α·op(A)·op(B) + β·C, where op(M) is M or Mᵀ per flag. With β = 0, C's previous
   * contents are ignored (even NaN). Shapes: op(A) is [m, k], op(B) is [k, n], C is [m, n].
   */
  void gemm(Tensor a, boolean transposeA, Tensor b, boolean transposeB, double alpha, double beta, Tensor c);

  /** Broadcast add in place: M[i, j] += v[j] for every row i. M is [rows, n], v has n elements. */
  void addRowVector(Tensor m, Tensor v);

  /** Column sums: out[j] ← Σᵢ M[i, j] + β·out[j]. M is [rows, n], out has n elements. */
  void sumRows(Tensor m, double beta, Tensor out);

  /**
   * y ← f(x), element-wise, except softmax, which is taken over the last axis of the matrix x (max-subtracted, so
   * finite for logits of ±1e4). {@code alpha} is leaky ReLU's slope for x &lt; 0 and ignored by the others. x and y
   * have the same shape; y may be x.
   */
  void activation(ActivationFunction f, double alpha, Tensor x, Tensor y);

  /**
   * dx ← ∂L/∂x given dy = ∂L/∂y, the input x and the output y = f(x): dx = f′(x)·dy element-wise, using y where
   * that is cheaper (sigmoid: y(1 − y); tanh: 1 − y²); ReLU's derivative at 0 is 0. For softmax, per row,
   * dx = y ⊙ (dy − Σⱼ dyⱼ·yⱼ).
   */
  void activationBackward(ActivationFunction f, double alpha, Tensor x, Tensor y, Tensor dy, Tensor dx);

  /** Element-wise product: out ← a ⊙ b. out may be a or b. */
  void multiply(Tensor a, Tensor b, Tensor out);

  /** y ← y + α·x, element-wise. */
  void axpy(double alpha, Tensor x, Tensor y);

  /** x ← s·x, element-wise. */
  void scale(Tensor x, double s);

  /** Every element of t ← value. */
  void fill(Tensor t, double value);

  /** dst ← src; same shape. */
  void copy(Tensor src, Tensor dst);

  /**
   * The loss of predictions against targets, averaged over the rows (the batch), as defined by {@link LossFunction};
   * when {@code gradient} is not null it receives ∂loss/∂predictions (already divided by the number of rows).
   * predictions, targets and gradient are matrices of one shape.
   */
  double loss(LossFunction f, Tensor predictions, Tensor targets, Tensor gradient);

  /** Index of the largest element of each row of a matrix, into {@code out} (length ≥ rows); the first on ties. */
  void argmaxRows(Tensor m, int[] out);

  /**
   * Heavy-ball momentum, PyTorch form: v ← μ·v + g; then w ← w − α·v, or with Nesterov w ← w − α·(g + μ·v).
   */
  void momentumUpdate(Tensor w, Tensor g, Tensor velocity, double learningRate, double momentum, boolean nesterov);

  /** AdaGrad: s ← s + g²; w ← w − α·g / (√s + ε). */
  void adaGradUpdate(Tensor w, Tensor g, Tensor sumSquares, double learningRate, double epsilon);

  /** RMSProp: s ← ρ·s + (1 − ρ)·g²; w ← w − α·g / (√s + ε). */
  void rmsPropUpdate(Tensor w, Tensor g, Tensor meanSquares, double learningRate, double rho, double epsilon);

  /**
   * Adam: m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − α·m̂ / (√v̂ + ε) with m̂ = m / c₁, v̂ = v / c₂, where the
   * bias corrections c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ at step t ≥ 1 are given (computed once per step by the caller).
   */
  void adamUpdate(
      Tensor w, Tensor g, Tensor m, Tensor v, double learningRate, double beta1, double beta2, double epsilon,
      double biasCorrection1, double biasCorrection2);

  // ---------------------------------------------------------------- images: convolution, pooling, per-channel
  //
  // Images are NCHW. These defaults run the loops of ImageLoops on copies of the tensors (toDoubleArray, copyFrom),
  // so they work on any engine; an engine overrides them to work on its own storage.

  /**
   * im2col, which turns a convolution into one matrix product Y = W·col(X): col[c·kh·kw + q, n·P + p] ← the image
   * element x[n, c] that tap q of output position p reads (0 for padding), for x [N, C, H, W] and col
   * [C·kh·kw, N·oh·ow] (P = oh·ow; see {@link ConvGeometry}).
   */
  default void im2col(Tensor x, ConvGeometry g, Tensor col) {
    int n = g.checkImages("im2col", "x", x);
    g.checkColumns("im2col", col, n);
    double[] out = new double[(int) col.size()];
    ImageLoops.im2col(x.toDoubleArray(), out, g, g.tapIndices(), n, 0, n);
    col.copyFrom(out);
  }

  /**
   * col2im, the adjoint (transpose) of {@link #im2col}: x ← 0, then every element of col is added into the image
   * element it was gathered from; padding taps are dropped. Shapes as for im2col.
   */
  default void col2im(Tensor col, ConvGeometry g, Tensor x) {
    int n = g.checkImages("col2im", "x", x);
    g.checkColumns("col2im", col, n);
    double[] out = new double[(int) x.size()];
    ImageLoops.col2im(col.toDoubleArray(), out, g, g.tapIndices(), n, 0, n);
    x.copyFrom(out);
  }

  /**
   * dst[j, i, ...] ← src[i, j, ...]: the first two axes swapped, src [a, b, ...] and dst [b, a, ...] of one size;
   * turns a convolution's [F, N, oh·ow] product into [N, F, oh·ow] and back. dst must not be src.
   */
  default void swapLeadingAxes(Tensor src, Tensor dst) {
    int a = ImageLoops.checkSwap(src, dst);
    int b = src.shape().dim(1);
    double[] out = new double[(int) dst.size()];
    ImageLoops.swapLeadingAxes(src.toDoubleArray(), out, a, b, (int) (src.size() / a / b));
    dst.copyFrom(out);
  }

  /**
   * Max pooling, per channel: y[n, c, y, x] ← the largest x[n, c] under the window at (y, x), padding ignored (the
   * geometry keeps every window over at least one element). x [N, C, H, W], y [N, C, oh, ow].
   */
  default void maxPool(Tensor x, ConvGeometry g, Tensor y) {
    int n = g.checkImages("maxPool", "x", x);
    g.checkOutputs("maxPool", "y", y, g.channels());
    double[] out = new double[(int) y.size()];
    ImageLoops.maxPool(x.toDoubleArray(), out, null, null, g, g.tapIndices(), 0, n * g.channels());
    y.copyFrom(out);
  }

  /**
   * Max pooling's backward pass: dx ← 0, then each dy[n, c, y, x] is added at the window's maximum in x (the first on
   * ties), the only input the output depended on. x and dx [N, C, H, W], dy [N, C, oh, ow].
   */
  default void maxPoolBackward(Tensor x, Tensor dy, ConvGeometry g, Tensor dx) {
    int n = g.checkImages("maxPoolBackward", "x", x);
    g.checkImages("maxPoolBackward", "dx", dx);
    g.checkOutputs("maxPoolBackward", "dy", dy, g.channels());
    double[] out = new double[(int) dx.size()];
    ImageLoops.maxPool(x.toDoubleArray(), null, dy.toDoubleArray(), out, g, g.tapIndices(), 0, n * g.channels());
    dx.copyFrom(out);
  }

  /**
   * Average pooling, per channel, padding counted as zeros: y[n, c, y, x] ← Σ window / (kh·kw). Shapes as for
   * {@link #maxPool}.
   */
  default void avgPool(Tensor x, ConvGeometry g, Tensor y) {
    int n = g.checkImages("avgPool", "x", x);
    g.checkOutputs("avgPool", "y", y, g.channels());
    double[] out = new double[(int) y.size()];
    ImageLoops.avgPool(x.toDoubleArray(), out, null, null, g, g.tapIndices(), 0, n * g.channels());
    y.copyFrom(out);
  }

  /** Average pooling's backward pass: dx ← 0, then dx under each window += dy[n, c, y, x] / (kh·kw). */
  default void avgPoolBackward(Tensor dy, ConvGeometry g, Tensor dx) {
    int n = g.checkImages("avgPoolBackward", "dx", dx);
    g.checkOutputs("avgPoolBackward", "dy", dy, g.channels());
    double[] out = new double[(int) dx.size()];
    ImageLoops.avgPool(null, null, dy.toDoubleArray(), out, g, g.tapIndices(), 0, n * g.channels());
    dx.copyFrom(out);
  }

  /**
   * Per-channel affine map: y[n, c, ...] ← scale[c]·x[n, c, ...] + shift[c], for x and y [N, C, ...] of one shape and
   * scale and shift of C elements (null: 1 and 0). Adds a convolution's bias, and normalises a batch. y may be x.
   */
  default void channelAffine(Tensor x, Tensor scale, Tensor shift, Tensor y) {
    KernelArguments.sameShape("channelAffine", x, y);
    int c = ImageLoops.checkChannelVectors("channelAffine", x, scale, shift);
    int n = x.shape().dim(0);
    double[] out = new double[(int) y.size()];
    ImageLoops.channelAffine(x.toDoubleArray(), scale == null ? null : scale.toDoubleArray(),
        shift == null ? null : shift.toDoubleArray(), out, n, c, (int) (x.size() / n / c));
    y.copyFrom(out);
  }

  /**
   * Per-channel sums: out[c] ← Σ over n and the positions of a[n, c, ...]·b[n, c, ...] (b null: of a alone)
   * + β·out[c], accumulated in double; a and b [N, C, ...] of one shape, out of C elements. With β = 0 out's previous
   * contents are ignored. A convolution's bias gradient, and a batch's mean and variance.
   */
  default void channelSums(Tensor a, Tensor b, double beta, Tensor out) {
    KernelArguments.sameShape("channelSums", b == null ? a : b, a);
    int c = ImageLoops.checkChannelVectors("channelSums", a, out);
    int n = a.shape().dim(0);
    double[] sums = new double[c];
    ImageLoops.channelSums(a.toDoubleArray(), b == null ? null : b.toDoubleArray(), sums, n, c,
        (int) (a.size() / n / c));
    if (beta != 0) {
      double[] before = out.toDoubleArray();
      for (int i = 0; i < c; i++) {
        sums[i] += beta * before[i];
      }
    }
    out.copyFrom(sums);
  }
}
