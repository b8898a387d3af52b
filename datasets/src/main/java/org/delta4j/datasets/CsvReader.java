package org.delta4j.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.delta4j.data.ArrayDataset;
import org.delta4j.data.ByteImageDataset;
import org.delta4j.data.Dataset;
import org.delta4j.data.Normalization;
import org.delta4j.io.Heap;
import org.delta4j.tensor.Shape;

/**
 * Reads comma-separated numeric tables into datasets: one sample per line, an optional header line, one column holding
 * the label (classification) or some columns holding the targets (regression), every other column a feature. Labels
 * that are all integers 0..K−1 are used as they are; otherwise the distinct label strings, sorted, become the classes.
 * Blank lines are skipped, and a UTF-8 byte order mark at the start; an empty label is an error.
 *
 * <p>The file is streamed twice, never held as text: once to learn its shape, once to parse its numbers straight into
 * a compact array — one byte a value when every feature is a whole number in [0, 255] (pixel tables), else four.
 * Every defect is an {@link IOException} naming the file and, where it applies, the line, the column or the byte
 * offset: a wrong number of fields, a value that is not a finite number, bytes that are not UTF-8, a directory given
 * for a file, or a table too large for the memory Java may use (with how much it needs).
 */
public final class CsvReader {
  /** The longest field accepted, in bytes; a longer one means the file is not a numeric table. */
  static final int MAX_FIELD = 1 << 16;
  /** UTF-8's byte order mark, U+FEFF. */
  private static final byte[] BYTE_ORDER_MARK = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
  /** Whole-number pixel values stored as bytes come back unchanged: (v / 255 − 0) / (1 / 255) = v. */
  private static final Normalization AS_IS = new Normalization(0, 1 / 255.0);

  private CsvReader() {}

  /** A classification dataset; {@code labelColumn} counts from 0, and −1 means the last column. */
  public static Dataset classification(Path file, int labelColumn, boolean header) throws IOException {
    Objects.requireNonNull(file, "file is null");
    Scan s = scan(file, header);
    int label = resolve(file, s.width, labelColumn);
    int features = s.width - 1;
    boolean bytes = s.byteValuedExcept(label);
    long values = (long) s.rows * features;
    ensureMemory(file, s.rows, features, bytes ? values : values * Float.BYTES);
    byte[] px = bytes ? new byte[(int) values] : null;
    float[] x = bytes ? null : new float[(int) values];
    int[] ids = new int[s.rows];
    Map<String, Integer> firstSeen = new HashMap<>();
    List<String> raw = new ArrayList<>();
    parseAgain(file, header, s, (row, column, b, length, line) -> {
      if (column == label) {
        String text = new String(b, 0, length, StandardCharsets.UTF_8).trim();
        if (text.isEmpty()) { // a missing label, which would otherwise become a class named ""
          throw new IOException(file + ": line " + line + ", column " + column + ": the label is empty");
        }
        ids[row] = firstSeen.computeIfAbsent(text, t -> {
          raw.add(t);
          return raw.size() - 1;
        });
        return;
      }
      int k = row * features + (column < label ? column : column - 1);
      if (bytes) {
        int v = wholeByte(b, length);
        if (v < 0) {
          throw changed(file, "line " + line + ", column " + column + " was a whole number 0–255 on the first pass");
        }
        px[k] = (byte) v;
      } else {
        x[k] = number(file, line, column, b, length);
      }
    });
    List<String> classes = classes(raw);
    // each label's place in the sorted classes by a map: a search of the list for each is quadratic in the classes
    Map<String, Integer> place = new HashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      place.put(classes.get(c), c);
    }
    int[] rank = new int[raw.size()];
    for (int i = 0; i < rank.length; i++) {
      rank[i] = place.get(raw.get(i));
    }
    int[] y = new int[s.rows];
    for (int r = 0; r < y.length; r++) {
      y[r] = rank[ids[r]];
    }
    return bytes ? new ByteImageDataset(px, Shape.of(features), y, classes, AS_IS)
        : ArrayDataset.adopting(x, Shape.of(features), y, classes.size(), classes);
  }

  /** A regression dataset whose targets are the given columns (from 0), in that order. */
  public static ArrayDataset regression(Path file, int[] targetColumns, boolean header) throws IOException {
    Objects.requireNonNull(file, "file is null");
    Objects.requireNonNull(targetColumns, "targetColumns is null");
    Scan s = scan(file, header);
    if (targetColumns.length == 0) {
      throw new IOException(file + ": no target column given; a regression table needs at least one");
    }
    int[] targetIndex = new int[s.width];
    Arrays.fill(targetIndex, -1);
    for (int j = 0; j < targetColumns.length; j++) {
      int c = resolve(file, s.width, targetColumns[j]);
      if (targetIndex[c] >= 0) { // else one target would never be filled, and a feature column too many stay 0
        throw new IOException(file + ": target columns " + targetColumns[targetIndex[c]] + " and " + targetColumns[j]
            + " are both column " + c + "; each column is one target");
      }
      targetIndex[c] = j;
    }
    if (targetColumns.length == s.width) {
      throw new IOException(file + ": every one of the " + s.width + " columns is a target, which leaves no features");
    }
    int[] featureIndex = new int[s.width];
    for (int c = 0, k = 0; c < s.width; c++) {
      featureIndex[c] = targetIndex[c] < 0 ? k++ : -1;
    }
    int features = s.width - targetColumns.length;
    ensureMemory(file, s.rows, s.width, 3L * s.rows * s.width * Float.BYTES);
    float[][] x = new float[s.rows][features];
    float[][] y = new float[s.rows][targetColumns.length];
    parseAgain(file, header, s, (row, column, b, length, line) -> {
      float v = number(file, line, column, b, length);
      if (targetIndex[column] >= 0) {
        y[row][targetIndex[column]] = v;
      } else {
        x[row][featureIndex[column]] = v;
      }
    });
    return ArrayDataset.regression(x, y);
  }

  /** What the first pass learns: the number of columns and data rows, and which columns hold only bytes 0..255. */
  private record Scan(int width, int rows, boolean[] byteValued) {
    boolean byteValuedExcept(int column) {
      for (int c = 0; c < width; c++) {
        if (c != column && !byteValued[c]) {
          return false;
        }
      }
      return true;
    }
  }

  /** The first pass. */
  private static Scan scan(Path file, boolean header) throws IOException {
    boolean[][] byteValued = {new boolean[16]};
    Arrays.fill(byteValued[0], true);
    Scan s = parse(file, header, -1, (row, column, b, length, line) -> {
      if (column >= byteValued[0].length) {
        int old = byteValued[0].length;
        byteValued[0] = Arrays.copyOf(byteValued[0], Math.max(2 * old, column + 1));
        Arrays.fill(byteValued[0], old, byteValued[0].length, true);
      }
      if (byteValued[0][column] && wholeByte(b, length) < 0) {
        byteValued[0][column] = false;
      }
    });
    if (s.rows == 0) {
      throw new IOException(file + ": no data rows");
    }
    if (s.width < 2) {
      throw new IOException(file + ": needs at least two columns (features and a label), found " + s.width);
    }
    return new Scan(s.width, s.rows, Arrays.copyOf(byteValued[0], s.width));
  }

  /** Receives one field of a data row: its bytes are {@code b[0, length)}, valid only during the call. */
  @FunctionalInterface
  private interface FieldSink {
    void field(int row, int column, byte[] b, int length, int line) throws IOException;
  }

  /**
   * The second pass, which must find the table the first found: a file that changed in between (or a pipe, which
   * gives its contents once) would otherwise fill the arrays sized by the first pass wrongly, or past their end.
   */
  private static void parseAgain(Path file, boolean header, Scan first, FieldSink sink) throws IOException {
    Scan again = parse(file, header, first.width, (row, column, b, length, line) -> {
      if (row >= first.rows) {
        throw changed(file, "it had " + first.rows + " data rows on the first pass, now more");
      }
      sink.field(row, column, b, length, line);
    });
    if (again.rows != first.rows) {
      throw changed(file, "it had " + first.rows + " data rows on the first pass, now " + again.rows);
    }
  }

  private static IOException changed(Path file, String how) {
    return new IOException(file + ": changed while it was read (" + how + "); a CSV file is read twice, so it must "
        + "stay as it is until it is loaded");
  }

  /**
   * Streams the file's fields to {@code sink}, checking that every line has {@code width} fields (the first line's
   * count when −1) and that the bytes are UTF-8. Returns the width and the number of data rows.
   */
  private static Scan parse(Path file, boolean header, int width, FieldSink sink) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not a CSV file");
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new IOException(file + ": is not a regular file (a pipe or a device?); a CSV file is read twice, once to "
          + "learn its shape, so it must be a file: save the data to one first");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      // A byte order mark, which spreadsheets write first, is no part of the first field.
      byte[] start = in.readNBytes(BYTE_ORDER_MARK.length);
      boolean marked = Arrays.equals(start, BYTE_ORDER_MARK);
      int position = 0;
      int limit = marked ? 0 : start.length;
      System.arraycopy(start, 0, buffer, 0, limit);
      byte[] field = new byte[64];
      int length = 0;
      int column = 0;
      int line = 1;
      int rows = 0;
      long offset = marked ? BYTE_ORDER_MARK.length : 0;
      int utf8Pending = 0;
      long utf8Lead = 0;
      boolean skipHeader = header;
      boolean blank = true;
      int expected = width;
      while (true) {
        if (position == limit) {
          limit = Math.max(in.read(buffer), 0);
          position = 0;
        }
        int c = position < limit ? buffer[position++] & 0xff : -1;
        if (c >= 0x80 || utf8Pending > 0) {
          if (utf8Pending == 0) {
            utf8Lead = offset;
          }
          utf8Pending = utf8(file, line, utf8Lead, c, utf8Pending);
        }
        if (c == ',' || c == '\n' || c < 0) {
          if (c < 0 && column == 0 && blank) {
            break;
          }
          if (c == '\n' && column == 0 && blank) {
            length = 0;
            line++;
            offset++;
            continue;
          }
          if (length > 0 && field[length - 1] == '\r' && c != ',') {
            length--;
          }
          if (!skipHeader && (expected < 0 || column < expected)) {
            sink.field(rows, column, field, length, line);
          }
          column++;
          length = 0;
          blank = false;
          if (c != ',') {
            if (expected < 0) {
              expected = column;
            } else if (column != expected) {
              throw new IOException(file + ": line " + line + " has " + column + " fields but the first line has "
                  + expected);
            }
            if (skipHeader) {
              skipHeader = false;
            } else {
              rows++;
              if (rows < 0) {
                throw new IOException(file + ": more than " + Integer.MAX_VALUE + " rows");
              }
            }
            column = 0;
            blank = true;
            line++;
          }
          if (c < 0) {
            break;
          }
        } else {
          if (length == field.length) {
            if (length >= MAX_FIELD) {
              throw new IOException(file + ": line " + line + ", column " + column + ": a field longer than "
                  + MAX_FIELD + " bytes; this is not a numeric table");
            }
            field = Arrays.copyOf(field, 2 * length);
          }
          field[length++] = (byte) c;
          blank &= c == ' ' || c == '\t' || c == '\r';
        }
        offset++;
      }
      return new Scan(Math.max(expected, 0), rows, null);
    }
  }

  /**
   * One step of UTF-8 validation: the continuation bytes still expected after byte {@code c}, which belongs to the
   * character starting at byte {@code offset}.
   */
  private static int utf8(Path file, int line, long offset, int c, int pending) throws IOException {
    if (pending > 0) {
      if (c >= 0x80 && c <= 0xbf) {
        return pending - 1;
      }
    } else if (c >= 0xc2 && c <= 0xdf) {
      return 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      return 2;
    } else if (c >= 0xf0 && c <= 0xf4) {
      return 3;
    }
    throw new IOException(file + ": line " + line + ", byte offset " + offset + ": not UTF-8 ("
        + (c < 0 ? "the file ends inside a character" : pending > 0 ? String.format("byte 0x%02x is not a "
            + "continuation byte", c) : String.format("byte 0x%02x", c))
        + "); save the file as UTF-8");
  }

  private static int resolve(Path file, int width, int column) throws IOException {
    int c = column < 0 ? width + column : column;
    if (c < 0 || c >= width) {
      throw new IOException(file + ": column " + column + " does not exist; the table has " + width + " columns");
    }
    return c;
  }

  /** Refuses a table whose arrays would not fit in what the heap can still give, saying how much it needs. */
  private static void ensureMemory(Path file, int rows, int columns, long bytes) throws IOException {
    String subject = String.format(java.util.Locale.ROOT, "%s: %,d rows of %d values", file, rows, columns);
    if ((long) rows * columns > Integer.MAX_VALUE - 8) {
      throw new IOException(String.format(java.util.Locale.ROOT, "%s are %,d values, more than one Java array holds "
          + "(%,d)", subject, (long) rows * columns, Integer.MAX_VALUE - 8));
    }
    Heap.require(subject, bytes);
  }

  /** The field as a whole number in [0, 255] (spaces around it allowed), or −1. */
  private static int wholeByte(byte[] b, int length) {
    int from = 0;
    int to = length;
    while (from < to && (b[from] == ' ' || b[from] == '\t')) {
      from++;
    }
    while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
      to--;
    }
    if (to == from || to - from > 3) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return -1;
      }
      v = 10 * v + (b[i] - '0');
    }
    return v <= 255 ? v : -1;
  }

  private static float number(Path file, int line, int column, byte[] b, int length) throws IOException {
    int whole = wholeByte(b, length);
    if (whole >= 0) {
      return whole;
    }
    String text = new String(b, 0, length, StandardCharsets.UTF_8);
    try {
      float v = Float.parseFloat(text.trim());
      if (Float.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IOException(file + ": line " + line + ", column " + column + ": '" + text
        + "' is not a finite number" + (line == 1 ? "; a first line of column names is skipped only when the file is "
        + "read as having a header (train's --header)" : ""));
  }

  private static List<String> classes(List<String> raw) {
    TreeSet<String> distinct = new TreeSet<>(raw);
    boolean integers = distinct.stream().allMatch(s -> s.matches("\\d{1,9}"));
    if (integers) {
      int max = distinct.stream().mapToInt(Integer::parseInt).max().orElse(0);
      if (max < 10_000 && distinct.size() == max + 1) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
          names.add(String.valueOf(i));
        }
        if (new TreeSet<>(names).equals(distinct)) {
          return names;
        }
      }
    }
    return new ArrayList<>(distinct);
  }
}
