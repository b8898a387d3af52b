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
  private TestResults() {}

  static String text(Evaluation e, List<String> classNames) {
    return ClassificationReport.report(String.format(Locale.ROOT, "Test accuracy: %.4f (loss %.4f)", e.accuracy(),
        e.loss()), e.confusion(), classNames);
  }

  /** Prints the results, and when {@code outputDir} is given writes them there as text and as a heat map. */
  static void report(Evaluation e, List<String> classNames, PrintWriter out, Path outputDir) throws IOException {
    String text = text(e, classNames);
    out.println();
    out.print(text);
    out.flush();
    if (outputDir != null) {
      AtomicFiles.writeString(outputDir.resolve("test-report.txt"), text);
      Charts.confusionMatrix(e.confusion(), classNames, outputDir.resolve("confusion-matrix.png"));
    }
  }
}
