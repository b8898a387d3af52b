package org.delta4j.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.delta4j.data.ArrayDataset;
import org.delta4j.data.ByteImageDataset;
import org.delta4j.data.Dataset;
import org.delta4j.data.Normalization;
import org.delta4j.io.Heap;
import org.delta4j.spec.Excerpt;
import org.delta4j.tensor.Shape;

/**
 * Reads comma-separated numeric tables into datasets: one sample per line, an optional header line, one column holding
 * the label (classification) or some columns holding the targets (regression), every other column a feature. When
 * every label is a number, labels of equal value are one class (1, 1.0 and 1e0), named as the file first writes it,
 * and the classes are ordered by value (2 before 10), so that integer labels 0..K−1 are their own class indices;
 * otherwise the distinct label strings, sorted, become the classes. Blank lines are skipped, and a UTF-8 byte order
 * mark at the start. Refused as labels: an empty one, the one label that is not a number (NaN, NA) in a column whose
 * every other label is (a missing value), a column of one class (nothing to tell apart), and a column giving each of
 * three or more samples a class of its own (a continuous column, not a label).
 *
 * <p>Fields are RFC 4180's: spaces and tabs around a field are dropped; a field may be enclosed in double quotes, which
 * are removed, a doubled quote inside standing for one and a comma inside being part of the field; lines end with LF
 * or CRLF. A number is an optional sign, digits with an optional decimal point, and an optional exponent (1, -2.5,
 * .5, 5., 1e-3); NaN, infinities, and Java's own forms (1.5f, 0x1p3) are refused.
 *
 * <p>The file is streamed twice, never held as text: once to learn its shape, once to parse its numbers straight into
 * a compact array — one byte a value when every feature is a whole number in [0, 255] (pixel tables), else four.
 * Every defect is an {@link IOException} naming the file and, where it applies, the line, the column or the byte
 * offset: a wrong number of fields (with a hint when the file looks separated by semicolons or tabs), a value that is
 * not a finite number, a control character in a field, a quoted field left open at the end of its line, text after a
 * closing quote, lines that end with a carriage return alone, bytes that are not UTF-8, a directory given for a file,
 * or a table too large for the memory Java may use (with how much it needs); so is a file that cannot be opened or
 * read, its cause in words (no such file, permission denied, a symbolic link loop, else the system's reason). A
 * message never carries a control character raw: one is named (U+0000), or escaped in a value it quotes (\t, \r).
 */
public final class CsvReader {
  /** The longest field accepted, in bytes; a longer one means the file is not a numeric table. */
  static final int MAX_FIELD = 1 << 16;
  /** UTF-8's byte order mark, U+FEFF. */
  private static final byte[] BYTE_ORDER_MARK = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
  /** About the heap a distinct label takes beside its text: the string, its entry in a map and its place in lists. */
  private static final long LABEL_BYTES = 96;
  /** Whole-number pixel values stored as bytes come back unchanged: (v / 255 − 0) / (1 / 255) = v. */
  private static final Normalization AS_IS = new Normalization(0, 1 / 255.0);

  private CsvReader() {}

  /**
   * A classification dataset; {@code labelColumn} counts from 0, and −1 means the last column.
   *
   * @throws IllegalStateException as {@link Heap#outOfMemory} words it, naming the column and how many different
   *     labels it had read, when the labels kept as class names fill the heap (a continuous column of millions of rows)
   */
  public static Dataset classification(Path file, int labelColumn, boolean header) throws IOException {
    return classification(file, labelColumn, header, true);
  }

  /**
   * Samples to score against classes known elsewhere, such as a trained model's: read as {@link #classification}
   * reads them, but a file of one class, or of a class for each sample, is taken as it is. Those refusals keep a
   * training run from a label column that is not one; a test file may hold any of the model's classes, even one.
   */
  public static Dataset labelledSamples(Path file, int labelColumn, boolean header) throws IOException {
    return classification(file, labelColumn, header, false);
  }

  private static Dataset classification(Path file, int labelColumn, boolean header, boolean forTraining)
      throws IOException {
    Objects.requireNonNull(file, "file is null");
    Scan s = scan(file, header);
    int label = resolve(file, s.width, labelColumn);
    refuseRowIndex(file, s, label == 0);
    int features = s.width - 1;
    boolean bytes = s.byteValuedExcept(label);
    long values = (long) s.rows * features;
    // with each sample's class, and the copy of them a ByteImageDataset keeps: a narrow table's labels are most of it
    long labelBytes = (bytes ? 2L : 1L) * s.rows * Integer.BYTES;
    ensureMemory(file, s.rows, features, (bytes ? values : values * Float.BYTES) + labelBytes);
    byte[] px = bytes ? new byte[(int) values] : null;
    float[] x = bytes ? null : new float[(int) values];
    int[] ids = new int[s.rows];
    Map<String, Integer> firstSeen = new HashMap<>();
    List<String> raw = new ArrayList<>();
    int[][] seenOn = {new int[16]}; // the line where each distinct label is first seen, to name a missing one
    long[] labelsRead = {0, 0}; // rows and bytes of label text so far, to say what filled the heap
    Classes classes;
    try {
      parseAgain(file, header, s, (row, column, b, length, line) -> {
        if (column == label) {
          if (blank(b, length)) { // a missing label, which would otherwise become a class named "" (or " ", quoted)
            throw new IOException(file + ": line " + line + ", column " + column + ": the label is empty");
          }
          labelsRead[0] = row + 1L;
          labelsRead[1] += length;
          String text = new String(b, 0, length, StandardCharsets.UTF_8);
          ids[row] = firstSeen.computeIfAbsent(text, t -> {
            if (raw.size() == seenOn[0].length) {
              seenOn[0] = Arrays.copyOf(seenOn[0], 2 * raw.size());
            }
            seenOn[0][raw.size()] = line;
            raw.add(t);
            return raw.size() - 1;
          });
          return;
        }
        int k = row * features + (column < label ? column : column - 1);
        if (bytes) {
          int v = wholeByte(b, length);
          if (v < 0) {
            throw changed(file, "line " + line + ", column " + column + " was a whole number 0–255 on the first "
                + "pass");
          }
          px[k] = (byte) v;
        } else {
          x[k] = number(file, line, column, b, length);
        }
      });
      missingLabel(file, label, raw, seenOn[0]);
      classes = classes(file, label, raw, seenOn[0]);
    } catch (OutOfMemoryError e) {
      // The arrays were reckoned and allocated before: what fills the heap now is the distinct labels, kept as names
      // to tell them apart, as a continuous column of a large table makes millions of them
      int distinct = raw.size();
      raw.clear(); // the room to say so
      firstSeen.clear();
      long held = distinct * (LABEL_BYTES + labelsRead[1] / Math.max(labelsRead[0], 1));
      throw Heap.outOfMemory(String.format(Locale.ROOT, "%s: the %,d different labels in the first %,d rows of column "
          + "%d, the label column (a continuous column or an identifier rather than classes?), held as class names,",
          file, distinct, labelsRead[0], label), held, e);
    }
    if (forTraining) {
      refuseClassCount(file, label, s.rows, classes.names(), raw);
    }
    int[] y = ids; // each label's place in the order first seen becomes its class, in place: no second array
    for (int r = 0; r < y.length; r++) {
      y[r] = classes.of()[ids[r]];
    }
    return bytes ? new ByteImageDataset(px, Shape.of(features), y, classes.names(), AS_IS)
        : ArrayDataset.adopting(x, Shape.of(features), y, classes.names().size(), classes.names());
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
    refuseRowIndex(file, s, targetIndex[0] >= 0);
    int[] featureIndex = new int[s.width];
    for (int c = 0, k = 0; c < s.width; c++) {
      featureIndex[c] = targetIndex[c] < 0 ? k++ : -1;
    }
    int features = s.width - targetColumns.length;
    int targets = targetColumns.length;
    // the rows as arrays of their own, then the flat copy the dataset makes of them, both held at once
    ensureMemory(file, s.rows, s.width, s.rows * (rowBytes(features) + rowBytes(targets) + 4L * s.width));
    float[][] x = new float[s.rows][features];
    float[][] y = new float[s.rows][targets];
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

  /**
   * What the first pass learns: the number of columns and data rows, which columns hold only bytes 0..255, and
   * whether the header line leaves column 0 unnamed.
   */
  private record Scan(int width, int rows, boolean[] byteValued, boolean firstUnnamed) {
    boolean byteValuedExcept(int column) {
      for (int c = 0; c < width; c++) {
        if (c != column && !byteValued[c]) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Refuses a column 0 that the header line leaves unnamed, unless it is read as a label or target: pandas' to_csv()
   * writes its row index so (R's write.csv its row names), and the row numbers were trained on as a feature, without
   * a word (a three-class table fell from 0.80 test accuracy to 0.35).
   */
  private static void refuseRowIndex(Path file, Scan s, boolean isTarget) throws IOException {
    if (s.firstUnnamed && !isTarget) {
      throw new IOException(file + ": column 0 has no name in the header line, as the row index pandas' to_csv() "
          + "writes (or R's row names): it would be trained on as a feature; write the file without it (index=False, "
          + "row.names=FALSE) or remove the column");
    }
  }

  /** The first pass. */
  private static Scan scan(Path file, boolean header) throws IOException {
    boolean[][] byteValued = {new boolean[16]};
    Arrays.fill(byteValued[0], true);
    Scan s = parse(file, header, -1, (row, column, b, length, line) -> {
      if (column >= byteValued[0].length) {
        int old = byteValued[0].length;
        int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(2L * old, column + 1L));
        try {
          byteValued[0] = Arrays.copyOf(byteValued[0], grown);
        } catch (OutOfMemoryError e) { // a line of some hundred million commas
          throw Heap.outOfMemory(String.format(Locale.ROOT, "%s: line %,d, of more than %,d fields, and its "
              + "columns' flags", file, line, column), 2L * grown, e);
        }
        Arrays.fill(byteValued[0], old, byteValued[0].length, true);
      }
      if (byteValued[0][column] && wholeByte(b, length) < 0) {
        byteValued[0][column] = false;
      }
    });
    if (s.rows == 0) {
      throw new IOException(file + ": no data rows");
    }
    return new Scan(s.width, s.rows, Arrays.copyOf(byteValued[0], s.width), s.firstUnnamed);
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

  /** Where the parser is within a field: before any value, in an unquoted value, in quotes, just after a quote. */
  private static final int START = 0;
  private static final int UNQUOTED = 1;
  private static final int QUOTED = 2;
  /** A quote inside a quoted field: the next byte decides whether it closes the field or is half of a "". */
  private static final int QUOTE_IN_QUOTED = 3;
  private static final int AFTER_QUOTE = 4;

  /**
   * Streams the file's fields to {@code sink}, checking that every line has {@code width} fields (the first line's
   * count when −1, which must be at least two) and that the bytes are UTF-8. Fields are RFC 4180's: spaces and tabs
   * around a field are dropped, a field may be enclosed in double quotes (its content then taken as it is, a doubled
   * quote as one quote, a comma as part of it), and lines end with LF or CRLF. Refused, by line and column: a control
   * character in a field, a carriage return alone, a quoted field that does not close on its line, and text after a
   * closing quote. Returns the width and the number of data rows.
   */
  private static Scan parse(Path file, boolean header, int width, FieldSink sink) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not a CSV file");
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new IOException(file + ": is not a regular file (a pipe or a device?); a CSV file is read twice, once to "
          + "learn its shape, so it must be a file: save the data to one first");
    }
    try (InputStream in = open(file)) {
      byte[] buffer = new byte[1 << 16];
      // A byte order mark, which spreadsheets write first, is no part of the first field.
      byte[] start = readStart(file, in);
      boolean marked = Arrays.equals(start, BYTE_ORDER_MARK);
      int position = 0;
      int limit = marked ? 0 : start.length;
      System.arraycopy(start, 0, buffer, 0, limit);
      byte[] field = new byte[64];
      int length = 0;
      int state = START;
      int column = 0;
      int line = 1;
      int rows = 0;
      long offset = marked ? BYTE_ORDER_MARK.length : 0;
      int utf8Pending = 0;
      long utf8Lead = 0;
      boolean skipHeader = header;
      boolean firstUnnamed = false; // the header line names no column 0: a row index, as pandas writes one
      boolean carriageReturn = false; // the previous byte was a CR outside quotes: this one must be its LF
      boolean lineFeedSeen = false;
      // semicolons and tabs inside unquoted values, of this line and of the first: the hint of another separator
      int semicolons = 0;
      int tabs = 0;
      int firstSemicolons = 0;
      int firstTabs = 0;
      int expected = width;
      while (true) {
        if (position == limit) {
          limit = Math.max(read(file, in, buffer), 0);
          position = 0;
        }
        if (state <= UNQUOTED && !carriageReturn && utf8Pending == 0) {
          // A run of plain bytes of an unquoted value, copied at once: byte by byte through the state machine
          // below, a numeric table took a third longer to load.
          int from = position;
          while (position < limit && plain(buffer[position])) {
            position++;
          }
          int run = position - from;
          if (run > 0) {
            while (length + run > field.length) {
              field = grow(file, line, column, field);
            }
            System.arraycopy(buffer, from, field, length, run);
            length += run;
            offset += run;
            state = UNQUOTED;
            if (position == limit) {
              continue;
            }
          }
        }
        int c = position < limit ? buffer[position++] & 0xff : -1;
        offset++;
        if (c >= 0x80 || utf8Pending > 0) {
          if (utf8Pending == 0) {
            utf8Lead = offset - 1;
          }
          utf8Pending = utf8(file, line, utf8Lead, c, utf8Pending);
        }
        if (carriageReturn) {
          carriageReturn = false;
          if (c >= 0 && c != '\n') { // a CR at the very end of the file ends its last line, as a LF would
            throw loneCarriageReturn(file, line, column, lineFeedSeen);
          }
        }
        if (state == QUOTE_IN_QUOTED) {
          if (c == '"') {
            field = append(file, line, column, field, length++, c);
            state = QUOTED;
            continue;
          }
          state = AFTER_QUOTE;
        }
        if (state == QUOTED) {
          if (c == '"') {
            state = QUOTE_IN_QUOTED;
          } else if (c == '\n' || c == '\r') {
            throw new IOException(file + ": line " + line + ", column " + column + ": a quoted field runs to the end "
                + "of the line: its closing quote is missing, or it holds a line break, which a field here cannot");
          } else if (c < 0) {
            throw new IOException(file + ": line " + line + ", column " + column + ": the file ends inside a quoted "
                + "field: its closing quote is missing");
          } else {
            control(file, line, column, c);
            field = append(file, line, column, field, length++, c);
          }
          continue;
        }
        if (c == '\r') { // kept out of the field: CRLF ends a line as LF does
          carriageReturn = true;
          continue;
        }
        if (c == ',' || c == '\n' || c < 0) {
          if (column == 0 && state == START && c != ',') { // a blank line, or the end after the last line's LF
            if (c < 0) {
              break;
            }
            line++;
            lineFeedSeen = true;
            semicolons = 0;
            tabs = 0;
            continue;
          }
          if (state == UNQUOTED) { // which began with a byte other than a space or tab, so this stops there
            while (field[length - 1] == ' ' || field[length - 1] == '\t') {
              length--;
            }
          }
          if (!skipHeader && (expected < 0 || column < expected)) {
            sink.field(rows, column, field, length, line);
          }
          firstUnnamed |= skipHeader && column == 0 && length == 0;
          column++;
          length = 0;
          state = START;
          if (c != ',') {
            if (expected < 0) {
              expected = column;
              firstSemicolons = semicolons;
              firstTabs = tabs;
              if (expected < 2) {
                throw new IOException(file + ": needs at least two columns (features and a label), found "
                    + expected + " on line " + line + separatorHint(semicolons, tabs));
              }
            } else if (column != expected) {
              throw new IOException(file + ": line " + line + " has " + column + " fields but the first line has "
                  + expected + separatorHint(semicolons + firstSemicolons, tabs + firstTabs));
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
            line++;
            lineFeedSeen |= c == '\n';
            semicolons = 0;
            tabs = 0;
          }
          if (c < 0) {
            break;
          }
          continue;
        }
        control(file, line, column, c);
        if (state == AFTER_QUOTE) {
          if (c != ' ' && c != '\t') {
            throw new IOException(file + ": line " + line + ", column " + column + ": text after the closing quote "
                + "of a quoted field (a quote inside one is written twice: \"\")"
                + separatorHint(c == ';' ? 1 : 0, 0));
          }
        } else if (state == START && (c == ' ' || c == '\t')) {
          // spaces and tabs before a value are not part of it
        } else if (state == START && c == '"') {
          state = QUOTED;
        } else {
          // in an unquoted value a quote is an ordinary character, as in the spreadsheets' and R's readers
          state = UNQUOTED;
          field = append(file, line, column, field, length++, c);
          semicolons += c == ';' ? 1 : 0;
          tabs += c == '\t' ? 1 : 0;
        }
      }
      return new Scan(Math.max(expected, 0), rows, null, firstUnnamed);
    }
  }

  /** The file, opened to read; an error opening it names it (see {@link #unreadable}). */
  private static InputStream open(Path file) throws IOException {
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  /** The first bytes of the file, as many as a byte order mark has (fewer in a shorter file). */
  private static byte[] readStart(Path file, InputStream in) throws IOException {
    try {
      return in.readNBytes(BYTE_ORDER_MARK.length);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  /** The next bytes of the file into {@code buffer}: how many, or −1 at its end. */
  private static int read(Path file, InputStream in, byte[] buffer) throws IOException {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  /**
   * An error of the file system opening or reading {@code file} as one naming it, the cause in words: a read error
   * comes without a path ({@code /proc/self/mem} gave "Input/output error" alone), and Java's own reasons are not the
   * user's ("Too many levels of symbolic links or unable to access attributes of symbolic link"). Missing and
   * forbidden files stay of their own types, which callers word ("no such file", "permission denied").
   */
  private static IOException unreadable(Path file, IOException e) {
    String name = file.toString();
    if (e instanceof NoSuchFileException) {
      return (IOException) new NoSuchFileException(name, null, "no such file").initCause(e);
    }
    if (e instanceof AccessDeniedException) {
      return (IOException) new AccessDeniedException(name, null, "permission denied").initCause(e);
    }
    String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    if (reason != null && reason.startsWith("Too many levels of symbolic links")) { // ELOOP
      reason = "a symbolic link loop (too many levels of symbolic links)";
    } else if (reason == null || reason.isBlank()) {
      reason = e instanceof NotDirectoryException ? "a part of its path is not a directory" : "an input/output error";
    }
    return (IOException) new FileSystemException(name, null, "cannot be read: " + reason).initCause(e);
  }

  /**
   * Whether a byte of an unquoted value needs nothing of the state machine: printable ASCII other than the comma, the
   * quote (which opens a quoted field at the start of one) and the semicolon (counted for a hint).
   */
  private static boolean plain(byte b) {
    return b > ' ' && b < 0x7f && b != ',' && b != '"' && b != ';';
  }

  /** {@code field} with {@code c} at {@code length}, grown when full (the same array while it has room). */
  private static byte[] append(Path file, int line, int column, byte[] field, int length, int c) throws IOException {
    if (length == field.length) {
      field = grow(file, line, column, field);
    }
    field[length] = (byte) c;
    return field;
  }

  /** A full field's bytes in an array twice as long; a field past {@link #MAX_FIELD} bytes is refused. */
  private static byte[] grow(Path file, int line, int column, byte[] field) throws IOException {
    if (field.length >= MAX_FIELD) {
      throw new IOException(file + ": line " + line + ", column " + column + ": a field longer than " + MAX_FIELD
          + " bytes; this is not a numeric table");
    }
    return Arrays.copyOf(field, 2 * field.length);
  }

  /**
   * Refuses a control character other than the tab: no table value holds one, and {@code String.trim()} dropped one at
   * either end of a value unseen (0.\0 was read as 0.0). A NUL in every other byte is the mark of UTF-16 text.
   */
  private static void control(Path file, int line, int column, int c) throws IOException {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      throw new IOException(file + ": line " + line + ", column " + column + ": a field holds the control character "
          + String.format("U+%04X", c) + ", which no value in a table has; is the file text (UTF-8, not UTF-16 or "
          + "binary)?");
    }
  }

  private static IOException loneCarriageReturn(Path file, int line, int column, boolean lineFeedSeen) {
    if (!lineFeedSeen) { // no line has ended with LF yet: the whole file's lines end with CR, as classic Mac OS wrote
      return new IOException(file + ": line " + line + " ends with a carriage return (\\r) alone: the lines of this "
          + "file end with CR alone, as on classic Mac OS; convert its line endings to LF or CRLF");
    }
    return new IOException(file + ": line " + line + ", column " + column + ": a carriage return (\\r) not followed "
        + "by a line feed; lines end with LF or CRLF, and no field holds a CR");
  }

  /**
   * Why a table has too few or uneven fields when its lines hold semicolons or tabs, as spreadsheets write where the
   * decimal mark is a comma (1,5;2,3); "" otherwise.
   */
  private static String separatorHint(int semicolons, int tabs) {
    if (semicolons == 0 && tabs == 0) {
      return "";
    }
    return semicolons >= tabs ? "; the file looks separated by ';' (semicolons, with decimal commas such as 1,5?), "
        + "but this reader takes commas between fields and points in numbers (1.5): save it as comma-separated"
        : "; the file looks separated by tabs, but this reader takes commas between fields: save it as "
        + "comma-separated";
  }

  /**
   * One step of UTF-8 validation: the continuation bytes still expected after byte {@code c}, which belongs to the
   * character starting at byte {@code offset}; above the low byte, the lead byte while its first continuation byte is
   * expected. That byte's range depends on the lead (RFC 3629): E0 and F0 take no overlong form, ED no surrogate, F4
   * nothing past U+10FFFF. Such sequences decoded to U+FFFD, so that two labels written in them were one class.
   */
  private static int utf8(Path file, int line, long offset, int c, int pending) throws IOException {
    int lead = pending >> 8;
    if (pending > 0) {
      int low = lead == 0xe0 ? 0xa0 : lead == 0xf0 ? 0x90 : 0x80;
      int high = lead == 0xed ? 0x9f : lead == 0xf4 ? 0x8f : 0xbf;
      if (c >= low && c <= high) {
        return (pending & 0xff) - 1;
      }
    } else if (c >= 0xc2 && c <= 0xdf) {
      return 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      return c << 8 | 2;
    } else if (c >= 0xf0 && c <= 0xf4) {
      return c << 8 | 3;
    }
    throw new IOException(file + ": line " + line + ", byte offset " + offset + ": not UTF-8 ("
        + (c < 0 ? "the file ends inside a character"
            : pending > 0 && lead > 0 && c >= 0x80 && c <= 0xbf ? String.format(Locale.ROOT, "byte 0x%02x after "
                + "0x%02x encodes no character: a surrogate, an overlong form or past U+10FFFF", c, lead)
            : pending > 0 ? String.format(Locale.ROOT, "byte 0x%02x is not a continuation byte", c)
            : String.format(Locale.ROOT, "byte 0x%02x", c))
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
    String subject = String.format(Locale.ROOT, "%s: %,d rows of %d values", file, rows, columns);
    if ((long) rows * columns > Integer.MAX_VALUE - 8) {
      throw new IOException(String.format(Locale.ROOT, "%s are %,d values, more than one Java array holds "
          + "(%,d)", subject, (long) rows * columns, Integer.MAX_VALUE - 8));
    }
    Heap.require(subject, bytes);
  }

  /**
   * The heap a row of {@code n} floats takes as an array of its own: its header and values, padded to 8 bytes, and
   * the reference to it: more than its values for a narrow table, as a row of one feature and one of one target take
   * 64 bytes for 8 of values.
   */
  private static long rowBytes(int n) {
    return (16 + 4L * n + 7) / 8 * 8 + 8;
  }

  /** Whether {@code b[0, length)} is only spaces and tabs, or nothing. */
  private static boolean blank(byte[] b, int length) {
    return firstNonBlank(b, length) == length;
  }

  /** The field as a whole number in [0, 255] (spaces and tabs around it allowed), or −1. */
  private static int wholeByte(byte[] b, int length) {
    int from = firstNonBlank(b, length);
    return wholeByte(b, from, endNonBlank(b, from, length));
  }

  /** Where b[0, length) starts once the spaces and tabs in front are passed (length if it holds nothing else). */
  private static int firstNonBlank(byte[] b, int length) {
    int from = 0;
    while (from < length && (b[from] == ' ' || b[from] == '\t')) {
      from++;
    }
    return from;
  }

  /** Where b[from, length) ends once the spaces and tabs at its end are dropped. */
  private static int endNonBlank(byte[] b, int from, int length) {
    int to = length;
    while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
      to--;
    }
    return to;
  }

  /** {@code b[from, to)} as a whole number in [0, 255], or −1. */
  private static int wholeByte(byte[] b, int from, int to) {
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

  /**
   * The field as a float: a CSV number, that is an optional sign, digits with an optional decimal point (digits on
   * either side of it, or both), and an optional exponent (e or E, an optional sign, digits); spaces and tabs around it
   * allowed. Refused: what Java's parser alone takes (1.5f, 1.5d, 0x1p3), and NaN, infinities and numbers beyond the
   * float range, which are not finite. A number below the float range is read as 0, the nearest float.
   */
  private static float number(Path file, int line, int column, byte[] b, int length) throws IOException {
    int from = firstNonBlank(b, length);
    int to = endNonBlank(b, from, length);
    int whole = wholeByte(b, from, to);
    if (whole >= 0) {
      return whole;
    }
    float v = decimal(b, from, to);
    if (Float.isNaN(v)) {
      throw notANumber(file, line, column, new String(b, from, to - from, StandardCharsets.UTF_8));
    }
    if (Float.isInfinite(v)) {
      throw new IOException(file + ": line " + line + ", column " + column + ": '"
          + printable(new String(b, from, to - from, StandardCharsets.ISO_8859_1)) + "' is not a finite number (beyond "
          + "the float range, ±3.4e38)");
    }
    return v;
  }

  /** Names a field that is not a CSV number, with what it may be instead: a header, or fields split otherwise. */
  private static IOException notANumber(Path file, int line, int column, String text) {
    String what = text.matches("(?i)[+-]?(nan|inf|infinity)") ? "is not a finite number"
        : text.matches("[+-]?\\.?[0-9].*") // number-like, as Java's 1.5f or 0x1p3: say what a number is
        ? "is not a number (one is written as 7, -2.5, .5 or 1e-3; Java's forms 1.5f, 1.5d and 0x1p3 are not)"
        : "is not a number";
    String hint = text.indexOf(';') >= 0 || text.indexOf('\t') >= 0
        ? separatorHint(text.indexOf(';') >= 0 ? 1 : 0, text.indexOf('\t') >= 0 ? 1 : 0)
        : line == 1 ? "; a first line of column names is skipped only when the file is read as having a header "
        + "(train's --header)" : "";
    return new IOException(file + ": line " + line + ", column " + column + ": '" + printable(text) + "' " + what
        + hint);
  }

  /** Powers of ten that a float holds exactly, 5^10 being below 2^24. */
  private static final float[] EXACT_TENS = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

  /**
   * {@code b[from, to)} as a CSV number (see {@link #number}) rounded to the nearest float, ±infinity beyond the float
   * range, or NaN when it is not one. Validated and, mostly, read in one pass: a mantissa of at most seven digits
   * times or over a power of ten up to 10^10 is two exact floats, so one float operation rounds it correctly, as
   * Java's parser does by the same path (Clinger's); any other number goes to Java's parser, through a String. (A
   * pass to validate, then Java's parser on a String of each value, made loading a table a quarter slower.)
   */
  static float decimal(byte[] b, int from, int to) {
    int i = from;
    boolean negative = i < to && b[i] == '-';
    if (i < to && (b[i] == '+' || b[i] == '-')) {
      i++;
    }
    long mantissa = 0;
    boolean small = true; // the mantissa, all its digits, is below 10^7
    int digits = 0;
    int scale = 0;
    for (; i < to && b[i] >= '0' && b[i] <= '9'; i++, digits++) {
      mantissa = 10 * mantissa + (b[i] - '0');
      small &= mantissa < 10_000_000;
      mantissa = small ? mantissa : 0;
    }
    if (i < to && b[i] == '.') {
      for (i++; i < to && b[i] >= '0' && b[i] <= '9'; i++, digits++, scale++) {
        mantissa = 10 * mantissa + (b[i] - '0');
        small &= mantissa < 10_000_000;
        mantissa = small ? mantissa : 0;
      }
    }
    if (digits == 0) {
      return Float.NaN;
    }
    int exponent = 0;
    if (i < to && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      boolean negativeExponent = i < to && b[i] == '-';
      if (i < to && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int start = i;
      for (; i < to && b[i] >= '0' && b[i] <= '9'; i++) {
        exponent = Math.min(10 * exponent + (b[i] - '0'), 1_000_000); // far past the float range either way
      }
      if (i == start) {
        return Float.NaN;
      }
      exponent = negativeExponent ? -exponent : exponent;
    }
    if (i != to) {
      return Float.NaN;
    }
    int power = exponent - scale;
    if (small && power >= -10 && power <= 10) {
      float v = power < 0 ? mantissa / EXACT_TENS[-power] : mantissa * EXACT_TENS[power];
      return negative ? -v : v;
    }
    return Float.parseFloat(new String(b, from, to - from, StandardCharsets.ISO_8859_1)); // ASCII, so a mere copy
  }

  /**
   * The text with its control and invisible format characters (a byte order mark, a zero-width space) escaped, as
   * \t, \r, \n, else a backslash, u and four hex digits: a message never carries one raw, and shows where one is.
   * Cut as an {@link Excerpt}: a message quoted fields of up to 64 KiB whole, some of them at once.
   */
  static String printable(String value) {
    String text = Excerpt.of(value);
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        if (out == null) {
          out = new StringBuilder(text.substring(0, i));
        }
        out.append(c == '\t' ? "\\t" : c == '\r' ? "\\r" : c == '\n' ? "\\n" : String.format("\\u%04X", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /**
   * Refuses the one label that is not a number in a column whose every other label is: it is a missing value written
   * as a word (NaN, NA, ?), which would otherwise become a class of its own; named where it is first seen.
   */
  private static void missingLabel(Path file, int column, List<String> distinct, int[] seenOn) throws IOException {
    int word = -1;
    for (int i = 0; i < distinct.size(); i++) {
      byte[] b = distinct.get(i).getBytes(StandardCharsets.UTF_8);
      if (Float.isNaN(decimal(b, 0, b.length))) {
        if (word >= 0) {
          return; // two words: the labels are names, whatever the others are
        }
        word = i;
      }
    }
    if (word >= 0 && distinct.size() > 1) {
      throw new IOException(file + ": line " + seenOn[word] + ", column " + column + ": the label '"
          + printable(distinct.get(word)) + "' is a missing value, as every other label is a number");
    }
  }

  /** The class of each distinct label (by its place in the order first seen), and the classes' names in order. */
  private record Classes(int[] of, List<String> names) {}

  /**
   * The classes of the distinct labels {@code raw}, in the order first seen. Labels that are all numbers are classes
   * by value, compared exactly (as decimals, not floats, which would make 0.1 and 0.10000000149 one class): "1" and
   * "1.0" had been two classes, and labels 1..11 were ordered as text (1, 10, 11, 2, ...). A class is named by its
   * first spelling, so that a file whose labels are all written alike keeps the names a model trained on it knows.
   * Other labels are sorted as text.
   */
  private static Classes classes(Path file, int column, List<String> raw, int[] seenOn) throws IOException {
    int[] of = new int[raw.size()];
    List<String> names = new ArrayList<>();
    Value[] values = values(file, column, raw, seenOn);
    if (values != null) {
      TreeMap<Value, Integer> classOf = new TreeMap<>(); // by value, under which 1 and 1.0 are equal
      for (int i = 0; i < values.length; i++) {
        classOf.putIfAbsent(values[i], i); // for now, where the value is first spelt
      }
      for (Map.Entry<Value, Integer> e : classOf.entrySet()) {
        names.add(raw.get(e.getValue()));
        e.setValue(names.size() - 1);
      }
      for (int i = 0; i < values.length; i++) {
        of[i] = classOf.get(values[i]);
      }
      return new Classes(of, names);
    }
    names.addAll(new TreeSet<>(raw));
    // each label's place in the sorted classes by a map: a search of the list for each is quadratic in the classes
    Map<String, Integer> place = new HashMap<>();
    for (int c = 0; c < names.size(); c++) {
      place.put(names.get(c), c);
    }
    for (int i = 0; i < of.length; i++) {
      of[i] = place.get(raw.get(i));
    }
    return new Classes(of, names);
  }

  /**
   * The labels' exact values when every one is a CSV number, else null. A number whose exponent is past an int's range
   * (1e3000000000) has no exact value to be a class by, and is refused where it is first seen: taking the column for
   * names instead would make 3 and 3.0 two classes without a word.
   */
  private static Value[] values(Path file, int column, List<String> raw, int[] seenOn) throws IOException {
    Value[] values = new Value[raw.size()];
    for (int i = 0; i < values.length; i++) {
      byte[] b = raw.get(i).getBytes(StandardCharsets.UTF_8);
      if (Float.isNaN(decimal(b, 0, b.length))) {
        return null;
      }
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = Value.of(raw.get(i));
      if (values[i] == null) {
        throw new IOException(file + ": line " + seenOn[i] + ", column " + column + ": the label '"
            + printable(raw.get(i)) + "' is a number whose exponent is out of range (beyond ±2147483647), so it "
            + "names no class the other labels, all numbers, can be compared with");
      }
    }
    return values;
  }

  /**
   * A CSV number's exact value: its sign, its significant digits (no zero first or last) and where they stand, the
   * value being 0.digits × 10^exponent (zero: sign 0, no digits). Equal values are equal records, whatever their
   * spelling (1, 1.0, 10e-1), and they order as the numbers do. Read in one pass over the text: BigDecimal, which held
   * them before, reads a number of n digits in time n² (a 64 KiB label took 55 ms, and a column of such labels
   * minutes).
   */
  private record Value(int sign, String digits, long exponent) implements Comparable<Value> {
    /**
     * The value of {@code text}, a CSV number; null when its exponent, or its scale (the digits after the point less
     * the exponent), is past an int's range, which BigDecimal refused, and so did this reader with it.
     */
    static Value of(String text) {
      int i = 0;
      boolean negative = text.charAt(0) == '-';
      if (text.charAt(0) == '-' || text.charAt(0) == '+') {
        i++;
      }
      StringBuilder all = new StringBuilder();
      long fraction = 0;
      boolean point = false;
      for (; i < text.length() && text.charAt(i) != 'e' && text.charAt(i) != 'E'; i++) {
        if (text.charAt(i) == '.') {
          point = true;
        } else {
          all.append(text.charAt(i));
          fraction += point ? 1 : 0;
        }
      }
      long exponent = 0;
      if (i < text.length()) { // as BigDecimal reads one: at most 10 digits after its zeros, within an int
        boolean negativeExponent = text.charAt(i + 1) == '-';
        int from = i + (text.charAt(i + 1) == '-' || text.charAt(i + 1) == '+' ? 2 : 1);
        while (from < text.length() - 1 && text.charAt(from) == '0') {
          from++;
        }
        if (text.length() - from > 10) {
          return null;
        }
        exponent = Long.parseLong(text.substring(from));
        exponent = negativeExponent ? -exponent : exponent;
        if ((int) exponent != exponent || (int) (fraction - exponent) != fraction - exponent) {
          return null;
        }
      }
      int first = 0;
      while (first < all.length() && all.charAt(first) == '0') {
        first++;
      }
      int last = all.length();
      while (last > first && all.charAt(last - 1) == '0') {
        last--;
      }
      if (first == last) {
        return new Value(0, "", 0);
      }
      // all × 10^−scale, scale = fraction − exponent: its leading digit stands at (all.length() − first) − scale
      long scale = fraction - exponent;
      return new Value(negative ? -1 : 1, all.substring(first, last), all.length() - first - scale);
    }

    @Override
    public int compareTo(Value o) {
      if (sign != o.sign || sign == 0) {
        return Integer.compare(sign, o.sign);
      }
      int magnitude = exponent != o.exponent ? Long.compare(exponent, o.exponent) : digits.compareTo(o.digits);
      return sign * magnitude;
    }
  }

  /**
   * Refuses a label column of one class, which trains a one-output softmax to a loss of 0 and an accuracy of 1 on
   * anything; and one giving every sample (three or more) a class of its own, which is a continuous column (a
   * feature, a target or a row number), not a label: it made as many classes as rows, and nothing to learn.
   */
  private static void refuseClassCount(Path file, int column, int rows, List<String> classes, List<String> raw)
      throws IOException {
    if (classes.size() == 1) {
      String spellings = raw.size() == 1 ? "" : " (written " + quoted(raw, 5) + ")";
      throw new IOException(file + ": every label in column " + column + ", the label column, is '"
          + printable(classes.get(0)) + "'" + spellings + ": classification needs at least two classes; is the "
          + "label in another column (--label-column)?");
    }
    if (rows >= 3 && classes.size() == rows) {
      throw new IOException(String.format(Locale.ROOT, "%s: column %d, the label column, gives each of the %,d samples "
          + "a label of its own (%s): it looks continuous (or an identifier), a feature or a target rather than a "
          + "class; give the label's column with --label-column", file, column, rows, quoted(raw, 3)));
    }
  }

  /** The first {@code count} labels, quoted and printable, with an ellipsis when there are more. */
  private static String quoted(List<String> labels, int count) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(count, labels.size()); i++) {
      out.append(i == 0 ? "'" : ", '").append(printable(labels.get(i))).append('\'');
    }
    return out.append(labels.size() > count ? ", ..." : "").toString();
  }
}
