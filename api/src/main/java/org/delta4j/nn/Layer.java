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
 * stay valid until its next call, so a steady-state step allocates nothing.
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
    checkShape(layer, output, rows);
  }

  /**
   * As {@link #checkOutput(Layer, Tensor, int)}, and the output is a {@code type} tensor on {@code engine}, the input's,
   * as the kernels that read it next require: another is refused here, naming the layer, rather than in the kernel.
   */
  static void checkOutput(Layer layer, Tensor output, int rows, Engine engine, DataType type) {
    checkShape(layer, output, rows);
    if (output.dataType() != type || output.engine() != engine) {
      throw new IllegalStateException("layer '" + layer.name() + "' (" + layer.getClass().getName() + "): its forward "
          + "pass gave a " + output.dataType() + " tensor on engine " + output.engine().name() + ", but its input is "
          + type + " on engine " + engine.name() + (output.engine() != engine && output.engine().name().equals(
          engine.name()) ? " (another instance of it)" : ""));
    }
  }

  private static void checkShape(Layer layer, Tensor output, int rows) {
    Objects.requireNonNull(layer, "layer is null");
    if (output == null || !output.shape().isBatchOf(layer.outputShape()) || output.shape().dim(0) != rows) {
      throw new IllegalStateException("layer '" + layer.name() + "' (" + layer.getClass().getName() + "): its forward "
          + "pass gave " + (output == null ? "null" : output.shape()) + " for a batch of " + rows
          + ", but its output shape " + layer.outputShape() + " makes " + layer.outputShape().withBatch(rows));
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
