package org.delta4j.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.delta4j.data.ArrayDataset;
import org.delta4j.tensor.Shape;

/**
 * Reads comma-separated numeric tables into datasets: one sample per line, an optional header line, one column holding
 * the label (classification) or some columns holding the targets (regression), every other column a feature. Labels
 * that are all integers 0..K−1 are used as they are; otherwise the distinct label strings, sorted, become the classes.
 * A malformed line — a wrong number of fields, a value that is not a finite number — is an {@link IOException} naming
 * the file, the line and the column. Blank lines are skipped.
 */
public final class CsvReader {
  private CsvReader() {}

  /** A classification dataset; {@code labelColumn} counts from 0, and −1 means the last column. */
  public static ArrayDataset classification(Path file, int labelColumn, boolean header) throws IOException {
    Table t = parse(file, header);
    int label = resolve(file, t, labelColumn);
    int rows = t.rows.size();
    int features = t.width - 1;
    float[] x = new float[rows * features];
    String[] raw = new String[rows];
    for (int r = 0; r < rows; r++) {
      String[] f = t.rows.get(r);
      raw[r] = f[label].trim();
      int k = 0;
      for (int c = 0; c < t.width; c++) {
        if (c != label) {
          x[r * features + k++] = number(file, t.lines.get(r), c, f[c]);
        }
      }
    }
    List<String> classes = classes(raw);
    int[] y = new int[rows];
    for (int r = 0; r < rows; r++) {
      y[r] = classes.indexOf(raw[r]);
    }
    return ArrayDataset.classification(x, Shape.of(features), y, classes.size(), classes);
  }

  /** A regression dataset whose targets are the given columns (from 0), in that order. */
  public static ArrayDataset regression(Path file, int[] targetColumns, boolean header) throws IOException {
    Table t = parse(file, header);
    boolean[] isTarget = new boolean[t.width];
    for (int c : targetColumns) {
      isTarget[resolve(file, t, c)] = true;
    }
    int rows = t.rows.size();
    float[][] x = new float[rows][t.width - targetColumns.length];
    float[][] y = new float[rows][targetColumns.length];
    for (int r = 0; r < rows; r++) {
      String[] f = t.rows.get(r);
      int k = 0;
      for (int c = 0; c < t.width; c++) {
        if (!isTarget[c]) {
          x[r][k++] = number(file, t.lines.get(r), c, f[c]);
        }
      }
      for (int j = 0; j < targetColumns.length; j++) {
        int c = resolve(file, t, targetColumns[j]);
        y[r][j] = number(file, t.lines.get(r), c, f[c]);
      }
    }
    return ArrayDataset.regression(x, y);
  }

  private record Table(int width, List<String[]> rows, List<Integer> lines) {}

  private static Table parse(Path file, boolean header) throws IOException {
    List<String[]> rows = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    int width = -1;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      boolean skipHeader = header;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(",", -1);
        if (width < 0) {
          width = fields.length;
        } else if (fields.length != width) {
          throw new IOException(file + ": line " + number + " has " + fields.length + " fields but the first line has "
              + width);
        }
        if (skipHeader) {
          skipHeader = false;
          continue;
        }
        rows.add(fields);
        lines.add(number);
      }
    }
    if (rows.isEmpty()) {
      throw new IOException(file + ": no data rows");
    }
    if (width < 2) {
      throw new IOException(file + ": needs at least two columns (features and a label), found " + width);
    }
    return new Table(width, rows, lines);
  }

  private static int resolve(Path file, Table t, int column) throws IOException {
    int c = column < 0 ? t.width + column : column;
    if (c < 0 || c >= t.width) {
      throw new IOException(file + ": column " + column + " does not exist; the table has " + t.width + " columns");
    }
    return c;
  }

  private static float number(Path file, int line, int column, String text) throws IOException {
    try {
      float v = Float.parseFloat(text.trim());
      if (Float.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IOException(file + ": line " + line + ", column " + column + ": '" + text
        + "' is not a finite number");
  }

  private static List<String> classes(String[] raw) {
    TreeSet<String> distinct = new TreeSet<>(java.util.Arrays.asList(raw));
    boolean integers = distinct.stream().allMatch(s -> s.matches("\\d+"));
    if (integers) {
      int max = distinct.stream().mapToInt(Integer::parseInt).max().orElse(0);
      if (max < 10_000 && distinct.size() == max + 1) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
          names.add(String.valueOf(i));
        }
        return names;
      }
    }
    return new ArrayList<>(distinct);
  }
}
