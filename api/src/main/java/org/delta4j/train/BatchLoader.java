package org.delta4j.train;

import java.util.Locale;
import org.delta4j.data.Dataset;
import org.delta4j.engine.Engine;
import org.delta4j.spec.LossSpec;
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

  /**
   * Refuses {@code data} (called {@code what}) whose targets {@code loss} would not read as meant: classes for a loss
   * of ±1 labels (a one-hot row's zeros are neither sign, so only the class's own output would learn), or a value
   * outside the loss's range, such as a cross-entropy's target above 1 or below 0, whose loss falls without bound.
   * Reads a regression set's targets once, unless the loss takes any values.
   */
  static void checkTargets(Dataset data, String what, LossSpec loss) {
    LossSpec.Targets form = loss.targets();
    if (data.isClassification()) {
      if (!form.admits(0)) {
        throw new IllegalArgumentException(what + " has classes, each given as a one-hot target (1 for the class, "
            + "0 for the others), but the network's loss " + loss.type() + " takes " + form.describe()
            + ": give targets of ±1 as regression data, or use a loss of class targets such as softmax_cross_entropy");
      }
      return;
    }
    if (form == LossSpec.Targets.VALUES) {
      return;
    }
    int featureSize = data.featureShape().intSize();
    int targetSize = data.targetShape().intSize();
    int rows = Math.max(1, Math.min(data.size(), (1 << 20) / Math.max(1, Math.max(featureSize, targetSize))));
    int[] order = new int[rows];
    float[] features = new float[rows * featureSize];
    float[] targets = new float[rows * targetSize];
    for (int from = 0; from < data.size(); from += rows) {
      int count = Math.min(rows, data.size() - from);
      for (int i = 0; i < count; i++) {
        order[i] = from + i;
      }
      data.fill(order, 0, count, features, targets);
      for (int k = 0; k < count * targetSize; k++) {
        if (!form.admits(targets[k])) {
          throw new IllegalArgumentException(String.format(Locale.ROOT, "%s's sample %d has target %s at place %d, "
              + "but the network's loss %s takes %s", what, from + k / targetSize, targets[k], k % targetSize,
              loss.type(), form.describe()));
        }
      }
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
      throw new IllegalArgumentException(String.format(Locale.ROOT, "a batch of %,d samples of %,d features "
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
