package org.delta4j.metrics;

/**
 * Counts of (actual class, predicted class) pairs, and the measures read from them: accuracy and per-class precision,
 * recall and F1. A class never predicted has precision 0 by convention (likewise recall for a class never present, and
 * F1 when precision + recall = 0), as scikit-learn reports with {@code zero_division=0}. Not thread-safe.
 */
public final class ConfusionMatrix {
  private final int classes;
  private final long[][] counts;
  private long total;

  public ConfusionMatrix(int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("a confusion matrix needs at least one class, got " + classes);
    }
    this.classes = classes;
    this.counts = new long[classes][classes];
  }

  /** The matrix of paired labels. */
  public static ConfusionMatrix of(int[] actual, int[] predicted, int classes) {
    if (actual.length != predicted.length) {
      throw new IllegalArgumentException(actual.length + " actual labels but " + predicted.length + " predictions");
    }
    ConfusionMatrix m = new ConfusionMatrix(classes);
    for (int i = 0; i < actual.length; i++) {
      m.add(actual[i], predicted[i]);
    }
    return m;
  }

  /** Counts one sample. */
  public void add(int actual, int predicted) {
    add(actual, predicted, 1);
  }

  /** Counts {@code samples} samples of the same pair (counts made elsewhere, merged). */
  public void add(int actual, int predicted, long samples) {
    if (actual < 0 || actual >= classes || predicted < 0 || predicted >= classes) {
      throw new IllegalArgumentException("labels must be in [0, " + classes + "), got actual " + actual
          + " and predicted " + predicted);
    }
    if (samples < 0) {
      throw new IllegalArgumentException("a count of samples is ≥ 0, got " + samples);
    }
    counts[actual][predicted] += samples;
    total += samples;
  }

  public int classes() {
    return classes;
  }

  /** Samples of class {@code actual} predicted as {@code predicted}. */
  public long count(int actual, int predicted) {
    return counts[actual][predicted];
  }

  public long total() {
    return total;
  }

  /** Correct predictions over all predictions; NaN when empty. */
  public double accuracy() {
    long correct = 0;
    for (int c = 0; c < classes; c++) {
      correct += counts[c][c];
    }
    return total == 0 ? Double.NaN : (double) correct / total;
  }

  /** TP / (TP + FP): of the samples predicted as c, the fraction that are c. */
  public double precision(int c) {
    long predicted = 0;
    for (int a = 0; a < classes; a++) {
      predicted += counts[a][c];
    }
    return predicted == 0 ? 0 : (double) counts[c][c] / predicted;
  }

  /** TP / (TP + FN): of the samples of class c, the fraction predicted as c. */
  public double recall(int c) {
    long actual = support(c);
    return actual == 0 ? 0 : (double) counts[c][c] / actual;
  }

  /** The harmonic mean of precision and recall: 2PR / (P + R). */
  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** Samples whose actual class is c. */
  public long support(int c) {
    long s = 0;
    for (int p = 0; p < classes; p++) {
      s += counts[c][p];
    }
    return s;
  }

  /** The unweighted mean of the per-class F1 scores. */
  public double macroF1() {
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      sum += f1(c);
    }
    return sum / classes;
  }

  /** A copy of the counts, rows actual and columns predicted. */
  public long[][] counts() {
    long[][] copy = new long[classes][];
    for (int i = 0; i < classes; i++) {
      copy[i] = counts[i].clone();
    }
    return copy;
  }
}
