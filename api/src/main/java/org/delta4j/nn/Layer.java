package org.delta4j.nn;

import java.util.List;
import java.util.Objects;
import org.delta4j.engine.Engine;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * One stage of a network: a differentiable map from a batch of inputs [N, inputShape...] to a batch of outputs [N,
 * outputShape...]. Not thread-safe.
 *
 * <p>Life cycle: {@link #forward} in training mode keeps what {@link #backward} needs; {@code backward} must follow
 * the forward pass it differentiates, with a gradient of the output's shape. Returned tensors belong to the layer and
 * stay valid until its next call, so a steady-state step allocates nothing. A layer never writes into the tensors
 * it is given, its input and ∂L/∂output: they are the caller's, or the layer before's output, which that layer's
 * backward pass reads ({@link org.delta4j.gradcheck.GradientChecker} refuses a layer that writes its input).
 */
public interface Layer {
  /** The layer's name, unique in its network. */
  String name();

  /** The shape of one input sample. */
  Shape inputShape();

  /** The shape of one output sample. */
  Shape outputShape();

  /** The output for a batch of inputs. */
  Tensor forward(Tensor input, Mode mode);

  /**
   * Given ∂L/∂output, adds ∂L/∂θ into each parameter's gradient and returns ∂L/∂input in the input's shape, or null
   * when {@code needInputGradient} is false (the first layer of a network skips that product).
   */
  Tensor backward(Tensor gradOutput, boolean needInputGradient);

  /** The trainable parameters, in a fixed order; empty for layers without any. */
  List<Parameter> parameters();

  /**
   * Checks what {@code layer} gave for a batch of {@code rows}: a batch of its declared output shape, as whatever reads
   * it next assumes. The network and a block's tape check every layer they run; another shape is the layer's fault.
   */
  static void checkOutput(Layer layer, Tensor output, int rows) {
    Objects.requireNonNull(layer, "layer is null");
    checkShape(layer, "forward", output, rows, layer.outputShape(), "output");
  }

  /**
   * As {@link #checkOutput(Layer, Tensor, int)}, and the output is a {@code type} tensor on {@code engine}, the input's,
   * as the kernels that read it next require: another is refused here, naming the layer, rather than in the kernel.
   */
  static void checkOutput(Layer layer, Tensor output, int rows, Engine engine, DataType type) {
    Objects.requireNonNull(layer, "layer is null");
    checkShape(layer, "forward", output, rows, layer.outputShape(), "output");
    checkTypeAndEngine(layer, "forward", output, engine, type);
  }

  /**
   * Checks the ∂L/∂input that {@code layer}'s backward pass gave, when one was asked for, for a batch of {@code rows}:
   * a {@code type} tensor on {@code engine} in a batch of the layer's input shape, as the layer before it reads it. The
   * network, a block's tape and the gradient checker check every layer they run, so that a mistake is the layer's, not
   * the layer's before it or a kernel's.
   */
  static void checkInputGradient(Layer layer, Tensor gradient, int rows, Engine engine, DataType type) {
    Objects.requireNonNull(layer, "layer is null");
    checkShape(layer, "backward", gradient, rows, layer.inputShape(), "input");
    checkTypeAndEngine(layer, "backward", gradient, engine, type);
  }

  private static void checkTypeAndEngine(Layer layer, String pass, Tensor t, Engine engine, DataType type) {
    Objects.requireNonNull(engine, "engine is null");
    Objects.requireNonNull(type, "type is null");
    if (t.dataType() != type || t.engine() != engine) {
      throw new IllegalStateException("layer '" + layer.name() + "' (" + layer.getClass().getName() + "): its " + pass
          + " pass gave a " + t.dataType() + " tensor on engine " + t.engine().name() + ", but its input is " + type
          + " on engine " + engine.name() + (t.engine() != engine && t.engine().name().equals(engine.name())
          ? " (another instance of it)" : ""));
    }
  }

  private static void checkShape(Layer layer, String pass, Tensor t, int rows, Shape sample, String which) {
    if (t == null || !t.shape().isBatchOf(sample) || t.shape().dim(0) != rows) {
      throw new IllegalStateException("layer '" + layer.name() + "' (" + layer.getClass().getName() + "): its " + pass
          + " pass gave " + (t == null ? "null" : t.shape()) + " for a batch of " + rows + ", but its " + which
          + " shape " + sample + " makes " + sample.withBatch(rows));
    }
  }

  /**
   * This layer and {@code next}, the layer that takes its output, as one stage giving the two layers' outputs and
   * gradients in fewer passes over the batch; or null (the default) when they run one after the other. The stage
   * trains this layer's parameters and updates its buffers (it has no other state), so that {@link Network} may run
   * it in place of the pair while {@link Network#layers()} keeps one layer per spec.
   */
  default Layer fuse(Layer next) {
    return null;
  }
}
