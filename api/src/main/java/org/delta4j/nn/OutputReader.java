package org.delta4j.nn;

import java.util.function.Supplier;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.NonFinite;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Reads a network's raw output as its loss means it: probabilities through a softmax when the loss takes logits, the
 * outputs themselves otherwise; classes as the row-wise argmax. A row is one sample's outputs taken flat, as the loss
 * takes them. Keeps its own work tensors; not thread-safe.
 */
final class OutputReader {
  private final boolean softmax;
  private final Kernels kernels;
  private final BatchTensors probabilities;

  OutputReader(LossSpec loss, Engine engine, DataType dataType, Shape outputShape) {
    this.softmax = loss.takesLogits();
    this.kernels = engine.kernels();
    this.probabilities = new BatchTensors(engine, dataType, outputShape);
  }

  Tensor probabilities(Tensor out) {
    if (!softmax) {
      return out;
    }
    Tensor p = probabilities.get(out.shape().dim(0));
    // over each sample's outputs taken flat, the rows the loss reads (an image output [C, H, W] as C·H·W logits)
    kernels.activation(ActivationFunction.SOFTMAX, 0, out.asBatchMatrix(), p.asBatchMatrix());
    return p;
  }

  /**
   * The argmax of each row into {@code classes}; an output that is not finite is refused with an {@link
   * ArithmeticException} naming its first NaN or ∞ and, where {@code cause} is given, what made it: the argmax of a
   * row of NaN is the first class, a prediction the network never made.
   */
  void classes(Tensor out, int[] classes, Supplier<String> cause) {
    // the check copies the output out once: a pass over N·K values, beside the forward pass that made them
    String bad = NonFinite.first(out);
    if (bad != null) {
      String why = cause == null ? null : cause.get();
      throw new ArithmeticException("the network's output is not finite, so no class can be read from it: it holds "
          + bad + (why != null ? "; " + why : ""));
    }
    finiteClasses(out, classes);
  }

  /**
   * The argmax of each row, unchecked: for a training step's output, whose loss was finite (a loss of NaN outputs is
   * NaN, which the step refuses before its classes are read), so that the steady step copies nothing out.
   */
  void finiteClasses(Tensor out, int[] classes) {
    // softmax keeps the order: the argmax of logits is the argmax of probabilities
    kernels.argmaxRows(out.asBatchMatrix(), classes);
  }
}
