package org.delta4j.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of (actual class, predicted class) pairs, and the measures read from them: accuracy, per-class precision,
 * recall and F1, and their macro (unweighted) and weighted (by support) means over all the classes. A class never
 * predicted has precision 0 by convention (likewise recall for a class never present, and F1 when precision + recall
 * = 0), as scikit-learn reports with {@code zero_division=0} and {@code labels=range(classes)}; on no samples at all
 * accuracy and the weighted means are NaN. Only the pairs and classes that occur are stored, so memory grows with the
 * samples, not with classes² (100,000 classes would be 80 GB of counts). Not thread-safe.
 */
public final class ConfusionMatrix {
  /** The largest number of classes whose full table {@link #counts()} copies out: 4096² longs are 128 MiB. */
  public static final int MAX_DENSE_CLASSES = 4096;

  private static final int SUPPORT = 0;
  private static final int PREDICTED = 1;
  private static final int CORRECT = 2;

  private final int classes;
  private final Map<Long, Long> cells = new HashMap<>(); // actual·classes + predicted → count, non-zero only
  private final TreeMap<Integer, long[]> perClass = new TreeMap<>(); // c → {support, predicted, correct}, in order
  private long total;

  public ConfusionMatrix(int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("a confusion matrix needs at least one class, got " + classes);
    }
    this.classes = classes;
  }

  /** The matrix of paired labels. */
  public static ConfusionMatrix of(int[] actual, int[] predicted, int classes) {
    if (actual == null || predicted == null) {
      throw new IllegalArgumentException("a confusion matrix needs the actual labels and the predictions; the "
          + (actual == null ? "actual labels are" : "predictions are") + " null");
    }
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
    if (samples == 0) {
      return;
    }
    if (total > Long.MAX_VALUE - samples) {
      throw new IllegalArgumentException("adding " + samples + " samples to the " + total
          + " counted overflows a long");
    }
    total += samples;
    cells.merge((long) actual * classes + predicted, samples, Long::sum);
    perClass.computeIfAbsent(actual, c -> new long[3])[SUPPORT] += samples;
    perClass.computeIfAbsent(predicted, c -> new long[3])[PREDICTED] += samples;
    if (actual == predicted) {
      perClass.get(actual)[CORRECT] += samples;
    }
  }

  public int classes() {
    return classes;
  }

  /** Samples of class {@code actual} predicted as {@code predicted}. */
  public long count(int actual, int predicted) {
    checkClass(actual, "actual");
    checkClass(predicted, "predicted");
    return cells.getOrDefault((long) actual * classes + predicted, 0L);
  }

  public long total() {
    return total;
  }

  /** Correct predictions over all predictions; NaN when empty. */
  public double accuracy() {
    long correct = 0;
    for (long[] c : perClass.values()) {
      correct += c[CORRECT];
    }
    return total == 0 ? Double.NaN : (double) correct / total;
  }

  /** TP / (TP + FP): of the samples predicted as c, the fraction that are c; 0 when none is predicted as c. */
  public double precision(int c) {
    long[] s = stats(c);
    return s[PREDICTED] == 0 ? 0 : (double) s[CORRECT] / s[PREDICTED];
  }

  /** TP / (TP + FN): of the samples of class c, the fraction predicted as c; 0 when c is never present. */
  public double recall(int c) {
    long[] s = stats(c);
    return s[SUPPORT] == 0 ? 0 : (double) s[CORRECT] / s[SUPPORT];
  }

  /** The harmonic mean of precision and recall: 2PR / (P + R); 0 when both are 0. */
  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** Samples whose actual class is c. */
  public long support(int c) {
    return stats(c)[SUPPORT];
  }

  /** Samples predicted as class c (TP + FP). */
  public long predicted(int c) {
    return stats(c)[PREDICTED];
  }

  /** The unweighted mean of the per-class precisions, over all the classes. */
  public double macroPrecision() {
    return macro(PREDICTED);
  }

  /** The unweighted mean of the per-class recalls, over all the classes. */
  public double macroRecall() {
    return macro(SUPPORT);
  }

  /** The unweighted mean of the per-class F1 scores, over all the classes. */
  public double macroF1() {
    return macro(-1);
  }

  /** The mean of the per-class precisions weighted by support, Σ support(c)·P(c) / total; NaN when empty. */
  public double weightedPrecision() {
    return weighted(PREDICTED);
  }

  /** The mean of the per-class recalls weighted by support (equal to the accuracy up to rounding); NaN when empty. */
  public double weightedRecall() {
    return weighted(SUPPORT);
  }

  /** The mean of the per-class F1 scores weighted by support; NaN when empty. */
  public double weightedF1() {
    return weighted(-1);
  }

  /**
   * A copy of the counts, rows actual and columns predicted: classes² longs, so refused above
   * {@link #MAX_DENSE_CLASSES} classes, where {@link #count} reads any one of them.
   */
  public long[][] counts() {
    if (classes > MAX_DENSE_CLASSES) {
      throw new IllegalStateException("the full table of " + classes + " classes holds " + (long) classes * classes
          + " counts, more than the " + MAX_DENSE_CLASSES + "² copied out; read them one by one with count(a, p)");
    }
    long[][] copy = new long[classes][classes];
    for (Map.Entry<Long, Long> e : cells.entrySet()) {
      copy[(int) (e.getKey() / classes)][(int) (e.getKey() % classes)] = e.getValue();
    }
    return copy;
  }

  /**
   * The pairs that occur, as {actual, predicted, count}, most samples first (ties by actual, then predicted class): as
   * many as occur, never classes², however many classes there are.
   */
  public List<long[]> cells() {
    List<long[]> out = new ArrayList<>(cells.size());
    for (Map.Entry<Long, Long> e : cells.entrySet()) {
      out.add(new long[] {e.getKey() / classes, e.getKey() % classes, e.getValue()});
    }
    out.sort(Comparator.<long[]>comparingLong(c -> -c[2]).thenComparingLong(c -> c[0]).thenComparingLong(c -> c[1]));
    return out;
  }

  /** The mean over all classes; a class absent from the counts scores 0, so only the present ones are summed. */
  private double macro(int measure) {
    double sum = 0;
    for (int c : perClass.keySet()) {
      sum += measure(c, measure);
    }
    return sum / classes;
  }

  private double weighted(int measure) {
    double sum = 0;
    for (Map.Entry<Integer, long[]> e : perClass.entrySet()) {
      sum += e.getValue()[SUPPORT] * measure(e.getKey(), measure);
    }
    return total == 0 ? Double.NaN : sum / total;
  }

  private double measure(int c, int measure) {
    return measure == PREDICTED ? precision(c) : measure == SUPPORT ? recall(c) : f1(c);
  }

  private long[] stats(int c) {
    checkClass(c, "class");
    return perClass.getOrDefault(c, new long[3]);
  }

  private void checkClass(int c, String what) {
    if (c < 0 || c >= classes) {
      throw new IllegalArgumentException(what + " " + c + " is outside the " + classes + " classes [0, " + classes
          + ")");
    }
  }
}
