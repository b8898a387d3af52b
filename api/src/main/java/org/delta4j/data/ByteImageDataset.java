package org.delta4j.data;

import java.util.List;
import java.util.Objects;
import org.delta4j.tensor.Shape;

/**
 * A classification dataset of unsigned-byte samples (images), kept as bytes — a quarter of the memory of floats —
 * and normalised per batch as it is read. Validated when built. Immutable and thread-safe.
 */
public final class ByteImageDataset implements Dataset {
  private final byte[] pixels;
  private final int[] labels;
  private final Shape featureShape;
  private final int sampleSize;
  private final int numClasses;
  private final List<String> classNames;
  private final Normalization normalization;
  private final float[] table;

  /**
   * @param pixels the samples' bytes, sample after sample, kept and not copied (they are most of the memory): the
   *     caller hands them over and leaves them as they are
   * @param featureShape the shape of one sample (for example [784] for an MLP, or [28, 28])
   * @param labels one class per sample, each in [0, classNames.size())
   */
  public ByteImageDataset(
      byte[] pixels, Shape featureShape, int[] labels, List<String> classNames, Normalization normalization) {
    Objects.requireNonNull(pixels, "pixels is null");
    Objects.requireNonNull(featureShape, "featureShape is null");
    Objects.requireNonNull(labels, "labels is null");
    labels = labels.clone(); // checked and kept as they are now: a label changed afterwards failed deep in fill
    Objects.requireNonNull(classNames, "classNames is null");
    Objects.requireNonNull(normalization, "normalization is null");
    this.sampleSize = featureShape.intSize();
    if (labels.length == 0) {
      throw new IllegalArgumentException("a dataset needs at least one sample");
    }
    if ((long) labels.length * sampleSize != pixels.length) {
      throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * sampleSize
          + " bytes of samples of shape " + featureShape + ", got " + pixels.length);
    }
    this.numClasses = classNames.size();
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("label of sample " + i + " is " + labels[i] + ", outside [0, " + numClasses
            + ")");
      }
    }
    this.pixels = pixels;
    this.labels = labels;
    this.featureShape = featureShape;
    this.classNames = ArrayDataset.classNames(classNames);
    this.normalization = normalization;
    this.table = normalization.table();
  }

  /** The same samples under another normalisation (the bytes are shared, not copied). */
  public ByteImageDataset withNormalization(Normalization normalization) {
    return new ByteImageDataset(pixels, featureShape, labels, classNames, normalization);
  }

  /** The same samples seen with another per-sample shape of the same size, e.g. [784] instead of [28, 28]. */
  public ByteImageDataset reshaped(Shape featureShape) {
    Objects.requireNonNull(featureShape, "featureShape is null");
    if (featureShape.size() != sampleSize) {
      throw new IllegalArgumentException("cannot see samples of " + sampleSize + " values as shape " + featureShape);
    }
    return new ByteImageDataset(pixels, featureShape, labels, classNames, normalization);
  }

  /** The raw bytes of sample {@code index} (a copy). */
  public byte[] sampleBytes(int index) {
    int first = DatasetArguments.sample(index, labels.length) * sampleSize;
    return java.util.Arrays.copyOfRange(pixels, first, first + sampleSize);
  }

  /** Every sample's bytes, sample after sample (shared: do not modify). */
  public byte[] pixels() {
    return pixels;
  }

  public Normalization normalization() {
    return normalization;
  }

  @Override
  public void fill(int[] order, int from, int count, float[] features, float[] targets) {
    DatasetArguments.fill(this, order, from, count, features, targets);
    for (int i = 0; i < count; i++) {
      int s = order[from + i];
      int src = s * sampleSize;
      int dst = i * sampleSize;
      for (int j = 0; j < sampleSize; j++) {
        features[dst + j] = table[pixels[src + j] & 0xff];
      }
      java.util.Arrays.fill(targets, i * numClasses, (i + 1) * numClasses, 0f);
      targets[i * numClasses + labels[s]] = 1f;
    }
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public Shape featureShape() {
    return featureShape;
  }

  @Override
  public Shape targetShape() {
    return Shape.of(numClasses);
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public int label(int index) {
    return labels[DatasetArguments.sample(index, labels.length)];
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }
}
