package org.delta4j.spec;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.nn.Loss;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;

/**
 * The engine-neutral description of a loss, the door every loss kind enters by, built-in or not: its stable JSON type
 * name (registered through a {@link KindProvider}), its fields, whether the network's output is read through a
 * softmax, the rule of which last layers it fits, and the {@link Loss} it builds on any engine. Immutable.
 */
public interface LossSpec {
  /** The kind's stable JSON type name, e.g. {@code softmax_cross_entropy}. */
  String type();

  /** Writes the kind's own fields (not {@code type}); a loss without fields is written as its type name alone. */
  default void writeFields(FieldWriter out) {}

  /** Whether the network's raw output must be passed through a softmax to read it as class probabilities. */
  default boolean takesLogits() {
    return false;
  }

  /** The form of a loss's targets, and so of a prediction read from the network's output. */
  enum Targets {
    /** A distribution over classes per sample (one-hot for a class): the prediction is the most probable class. */
    CLASSES,
    /** A probability per output: the prediction is whether each output is at least ½ likely. */
    BINARY,
    /** ±1 per output: the prediction is each output's sign, 1 for a positive output and −1 otherwise. */
    SIGNS,
    /** Any values: the prediction is the output itself. */
    VALUES;

    /** Whether a target of this form may be {@code t}: in [0, 1] for classes and probabilities, ±1 for signs. */
    public boolean admits(double t) {
      return switch (this) {
        case CLASSES, BINARY -> t >= 0 && t <= 1;
        case SIGNS -> t == 1 || t == -1;
        case VALUES -> !Double.isNaN(t);
      };
    }

    /** What a target of this form is, for messages: e.g. "probabilities in [0, 1]". */
    public String describe() {
      return switch (this) {
        case CLASSES -> "class shares in [0, 1]";
        case BINARY -> "probabilities in [0, 1]";
        case SIGNS -> "labels of ±1";
        case VALUES -> "any numbers";
      };
    }
  }

  /**
   * The form of this loss's targets; by default {@link Targets#CLASSES} for a loss on logits, else {@link
   * Targets#VALUES}. Predictions (the DSL's generated {@code predict}), the data the trainer and evaluation accept
   * ({@link Targets#admits}) and data-parallel training, which gives each row's class as a one-hot target, read it.
   */
  default Targets targets() {
    return takesLogits() ? Targets.CLASSES : Targets.VALUES;
  }

  /**
   * What is wrong with ending a network of these layers with this loss, or null when it fits; {@code output} is the
   * network's per-sample output shape, or null when the layers' shapes do not fit together. By default, the rules
   * the built-in cross-entropies follow, for any kind: a loss over {@link Targets#CLASSES} refuses a network of one
   * output, and one that {@link #takesLogits} a network whose last layer (a block's output node's) is a softmax. A
   * kind with rules of its own may add them to these, through {@code LossSpec.super.misfit}.
   */
  default String misfit(List<LayerSpec> layers, Shape output) {
    if (targets() == Targets.CLASSES && output != null && output.size() == 1) {
      // one output is one class: the softmax of one value is 1, and a loss over it cannot depend on the weights
      return type() + " loss reads a sample's outputs as a distribution over classes, but there is one output, one "
          + "class whatever the weights and the data (a softmax of one value is 1): give the network an output per "
          + "class (two or more), or use BINARY_CROSS_ENTROPY after a sigmoid for two classes";
    }
    if (takesLogits() && layers != null && !layers.isEmpty()
        && layers.get(layers.size() - 1).outputLayer().type().equals(ActivationFunction.SOFTMAX.label())) {
      return type() + " loss applies the softmax itself, on logits: remove the final softmax layer";
    }
    return null;
  }

  /** The loss on {@code engine} for tensors of {@code dataType}. */
  Loss build(Engine engine, DataType dataType);
}
