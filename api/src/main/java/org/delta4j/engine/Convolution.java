package org.delta4j.engine;

import org.delta4j.tensor.Tensor;

/**
 * One 2-D convolution of a fixed {@link ConvGeometry} and filter count on one engine, with the work buffers its passes
 * reuse, made by {@link Kernels#convolution}: images x [N, C, H, W] and kernels W seen as the matrix [F, C·kh·kw]
 * give y [N, F, oh, ow], y[n, f, p] = Σ_{c,q} W[f, c·kh·kw + q]·x[n, c] at tap q of position p (0 for padding), the
 * im2col product Y = W·col(X) in NCHW order. Its passes do what {@link ColumnConvolution} does with the primitives; an
 * engine may do the same in another order (by blocks of samples, say) to keep its buffers in cache. Each element of y
 * and dx depends only on the tensors given, never on how the work was split; dW's sums may be grouped by an
 * engine-chosen split of the batch, fixed for the engine and the batch size. Not thread-safe: one per layer or tape
 * operation.
 */
public interface Convolution {
  /**
   * y ← W ⋆ x. With {@code training}, remembers x (and whatever else backward needs) for {@link #backward}: x must
   * then stay unchanged until the last backward pass that reads it.
   */
  void forward(Tensor x, Tensor weights, Tensor y, boolean training);

  /**
   * The gradients of the last training forward pass from dY [N, F, oh, ow]: dw ← β·dw + dY·col(X)ᵀ, [F, C·kh·kw]
   * (skipped when dw is null); dx ← col⁻¹(Wᵀ·dY), [N, C, H, W] (skipped when null). May be repeated for one forward
   * pass. Fails when no training forward pass came before.
   */
  void backward(Tensor dy, Tensor weights, double beta, Tensor dw, Tensor dx);
}
