package org.delta4j.data;

import java.util.List;
import java.util.Objects;
import org.delta4j.tensor.Shape;

/**
 * Samples of features with their targets, read a batch at a time. For classification the targets are one-hot rows of
 * {@link #numClasses()} and {@link #label(int)} gives the class index; for regression {@code numClasses()} is 0.
 * Implementations validate their contents when built (finite features, labels in range), so a batch read from them
 * is safe to train on. Immutable and thread-safe.
 */
public interface Dataset {
  /** Number of samples. */
  int size();

  /** The shape of one sample's features. */
  Shape featureShape();

  /** The shape of one sample's targets ([numClasses] for classification). */
  Shape targetShape();

  /** Number of classes, or 0 when the targets are not classes. */
  int numClasses();

  /** The class of sample {@code index}; only for classification. */
  int label(int index);

  /** Names of the classes, in class order (for reports); "0", "1"... when the data has none. */
  List<String> classNames();

  /**
   * Copies the samples {@code order[from], ..., order[from + count − 1]} into {@code features} (count × feature size
   * values, sample after sample) and {@code targets} (count × target size), converting as the dataset defines (for
   * example bytes to normalised floats).
   */
  void fill(int[] order, int from, int count, float[] features, float[] targets);

  /** The samples at the given indices, as a view. */
  default Dataset subset(int[] indices) {
    return new SubsetDataset(this, indices);
  }

  /**
   * Whether a sample feeds a network whose input has shape {@code networkInput}: its features have that shape, or are
   * flat with as many values (a [784] image for a [1, 28, 28] input).
   */
  default boolean fitsInput(Shape networkInput) {
    Objects.requireNonNull(networkInput, "networkInput is null");
    Shape features = featureShape();
    return features.equals(networkInput) || (features.rank() == 1 && features.size() == networkInput.size());
  }

  /** Whether this is a classification set. */
  default boolean isClassification() {
    return numClasses() > 0;
  }
}
