package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.delta4j.metrics.ConfusionMatrix;
import org.junit.jupiter.api.Test;

/** The text report names every class, and its matrix rows read actual class, then counts per predicted class. */
class ClassificationReportTest {
  // actual:    0 0 0 1 1 2 2 2 2
  // predicted: 0 1 0 1 1 2 0 2 1
  private final ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 0, 0, 1, 1, 2, 2, 2, 2},
      new int[] {0, 1, 0, 1, 1, 2, 0, 2, 1}, 3);

  @Test
  void reportsNameTheClasses() {
    String report = ClassificationReport.metrics(m, List.of("cat", "dog", "bird"));
    assertTrue(report.contains("dog"), report);
    assertTrue(report.contains("accuracy"), report);
    String matrix = ClassificationReport.matrix(m, List.of("cat", "dog", "bird"));
    assertTrue(matrix.lines().anyMatch(l -> l.startsWith("2 bird") && l.replaceAll("\\s+", " ").endsWith(" 1 1 2")),
        matrix);
  }

  @Test
  void refusesTooFewClassNames() {
    assertThrows(IllegalArgumentException.class, () -> ClassificationReport.metrics(m, List.of("a")));
  }
}
