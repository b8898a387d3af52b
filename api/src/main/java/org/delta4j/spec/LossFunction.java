package org.delta4j.spec;

/**
 * The losses. For predictions o and targets t of shape [N, C], each is a sum over the C outputs of one row, averaged
 * over the N rows. Probabilities are clamped to [ε, 1 − ε] with ε = {@link
 * org.delta4j.tensor.DataType#probabilityEpsilon()} before a logarithm or a division.
 */
public enum LossFunction {
  /** L = (1/N) Σₙ ½ Σ_c (t − o)²; ∂L/∂o = (o − t) / N. */
  SQUARED_ERROR,
  /** L = (1/(N·C)) Σ (t − o)²; ∂L/∂o = 2(o − t) / (N·C). */
  MEAN_SQUARED_ERROR,
  /** On probabilities: L = −(1/N) Σ [t·log o + (1 − t)·log(1 − o)]; ∂L/∂o = (o − t) / (o(1 − o)·N). */
  BINARY_CROSS_ENTROPY,
  /** On probabilities (after a softmax): L = −(1/N) Σ t·log o; ∂L/∂o = −t / (o·N). */
  CATEGORICAL_CROSS_ENTROPY,
  /**
   * Fused on logits z: L = (1/N) Σₙ [(Σ_c t)·logsumexp(z) − Σ_c t·z]; ∂L/∂z = ((Σ_c t)·softmax(z) − t) / N, which
   * for one-hot targets is (softmax(z) − t) / N. Never takes the log of 0.
   */
  SOFTMAX_CROSS_ENTROPY,
  /**
   * Rosenblatt's perceptron criterion on an activation a with labels t = ±1: L = (1/N) Σ max(0, −t·a); its
   * subgradient is −t / N where t·a ≤ 0 (a zero activation counts as a mistake), else 0.
   */
  PERCEPTRON;

  /** Whether the network's raw output must be passed through a softmax to read it as class probabilities. */
  public boolean takesLogits() {
    return this == SOFTMAX_CROSS_ENTROPY;
  }
}
