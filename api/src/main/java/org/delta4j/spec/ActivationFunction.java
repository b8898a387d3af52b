package org.delta4j.spec;

/**
 * The activation functions, with the derivatives their backward pass uses. Element-wise except {@link #SOFTMAX},
 * which is taken over the last axis.
 */
public enum ActivationFunction {
  /** f(x) = x; f′ = 1. */
  IDENTITY,
  /**
   * f(x) = max(0, x); f′ = 0 for x ≤ 0, else 1. At x = NaN, f is NaN and f′ is 1, as x ≤ 0 fails: PyTorch's rule (its
   * backward, threshold_backward, zeroes only where x ≤ 0), and one rule for this and a ReLU fused into the batch
   * normalisation before it, on every engine.
   */
  RELU,
  /**
   * f(x) = x for x &gt; 0, else α·x, for any finite α; f′ = 1 or α. At x = NaN, f is NaN and f′ is α, as x &gt; 0 fails:
   * PyTorch's rule (its backward is x &gt; 0 ? dy : α·dy).
   */
  LEAKY_RELU,
  /** f(x) = 1 / (1 + e^(−x)); f′ = f(x)·(1 − f(x)): 0 at ±∞, NaN at NaN, as PyTorch's. */
  SIGMOID,
  /** f(x) = tanh x; f′ = 1 − f(x)²: 0 at ±∞, NaN at NaN, as PyTorch's. */
  TANH,
  /**
   * f(x)ᵢ = e^(xᵢ − max x) / Σⱼ e^(xⱼ − max x); ∂fᵢ/∂xⱼ = fᵢ(δᵢⱼ − fⱼ). A row holding NaN or +∞, or all −∞, is NaN
   * throughout, forward and backward; a −∞ among finite values is 0, as PyTorch's.
   */
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
