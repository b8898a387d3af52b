package org.delta4j.spec;

/**
 * The activation functions, with the derivatives their backward pass uses. Element-wise except {@link #SOFTMAX},
 * which is taken over the last axis.
 */
public enum ActivationFunction {
  /** f(x) = x; f′ = 1. */
  IDENTITY,
  /**
   * f(x) = max(0, x); f′ = 1 for x &gt; 0, else 0. At x = NaN, f is NaN and f′ is 0, which is not &gt; 0: one rule for
   * this, leaky ReLU and a ReLU fused into the batch normalisation before it, on every engine. PyTorch's relu passes
   * the gradient there instead (its backward zeroes only where x ≤ 0); the loss is NaN either way.
   */
  RELU,
  /** f(x) = x for x &gt; 0, else α·x, for any finite α; f′ = 1 or α. At x = NaN, f is NaN and f′ is α, as PyTorch's. */
  LEAKY_RELU,
  /** f(x) = 1 / (1 + e^(−x)); f′ = f(x)·(1 − f(x)). */
  SIGMOID,
  /** f(x) = tanh x; f′ = 1 − f(x)². */
  TANH,
  /** f(x)ᵢ = e^(xᵢ − max x) / Σⱼ e^(xⱼ − max x); ∂fᵢ/∂xⱼ = fᵢ(δᵢⱼ − fⱼ). */
  SOFTMAX;

  /** The lower-case name used in layer names and descriptions, e.g. {@code leaky_relu}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The {@code alpha} an activation layer of this function takes when none is given: 0.01 for leaky ReLU, else 0. */
  public double defaultAlpha() {
    return this == LEAKY_RELU ? 0.01 : 0;
  }
}
