package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  void everyCountStandsUnderItsPredictedClass() {
    for (List<String> names : List.of(List.of("cat", "dog", "bird"), List.of("0", "1", "2"), List.of("1", "10", "2"),
        List.of("T-shirt/top", "a class name longer than the heading", "c"))) {
      List<String> lines = ClassificationReport.matrix(m, names).lines().toList();
      String heading = "actual \\ predicted";
      assertEquals(List.of("0", "1", "2"), List.of(lines.get(0).substring(heading.length()).strip().split(" +")));
      List<Integer> columnEnds = ends(lines.get(0).substring(heading.length()), heading.length());
      for (int a = 0; a < 3; a++) {
        String row = lines.get(a + 1);
        // the index alone only where every name is its index: labels 1, 10, 2 read "0 1", "1 10", "2 2", not "2"
        String label = names.equals(List.of("0", "1", "2")) ? String.valueOf(a) : a + " " + names.get(a);
        assertTrue(row.startsWith(label + " "), row);
        assertEquals(columnEnds, ends(row.substring(label.length()), label.length()), lines.get(0) + "\n" + row);
      }
    }
  }

  /** The column just after each number's last digit in text, which starts at column offset of its line. */
  private static List<Integer> ends(String text, int offset) {
    return java.util.regex.Pattern.compile("\\d+").matcher(text).results().map(r -> r.end() + offset).toList();
  }

  @Test
  void refusesTooFewClassNames() {
    assertThrows(IllegalArgumentException.class, () -> ClassificationReport.metrics(m, List.of("a")));
  }
}
