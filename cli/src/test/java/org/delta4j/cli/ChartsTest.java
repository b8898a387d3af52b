package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chart that cannot be drawn is left out, saying so, so that the run goes on to write its model; one that cannot be
 * written stops the run as any report does.
 */
class ChartsTest {
  @Test
  void aChartThatCannotBeDrawnIsLeftOutSayingWhy(@TempDir Path dir) throws IOException {
    StringWriter said = new StringWriter();
    PrintWriter out = new PrintWriter(said, true);
    Path png = dir.resolve("confusion-matrix.png");
    assertFalse(Charts.write(() -> {
      throw new NegativeArraySizeException("-2006342208");
    }, png, out));
    assertFalse(Charts.write(() -> {
      throw new OutOfMemoryError("Java heap space");
    }, png, out));
    assertEquals("No confusion-matrix.png: the chart could not be drawn (NegativeArraySizeException: -2006342208)\n"
        + "No confusion-matrix.png: the chart could not be drawn (out of memory)\n", said.toString());
    assertTrue(Files.notExists(png));
    assertTrue(Charts.write(() -> new byte[] {1, 2, 3}, png, out));
    assertEquals(3, Files.size(png));
  }

  @Test
  void aChartThatCannotBeWrittenIsAnIoException(@TempDir Path dir) throws IOException {
    Path obstacle = Files.createDirectories(dir.resolve("learning-curves.png").resolve("x"));
    StringWriter said = new StringWriter();
    org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> Charts.write(() -> new byte[] {1}, obstacle.getParent(), new PrintWriter(said, true)));
    assertTrue(said.toString().isEmpty(), said.toString());
  }
}
