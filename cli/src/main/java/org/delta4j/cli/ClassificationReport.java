package org.delta4j.cli;

import java.util.List;
import java.util.Locale;
import org.delta4j.metrics.ConfusionMatrix;

/** Text tables of a {@link ConfusionMatrix} for people: per-class precision, recall, F1 and support, and the matrix. */
public final class ClassificationReport {
  private ClassificationReport() {}

  /** Precision, recall, F1 and support per class, then accuracy and the macro average. */
  public static String metrics(ConfusionMatrix m, List<String> classNames) {
    checkNames(m, classNames);
    int w = Math.max(12, classNames.stream().mapToInt(String::length).max().orElse(0) + 2);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-" + w + "s %9s %9s %9s %9s%n", "class", "precision", "recall", "f1",
        "support"));
    double p = 0;
    double r = 0;
    for (int c = 0; c < m.classes(); c++) {
      sb.append(String.format(Locale.ROOT, "%-" + w + "s %9.4f %9.4f %9.4f %9d%n", classNames.get(c), m.precision(c),
          m.recall(c), m.f1(c), m.support(c)));
      p += m.precision(c);
      r += m.recall(c);
    }
    sb.append(String.format(Locale.ROOT, "%-" + w + "s %9s %9s %9.4f %9d%n", "accuracy", "", "", m.accuracy(),
        m.total()));
    sb.append(String.format(Locale.ROOT, "%-" + w + "s %9.4f %9.4f %9.4f %9d%n", "macro avg", p / m.classes(),
        r / m.classes(), m.macroF1(), m.total()));
    return sb.toString();
  }

  /**
   * The most classes whose confusion matrix is printed as a table; beyond, its {@link #cells} are listed instead (the
   * table of 3,000 classes was 9 million counts, a 54 MB report).
   */
  public static final int TABLE_CLASSES = 30;

  /**
   * A test report: the headline line, then the {@link #metrics} and the {@link #matrix}, or for more than {@value
   * #TABLE_CLASSES} classes its {@link #cells}.
   */
  public static String report(String headline, ConfusionMatrix m, List<String> classNames) {
    return headline + System.lineSeparator() + System.lineSeparator() + metrics(m, classNames)
        + System.lineSeparator() + (m.classes() <= TABLE_CLASSES ? "Confusion matrix:" + System.lineSeparator()
        + matrix(m, classNames) : cells(m, classNames));
  }

  /**
   * The confusion matrix's cells that are not 0, most samples first, as "count  actual → predicted": as many lines as
   * pairs occur (at most the samples), where a table would hold classes².
   */
  public static String cells(ConfusionMatrix m, List<String> classNames) {
    checkNames(m, classNames);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Confusion matrix of %d classes, its cells that "
        + "are not 0, most samples first (count, actual → predicted):%n", m.classes()));
    for (long[] c : m.cells()) {
      sb.append(String.format(Locale.ROOT, "%9d  %s → %s%n", c[2], classNames.get((int) c[0]),
          classNames.get((int) c[1])));
    }
    return sb.toString();
  }

  /**
   * The confusion matrix with actual classes as rows and predicted classes as columns. Each row starts with its class's
   * index and name (the index alone where every name is its index, as for a CSV file labelled 0, 1, 2...; labels 2,
   * 10 and 1, sorted as text, read "0 1", "1 10", "2 2"); the label column is as wide as its widest entry, heading
   * included, so every count stands under its column's index.
   */
  public static String matrix(ConfusionMatrix m, List<String> classNames) {
    checkNames(m, classNames);
    String heading = "actual \\ predicted";
    String[] labels = new String[m.classes()];
    int w = heading.length();
    boolean namesAreIndices = true;
    for (int a = 0; a < labels.length; a++) {
      namesAreIndices &= classNames.get(a).equals(String.valueOf(a));
    }
    for (int a = 0; a < labels.length; a++) {
      labels[a] = namesAreIndices ? String.valueOf(a) : a + " " + classNames.get(a);
      w = Math.max(w, labels[a].length());
    }
    int cell = Math.max(6, Math.max(String.valueOf(m.total()).length(), String.valueOf(m.classes() - 1).length()) + 1);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", heading));
    for (int c = 0; c < m.classes(); c++) {
      sb.append(String.format(Locale.ROOT, "%" + cell + "s", c));
    }
    sb.append('\n');
    for (int a = 0; a < m.classes(); a++) {
      sb.append(String.format(Locale.ROOT, "%-" + w + "s", labels[a]));
      for (int p = 0; p < m.classes(); p++) {
        sb.append(String.format(Locale.ROOT, "%" + cell + "d", m.count(a, p)));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static void checkNames(ConfusionMatrix m, List<String> names) {
    if (names.size() != m.classes()) {
      throw new IllegalArgumentException(m.classes() + " classes but " + names.size() + " class names");
    }
  }
}
