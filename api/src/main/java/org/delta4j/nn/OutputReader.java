package org.delta4j.nn;

import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Reads a network's raw output as its loss means it: probabilities through a softmax when the loss takes logits, the
 * outputs themselves otherwise; classes as the row-wise argmax. A sample's output of rank &gt; 1 ([F, H, W], say) is
 * read flattened, as the loss reads it. Keeps its own work tensors; not thread-safe.
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
    kernels.activation(ActivationFunction.SOFTMAX, 0, out.asBatchMatrix(), p.asBatchMatrix());
    return p;
  }

  void classes(Tensor out, int[] classes) {
    // softmax keeps the order: the argmax of logits is the argmax of probabilities
    kernels.argmaxRows(out.asBatchMatrix(), classes);
  }
}
