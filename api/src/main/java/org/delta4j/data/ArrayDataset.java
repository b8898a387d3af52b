package org.delta4j.data;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.delta4j.tensor.Shape;

/**
 * A dataset held in Java arrays: float features, and either class labels (classification) or float targets
 * (regression). Validated when built: every feature and target finite, every label in [0, numClasses), one label or
 * target row per sample.
 */
public final class ArrayDataset implements Dataset {
  private final float[] features;
  private final Shape featureShape;
  private final int featureSize;
  private final int[] labels; // classification
  private final float[] targets; // regression
  private final Shape targetShape;
  private final int numClasses;
  private final List<String> classNames;
  private final int size;

  private ArrayDataset(
      float[] features, Shape featureShape, int[] labels, int numClasses, List<String> classNames, float[] targets,
      Shape targetShape) {
    this.featureShape = featureShape;
    this.featureSize = featureShape.intSize();
    if (features.length % featureSize != 0) {
      throw new IllegalArgumentException("features hold " + features.length + " values, not a whole number of samples of "
          + "shape " + featureShape);
    }
    this.size = features.length / featureSize;
    if (size == 0) {
      throw new IllegalArgumentException("a dataset needs at least one sample");
    }
    for (int i = 0; i < features.length; i++) {
      if (!Float.isFinite(features[i])) {
        throw new IllegalArgumentException("feature " + (i % featureSize) + " of sample " + (i / featureSize) + " is "
            + features[i] + ": features must be finite");
      }
    }
    if (labels != null) {
      if (labels.length != size) {
        throw new IllegalArgumentException(size + " samples but " + labels.length + " labels");
      }
      for (int i = 0; i < size; i++) {
        if (labels[i] < 0 || labels[i] >= numClasses) {
          throw new IllegalArgumentException("label of sample " + i + " is " + labels[i] + ", outside [0, "
              + numClasses + ")");
        }
      }
      if (classNames.size() != numClasses) {
        throw new IllegalArgumentException(numClasses + " classes but " + classNames.size() + " class names");
      }
    } else {
      if (targets.length != (long) size * targetShape.size()) {
        throw new IllegalArgumentException(size + " samples need " + size * targetShape.size()
            + " target values of shape " + targetShape + ", got " + targets.length);
      }
      for (int i = 0; i < targets.length; i++) {
        if (!Float.isFinite(targets[i])) {
          throw new IllegalArgumentException("target value " + i + " is " + targets[i] + ": targets must be finite");
        }
      }
    }
    this.features = features;
    this.labels = labels;
    this.targets = targets;
    this.numClasses = numClasses;
    this.classNames = classNames;
    this.targetShape = targetShape;
  }

  /** Classification: {@code rows[i]} are the features of sample i, {@code labels[i]} its class in [0, numClasses). */
  public static ArrayDataset classification(float[][] rows, int[] labels, int numClasses) {
    checkClasses(numClasses);
    return classification(flatten(rows, "feature"), Shape.of(width(rows, "feature")), labels, numClasses,
        defaultNames(numClasses));
  }

  /** Classification from flat features (sample after sample) of the given per-sample shape. */
  public static ArrayDataset classification(
      float[] features, Shape featureShape, int[] labels, int numClasses, List<String> classNames) {
    Objects.requireNonNull(features, "features is null");
    Objects.requireNonNull(labels, "labels is null");
    return adopting(features.clone(), featureShape, labels.clone(), numClasses, classNames);
  }

  /**
   * As {@link #classification(float[], Shape, int[], int, List)}, but keeping the arrays themselves rather than
   * copies, so that a dataset as large as memory allows needs no second copy; the caller hands them over and must not
   * change them afterwards.
   */
  public static ArrayDataset adopting(
      float[] features, Shape featureShape, int[] labels, int numClasses, List<String> classNames) {
    checkClasses(numClasses);
    Objects.requireNonNull(features, "features is null");
    Objects.requireNonNull(featureShape, "featureShape is null");
    Objects.requireNonNull(labels, "labels is null");
    return new ArrayDataset(features, featureShape, labels, numClasses, classNames(classNames), null,
        Shape.of(numClasses));
  }

  /** The class names as a dataset keeps them (a copy), each refused by its index when null. */
  static List<String> classNames(List<String> classNames) {
    Objects.requireNonNull(classNames, "classNames is null");
    if (classNames instanceof ClassNumbers) {
      return classNames;
    }
    for (int i = 0; i < classNames.size(); i++) {
      if (classNames.get(i) == null) { // not contains(null), which throws for the lists of List.of
        throw new NullPointerException("class name " + i + " of " + classNames + " is null");
      }
    }
    return List.copyOf(classNames);
  }

  private static void checkClasses(int numClasses) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
    }
  }

  /** Regression: {@code rows[i]} the features and {@code targets[i]} the targets of sample i. */
  public static ArrayDataset regression(float[][] rows, float[][] targets) {
    Objects.requireNonNull(rows, "rows is null");
    Objects.requireNonNull(targets, "targets is null");
    if (targets.length != rows.length) {
      throw new IllegalArgumentException(rows.length + " feature rows but " + targets.length + " target rows");
    }
    return new ArrayDataset(flatten(rows, "feature"), Shape.of(width(rows, "feature")), null, 0, List.of(),
        flatten(targets, "target"), Shape.of(width(targets, "target")));
  }

  /** The length of every row, row 0's; {@code what} ("feature", "target") names the rows in a refusal. */
  private static int width(float[][] rows, String what) {
    Objects.requireNonNull(rows, "rows is null");
    if (rows.length == 0) {
      throw new IllegalArgumentException("a dataset needs at least one sample");
    }
    if (rows[0] == null || rows[0].length == 0) {
      throw new IllegalArgumentException(what + " row 0 is " + (rows[0] == null ? "null" : "empty"));
    }
    return rows[0].length;
  }

  private static float[] flatten(float[][] rows, String what) {
    int w = width(rows, what);
    long values = (long) rows.length * w; // in int, 50,000 rows of 50,000 wrap to a negative array size
    if (values > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(rows.length + " rows of " + w + " hold " + values + " values, more than one "
          + "array holds (" + Integer.MAX_VALUE + ")");
    }
    float[] flat = new float[(int) values];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != w) {
        throw new IllegalArgumentException(what + " row " + i + " has " + (rows[i] == null ? 0 : rows[i].length)
            + " values but " + what + " row 0 has " + w + ": every row must have the same length");
      }
      System.arraycopy(rows[i], 0, flat, i * w, w);
    }
    return flat;
  }

  static List<String> defaultNames(int numClasses) {
    return new ClassNumbers(numClasses);
  }

  /** "0", "1"...: a view, so that a count of classes too large for a list of names costs no memory. */
  private static final class ClassNumbers extends AbstractList<String> {
    private final int size;

    ClassNumbers(int size) {
      this.size = size;
    }

    @Override
    public String get(int index) {
      return String.valueOf(Objects.checkIndex(index, size));
    }

    @Override
    public int size() {
      return size;
    }
  }

  @Override
  public void fill(int[] order, int from, int count, float[] featuresOut, float[] targetsOut) {
    DatasetArguments.fill(this, order, from, count, featuresOut, targetsOut);
    int t = targetShape.intSize();
    for (int i = 0; i < count; i++) {
      int s = order[from + i];
      System.arraycopy(features, s * featureSize, featuresOut, i * featureSize, featureSize);
      if (labels != null) {
        Arrays.fill(targetsOut, i * t, (i + 1) * t, 0f);
        targetsOut[i * t + labels[s]] = 1f;
      } else {
        System.arraycopy(targets, s * t, targetsOut, i * t, t);
      }
    }
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Shape featureShape() {
    return featureShape;
  }

  @Override
  public Shape targetShape() {
    return targetShape;
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public int label(int index) {
    if (labels == null) {
      throw new UnsupportedOperationException("a regression dataset has no class labels");
    }
    return labels[DatasetArguments.sample(index, size)];
  }

  @Override
  public List<String> classNames() {
    return classNames;
  }
}
