package org.delta4j.engine;

/**
 * A strided 2-D window into a tensor's elements in row-major (flat) order, for {@link Kernels#copyWindow}: element
 * (i, j) of the window, 0 ≤ i &lt; rows, 0 ≤ j &lt; columns, is the tensor's flat element
 * offset + i·rowStride + j·columnStride. A whole [m, n] matrix is {@code dense(0, m, n)}; row r of it is
 * {@code dense(r·n, 1, n)}; columns c..c+k of it are {@code new Window(c, m, k, n, 1)}; its transpose is
 * {@code new Window(0, n, m, 1, n)}. A stride of 0 repeats elements (allowed when reading only). Immutable.
 *
 * @param offset flat index of element (0, 0), ≥ 0
 * @param rows number of rows, ≥ 1
 * @param columns number of columns, ≥ 1
 * @param rowStride flat distance from (i, j) to (i + 1, j), ≥ 0
 * @param columnStride flat distance from (i, j) to (i, j + 1), ≥ 0
 */
public record Window(long offset, int rows, int columns, long rowStride, long columnStride) {
  /** Fails on a negative offset or stride, on an empty window, or on one whose last index passes 2⁶³ − 1. */
  public Window {
    if (offset < 0 || rows < 1 || columns < 1 || rowStride < 0 || columnStride < 0) {
      throw new IllegalArgumentException("window offset " + offset + ", " + rows + "×" + columns + ", strides ("
          + rowStride + ", " + columnStride + "): need offset ≥ 0, rows and columns ≥ 1, strides ≥ 0");
    }
    // Checked once here, so that index() and last() cannot wrap around to an index that looks inside a tensor
    try {
      Math.addExact(offset, Math.addExact(Math.multiplyExact(rows - 1, rowStride),
          Math.multiplyExact(columns - 1, columnStride)));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("window offset " + offset + ", " + rows + "×" + columns + ", strides ("
          + rowStride + ", " + columnStride + "): its last element lies past index " + Long.MAX_VALUE);
    }
  }

  /** rows × columns elements stored one row after another from {@code offset}: strides (columns, 1). */
  public static Window dense(long offset, int rows, int columns) {
    return new Window(offset, rows, columns, columns, 1);
  }

  /** The flat index of element (i, j). */
  public long index(int i, int j) {
    return offset + i * rowStride + j * columnStride;
  }

  /** The largest flat index the window touches. */
  public long last() {
    return index(rows - 1, columns - 1);
  }

  /**
   * Whether no two elements of the window share a flat index, as a destination needs: true for windows nested like a
   * row-major or a column-major matrix (every layout above), which is all this checks.
   */
  public boolean distinct() {
    boolean rowMajor = (columns == 1 || columnStride >= 1) && (rows == 1 || rowStride >= (columns - 1) * columnStride + 1);
    boolean columnMajor = (rows == 1 || rowStride >= 1) && (columns == 1 || columnStride >= (rows - 1) * rowStride + 1);
    return rowMajor || columnMajor;
  }

  @Override
  public String toString() {
    return "window at " + offset + " of " + rows + "×" + columns + " with strides (" + rowStride + ", " + columnStride
        + ")";
  }
}
