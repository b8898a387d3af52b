package org.delta4j.spec;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.delta4j.engine.Engine;
import org.delta4j.nn.KernelLoss;
import org.delta4j.nn.Loss;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;

/**
 * The losses. For predictions o and targets t of shape [N, C], each is a sum over the C outputs of one row, averaged
 * over the N rows. Probabilities are clamped to [ε, 1 − ε] with ε = {@link
 * org.delta4j.tensor.DataType#probabilityEpsilon()} before a logarithm or a division.
 */
public enum LossFunction implements LossSpec {
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

  /** The JSON type name: the constant's name in lower case, e.g. {@code softmax_cross_entropy}. */
  @Override
  public String type() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean takesLogits() {
    return this == SOFTMAX_CROSS_ENTROPY;
  }

  @Override
  public Targets targets() {
    return switch (this) {
      case SQUARED_ERROR, MEAN_SQUARED_ERROR -> Targets.VALUES;
      case BINARY_CROSS_ENTROPY -> Targets.BINARY;
      case CATEGORICAL_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY -> Targets.CLASSES;
      case PERCEPTRON -> Targets.SIGNS;
    };
  }

  @Override
  public Loss build(Engine engine, DataType dataType) {
    return new KernelLoss(this, Objects.requireNonNull(engine, () -> type() + " loss: engine is null").kernels());
  }

  /** Each loss's rule on the last layer: logits, probabilities after a softmax or a sigmoid, or a raw activation. */
  @Override
  public String misfit(List<LayerSpec> layers, Shape output) {
    Objects.requireNonNull(layers, () -> type() + " loss: layers is null");
    if (layers.isEmpty()) {
      return null;
    }
    // every kind's rules first, as a loss of one's own is held to them: one output for classes, a softmax before logits
    String general = LossSpec.super.misfit(layers, output);
    if (general != null) {
      return general;
    }
    String last = layers.get(layers.size() - 1).outputLayer().type(); // through a block, its output node's
    boolean softmax = last.equals(ActivationFunction.SOFTMAX.label());
    return switch (this) {
      case SOFTMAX_CROSS_ENTROPY -> null;
      case CATEGORICAL_CROSS_ENTROPY -> !softmax
          ? "CATEGORICAL_CROSS_ENTROPY takes probabilities: end the network with a softmax layer, or use "
              + "SOFTMAX_CROSS_ENTROPY on logits"
          // the softmax normalises each row of its input's last axis; the loss reads a sample's outputs as one row
          : output != null && output.rank() > 1
              ? "CATEGORICAL_CROSS_ENTROPY reads a sample's " + output.size() + " outputs as one distribution, but "
                  + "the softmax over " + output + " normalises along its last axis alone (length "
                  + output.last() + "): put a flatten layer before the softmax"
              : null;
      case BINARY_CROSS_ENTROPY -> {
        if (softmax) {
          yield "BINARY_CROSS_ENTROPY treats each output as an independent probability, which does not fit a softmax"
              + (output != null ? " over " + output.size() + " units" : "") + ": use CATEGORICAL_CROSS_ENTROPY, or end with a sigmoid";
        }
        yield last.equals(ActivationFunction.SIGMOID.label())
            ? null
            : "BINARY_CROSS_ENTROPY takes probabilities in (0, 1): end the network with a sigmoid layer";
      }
      case PERCEPTRON -> activationLabels().contains(last) && !last.equals(ActivationFunction.IDENTITY.label())
          ? "PERCEPTRON takes the raw activation w·x: end the network with a dense layer, not " + last
          : null;
      case SQUARED_ERROR, MEAN_SQUARED_ERROR -> null;
    };
  }

  private static List<String> activationLabels() {
    return java.util.Arrays.stream(ActivationFunction.values()).map(ActivationFunction::label).toList();
  }
}
