package org.delta4j.nn.layers;

import org.delta4j.nn.Mode;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/** The checks every layer makes on what it is given, so that a wrong shape fails with a message naming the layer. */
final class LayerInputs {
  private LayerInputs() {}

  /** Fails unless {@code input} is [N, sample...] for some N ≥ 1 (or, when {@code flattenable}, [N, anything of the same size]). */
  static void checkBatch(String layer, String what, Tensor input, Shape sample, boolean flattenable) {
    if (input == null) {
      throw new IllegalArgumentException(layer + ": " + what + " is null");
    }
    Shape s = input.shape();
    boolean ok = s.rank() >= 2 && (flattenable ? s.size() / s.dim(0) == sample.size() : s.isBatchOf(sample));
    if (!ok) {
      throw new IllegalArgumentException(layer + ": " + what + " has shape " + s + " but the layer expects [N, "
          + sample.toString().substring(1));
    }
  }

  /** Fails unless a forward pass is given its mode. */
  static void checkMode(String layer, Mode mode) {
    if (mode == null) {
      throw new IllegalArgumentException(layer + ": the mode is null; use Mode.inference() or Mode.training(step)");
    }
  }

  static void checkSameShape(String layer, String what, Tensor t, Shape expected) {
    if (t == null || !t.shape().equals(expected)) {
      throw new IllegalArgumentException(layer + ": " + what + " has shape " + (t == null ? "null" : t.shape())
          + " but must be " + expected + ", the shape of the last forward output");
    }
  }

  /** {@link #checkSameShape} against [batch, sample...], building that shape only to report a mismatch. */
  static void checkSameBatchShape(String layer, String what, Tensor t, Shape sample, int batch) {
    if (t == null || !t.shape().isBatchOf(sample) || t.shape().dim(0) != batch) {
      checkSameShape(layer, what, t, sample.withBatch(batch));
    }
  }

  /** Fails unless {@code t} is the matrix [rows, columns] (no shape is built for the check). */
  static void checkMatrix(String layer, String what, Tensor t, int rows, int columns) {
    if (t == null || !t.shape().isMatrix(rows, columns)) {
      throw new IllegalArgumentException(layer + ": " + what + " has shape " + (t == null ? "null" : t.shape())
          + " but must be [" + rows + ", " + columns + "], the shape of the last forward output");
    }
  }

  /**
   * Fails unless the output gradient {@code dy} is of the data type and on the engine of {@code forward}, a tensor of
   * the forward pass it differentiates: a layer's kernels take operands of one type on one engine, and its input
   * gradient goes on to the layer before it, which was given that type.
   */
  static void checkLikeForward(String layer, Tensor dy, Tensor forward) {
    if (dy.dataType() != forward.dataType() || dy.engine() != forward.engine()) {
      throw new IllegalArgumentException(layer + ": the output gradient is a " + dy.dataType() + " tensor on engine "
          + dy.engine().name() + ", but the forward pass was " + forward.dataType() + " on engine "
          + forward.engine().name() + (dy.engine() != forward.engine() && dy.engine().name().equals(
          forward.engine().name()) ? " (another instance of it)" : ""));
    }
  }

  static void checkForwardDone(String layer, Object cached) {
    if (cached == null) {
      throw new IllegalStateException(layer + ": backward called without a forward pass in training mode before it");
    }
  }
}
