package org.delta4j.engine;

import org.delta4j.tensor.Tensor;

/**
 * The ReLU that follows a per-channel affine map, seen from its backward pass: closed where z = scale[c]·(x[n, c, ...]
 * − centre[c]) + shift[c] ≤ 0 and open elsewhere (NaN included, as ReLU's backward pass and PyTorch's relu pass dy at
 * NaN), z computed as {@link Kernels#channelAffine(Tensor, Tensor, Tensor, Tensor, Tensor)} computes it, so that the
 * gate is closed exactly where the forward pass's ReLU output 0. A batch normalisation fused with the ReLU after it
 * passes its input gradient through the gate without keeping the ReLU's input. centre (null: 0), scale and shift hold
 * C elements, are read at each call, and may change between calls.
 */
public record ReluGate(Tensor centre, Tensor scale, Tensor shift) {
  public ReluGate {
    if (scale == null || shift == null) {
      throw new IllegalArgumentException("ReluGate: scale and shift are required, got " + scale + " and " + shift);
    }
  }

  /** The gate of max(scale[c]·x + shift[c], 0): centre 0. */
  public ReluGate(Tensor scale, Tensor shift) {
    this(null, scale, shift);
  }
}
