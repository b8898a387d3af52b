package org.delta4j.engine;

import org.delta4j.tensor.Tensor;

/**
 * The ReLU that follows a per-channel affine map, seen from its backward pass: open where z = scale[c]·x[n, c, ...] +
 * shift[c] &gt; 0 and closed elsewhere (NaN included), z computed as {@link Kernels#channelAffine} computes it, so
 * that the gate is open exactly where the forward pass's ReLU passed its input. A batch normalisation fused with the
 * ReLU after it passes its input gradient through the gate without keeping the ReLU's input. scale and shift hold C
 * elements, are read at each call, and may change between calls.
 */
public record ReluGate(Tensor scale, Tensor shift) {
  public ReluGate {
    if (scale == null || shift == null) {
      throw new IllegalArgumentException("ReluGate: scale and shift are required, got " + scale + " and " + shift);
    }
  }
}
