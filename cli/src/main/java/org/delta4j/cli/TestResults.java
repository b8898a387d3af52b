package org.delta4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.delta4j.io.AtomicFiles;
import org.delta4j.train.Evaluation;

/** Prints a test evaluation for people — accuracy, per-class precision, recall and F1, the confusion matrix. */
final class TestResults {
  /** The files {@link #report} writes: the results as text, and the confusion matrix's chart. */
  static final String REPORT = "test-report.txt";
  static final String CONFUSION_MATRIX = "confusion-matrix.png";

  private TestResults() {}

  static String text(Evaluation e, List<String> classNames) {
    return ClassificationReport.report(String.format(Locale.ROOT, "Test accuracy: %.4f (loss %s)", e.accuracy(),
        ProgressReporter.loss(e.loss())), e.confusion(), classNames);
  }

  /**
   * Prints the results, and when {@code outputDir} is given writes them there as text and, for at most {@value
   * ConfusionMatrixChart#MAX_CLASSES} classes, as a heat map (left out, saying so, when it cannot be drawn). Returns
   * the files written.
   */
  static List<String> report(Evaluation e, List<String> classNames, PrintWriter out, Path outputDir)
      throws IOException {
    String text = text(e, classNames);
    out.println();
    out.print(text);
    out.flush();
    if (outputDir == null) {
      return List.of();
    }
    AtomicFiles.writeString(outputDir.resolve(REPORT), text);
    if (classNames.size() > ConfusionMatrixChart.MAX_CLASSES) {
      out.println("No confusion-matrix.png: a chart of " + classNames.size() + " classes would be past reading (it "
          + "draws at most " + ConfusionMatrixChart.MAX_CLASSES + "); test-report.txt lists the matrix's cells");
      return List.of(REPORT);
    }
    return Charts.confusionMatrix(e.confusion(), classNames, outputDir.resolve(CONFUSION_MATRIX), out)
        ? List.of(CONFUSION_MATRIX, REPORT) : List.of(REPORT);
  }
}
