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
    Dataset d = CsvReader.classification(csv("2,0.5\n0,1.5\n1,2.5\n1,3.5\n"), 0, false);
    assertEquals(List.of("0", "1", "2"), d.classNames());
    assertEquals(2, d.label(0));
    // however many: labels 0..10000 were sorted as text past 10,000 classes, label 2 becoming class 1113
    StringBuilder many = new StringBuilder();
    for (int label = 10_000; label >= 0; label--) {
      many.append(label).append(",1\n");
    }
    many.append("0,2\n"); // a class of its own for every sample is a continuous column: one class is seen twice
    Dataset wide = CsvReader.classification(csv(many.toString()), 0, false);
    for (int row = 0; row <= 10_000; row++) {
      assertEquals(10_000 - row, wide.label(row), "row " + row);
    }
  }

  /** {@code rows} lines of a value and a label, {@code i % 200} (or {@code i % 200 + 0.5}) and {@code i % 2}. */
  private Path narrow(String name, int rows, boolean fractional) throws IOException {
    Path f = dir.resolve(name);
    try (var out = new java.io.BufferedWriter(Files.newBufferedWriter(f), 1 << 16)) {
      for (int i = 0; i < rows; i++) {
        out.write((i % 200) + (fractional ? ".5," : ",") + (i % 2) + "\n");
      }
    }
    return f;
  }

  /**
   * A narrow table too large for the heap is refused naming what it needs, never an OutOfMemoryError: a value and a
   * label a row are a byte of pixels and the labels' ints, twice (the dataset keeps its own copy), and the labels were
   * left out of the reckoning, so that a table of 3,000,000 such rows was let through by a heap of 24 MiB and ran it
   * out. In a heap where it fits, it is read.
   */
  @Test
  void aNarrowTableTooLargeForTheHeapIsRefusedCountingItsLabels() throws Exception {
    Path f = narrow("narrow.csv", 3_000_000, false);
    String small = SmallHeapRead.run(24, "classification", f);
    assertTrue(small.startsWith("refused: " + f + ": 3,000,000 rows of 1 values need about "), small);
    assertTrue(small.contains("give Java more memory (-Xmx"), small);
    assertEquals("read 3000000 samples", SmallHeapRead.run(96, "classification", f));
  }

  /**
   * As a classification table, a regression table too large for the heap is refused naming what it needs: its rows,
   * each an array of its own until the dataset copies them into one, take 32 bytes for a row of one value, and were
   * reckoned as three times the values, so that 1,000,000 rows of a feature and a target, needing some 70 MiB, were let
   * through by a heap of 48 MiB and ran it out.
   */
  @Test
  void aNarrowRegressionTableTooLargeForTheHeapIsRefusedCountingItsRows() throws Exception {
    Path f = narrow("narrow.csv", 1_000_000, true);
    String small = SmallHeapRead.run(48, "regression", f);
    assertTrue(small.startsWith("refused: " + f + ": 1,000,000 rows of 2 values need about 68 MiB, more than "),
        small);
    assertEquals("read 1000000 samples", SmallHeapRead.run(160, "regression", f));
  }

  /**
   * A label column of a different label on every row is refused as continuous once it is read; in a table too large
   * for the heap to hold its labels as class names, running out of memory says so, naming the column, how many
   * labels and rows had been read, and what would do, where it was an OutOfMemoryError.
   */
  @Test
  void labelsTooManyForTheHeapToHoldAsClassNamesAreNamedWithTheirColumn() throws Exception {
    Path f = dir.resolve("identifiers.csv");
    try (var out = new java.io.BufferedWriter(Files.newBufferedWriter(f), 1 << 16)) {
      for (int i = 0; i < 3_000_000; i++) {
        out.write((i % 200) + ",id" + i + "\n");
      }
    }
    String small = SmallHeapRead.run(64, "classification", f);
    assertTrue(small.startsWith("out of memory: " + f + ": the ") && small.contains(" different labels in the first ")
        && small.contains(" rows of column 1, the label column (a continuous column or an identifier rather than "
        + "classes?), held as class names, need about "), small);
    assertTrue(small.contains("give Java more memory (-Xmx"), small);
  }

  /**
   * Numeric labels of tens of thousands of digits are classes by value, however spelt, in the order of their values,
   * and read in time proportional to their length: they were compared as BigDecimals, which read a number of n digits
   * in time n², so that a thousand labels of 60,000 digits took a minute and more where the rest of the file took a
   * second.
   */
  @Test
  void longNumericLabelsAreClassesByValueReadInLinearTime() throws IOException {
    Path f = dir.resolve("long-labels.csv");
    String zeros = "0".repeat(60_000);
    try (var out = new java.io.BufferedWriter(Files.newBufferedWriter(f), 1 << 16)) {
      for (int i = 0; i < 1_000; i++) { // (i + 1)·10^60000, from the largest down
        out.write((i % 200) + "," + (1_000 - i) + zeros + "\n");
      }
      out.write("7,1e60000\n"); // the smallest, spelt otherwise
    }
    Dataset d = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
        () -> CsvReader.classification(f, -1, false));
    assertEquals(1_000, d.classNames().size());
    assertEquals("1" + zeros, d.classNames().get(0));
    for (int i = 0; i < 1_000; i++) {
      assertEquals(999 - i, d.label(i), "row " + i);
    }
    assertEquals(0, d.label(1_000));
  }

  /**
   * A field a refusal quotes is cut to a hundred characters, saying how many it has: labels and values of up to
   * 64 KiB were quoted whole, three at a time where a column was refused as continuous.
   */
  @Test
  void aFieldARefusalQuotesIsCutShort() throws IOException {
    String digits = "7".repeat(60_000);
    String shown = "7".repeat(99) + "… (6000"; // of a letter or digit, then 99 of the sevens
    // a continuous label column, a field that is not a number, a missing label, a number past the float range
    for (String table : List.of("1,a" + digits + "\n2,b" + digits + "\n3,c" + digits + "\n",
        "x" + digits + ",1\n2,0\n", "1,1\n2,2\n3,x" + digits + "\n", "1" + digits + "e38,1\n2,0\n")) {
      String m = assertThrows(IOException.class, () -> CsvReader.classification(csv(table), -1, false)).getMessage();
      assertTrue(m.contains(shown), () -> m.substring(0, Math.min(300, m.length())));
      assertTrue(m.length() < 1_000, () -> m.length() + ": " + m.substring(0, 300));
    }
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
    assertTrue(e.getMessage().contains("line 1, column 1: 'x' is not a number"), e.getMessage());
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

  /**
   * Sequences of UTF-8's form that encode no character are refused as other bytes that are not UTF-8 are: a surrogate
   * (CESU-8 writes U+1F431 and U+1F436 as two of them each), an overlong form, a code point past U+10FFFF. Decoded,
   * each became U+FFFD, so the cat and the dog below were one class, without a word.
   */
  @Test
  void sequencesThatEncodeNoCharacterAreNotUtf8() throws IOException {
    byte[] cat = {(byte) 0xed, (byte) 0xa0, (byte) 0xbd, (byte) 0xed, (byte) 0xb0, (byte) 0xb1};
    byte[] dog = {(byte) 0xed, (byte) 0xa0, (byte) 0xbd, (byte) 0xed, (byte) 0xb0, (byte) 0xb6};
    byte[] slash = {(byte) 0xe0, (byte) 0x80, (byte) 0xaf};
    byte[] beyond = {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80};
    String[] said = {"byte 0xa0 after 0xed", "byte 0xa0 after 0xed", "byte 0x80 after 0xe0", "byte 0x90 after 0xf4"};
    byte[][] labels = {cat, dog, slash, beyond};
    for (int i = 0; i < labels.length; i++) {
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      b.writeBytes("1,2,x\n3,4,".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      b.writeBytes(labels[i]);
      b.writeBytes("\n5,6,y\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      Path f = Files.write(dir.resolve("not-utf8.csv"), b.toByteArray());
      IOException e = assertThrows(IOException.class, () -> CsvReader.classification(f, -1, false));
      assertEquals(f + ": line 2, byte offset 10: not UTF-8 (" + said[i] + " encodes no character: a surrogate, an "
          + "overlong form or past U+10FFFF); save the file as UTF-8", e.getMessage());
    }
    // the cat and the dog as UTF-8 writes them, and the first and last characters of three bytes
    String rows = "1,2,\ud83d\udc31\n3,4,\ud83d\udc36\n5,6,\uffff\n7,8,\u0800\n";
    Path f = csv(rows + rows);
    assertEquals(List.of("\u0800", "\ud83d\udc31", "\ud83d\udc36", "\uffff"),
        CsvReader.classification(f, -1, false).classNames());
  }

  @Test
  void aByteOrderMarkAtTheStartIsNotPartOfTheFirstValue() throws IOException {
    Path f = dir.resolve("bom.csv");
    Files.write(f, "\ufeff7,2.5,1\n3,4,0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Dataset d = CsvReader.classification(f, -1, false);
    float[] x = new float[2];
    d.fill(new int[] {0}, 0, 1, x, new float[2]);
    assertArrayEquals(new float[] {7, 2.5f}, x);
    Files.write(f, "\ufeffa,b,kind\n7,2,1\n3,4,0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(2, CsvReader.classification(f, -1, true).size());
    Files.write(f, "7,2,cat\n3,4,\ufeffdog\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(List.of("cat", "\ufeffdog"), CsvReader.classification(f, -1, false).classNames(),
        "only a mark at the start of the file is skipped");
    // among numbers, such a label is the one that is not a number: refused, the mark shown escaped
    Files.write(f, "7,2,1\n3,4,\ufeff0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    IOException e = assertThrows(IOException.class, () -> CsvReader.classification(f, -1, false));
    assertEquals(f + ": line 2, column 2: the label '\\uFEFF0' is a missing value, as every other label is a number",
        e.getMessage());
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

  /** The features of every sample of {@code d}, in order. */
  private static float[] features(Dataset d) {
    int n = d.size();
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    float[] x = new float[n * (int) d.featureShape().size()];
    d.fill(all, 0, n, x, new float[n * d.classNames().size()]);
    return x;
  }

  private IOException refused(String text, boolean header) throws IOException {
    Path f = csv(text);
    return assertThrows(IOException.class, () -> CsvReader.classification(f, -1, header));
  }

  @Test
  void fieldsMayBeQuotedAsRfc4180Says() throws IOException {
    // R's write.csv: the quotes are no part of the names (they became classes "\"cat\"" and "\"dog\"")
    Dataset r = CsvReader.classification(csv("\"f0\",\"f1\",\"species\"\n1.2,3.4,\"cat\"\n5.6,7.8,\"dog\"\n"), -1,
        true);
    assertEquals(List.of("cat", "dog"), r.classNames());
    // a quoted number is the number (it was refused as "not a finite number"), whole bytes included
    Dataset q = CsvReader.classification(csv("\"0.6441\",\"7\",\"1\"\n\"-2.5\", \"255\" ,\"0\"\n"), -1, false);
    assertArrayEquals(new float[] {0.6441f, 7, -2.5f, 255}, features(q));
    assertEquals(List.of("0", "1"), q.classNames());
    // a doubled quote is one, a comma inside quotes is part of the field, and the inside is taken as it is
    Dataset inside = CsvReader.classification(csv("1,\"say \"\"hi\"\", then\"\n2,\" cat\"\n3,\"\"\"\"\n4,\" cat\"\n"),
        -1, false);
    assertEquals(List.of(" cat", "\"", "say \"hi\", then"), inside.classNames());
    // a quote inside an unquoted value is an ordinary character
    assertEquals(List.of("5\"", "a\"b"), CsvReader.classification(csv("1,5\"\n2,a\"b\n"), -1, false).classNames());
  }

  @Test
  void aQuotedFieldMustCloseOnItsLineAndNothingMayFollowItsClosingQuote() throws IOException {
    Path spans = csv("1,2,\"cat\n\",dog\n");
    IOException e = assertThrows(IOException.class, () -> CsvReader.classification(spans, -1, false));
    assertEquals(spans + ": line 1, column 2: a quoted field runs to the end of the line: its closing quote is "
        + "missing, or it holds a line break, which a field here cannot", e.getMessage());
    Path open = csv("1,2,cat\n3,4,\"dog");
    e = assertThrows(IOException.class, () -> CsvReader.classification(open, -1, false));
    assertEquals(open + ": line 2, column 2: the file ends inside a quoted field: its closing quote is missing",
        e.getMessage());
    Path after = csv("1,\"2\"5,cat\n");
    e = assertThrows(IOException.class, () -> CsvReader.classification(after, -1, false));
    assertEquals(after + ": line 1, column 1: text after the closing quote of a quoted field (a quote inside one "
        + "is written twice: \"\")", e.getMessage());
  }

  @Test
  void onlySpacesAndTabsAroundAFieldAreDroppedAnyOtherControlCharacterIsRefused() throws IOException {
    Dataset d = CsvReader.classification(csv("\t1.5 , 2\t,\tcat \n3,4,dog\n"), -1, false);
    assertArrayEquals(new float[] {1.5f, 2, 3, 4}, features(d));
    assertEquals(List.of("cat", "dog"), d.classNames());
    // String.trim() dropped these unseen: 0.\0 was read as 0.0 and the label 1\0 as 1
    IOException e = refused("1,2,0\n0.\0,3,1\n", false);
    assertEquals(dir.resolve("t.csv") + ": line 2, column 0: a field holds the control character U+0000, which no "
        + "value in a table has; is the file text (UTF-8, not UTF-16 or binary)?", e.getMessage());
    e = refused("1,2,0\n3,4,1\0\n", false);
    assertTrue(e.getMessage().contains(": line 2, column 2: a field holds the control character U+0000,"),
        e.getMessage());
    e = refused("1,2,\"0\u001b\"\n", false);
    assertTrue(e.getMessage().contains(": line 1, column 2: a field holds the control character U+001B,"),
        e.getMessage());
  }

  @Test
  void aNumberIsASignDigitsAPointAndAnExponentAndNothingJavaOnly() throws IOException {
    Dataset d = CsvReader.classification(csv("+1,.5,5.,0\n-2.5e3,1E+2,7e-1,1\n"), -1, false);
    assertArrayEquals(new float[] {1, 0.5f, 5, -2500, 100, 0.7f}, features(d));
    for (String javaOnly : List.of("1.5f", "1.5d", "0x1p3", "1_000", "1e")) {
      IOException e = refused("1,2,0\n" + javaOnly + ",3,1\n", false);
      assertEquals(dir.resolve("t.csv") + ": line 2, column 0: '" + javaOnly + "' is not a number (one is written as "
          + "7, -2.5, .5 or 1e-3; Java's forms 1.5f, 1.5d and 0x1p3 are not)", e.getMessage());
    }
    for (String infinite : List.of("NaN", "Infinity", "-inf")) {
      IOException e = refused("1,2,0\n" + infinite + ",3,1\n", false);
      assertEquals(dir.resolve("t.csv") + ": line 2, column 0: '" + infinite + "' is not a finite number",
          e.getMessage());
    }
    IOException e = refused("1,2,0\n1e39,3,1\n", false);
    assertEquals(dir.resolve("t.csv") + ": line 2, column 0: '1e39' is not a finite number (beyond the float range, "
        + "±3.4e38)", e.getMessage());
    Path f = csv("1,0x10\n");
    e = assertThrows(IOException.class, () -> CsvReader.regression(f, new int[] {1}, false));
    assertTrue(e.getMessage().contains("line 1, column 1: '0x10' is not a number"), e.getMessage());
  }

  @Test
  void linesEndWithLfOrCrlfAndACarriageReturnAloneIsNamedNeverEchoed() throws IOException {
    Dataset crlf = CsvReader.classification(csv("a,b,kind\r\n1,2,0\r\n\r\n3,\"4\",1\r\n"), -1, true);
    assertArrayEquals(new float[] {1, 2, 3, 4}, features(crlf));
    assertEquals(List.of("0", "1"), crlf.classNames());
    // old Mac files: with a header they had "no data rows", without one a message with a raw CR in it
    String expected = dir.resolve("t.csv") + ": line 1 ends with a carriage return (\\r) alone: the lines of this file "
        + "end with CR alone, as on classic Mac OS; convert its line endings to LF or CRLF";
    assertEquals(expected, refused("a,b,kind\r1,2,0\r3,4,1\r", true).getMessage());
    assertEquals(expected, refused("1,2,0\r3,4,1\r", false).getMessage());
    IOException e = refused("1,2,0\n3,4\r,1\n", false);
    assertEquals(dir.resolve("t.csv") + ": line 2, column 1: a carriage return (\\r) not followed by a line feed; "
        + "lines end with LF or CRLF, and no field holds a CR", e.getMessage());
    assertFalse(e.getMessage().contains("\r"), e.getMessage());
  }

  @Test
  void aFileSeparatedBySemicolonsOrTabsIsToldTheReaderTakesCommas() throws IOException {
    String semicolons = "; the file looks separated by ';' (semicolons, with decimal commas such as 1,5?), but this "
        + "reader takes commas between fields and points in numbers (1.5): save it as comma-separated";
    String tabs = "; the file looks separated by tabs, but this reader takes commas between fields: save it as "
        + "comma-separated";
    Path t = dir.resolve("t.csv");
    assertEquals(t + ": needs at least two columns (features and a label), found 1 on line 1" + semicolons,
        refused("f0;f1;label\n1.5;2;0\n", true).getMessage());
    assertEquals(t + ": needs at least two columns (features and a label), found 1 on line 2" + tabs,
        refused("\n1.5\t2\t0\n", false).getMessage());
    assertEquals(t + ": needs at least two columns (features and a label), found 1 on line 1",
        refused("1.5\n", false).getMessage(), "no hint without a semicolon or tab");
    // decimal commas: the commas split the values, unevenly or into values that hold the semicolons
    assertEquals(t + ": line 2 has 2 fields but the first line has 3" + semicolons,
        refused("0,5;1,5;0\n2;3,5;1\n", false).getMessage());
    assertEquals(t + ": line 1, column 1: '5;1' is not a number (one is written as 7, -2.5, .5 or 1e-3; Java's "
        + "forms 1.5f, 1.5d and 0x1p3 are not)" + semicolons, refused("0,5;1,5;0\n", false).getMessage());
    // a tab inside a value is echoed escaped
    assertEquals(t + ": line 1, column 0: '1\\t2' is not a number (one is written as 7, -2.5, .5 or 1e-3; Java's "
        + "forms 1.5f, 1.5d and 0x1p3 are not)" + tabs, refused("1\t2,0\n", false).getMessage());
  }

  @Test
  void theOneLabelThatIsNotANumberAmongNumbersIsAMissingValue() throws IOException {
    IOException e = refused("1,2,0\n3,4,1\n5,6,NaN\n7,8,NaN\n", false);
    assertEquals(dir.resolve("t.csv") + ": line 3, column 2: the label 'NaN' is a missing value, as every other "
        + "label is a number", e.getMessage());
    Path na = csv("kind,a\n1.0,2\nNA,4\n2.0,6\n");
    e = assertThrows(IOException.class, () -> CsvReader.classification(na, 0, true));
    assertEquals(na + ": line 3, column 0: the label 'NA' is a missing value, as every other label is a number",
        e.getMessage());
    // names are left alone: NA among words, two words among numbers, and a column that is all one word (which is
    // refused as one class, not as a missing value)
    assertEquals(List.of("NA", "cat"), CsvReader.classification(csv("1,cat\n2,NA\n"), -1, false).classNames());
    assertEquals(List.of("0", "NA", "cat"), CsvReader.classification(csv("1,cat\n2,NA\n3,0\n4,cat\n"), -1, false)
        .classNames());
    e = refused("1,NaN\n2,NaN\n", false);
    assertTrue(e.getMessage().contains("every label in column 1, the label column, is 'NaN'"), e.getMessage());
  }

  /**
   * A column 0 the header line leaves unnamed, as pandas' to_csv() writes its row index, is refused unless it is the
   * label: its row numbers were trained on as a feature without a word.
   */
  @Test
  void anUnnamedFirstColumnAsPandasWritesItsRowIndexIsRefused(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("pandas.csv");
    Files.writeString(file, ",x,y,label\n0,0.5,1.5,1\n1,2.5,0.5,0\n2,1.0,1.0,1\n");
    IOException e = assertThrows(IOException.class, () -> CsvReader.classification(file, -1, true));
    assertEquals(file + ": column 0 has no name in the header line, as the row index pandas' to_csv() writes (or R's "
        + "row names): it would be trained on as a feature; write the file without it (index=False, row.names=FALSE) "
        + "or remove the column", e.getMessage());
    assertEquals(e.getMessage(), assertThrows(IOException.class, () -> CsvReader.regression(file, new int[] {1}, true))
        .getMessage());
    // unnamed, but the label: nothing trains on it (classes, not row numbers, which are refused as continuous)
    Files.writeString(file, ",x,y,label\n0,0.5,1.5,1\n1,2.5,0.5,0\n1,1.0,1.0,1\n");
    Dataset labelledFirst = CsvReader.classification(file, 0, true);
    assertEquals(2, labelledFirst.numClasses());
    Files.writeString(file, "i,x,y,label\n0,0.5,1.5,1\n1,2.5,0.5,0\n2,1.0,1.0,1\n");
    assertEquals(3, CsvReader.classification(file, -1, true).featureShape().size(), "named, it is a feature");
  }

  /**
   * A label column of one class is refused, naming the file, the column and the label: it trained a one-output
   * softmax to a loss of 0 and reported an accuracy of 1.0. Spellings of one number are one class, so one label.
   */
  @Test
  void aLabelColumnOfOneClassIsRefused() throws IOException {
    Path f = csv("1,2,7\n3,4,7\n5,6,7\n");
    IOException e = assertThrows(IOException.class, () -> CsvReader.classification(f, -1, false));
    assertEquals(f + ": every label in column 2, the label column, is '7': classification needs at least two "
        + "classes; is the label in another column (--label-column)?", e.getMessage());
    e = refused("1,2,1\n3,4,1.0\n5,6,1e0\n", false);
    assertTrue(e.getMessage().endsWith(": every label in column 2, the label column, is '1' (written '1', '1.0', "
        + "'1e0'): classification needs at least two classes; is the label in another column (--label-column)?"),
        e.getMessage());
    e = refused("1,2,cat\n", false);
    assertTrue(e.getMessage().contains("is 'cat': classification needs at least two classes"), e.getMessage());
  }

  /**
   * Numeric labels are classes by value: "1" and "1.0" were two classes, and labels 1..11 were ordered as text (1, 10,
   * 11, 2, ...). A class is named as the file first writes it; values are compared exactly, not as floats.
   */
  @Test
  void numericLabelsAreClassesByValueInTheOrderOfTheirValues() throws IOException {
    Dataset mixed = CsvReader.classification(csv("1,2,1.0\n3,4,2\n5,6,1\n7,8,2.00\n9,10,-0\n11,12,0\n"), -1,
        false);
    assertEquals(List.of("-0", "1.0", "2"), mixed.classNames());
    assertArrayEquals(new int[] {1, 2, 1, 2, 0, 0}, labels(mixed));
    StringBuilder eleven = new StringBuilder();
    for (int label = 1; label <= 11; label++) {
      eleven.append(label).append(",0.5\n").append(label).append(",1.5\n");
    }
    Dataset ordered = CsvReader.classification(csv(eleven.toString()), 0, false);
    assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"), ordered.classNames());
    assertEquals(9, ordered.label(18)); // row 18 is labelled 10, the tenth class
    Dataset signed = CsvReader.classification(csv("1,2.5\n2,-1\n3,.5\n4,2.5\n5,1e-1\n6,0.10000000149\n"), -1,
        false);
    assertEquals(List.of("-1", "1e-1", "0.10000000149", ".5", "2.5"), signed.classNames(), "exact, not as floats");
    Dataset indices = CsvReader.classification(csv("1,2.0\n2,0.0\n3,1.0\n4,2\n"), -1, false);
    assertArrayEquals(new int[] {2, 0, 1, 2}, labels(indices), "values 0..K-1, however written, are the indices");
    Dataset words = CsvReader.classification(csv("1,b\n2,10\n3,2\n4,a\n5,b\n"), -1, false);
    assertEquals(List.of("10", "2", "a", "b"), words.classNames(), "numbers among words are text");
    // a number with no exact value (an exponent past an int's range) is refused, not a reason to read the column as
    // names, which would make 3 and 3.0 two classes
    IOException e = refused("1,3\n2,3.0\n3,2\n4,1e3000000000\n5,2\n", false);
    assertEquals(dir.resolve("t.csv") + ": line 4, column 1: the label '1e3000000000' is a number whose exponent is "
        + "out of range (beyond ±2147483647), so it names no class the other labels, all numbers, can be compared "
        + "with", e.getMessage());
  }

  /**
   * Samples read to score against classes known elsewhere (a model's) may be of one class, or one of each: only the
   * label-column refusals of training are left out; the file is read and checked as for training otherwise.
   */
  @Test
  void labelledSamplesMayBeOfOneClassOrOneOfEach() throws IOException {
    Dataset one = CsvReader.labelledSamples(csv("1,2,7\n3,4,7.0\n"), -1, false);
    assertEquals(List.of("7"), one.classNames());
    assertEquals(2, one.size());
    Dataset each = CsvReader.labelledSamples(csv("1,cat\n2,dog\n3,cow\n"), -1, false);
    assertEquals(List.of("cat", "cow", "dog"), each.classNames());
    assertEquals(2, each.label(1));
    IOException e = assertThrows(IOException.class, () -> CsvReader.labelledSamples(csv("1,2,7\n3,7\n"), -1,
        false));
    assertTrue(e.getMessage().contains("line 2 has 2 fields but the first line has 3"), e.getMessage());
  }

  /**
   * A column giving every sample a class of its own is refused as continuous, naming it: `--label-column 0` on a
   * table of measurements made 60 classes of 60 rows. Two rows of two classes are a table, too small to tell.
   */
  @Test
  void aLabelColumnWithAClassForEverySampleIsRefusedAsContinuous() throws IOException {
    Path f = csv("5.1,3.5,0\n4.9,3.0,0\n4.7,3.2,1\n4.6,3.1,1\n");
    IOException e = assertThrows(IOException.class, () -> CsvReader.classification(f, 0, false));
    assertEquals(f + ": column 0, the label column, gives each of the 4 samples a label of its own ('5.1', '4.9', "
        + "'4.7', ...): it looks continuous (or an identifier), a feature or a target rather than a class; give the "
        + "label's column with --label-column", e.getMessage());
    e = refused("1,cat\n2,dog\n3,cow\n", false);
    assertTrue(e.getMessage().contains("gives each of the 3 samples a label of its own ('cat', 'dog', 'cow')"),
        e.getMessage());
    assertEquals(2, CsvReader.classification(csv("1,cat\n2,dog\n"), -1, false).numClasses());
  }

  /**
   * Every failure to open or read a file names it, its cause in words: /proc/self/mem gave "Input/output error" alone,
   * and a symbolic link loop Java's "Too many levels of symbolic links or unable to access attributes of ...".
   */
  @Test
  void aFileThatCannotBeReadIsNamedWithTheCauseInWords() throws IOException {
    Path missing = dir.resolve("missing.csv");
    IOException e = assertThrows(IOException.class, () -> CsvReader.classification(missing, -1, false));
    assertTrue(e instanceof java.nio.file.NoSuchFileException, e.toString());
    assertEquals(missing + ": no such file", e.getMessage());
    Path loop = dir.resolve("loop.csv");
    Files.createSymbolicLink(loop, dir.resolve("other.csv"));
    Files.createSymbolicLink(dir.resolve("other.csv"), loop);
    e = assertThrows(IOException.class, () -> CsvReader.classification(loop, -1, false));
    assertEquals(loop + ": cannot be read: a symbolic link loop (too many levels of symbolic links)", e.getMessage());
    Path memory = Path.of("/proc/self/mem"); // opens, then fails to read at offset 0: an I/O error naming no path
    if (Files.isReadable(memory)) {
      e = assertThrows(IOException.class, () -> CsvReader.classification(memory, -1, false));
      assertTrue(e.getMessage().startsWith(memory + ": cannot be read: "), e.getMessage());
    }
  }

  /** The class of every sample of {@code d}, in order. */
  private static int[] labels(Dataset d) {
    int[] y = new int[d.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = d.label(i);
    }
    return y;
  }
}
