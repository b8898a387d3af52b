package org.delta4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.delta4j.data.ArrayDataset;
import org.delta4j.data.ByteImageDataset;
import org.delta4j.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV tables become datasets; malformed lines are named by file, line and column. */
class CsvReaderTest {
  @TempDir
  Path dir;

  private Path csv(String text) throws IOException {
    Path f = dir.resolve("t.csv");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void stringLabelsBecomeSortedClasses() throws IOException {
    Dataset d = CsvReader.classification(csv("a,b,kind\n1,2,dog\n\n3,4,cat\n5,6,dog\n"), -1, true);
    assertEquals(3, d.size());
    assertEquals(List.of("cat", "dog"), d.classNames());
    assertEquals(1, d.label(0));
    assertEquals(0, d.label(1));
    float[] x = new float[2];
    float[] t = new float[2];
    d.fill(new int[] {1}, 0, 1, x, t);
    assertArrayEquals(new float[] {3, 4}, x);
    assertArrayEquals(new float[] {1, 0}, t);
  }

  @Test
  void integerLabelsKeepTheirNumbersAndTheLabelColumnCanBeAnywhere() throws IOException {
    Dataset d = CsvReader.classification(csv("2,0.5\n0,1.5\n1,2.5\n"), 0, false);
    assertEquals(List.of("0", "1", "2"), d.classNames());
    assertEquals(2, d.label(0));
  }

  @Test
  void regressionTargets() throws IOException {
    ArrayDataset d = CsvReader.regression(csv("1,2,10\n3,4,20\n"), new int[] {2}, false);
    float[] x = new float[2];
    float[] t = new float[1];
    d.fill(new int[] {1}, 0, 1, x, t);
    assertArrayEquals(new float[] {3, 4}, x);
    assertArrayEquals(new float[] {20}, t);
  }

  @Test
  void aTargetColumnNamedTwiceIsRefusedByName() throws IOException {
    // [2, −1] are both column 2: the second overwrote the first, one column too few was taken as a target, and the
    // features' arrays, sized for one feature, were written past their end (ArrayIndexOutOfBoundsException).
    Path f = csv("1,2,10\n3,4,20\n");
    IOException e = assertThrows(IOException.class, () -> CsvReader.regression(f, new int[] {2, -1}, false));
    assertTrue(e.getMessage().contains("target columns 2 and -1 are both column 2"), e.getMessage());
    e = assertThrows(IOException.class, () -> CsvReader.regression(f, new int[0], false));
    assertTrue(e.getMessage().contains("no target column"), e.getMessage());
    e = assertThrows(IOException.class, () -> CsvReader.regression(f, new int[] {0, 1, 2}, false));
    assertTrue(e.getMessage().contains("every one of the 3 columns is a target"), e.getMessage());
  }

  @Test
  void malformedLinesAreNamed() throws IOException {
    Path ragged = csv("1,2,a\n3,b\n");
    IOException e = assertThrows(IOException.class, () -> CsvReader.classification(ragged, -1, false));
    assertTrue(e.getMessage().contains("line 2 has 2 fields but the first line has 3"), e.getMessage());
    Path text = csv("1,x,a\n");
    e = assertThrows(IOException.class, () -> CsvReader.classification(text, -1, false));
    assertTrue(e.getMessage().contains("line 1, column 1: 'x' is not a finite number"), e.getMessage());
    assertTrue(e.getMessage().contains("skipped only when the file is read as having a header"), e.getMessage());
    Path nan = csv("1,2,a\n1,NaN,a\n");
    e = assertThrows(IOException.class, () -> CsvReader.classification(nan, -1, false));
    assertTrue(e.getMessage().contains("line 2, column 1: 'NaN' is not a finite number"), e.getMessage());
    assertFalse(e.getMessage().contains("header"), e.getMessage()); // only line 1 can be a header
    Path empty = csv("a,b\n");
    e = assertThrows(IOException.class, () -> CsvReader.classification(empty, -1, true));
    assertTrue(e.getMessage().contains("no data rows"), e.getMessage());
    Path ok = csv("1,2\n");
    e = assertThrows(IOException.class, () -> CsvReader.classification(ok, 5, false));
    assertTrue(e.getMessage().contains("column 5 does not exist"), e.getMessage());
  }

  @Test
  void bytesThatAreNotUtf8AreNamedWithLineAndByteOffset() throws IOException {
    Path f = dir.resolve("latin1.csv");
    Files.write(f, "1,2,caf\u00e9\n3,4,th\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    IOException e = assertThrows(IOException.class, () -> CsvReader.classification(f, -1, false));
    assertTrue(e.getMessage().contains("line 1, byte offset 7: not UTF-8"), e.getMessage());
    Path utf8 = csv("1,2,caf\u00e9\n3,4,th\u00e9\n");
    assertEquals(List.of("café", "thé"), CsvReader.classification(utf8, -1, false).classNames());
  }

  @Test
  void aByteOrderMarkAtTheStartIsNotPartOfTheFirstValue() throws IOException {
    Path f = dir.resolve("bom.csv");
    Files.write(f, "\ufeff7,2.5,1\n3,4,0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Dataset d = CsvReader.classification(f, -1, false);
    float[] x = new float[2];
    d.fill(new int[] {0}, 0, 1, x, new float[2]);
    assertArrayEquals(new float[] {7, 2.5f}, x);
    Files.write(f, "\ufeffa,b,kind\n7,2,1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(1, CsvReader.classification(f, -1, true).size());
    Files.write(f, "7,2,1\n3,4,\ufeff0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(List.of("1", "\ufeff0"), CsvReader.classification(f, -1, false).classNames(),
        "only a mark at the start of the file is skipped");
  }

  @Test
  void anEmptyLabelIsNamedNotMadeAClass() throws IOException {
    Path f = csv("1,2,0\n3,4,1\n5,6, \n");
    IOException e = assertThrows(IOException.class, () -> CsvReader.classification(f, -1, false));
    assertEquals(f + ": line 3, column 2: the label is empty", e.getMessage());
  }

  @Test
  void aPipeIsRefusedAsOneNotReadTwice() throws Exception {
    Path fifo = dir.resolve("pipe.csv");
    org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
        "mkfifo is not available here");
    Thread writer = new Thread(() -> {
      try {
        Files.writeString(fifo, "1,2,0\n3,4,1\n");
      } catch (IOException e) {
        // the reader went away
      }
    });
    writer.setDaemon(true);
    writer.start();
    try {
      IOException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
          () -> assertThrows(IOException.class, () -> CsvReader.classification(fifo, -1, false)));
      assertTrue(e.getMessage().startsWith(fifo + ": is not a regular file"), e.getMessage());
    } finally {
      if (writer.isAlive()) { // blocked until a reader comes: let it finish
        try (var in = Files.newInputStream(fifo)) {
          in.readAllBytes();
        }
        writer.join(20_000);
      }
    }
  }

  @Test
  void aDirectoryIsNamedAsOne() {
    IOException e = assertThrows(IOException.class, () -> CsvReader.classification(dir, -1, false));
    assertTrue(e.getMessage().equals(dir + ": is a directory, not a CSV file"), e.getMessage());
  }

  @Test
  void wholeNumbersFrom0To255AreKeptAsOneByteEachAndReadBackUnchanged() throws IOException {
    Dataset d = CsvReader.classification(csv("0,255,17,1\r\n3, 4 ,200,0\r\n"), -1, false);
    assertTrue(d instanceof ByteImageDataset, d.getClass().getName());
    float[] x = new float[6];
    float[] t = new float[4];
    d.fill(new int[] {0, 1}, 0, 2, x, t);
    assertArrayEquals(new float[] {0, 255, 17, 3, 4, 200}, x);
    assertEquals(List.of("0", "1"), d.classNames());
    Dataset floats = CsvReader.classification(csv("0,256,1\n0,-1,0\n"), -1, false);
    assertTrue(floats instanceof ArrayDataset, "256 and -1 are not bytes");
    float[] y = new float[4];
    floats.fill(new int[] {0, 1}, 0, 2, y, t);
    assertArrayEquals(new float[] {0, 256, 0, -1}, y);
  }
}
