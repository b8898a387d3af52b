package org.delta4j.nn;

import org.delta4j.tensor.Tensor;

/**
 * A trainable tensor and the gradient accumulated for it, both of one shape, named {@code layer.role} (for example
 * {@code dense1.weight}). Backward passes add into {@code gradient}; {@link Network#zeroGradients()} clears it.
 */
public record Parameter(String name, Tensor value, Tensor gradient) {}
