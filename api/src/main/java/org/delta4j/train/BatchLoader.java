package org.delta4j.train;

import org.delta4j.data.Dataset;
import org.delta4j.engine.Engine;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Moves batches of a dataset into a network's input and target tensors, reusing its buffers per batch size (a
 * training run has at most two sizes: full batches and the last one). Flat samples feed a network whose input has
 * the same number of values in another shape, in row-major order: 784 pixels feed a [1, 28, 28] image input. Not
 * thread-safe.
 */
final class BatchLoader {
  private final Dataset data;
  private final Engine engine;
  private final DataType dataType;
  private final Shape inputShape;
  private final int featureSize;
  private final int targetSize;
  private final Slot[] slots = new Slot[3];
  private int next;

  private static final class Slot {
    final int rows;
    final float[] features;
    final float[] targets;
    final Tensor input;
    final Tensor target;

    Slot(int rows, float[] features, float[] targets, Tensor input, Tensor target) {
      this.rows = rows;
      this.features = features;
      this.targets = targets;
      this.input = input;
      this.target = target;
    }
  }

  private Slot current;

  BatchLoader(Dataset data, Shape networkInput, Shape networkOutput, Engine engine, DataType dataType) {
    check(data, "the dataset", networkInput, networkOutput);
    this.data = data;
    this.engine = engine;
    this.dataType = dataType;
    this.inputShape = networkInput;
    this.featureSize = networkInput.intSize();
    this.targetSize = networkOutput.intSize();
  }

  /**
   * Refuses {@code data} (called {@code what} in the message, e.g. "the validation data") that a network of this
   * input and output cannot be run on: none, no samples, samples or targets of other shapes.
   */
  static void check(Dataset data, String what, Shape networkInput, Shape networkOutput) {
    if (data == null) {
      throw new IllegalArgumentException(what + " is null: nothing to train or evaluate on");
    }
    if (data.size() == 0) {
      // an epoch of no batches would report a loss of 0/0 = NaN, and an evaluation an accuracy of nothing
      throw new IllegalArgumentException(what + " has no samples: nothing to train or evaluate on");
    }
    if (!data.fitsInput(networkInput)) {
      throw new IllegalArgumentException(what + "'s samples have shape " + data.featureShape()
          + " but the network's input is " + networkInput);
    }
    if (!data.targetShape().equals(networkOutput)) {
      throw new IllegalArgumentException(what + "'s targets have shape " + data.targetShape()
          + " but the network's output is " + networkOutput
          + (data.isClassification() ? " (" + what + " has " + data.numClasses() + " classes)" : ""));
    }
  }

  /** Loads samples order[from .. from + count) into {@link #input()} and {@link #targets()}. */
  void load(int[] order, int from, int count) {
    Slot s = slot(count);
    data.fill(order, from, count, s.features, s.targets);
    s.input.copyFrom(s.features);
    s.target.copyFrom(s.targets);
    current = s;
  }

  private Slot slot(int rows) {
    for (Slot s : slots) {
      if (s != null && s.rows == rows) {
        return s;
      }
    }
    long values = (long) rows * Math.max(featureSize, targetSize);
    if (values > Integer.MAX_VALUE - 8) { // as an int the count wraps, to a negative array size or a short array
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "a batch of %,d samples of %,d features "
          + "and %,d targets is %,d values, more than one Java array holds: use a smaller batch size", rows,
          featureSize, targetSize, values));
    }
    Slot s = new Slot(rows, new float[rows * featureSize], new float[rows * targetSize],
        engine.zeros(dataType, inputShape.withBatch(rows)),
        engine.zeros(dataType, data.targetShape().withBatch(rows)));
    slots[next] = s;
    next = (next + 1) % slots.length;
    return s;
  }

  Tensor input() {
    return current.input;
  }

  Tensor targets() {
    return current.target;
  }

  int rows() {
    return current.rows;
  }
}
